-- Raw LaTeX in a Markdown manuscript, made into something every edition shows.
--
-- Pandoc's Markdown reader keeps `\emph{word}`, `\newpage` or a LaTeX
-- environment as raw TeX, which its HTML writer then leaves out, words and all.
-- Here:
--   * `\newpage`, `\pagebreak`, `\clearpage` and `\cleardoublepage` become an
--     empty element of class `page-break` (`page-break recto` for the last, which
--     breaks to a recto), which the print stylesheet breaks the page before and the
--     screen editions do not show;
--   * anything Pandoc's LaTeX reader understands entirely (`\emph`, `\textbf`,
--     `\textsc`, `\url`, `\href`, `\footnote`, environments it knows…) becomes
--     what that reader makes of it;
--   * macro definitions (`\newcommand`, `\renewcommand`, `\DeclareMathOperator`,
--     `\newenvironment`, `\renewenvironment`) are taken out: Pandoc's Markdown reader has already
--     applied them to the text (its `latex_macros` extension);
--   * the rest is left raw: the writer leaves it out and logs it as not
--     rendered, and the toolchain turns that record into a warning with the
--     line it is on. The same goes for raw blocks of other formats. Citations
--     (`\cite`) stay raw too: citeproc has run before this filter.

local PAGE_BREAKS = {
  newpage = true,
  pagebreak = true,
  clearpage = true,
  cleardoublepage = true,
}

local APPLIED_DEFINITIONS = {
  newcommand = true,
  renewcommand = true,
  DeclareMathOperator = true,
  newenvironment = true,
  renewenvironment = true,
}

local function is_tex(format)
  return format == 'tex' or format == 'latex'
end

-- The attributes of the element a page break becomes, when the text is one: `\newpage` alone, or
-- `\pagebreak[4]` with LaTeX's optional urgency; `\cleardoublepage` breaks to a recto, as in LaTeX.
local function page_break(text)
  local name = text:match('^%s*\\(%a+)%s*$') or text:match('^%s*\\(%a+)%s*%[%d%]%s*$')
  if name == nil or not PAGE_BREAKS[name] then
    return nil
  end
  return { class = name == 'cleardoublepage' and 'page-break recto' or 'page-break' }
end

-- What the LaTeX reader makes of the text, or nil when it does not understand
-- all of it (it keeps what it does not know as raw TeX) or finds nothing in it.
local function read_tex(text)
  local ok, document = pcall(pandoc.read, text, 'latex+raw_tex')
  if not ok or #document.blocks == 0 then
    return nil
  end
  local understood = true
  local function not_understood()
    understood = false
  end
  document:walk { RawInline = not_understood, RawBlock = not_understood }
  if not understood then
    return nil
  end
  return document.blocks
end


local function raw_block(raw)
  if not is_tex(raw.format) then
    return nil
  end
  local break_attributes = page_break(raw.text)
  if break_attributes then
    return pandoc.Div({}, break_attributes)
  end
  if APPLIED_DEFINITIONS[raw.text:match('^%s*\\(%a+)')] then
    return {}
  end
  return read_tex(raw.text)
end

local function raw_inline(raw)
  if not is_tex(raw.format) then
    return nil
  end
  local break_attributes = page_break(raw.text)
  if break_attributes then
    return pandoc.Span({}, break_attributes)
  end
  local blocks = read_tex(raw.text)
  if blocks == nil then
    return nil
  end
  return pandoc.utils.blocks_to_inlines(blocks)
end

-- What the text can hold (press.pandoc.SOURCE_MARKS): without raw TeX, nothing to walk for (each
-- walk costs a long book a fraction of a second); without the toolchain's word, anything.
local has_raw_tex = true

return {
  {
    Meta = function(meta)
      has_raw_tex = meta['press-has-raw-tex'] ~= false
    end,
  },
  {
    Pandoc = function(doc)
      return has_raw_tex and doc:walk { RawBlock = raw_block, RawInline = raw_inline } or nil
    end,
  },
}
