-- Cross-references to figures, tables, equations, code listings and sections, numbered and linked.
--
-- Both common spellings are read:
--   pandoc-crossref  ![Map](map.png){#fig:map}   Table: Results {#tbl:results}
--                    $$ e^{i\pi} + 1 = 0 $$ {#eq:euler}   # Methods {#sec:methods}
--                    ```{#lst:main caption="The main loop"}   @lst:main
--                    @fig:map   [@fig:map; @fig:plan]   [-@eq:euler]   @Fig:map
--   Quarto           {#fig-map}  {#tbl-results}  {#eq-euler}  {#sec-methods}  @fig-map
--                    ```{#lst-main lst-cap="The main loop"}
--   bookdown         ![(\#fig:map) Map](map.png)   Table: (\#tab:results) Results
--                    \begin{equation} … (\#eq:euler) \end{equation}   # Methods {#methods}
--                    \@ref(fig:map)   \@ref(methods)   (ref:map) Words a caption stands for.
--
-- A code listing is a code block labelled `lst`: a figure of class `listing`, its caption
-- from the block's `caption` (or `lst-cap`), from a `::: {#lst:main .listing}` div's first
-- paragraph, or, with pandoc-crossref's `codeBlockCaptions: true`, from a paragraph
-- "Listing: …" (or ": …") just before the block. pandoc-crossref's `autoSectionLabels: true`
-- labels every heading `sec:` and its identifier, so that `@sec:methods` finds `# Methods`.
--
-- Labelled figures, tables and equations are numbered in the order they come;
-- captions start with their label ("Figure 1: "), equations carry their number
-- beside them. Sections are numbered for references, and in their headings when
-- the front matter asks (`number-sections: true` or `crossref: {sections: true}`).
-- Each reference becomes a link: "Figure 2", "Figures 1 and 2", "Equation 3",
-- "3" for [-@eq:id] ("(3)" for LaTeX's \eqref). The words come from the toolchain, in the manuscript's
-- language, as metadata fields press-label-<kind> and press-label-<kind>s.
--
-- A reference after a word naming its kind ("Figure @fig:map", "Figs. @fig:a and @fig:b") is its number
-- alone; pandoc-xnos' marks ({@fig:map}, +@fig:map, *@fig:map, !@fig:map) read as that filter sets them, and
-- the authors' words for references and captions (figPrefix, figureTitle, Quarto's crossref: fig-prefix,
-- fignos-plus-name…) replace the house's (see resolve_inlines).
--
-- bookdown's `\@ref(label)` is the number alone (bookdown's authors write "Figure \@ref(fig:map)"),
-- of a labelled figure, table or equation or of any heading (a chapter's number, a section's); a
-- bookdown table's `tab:` label is the table's `tbl:` identifier. A paragraph starting `(ref:name)`
-- defines the words `(ref:name)` stands for anywhere else (a caption), and is not shown.
--
-- This filter runs before citeproc, which would otherwise take every reference for a
-- citation. A reference to an identifier that does not exist is logged as a warning
-- starting with 'press-crossref unknown', which the toolchain turns into an error
-- with the reference's line and the closest identifiers.

local KINDS = {
  fig = 'figure', tbl = 'table', eq = 'equation', sec = 'section', lst = 'listing',
  thm = 'theorem', lem = 'lemma', cor = 'corollary', prp = 'proposition', cnj = 'conjecture',
  def = 'definition', exm = 'example', exr = 'exercise', hyp = 'hypothesis',
  nte = 'callout_note', tip = 'callout_tip', wrn = 'callout_warning', imp = 'callout_important',
  cau = 'callout_caution',
}
-- Quarto's callouts labelled as their kind (`::: {#tip-tabs .callout-tip}`), numbered each in its own series.
local CALLOUT_KINDS = { nte = 'note', tip = 'tip', wrn = 'warning', imp = 'important', cau = 'caution' }
-- The kinds of theorem-like blocks, each numbered in its own series; and the word of each for several.
local THEOREM_KINDS = {
  thm = true, lem = true, cor = true, prp = true, cnj = true, def = true, exm = true, exr = true, hyp = true,
}
local PLURALS = { corollary = 'corollaries', hypothesis = 'hypotheses' }
-- bookdown's classes for them (`::: {.theorem #pyth}` is labelled `thm:pyth`), and the blocks that take no number.
local THEOREM_CLASSES = {
  theorem = 'thm', lemma = 'lem', corollary = 'cor', proposition = 'prp', conjecture = 'cnj',
  definition = 'def', example = 'exm', exercise = 'exr', hypothesis = 'hyp',
}
local UNNUMBERED_THEOREMS = { 'proof', 'remark', 'solution' }
local LISTING = 'listing'
local MARKER = 'press-crossref unknown'
-- bookdown text references whose words stand, through others, for themselves: the names, the first again last.
local CYCLE_MARKER = 'press-crossref cyclic'
local SEVERAL_LABELS = 'press-crossref several-labels'
-- A reference to what a code cell makes (its figure, its table): only running the code would make it, so
-- it is logged apart, for a warning rather than an error.
local FROM_CODE_MARKER = 'press-crossref from-code'
local SKIPPED_LEVEL = 'press-crossref skipped-level'
local NBSP = '\u{a0}'

local words = {
  figure = 'Figure', figures = 'Figures',
  table = 'Table', tables = 'Tables',
  equation = 'Equation', equations = 'Equations',
  section = 'Section', sections = 'Sections',
  listing = 'Listing', listings = 'Listings',
  theorem = 'Theorem', theorems = 'Theorems', lemma = 'Lemma', lemmas = 'Lemmas',
  corollary = 'Corollary', corollaries = 'Corollaries', proposition = 'Proposition', propositions = 'Propositions',
  conjecture = 'Conjecture', conjectures = 'Conjectures', definition = 'Definition', definitions = 'Definitions',
  example = 'Example', examples = 'Examples', exercise = 'Exercise', exercises = 'Exercises',
  hypothesis = 'Hypothesis', hypotheses = 'Hypotheses',
  proof = 'Proof', remark = 'Remark', solution = 'Solution',
  callout_note = 'Note', callout_tip = 'Tip', callout_warning = 'Warning', callout_important = 'Important',
  callout_caution = 'Caution',
  ['and'] = 'and',
  -- A book's divisions, whose words before a reference to a heading name it ("Chapter @sec:data").
  chapter = 'Chapter', appendix = 'Appendix', part = 'Part',
}
-- The house's words, before the manuscript's language replaces them: an English name before a
-- reference ("Figure @fig:map") is read as its label whatever the language.
local ENGLISH = {}
for key, value in pairs(words) do
  ENGLISH[key] = value
end
-- The author's own words, from the settings of pandoc-crossref (figPrefix: [fig., figs.], figureTitle),
-- Quarto (crossref: {fig-prefix: Fig., fig-title: Fig.}) and pandoc-xnos (fignos-plus-name,
-- fignos-star-name, fignos-caption-name): reference_words[kind] = { singular, plural } names a
-- reference ("" for its number alone), star_words[kind] a reference at a sentence's start (xnos'
-- *@fig:map), caption_words[kind] a caption.
local AUTHOR_SETTINGS = {
  fig = { prefix = { 'figPrefix', 'fig-prefix', 'fignos-plus-name' }, star = 'fignos-star-name',
    title = { 'figureTitle', 'fig-title', 'fignos-caption-name' } },
  tbl = { prefix = { 'tblPrefix', 'tbl-prefix', 'tablenos-plus-name' }, star = 'tablenos-star-name',
    title = { 'tableTitle', 'tbl-title', 'tablenos-caption-name' } },
  eq = { prefix = { 'eqnPrefix', 'eq-prefix', 'eqnos-plus-name' }, star = 'eqnos-star-name', title = {} },
  sec = { prefix = { 'secPrefix', 'sec-prefix', 'secnos-plus-name' }, star = 'secnos-star-name', title = {} },
  lst = { prefix = { 'lstPrefix', 'lst-prefix' }, title = { 'listingTitle', 'lst-title' } },
}
local reference_words, star_words, caption_words = {}, {}, {}
-- pandoc-xnos' references (its settings given): @fig:map is the number alone, +@fig:map and *@fig:map
-- name it; with its cleveref on, @fig:map names it as +@fig:map does.
local xnos, xnos_cleveref = false, false
-- Words that join references of one kind after their one label: "Figures 1, 2 and 3", "Figs. 1–3".
local CONNECTORS = { ['and'] = true, ['&'] = true, ['or'] = true, ['to'] = true, ['-'] = true, ['–'] = true,
  ['—'] = true }
local number_headings = false
-- pandoc-crossref's options: every heading labelled `sec:`; a paragraph "Listing: …" captions the code after it.
local auto_section_labels = false
local code_block_captions = false
local has_images, has_display_math, has_crossrefs, has_bookdown, has_divs = true, true, true, true, true
-- A book (press-book, or a part heading found): its chapters carry their division's label
-- ("Chapter 3"), so their headings take no section number, and parts are not counted.
local book = false
-- Every labelled thing: targets[identifier] = { kind = 'fig', number = '2' }
local targets = {}
-- The labels of the code cells (press.quarto writes each cell as a code block of class `cell`).
local cell_labels = {}
local order = {}

-- The kind of an identifier ('fig' for 'fig:map', 'Fig:map' or 'fig-map'), or nil
-- when it names no cross-reference.
local function kind_of(identifier)
  local prefix = identifier:match('^(%a+)[:%-].')
  if not prefix or not KINDS[prefix:lower()] then
    return nil
  end
  local lower = prefix:lower()
  if prefix ~= lower and prefix ~= lower:sub(1, 1):upper() .. lower:sub(2) then
    return nil
  end
  return lower
end

-- The identifier as it was defined: '@Fig:map' refers to 'fig:map'.
local function defined_identifier(identifier)
  local kind = kind_of(identifier)
  return kind .. identifier:sub(#kind + 1)
end

-- A setting's words: a text, or a list of the singular and the plural ([fig., figs.]).
local function setting_words(value)
  local value_type = pandoc.utils.type(value)
  if value_type == 'List' then
    local singular = pandoc.utils.stringify(value[1] or '')
    return { singular, value[2] and pandoc.utils.stringify(value[2]) or singular }
  elseif value_type == 'Inlines' or value_type == 'Blocks' or value_type == 'string' then
    local text = pandoc.utils.stringify(value)
    return { text, text }
  end
  return nil
end

local function is_on(value)
  if value == true then
    return true
  end
  local text = value and pandoc.text.lower(pandoc.utils.stringify(value))
  return text == 'on' or text == 'true' or text == 'yes'
end

local function read_author_words(meta, crossref)
  local function setting(key)
    if meta[key] ~= nil then
      return meta[key]
    end
    return crossref[key]
  end
  for kind, keys in pairs(AUTHOR_SETTINGS) do
    for _, key in ipairs(keys.prefix) do
      reference_words[kind] = reference_words[kind] or setting_words(setting(key))
    end
    for _, key in ipairs(keys.title) do
      caption_words[kind] = caption_words[kind] or setting_words(setting(key))
    end
    star_words[kind] = keys.star and setting_words(setting(keys.star))
  end
  for key in pairs(meta) do
    if key:match('^%a+nos%-') or key:match('^xnos%-') then
      xnos = true
    end
  end
  xnos_cleveref = is_on(meta['xnos-cleveref']) or is_on(meta.cleveref)
  for _, name in ipairs { 'fignos', 'tablenos', 'eqnos', 'secnos' } do
    xnos_cleveref = xnos_cleveref or is_on(meta[name .. '-cleveref'])
  end
end

local function read_settings(meta)
  for key in pairs(words) do
    -- A callout's word is the one the Quarto filter titles it with (`press-callout-tip`).
    local value = meta['press-label-' .. key] or meta['press-' .. key:gsub('_', '-')]
    if value then
      words[key] = pandoc.utils.stringify(value)
    end
  end
  local crossref = meta.crossref
  read_author_words(meta, type(crossref) == 'table' and crossref or {})
  number_headings = meta['number-sections'] == true
    or (type(crossref) == 'table' and crossref.sections == true)
  book = meta['press-book'] == true
  auto_section_labels = meta.autoSectionLabels == true
  code_block_captions = meta.codeBlockCaptions == true
  -- What the text can hold (press.pandoc.SOURCE_MARKS); without the toolchain's word, anything.
  has_images = meta['press-has-images'] ~= false
  has_display_math = meta['press-has-display-math'] ~= false
  has_crossrefs = meta['press-has-crossrefs'] ~= false
  has_bookdown = meta['press-has-bookdown'] ~= false
  has_divs = meta['press-has-divs'] ~= false
end

local function remember(identifier, number, title)
  targets[identifier] = { kind = kind_of(identifier), number = number, title = title }
  table.insert(order, identifier)
end

-- Every heading with an identifier, for bookdown's \@ref(methods): headings[identifier] = { number = '2' },
-- or { title = inlines } for one that takes no number.
local headings = {}

-- A heading that takes no number (unnumbered, or a book's part): a reference to it is its title,
-- without what may stand only once (a note, an identifier, an index mark) or not in a link (a link).
local function remember_unnumbered(header)
  local section = kind_of(header.identifier) == 'sec'
  if not section and not (has_bookdown and header.identifier ~= '') then
    return
  end
  local title = header.content:walk {
    Note = function()
      return {}
    end,
    Link = function(link)
      return link.content
    end,
    Span = function(span)
      if span.identifier ~= '' or span.classes:includes('index') then
        return span.content
      end
    end,
  }
  if section then
    remember(header.identifier, nil, title)
  end
  headings[header.identifier] = { title = title }
end

-- The word a caption starts with: the author's (figureTitle, fig-title), or the house's.
local function caption_word(kind)
  return caption_words[kind] and caption_words[kind][1] ~= '' and caption_words[kind][1] or words[KINDS[kind]]
end

-- The caption's first line starts with "Figure 1: "; an empty caption becomes "Figure 1".
local function label_caption(caption, kind, number)
  local long = caption.long
  local colon = #long > 0 and ':' or ''
  local label = pandoc.Inlines {
    pandoc.Span({ pandoc.Str(caption_word(kind) .. NBSP .. number .. colon) }, { class = 'caption-label' }),
  }
  if #long == 0 then
    long:insert(pandoc.Plain(label))
  else
    local first = long[1]
    if first.content then
      label:insert(pandoc.Space())
      first.content = label .. first.content
    else
      long:insert(1, pandoc.Plain(label))
    end
  end
  caption.long = long
  return caption
end

-- Display math followed by its label, `$$ … $$ {#eq:id}`: the formula and its number in one span.
local function number_equations(inlines, counters)
  local result = pandoc.Inlines {}
  local index = 1
  while index <= #inlines do
    local element = inlines[index]
    local following = inlines[index + 1]
    local label_at = (following and following.t == 'Space') and index + 2 or index + 1
    local label = inlines[label_at]
    local identifier = label and label.t == 'Str' and label.text:match('^{#([^%s}]+)}$')
    if element.t == 'Math' and element.mathtype == 'DisplayMath' and identifier and kind_of(identifier) == 'eq' then
      counters.eq = counters.eq + 1
      local number = tostring(counters.eq)
      remember(identifier, number)
      result:insert(pandoc.Span({
        element,
        pandoc.Span({ pandoc.Str('(' .. number .. ')') }, { class = 'equation-number' }),
      }, { id = identifier, class = 'equation' }))
      index = label_at + 1
    else
      result:insert(element)
      index = index + 1
    end
  end
  return result
end

-- What the numbering needs to know of the document, noted as the figures are made: its
-- headings and the shallowest of them, whether it has parts, whether it has display math.
local top = 6
local headers_in_order = {}
local display_math = false

local function note_heading(header)
  if header.level < top then
    top = header.level
  end
  headers_in_order[#headers_in_order + 1] = header
  book = book or header.classes:includes('part')
end

-- Each heading that skips a level as the author wrote it (`##` then `####`; a first heading below the
-- text's shallowest, which stands under the title), logged for the toolchain to warn of at its line:
-- the editions keep the author's levels, and accessibility checkers (Ace, axe, the Nu checker) report
-- the gap. Logged as: the level it follows ('title' for the title), its own level, the
-- text's shallowest level and its text.
local function report_skipped_levels()
  local previous = top - 1
  for _, header in ipairs(headers_in_order) do
    -- In a book, a first heading below the chapters' level (`## Abstract` before `# Introduction`) is a division
    -- of the front matter, raised to the chapters' level (press.divisions): no gap in the editions.
    if header.level > previous + 1 and not (book and previous == top - 1) then
      local after = previous == top - 1 and 'title' or tostring(previous)
      local text = pandoc.utils.stringify(header.content)
      pandoc.log.warn(table.concat({ SKIPPED_LEVEL, after, tostring(header.level), tostring(top), text }, ' '))
    end
    previous = header.level
  end
end

local function note_math(math)
  display_math = display_math or math.mathtype == 'DisplayMath'
end

-- Number what is labelled, in the order it comes.
local function number_targets(doc)
  local counters = { fig = 0, tbl = 0, eq = 0, lst = 0 }
  -- A figure or a table labelled as its kind: numbered, remembered, its caption labelled.
  local function number_captioned(kind)
    return function(element)
      if kind_of(element.identifier) ~= kind then
        return nil
      end
      counters[kind] = counters[kind] + 1
      remember(element.identifier, tostring(counters[kind]))
      element.caption = label_caption(element.caption, kind, tostring(counters[kind]))
      return element
    end
  end
  report_skipped_levels()
  if top > 1 and top < 6 then
    -- A text whose shallowest heading is `##` (its title in the front matter, as Quarto's, Hugo's and
    -- Jekyll's authors write): its headings rise, so that the editions' levels follow the title without a
    -- gap, as Quarto sets them; a book whose chapters are `##` headings: they are its chapters all the same.
    local shift = top - 1
    doc = doc:walk {
      Header = function(header)
        header.level = header.level - shift
        return header
      end,
    }
    top = 1
  end
  local sections = {}
  -- Only a paragraph with display math can hold a labelled equation: the others are left
  -- alone, for handing every paragraph's text to this filter and back costs seconds in a book.
  local function inlines_with_equations(element)
    for _, inline in ipairs(element.content) do
      if inline.t == 'Math' and inline.mathtype == 'DisplayMath' then
        element.content = number_equations(element.content, counters)
        return element
      end
    end
    return nil
  end
  local with_equations = display_math and inlines_with_equations or nil
  return doc:walk {
    traverse = 'topdown',
    Header = function(header)
      local kind = kind_of(header.identifier)
      local labelled = auto_section_labels and header.identifier ~= '' and (not kind or THEOREM_KINDS[kind])
      if labelled then
        header.identifier = 'sec:' .. header.identifier
      end
      if header.classes:includes('unnumbered') or header.classes:includes('-') then
        remember_unnumbered(header)
        return labelled and header or nil
      end
      if book and header.classes:includes('part') then
        remember_unnumbered(header)
        return labelled and header or nil
      end
      sections[header.level] = (sections[header.level] or 0) + 1
      for deeper = header.level + 1, 6 do
        sections[deeper] = nil
      end
      local parts = {}
      for level = top, header.level do
        table.insert(parts, tostring(sections[level] or 0))
      end
      local number = table.concat(parts, '.')
      if kind_of(header.identifier) == 'sec' then
        remember(header.identifier, number)
      end
      if has_bookdown and header.identifier ~= '' then
        headings[header.identifier] = { number = number }
      end
      if number_headings and not (book and header.level == top) then
        header.content:insert(1, pandoc.Space())
        header.content:insert(1, pandoc.Span({ pandoc.Str(number) }, { class = 'header-section-number' }))
        return header
      end
      return labelled and header or nil
    end,
    Figure = function(figure)
      -- A figure labelled as a table (Quarto's ::: {#tbl-…} around other content) is numbered as one;
      -- a code listing is numbered with the listings.
      local kind = kind_of(figure.identifier)
      local numbered = number_captioned((kind == 'tbl' or kind == 'lst') and kind or 'fig')(figure)
      if numbered == nil or kind ~= 'fig' then
        return numbered
      end
      -- The figures it holds are its subfigures (Quarto's and pandoc-crossref's): lettered (a), (b)… under
      -- their own captions, referred to as "Figure 1 (a)"; none of them takes a number of its own.
      local number, letter = targets[figure.identifier].number, 0
      numbered.content = numbered.content:walk {
        Figure = function(sub)
          if kind_of(sub.identifier) == 'lst' then
            -- A code cell's listing standing in place of the figure its code would make: a listing of its own.
            return number_captioned('lst')(sub)
          end
          letter = letter + 1
          local mark = '(' .. string.char(96 + (letter - 1) % 26 + 1) .. ')'
          if kind_of(sub.identifier) == 'fig' then
            remember(sub.identifier, number .. NBSP .. mark)
          end
          local label = pandoc.Span({ pandoc.Str(mark) }, { class = 'subcaption-label' })
          local long = sub.caption.long
          if #long > 0 and long[1].content then
            long[1].content = pandoc.Inlines { label, pandoc.Space() } .. long[1].content
          else
            long:insert(1, pandoc.Plain { label })
          end
          sub.caption.long = long
          return sub
        end,
      }
      return numbered, false
    end,
    Table = number_captioned('tbl'),
    Para = with_equations,
    Plain = with_equations,
  }
end

-- "Figure", or "Figures" for several: the author's words for the kind, else the caption's, else the
-- house's. A reference written *@fig:map (style 'star') opens a sentence: its word is capitalised.
local function label_for(kind, several, style)
  local name = KINDS[kind]
  local own = (style == 'star' and star_words[kind]) or reference_words[kind] or caption_words[kind]
  local label = own and own[several and 2 or 1] or words[several and (PLURALS[name] or name .. 's') or name]
  if style == 'star' and not star_words[kind] then
    label = pandoc.text.upper(pandoc.text.sub(label, 1, 1)) .. pandoc.text.sub(label, 2)
  end
  return label
end

-- "Figure 1": the number after its word, or alone when the word is empty.
local function labelled(label, text)
  return label == '' and text or label .. NBSP .. text
end

local function link(identifier, content)
  return pandoc.Link(content, '#' .. identifier, '', { class = 'cross-ref' })
end

-- One group of references of one kind: "Figure 1", "Figures 1 and 2", "1, 2 and 3".
local function render_group(group, style)
  local result = pandoc.Inlines {}
  local first = group[1]
  result:extend(first.prefix)
  if #first.prefix > 0 then
    result:insert(pandoc.Space())
  end
  local kind = kind_of(first.id)
  local suppress = first.mode == 'SuppressAuthor' or style == 'bare'
  if #group == 1 and not targets[defined_identifier(first.id)].number then
    result:insert(link(defined_identifier(first.id), targets[defined_identifier(first.id)].title:clone()))
  elseif #group == 1 then
    local target = targets[defined_identifier(first.id)]
    local text = target.number
    if not suppress then
      text = labelled(label_for(kind, false, style), text)
    end
    result:insert(link(defined_identifier(first.id), { pandoc.Str(text) }))
  else
    -- A callout's word has no plural: "Tip 1 and Tip 2".
    local each = CALLOUT_KINDS[kind] ~= nil
    local label = label_for(kind, true, style)
    if not suppress and not each and label ~= '' then
      result:insert(pandoc.Str(label .. NBSP))
    end
    for index, citation in ipairs(group) do
      local identifier = defined_identifier(citation.id)
      if index > 1 then
        if index == #group then
          result:extend { pandoc.Space(), pandoc.Str(words['and']), pandoc.Space() }
        else
          result:extend { pandoc.Str(','), pandoc.Space() }
        end
      end
      local text = targets[identifier].number
      if each and not suppress then
        text = labelled(label_for(kind, false, style), text)
      end
      result:insert(link(identifier, { pandoc.Str(text) }))
    end
  end
  result:extend(group[#group].suffix)
  return result
end

-- Whether an identifier names what a code cell makes: Quarto's `fig-plot` is the cell's label itself,
-- bookdown's `tab:nice-tab` and pandoc-crossref's `fig:plot` the label after the kind.
local function made_by_code(identifier)
  return cell_labels[identifier] or cell_labels[identifier:match('^%a+:(.+)$') or ''] or false
end

local function known_identifiers()
  return table.concat(order, ' ')
end

-- A citation of cross-references becomes their text, in a style (see resolve_inlines); others are left
-- to citeproc.
local function resolve(cite, style)
  local references, others = {}, {}
  for _, citation in ipairs(cite.citations) do
    local kind = kind_of(citation.id)
    -- A theorem's prefix labelling nothing (`@def-2020`) may be a work's key: citeproc's, or its error.
    local left = (THEOREM_KINDS[kind] or CALLOUT_KINDS[kind]) and not targets[defined_identifier(citation.id)]
    if kind and not left then
      table.insert(references, citation)
    else
      table.insert(others, citation)
    end
  end
  if #references == 0 then
    return nil
  end
  local result = pandoc.Inlines {}
  local group = {}
  local function flush()
    if #group == 0 then
      return
    end
    if #result > 0 then
      result:extend { pandoc.Str(';'), pandoc.Space() }
    end
    result:extend(render_group(group, style))
    group = {}
  end
  for _, citation in ipairs(references) do
    local identifier = defined_identifier(citation.id)
    if not targets[identifier] then
      if made_by_code(citation.id) then
        pandoc.log.warn(FROM_CODE_MARKER .. ' ' .. citation.id)
      else
        pandoc.log.warn(MARKER .. ' ' .. citation.id .. ' among ' .. known_identifiers())
      end
      flush()
      if #result > 0 then
        result:extend { pandoc.Str(';'), pandoc.Space() }
      end
      result:insert(pandoc.Str('??'))
    else
      -- A group holds references of one kind, each numbered: an unnumbered section stands alone.
      local previous = group[#group]
      local unnumbered = not targets[identifier].number
      if previous and (unnumbered or kind_of(previous.id) ~= kind_of(citation.id)
        or not targets[defined_identifier(previous.id)].number) then
        flush()
      end
      table.insert(group, citation)
    end
  end
  flush()
  if #others > 0 then
    result:insert(pandoc.Space())
    result:insert(pandoc.Cite(cite.content, others))
  end
  return result
end

-- The kind of the cross-reference a citation starts with, or nil.
local function reference_kind(cite)
  local kind = kind_of(cite.citations[1].id)
  local left = kind and (THEOREM_KINDS[kind] or CALLOUT_KINDS[kind]) and not targets[defined_identifier(cite.citations[1].id)]
  return not left and kind or nil
end

-- Whether the stem of an abbreviation abbreviates a name: its letters are in the name in their order,
-- the first first ("fig" of "figure", "figs" of "figures", "eqn" of "equation", "рис" of "рисунок").
local function abbreviates(stem, name)
  local at = 1
  for _, code in utf8.codes(stem) do
    local letter = utf8.char(code)
    local found = name:find(letter, at, true)
    if not found or (at == 1 and found ~= 1) then
      return false
    end
    at = found + #letter
  end
  return true
end

-- Whether a word is a name inflected (Russian "рисунке" of "рисунок", "таблице" of "таблица"): the two
-- share their first five letters or more, and differ in at most their last three.
local function inflects(word, name)
  local letters, name_letters = {}, {}
  for _, code in utf8.codes(word) do
    letters[#letters + 1] = code
  end
  for _, code in utf8.codes(name) do
    name_letters[#name_letters + 1] = code
  end
  local shared = 0
  while letters[shared + 1] and letters[shared + 1] == name_letters[shared + 1] do
    shared = shared + 1
  end
  return shared >= 5 and #letters - shared <= 3 and #name_letters - shared <= 3
end

-- Whether a word names references of a kind: its name, singular or plural, in the manuscript's language,
-- in English or in the author's settings, in any case and inflected ("Figure", "figures", "рисунке"), an abbreviation of one
-- ending in a full stop ("Fig.", "Figs.", "Eqn.", "Tab.", "Abb.", "рис."), or § for a section.
local function names_kind(word, kind)
  for _, opening in ipairs { '(', '[', '{', '"', "'", '“', '‘', '«', '„', '¿', '¡' } do
    while word:sub(1, #opening) == opening do
      word = word:sub(#opening + 1)
    end
  end
  word = pandoc.text.lower(word)
  if word == '' then
    return false
  end
  if kind == 'sec' and (word == '§' or word == '§§') then
    return true
  end
  local name = KINDS[kind]
  local plural = PLURALS[name] or name .. 's'
  local names = {}
  local named = { { words[name], words[plural] }, { ENGLISH[name], ENGLISH[plural] },
    reference_words[kind] or {}, caption_words[kind] or {}, star_words[kind] or {} }
  if kind == 'sec' then
    for _, division in ipairs { 'chapter', 'appendix', 'part' } do
      table.insert(named, { words[division], ENGLISH[division] })
    end
  end
  for _, words_of_kind in ipairs(named) do
    for index = 1, 2 do
      if words_of_kind[index] and words_of_kind[index] ~= '' then
        table.insert(names, pandoc.text.lower(words_of_kind[index]))
      end
    end
  end
  local stem = word:match('^(.-)%.$')
  local whole = not word:find('[%p%d]')
  -- A name ending a sentence ("in the figure. @fig:b shows") is no abbreviation, of itself or its plural.
  for _, candidate in ipairs(names) do
    if stem == candidate:gsub('%.$', '') then
      stem = nil
    end
  end
  for _, candidate in ipairs(names) do
    -- A name abbreviated ("Рис.") stands for the words it begins ("рисунке").
    local abbreviated = candidate:match('^(.-)%.$')
    if whole and abbreviated and pandoc.text.len(abbreviated) >= 3 and word:sub(1, #abbreviated) == abbreviated then
      return true
    end
    if word == candidate or (whole and inflects(word, candidate)) or (stem and (stem .. '.' == candidate
      or (pandoc.text.len(stem) >= 2 and abbreviates(stem, (candidate:gsub('%.$', '')))))) then
      return true
    end
  end
  return false
end

-- The word just before the element at `index`: across a space, or joined by a no-break space ("Figure\ @fig:x").
local function word_before(inlines, index)
  local before = inlines[index - 1]
  if before and before.t == 'Str' and before.text:sub(-#NBSP) == NBSP then
    return before.text:sub(1, -#NBSP - 1)
  end
  if before and before.t == 'Str' and before.text:sub(-#'§') == '§' then
    return '§'
  end
  local word = inlines[index - 2]
  if before and (before.t == 'Space' or before.t == 'SoftBreak') and word and word.t == 'Str' then
    return word.text
  end
  return nil
end

-- Whether an element may stand between references that share one label ("Figures 1, 2 and 3").
local function joins(element)
  if element.t == 'Space' or element.t == 'SoftBreak' then
    return true
  end
  if element.t ~= 'Str' then
    return false
  end
  -- xnos' braces around the next reference, {@fig:b}, join as well.
  local text = pandoc.text.lower((element.text:gsub('^,', ''):gsub(',$', ''):gsub('{[%+%*!]?$', '')))
  return text == '' or CONNECTORS[text] or text == pandoc.text.lower(words['and'])
end

-- LaTeX's references written in the Markdown (`\ref{fig:map}`, `\eqref{eq:a}`, `\cref{fig:a,fig:b}`), which
-- Pandoc keeps as raw TeX, and those of a LaTeX text Pandoc has converted to Markdown, links it has
-- written as `[\[eq:a\]](#eq:a){reference-type="eqref" reference="eq:a"}`: a citation of them, as
-- `[-@fig:map]` (the number alone, as `\ref` gives it; in parentheses, as `\eqref` gives it) or `@fig:map`
-- (named, as `\autoref` and `\cref` name it; `\Cref` at a sentence's start), its style, and whether it
-- stands in parentheses. A label of no kind (`\ref{map}`) is left as it is: a converted link keeps the
-- number Pandoc gave it.
local LATEX_REFERENCES = { ref = 'bare', eqref = 'bare', autoref = 'named', cref = 'named', Cref = 'star' }

local function latex_command_reference(command, labels, shown)
  local style = command and LATEX_REFERENCES[command]
  if not style then
    return nil
  end
  local citations = {}
  for label in labels:gmatch('[^,%s]+') do
    if not kind_of(label) then
      return nil
    end
    table.insert(citations, pandoc.Citation(label, style == 'bare' and 'SuppressAuthor' or 'NormalCitation'))
  end
  -- 'named' reads as a reference alone does, but is never taken for one of a list after a label.
  return pandoc.Cite(shown, citations), style ~= 'bare' and style or nil, command == 'eqref'
end

local function latex_reference(element)
  if element.t == 'Link' and element.attributes['reference-type'] then
    return latex_command_reference(
      element.attributes['reference-type'], element.attributes['reference'] or '', element.content)
  end
  if element.t ~= 'RawInline' or (element.format ~= 'tex' and element.format ~= 'latex') then
    return nil
  end
  local command, labels = element.text:match('^\\(%a+)%s*{([^}]+)}$')
  return latex_command_reference(command, labels, { pandoc.Str(element.text) })
end

-- The references of a list of inlines, each in the style its writer meant:
--   pandoc-xnos' marks: +@fig:map names it ("Figure 1"), *@fig:map names it at a sentence's start,
--   !@fig:map is its number alone; braces around a reference, {@fig:map} or {+@fig:map}, are taken off.
--   In a text with pandoc-xnos' settings, @fig:map is its number alone (named, with its cleveref on).
--   A reference after a word naming its kind is its number alone: "Figure @fig:map", "Fig. @fig:map",
--   "Abbildung @fig:map" read "Figure 1", not "Figure Figure 1"; so are the references of that kind
--   joined to it by commas, "and", "to" or a dash ("Figs. @fig:a, @fig:b and @fig:c").
local function resolve_inlines(inlines)
  local result = pandoc.Inlines {}
  local changed = false
  local chained = nil
  local index = 1
  while index <= #inlines do
    local element = inlines[index]
    local latex_style, parenthesized = nil, false
    if element.t == 'RawInline' or element.t == 'Link' then
      local cite, style, in_parentheses = latex_reference(element)
      if cite then
        element, latex_style, parenthesized = cite, style, in_parentheses
        -- LaTeX's tie, `Figure~\ref{fig:map}`, a no-break space.
        local before = result[#result]
        if before and before.t == 'Str' and before.text:sub(-1) == '~' then
          result[#result] = pandoc.Str(before.text:sub(1, -2) .. NBSP)
        end
      end
    end
    local kind = element.t == 'Cite' and reference_kind(element)
    if kind then
      local before, after = result[#result], inlines[index + 1]
      local mark = ''
      if before and before.t == 'Str' then
        local rest, brace, modifier = before.text:match('^(.-)({?)([%+%*!]?)$')
        local braced = brace == '{' and after and after.t == 'Str' and after.text:sub(1, 1) == '}'
        local marked = brace == '' and modifier ~= '' and not rest:match('[%w]$')
        if braced or marked then
          mark = modifier
          result:remove(#result)
          if rest ~= '' then
            result:insert(pandoc.Str(rest))
          end
        end
        if braced then
          inlines[index + 1] = pandoc.Str(after.text:sub(2))
        end
      end
      local style = ({ ['+'] = 'plus', ['*'] = 'star', ['!'] = 'bare' })[mark] or latex_style
      if not style and xnos then
        style = xnos_cleveref and 'plus' or 'bare'
      end
      local word = word_before(result, #result + 1)
      if word and names_kind(word, kind) then
        style = 'bare'
        -- The label and its number on one line, as the house sets its own.
        if result[#result].t ~= 'Str' then
          result[#result] = pandoc.Str(NBSP)
        end
      elseif not style and chained == kind then
        style = 'bare'
      end
      local resolved = resolve(element, style)
      if resolved then
        -- An equation's number in a reference is the number alone, as Quarto, pandoc-crossref and bookdown
        -- give it ("Equation 2", "(\@ref(eq:a))" reading "(2)"); `\eqref` gives it in parentheses.
        if parenthesized then
          result:insert(pandoc.Str('('))
        end
        result:extend(resolved)
        if parenthesized then
          result:insert(pandoc.Str(')'))
        end
        changed = true
      else
        result:insert(element)
      end
      chained = style == 'bare' and kind or nil
    elseif not (element.t == 'Str' and element.text == '') then
      if chained and not joins(element) then
        chained = nil
      end
      result:insert(element)
    end
    index = index + 1
  end
  return changed and result or nil
end

-- The image an inline shows: the inline itself, or a link's only content (a figure linked to a larger image);
-- and whether it is linked.
local function shown_image(inline)
  local linked = inline.t == 'Link' and #inline.content == 1 and inline.content[1].t == 'Image'
  return linked and inline.content[1] or (inline.t == 'Image' and inline or nil), linked
end

-- The figure of an image `shown` (itself, or the link around it), as Pandoc makes one of an image alone in
-- its paragraph: the image's identifier and caption are the figure's.
local function image_figure(shown, image)
  local attr = pandoc.Attr(image.identifier)
  image.identifier = ''
  local caption = #image.caption > 0 and { pandoc.Plain(image.caption:clone()) } or {}
  return pandoc.Figure({ pandoc.Plain { shown } }, { long = caption }, attr)
end

-- A linked image alone in its paragraph is a figure too, as an image alone is:
-- [![Map](map.png){#fig:map}](https://example.org/map) gets its caption and number;
-- so is a labelled image without a caption, ![](map.png){#fig:map}.
local function paragraph_figure(para)
  local only = #para.content == 1 and para.content[1]
  local image, linked = nil, false
  if only then
    image, linked = shown_image(only)
  end
  if not image or (#image.caption == 0 and kind_of(image.identifier) ~= 'fig') then
    return nil
  end
  if not linked and #image.caption > 0 then
    return nil -- Pandoc made it a figure already, unless implicit figures are off
  end
  return image_figure(only, image)
end

-- A table labelled by an empty span in its caption, `: Results []{#tbl:results}`, as thesis
-- templates write it for their short-caption filters: the span's identifier is the table's.
local function caption_span_label(table)
  if table.identifier ~= '' then
    return nil
  end
  local found
  table.caption.long = table.caption.long:walk {
    Span = function(span)
      if not found and #span.content == 0 and kind_of(span.identifier) == 'tbl' then
        found = span.identifier
        return {}
      end
      return nil
    end,
  }
  if not found then
    return nil
  end
  table.identifier = found
  return table
end

-- A code listing: the code block in a figure of class `listing`, under the caption given.
local function listing(code, caption, identifier)
  local long = #caption > 0 and { pandoc.Plain(caption) } or {}
  return pandoc.Figure({ code }, { long = long }, pandoc.Attr(identifier, { LISTING }))
end

-- ```{#lst:main caption="…"}```, Quarto's ```{#lst-main lst-cap="…"}```: a code block labelled as a listing.
local function listing_block(code)
  if kind_of(code.identifier) ~= 'lst' then
    return nil
  end
  local written = code.attributes['caption'] or code.attributes['lst-cap'] or ''
  local caption = pandoc.utils.blocks_to_inlines(pandoc.read(written, 'markdown').blocks)
  local identifier = code.identifier
  code.identifier = ''
  code.attributes['caption'], code.attributes['lst-cap'] = nil, nil
  return listing(code, caption, identifier)
end

-- pandoc-crossref's ::: {#lst:main .listing} with the caption in its first paragraph, then the code
-- (or the code, then the caption, as a Quarto figure div has it).
local function listing_div(div)
  local blocks = div.content
  if #blocks == 1 and blocks[1].t == 'CodeBlock' then
    return listing(blocks[1], pandoc.Inlines {}, div.identifier)
  end
  if #blocks ~= 2 then
    return nil
  end
  local first, second = blocks[1], blocks[2]
  if (first.t == 'Para' or first.t == 'Plain') and second.t == 'CodeBlock' then
    return listing(second, first.content, div.identifier)
  end
  if first.t == 'CodeBlock' and (second.t == 'Para' or second.t == 'Plain') then
    return listing(first, second.content, div.identifier)
  end
  return nil
end

-- A paragraph that starts "Listing:" (or ":", or the listing's word in the book's language)
-- just before a code block: the block's caption (pandoc-crossref's codeBlockCaptions).
local function caption_paragraph(paragraph)
  if paragraph.t ~= 'Para' then
    return nil
  end
  local prefixes = { [':'] = true, ['Listing:'] = true, [words.listing .. ':'] = true }
  local text = ''
  for index, inline in ipairs(paragraph.content) do
    -- The word may be several ("Đoạn mã:"): the paragraph's first words, up to a colon.
    if inline.t == 'Str' then
      text = text .. inline.text
    elseif inline.t == 'Space' then
      text = text .. ' '
    else
      return nil
    end
    if prefixes[text] then
      local caption = paragraph.content:clone()
      for _ = 1, index do
        caption:remove(1)
      end
      if #caption > 0 and caption[1].t == 'Space' then
        caption:remove(1)
      end
      return caption
    end
    if text:find(':') then
      return nil
    end
  end
  return nil
end

-- A caption's label written at its end, as pandoc-crossref reads it (`: The main loop {#lst:main}`): the
-- caption without it, and the label.
local function caption_label_at_end(caption)
  local last = caption[#caption]
  local label = last and last.t == 'Str' and last.text:match('^{#([^%s}]+)}$')
  if not label then
    return caption, ''
  end
  caption:remove(#caption)
  if #caption > 0 and caption[#caption].t == 'Space' then
    caption:remove(#caption)
  end
  return caption, label
end

-- pandoc-crossref's captions of code (with `codeBlockCaptions: true`): a paragraph "Listing: …" or ": …"
-- just before the code block or just after it, the label on the block or at the caption's end.
local function table_style_captions(blocks)
  local result = pandoc.Blocks {}
  local index = 1
  while index <= #blocks do
    local block, following = blocks[index], blocks[index + 1]
    local code, caption = nil, nil
    if following and following.t == 'CodeBlock' then
      code, caption = following, caption_paragraph(block)
    end
    -- After the code, unless the code has its own caption or the paragraph captions the code after it.
    local captioned = block.t == 'CodeBlock' and (block.attributes.caption or block.attributes['lst-cap'])
    local next_code = blocks[index + 2] and blocks[index + 2].t == 'CodeBlock'
    if not caption and block.t == 'CodeBlock' and not captioned and following and not next_code then
      code, caption = block, caption_paragraph(following)
    end
    if caption then
      local written
      caption, written = caption_label_at_end(caption)
      local identifier = kind_of(code.identifier) == 'lst' and code.identifier or written
      code.identifier = ''
      result:insert(listing(code, caption, kind_of(identifier) == 'lst' and identifier or ''))
      index = index + 2
    else
      result:insert(block)
      index = index + 1
    end
  end
  return result
end

local function code_block_captions_pass(doc)
  if not code_block_captions then
    return nil
  end
  return doc:walk { Blocks = table_style_captions }
end

-- Images side by side in one paragraph of a figure's division (pandoc-crossref's and Quarto's subfigures
-- set in a row): each its own figure, as each would be in a paragraph of its own, so that it is lettered
-- and referred to (an image may be a link's only content, as one alone in its paragraph may). None for a
-- paragraph holding anything but images and the spaces between them, or images with neither caption nor
-- identifier (one figure drawn in several pieces).
local function image_figures(block)
  if block.t ~= 'Para' and block.t ~= 'Plain' then
    return nil
  end
  local images, named = {}, false
  for _, inline in ipairs(block.content) do
    local image = shown_image(inline)
    if image then
      table.insert(images, { image = image, shown = inline })
      named = named or #image.caption > 0 or image.identifier ~= ''
    elseif inline.t ~= 'Space' and inline.t ~= 'SoftBreak' and inline.t ~= 'LineBreak' then
      return nil
    end
  end
  if #images < 2 or not named then
    return nil
  end
  local figures = pandoc.Blocks {}
  for _, found in ipairs(images) do
    figures:insert(image_figure(found.shown, found.image))
  end
  return figures
end

-- Quarto's figure and table divs: ::: {#fig-map} … a caption in its last paragraph :::.
-- A div around one table gives that table its label and caption; any other content
-- (images side by side, a code cell standing for its plot) becomes a figure of the
-- div's kind, numbered with the figures or the tables.
local function div_figure(div)
  local kind = kind_of(div.identifier)
  if kind == 'lst' then
    return listing_div(div)
  end
  if kind ~= 'fig' and kind ~= 'tbl' then
    return nil
  end
  local blocks = div.content:clone()
  local caption = pandoc.Inlines {}
  if #blocks > 1 and blocks[#blocks].t == 'Para' then
    caption = blocks:remove(#blocks).content
  end
  -- pandoc-crossref's subfigures write their caption `\: Caption`, escaped from a definition list.
  if #caption > 0 and caption[1].t == 'Str' and caption[1].text == ':' then
    caption:remove(1)
    if #caption > 0 and caption[1].t == 'Space' then
      caption:remove(1)
    end
  end
  if kind == 'tbl' and #blocks == 1 and blocks[1].t == 'Table' then
    local table = blocks[1]
    table.identifier = div.identifier
    if #caption > 0 then
      table.caption = { long = { pandoc.Plain(caption) } }
    end
    return table
  end
  if kind == 'fig' then
    local figures = pandoc.Blocks {}
    for _, block in ipairs(blocks) do
      figures:extend(image_figures(block) or { block })
    end
    blocks = figures
  end
  local long = #caption > 0 and { pandoc.Plain(caption) } or {}
  return pandoc.Figure(blocks, { long = long }, pandoc.Attr(div.identifier, div.classes, div.attributes))
end

-- Theorem-like blocks: Quarto's `::: {#thm-line}` (its name in a first heading or a `name` attribute),
-- pandoc-crossref's `{#thm:line}`, bookdown's `::: {.theorem #line name="…"}` (labelled `thm:line`).
-- Each kind is numbered in its own series, in the order they come, and opens with its title, "Theorem 1
-- (Line)"; `::: {.proof}`, `{.remark}` and `{.solution}` open with their word and take no number.
local theorem_counters = {}

-- The block's first paragraph opened by `title` (a paragraph of its own before anything else).
local function open_with(div, title)
  local first = div.content[1]
  if first and (first.t == 'Para' or first.t == 'Plain') then
    first.content = pandoc.Inlines { title, pandoc.Space() } .. first.content
  else
    div.content:insert(1, pandoc.Para { title })
  end
end

-- The block's name, from its `name` attribute or its first heading (taken out), and the heading's
-- identifier, which links may lead to.
local function theorem_name(div)
  local written = div.attributes['name']
  div.attributes['name'] = nil
  if written and written:match('%S') then
    return pandoc.utils.blocks_to_inlines(pandoc.read(written, 'markdown').blocks), ''
  end
  local first = div.content[1]
  if first and first.t == 'Header' then
    div.content:remove(1)
    return first.content, first.identifier
  end
  return nil, ''
end

-- "Theorem 1 (Line)", "Proof (By hand)": the word, in its own span when it is a number, and the name.
local function theorem_title(word, name, anchor, numbered)
  local title = pandoc.Inlines {}
  if numbered then
    title:insert(pandoc.Span({ pandoc.Str(word) }, { class = 'theorem-number' }))
  else
    title:insert(pandoc.Emph { pandoc.Str(word) })
  end
  if name and #name > 0 then
    title:extend { pandoc.Space(), pandoc.Str('(') }
    title:extend(name)
    title:insert(pandoc.Str(')'))
  end
  if numbered then
    title = pandoc.Inlines { pandoc.Strong(title) }
  else
    title:insert(pandoc.Str('.'))
  end
  return pandoc.Span(title, { id = anchor, class = 'theorem-title' })
end

-- The next number of the kind's series, remembered for the block's identifier, if it has one.
local function next_number(kind, identifier)
  theorem_counters[kind] = (theorem_counters[kind] or 0) + 1
  local number = tostring(theorem_counters[kind])
  if identifier ~= '' then
    remember(identifier, number)
  end
  return number
end

local function theorem_div(div, kind)
  local name, anchor = theorem_name(div)
  local number = next_number(kind, div.identifier)
  open_with(div, theorem_title(label_for(kind, false) .. NBSP .. number, name, anchor, true))
  div.classes:insert('theorem-like')
  div.classes:insert(KINDS[kind])
  return div
end

-- A callout labelled as its kind: "Tip 1: Its title" (or "Tip 1" where the title was the kind's word).
local function numbered_callout(div, kind)
  local title = div.content[1]
  local plain = title and title.t == 'Div' and title.classes:includes('callout-title') and title.content[1]
  if not plain or not plain.content then
    return nil
  end
  local number = next_number(kind, div.identifier)
  local label = pandoc.Span({ pandoc.Str(label_for(kind, false) .. NBSP .. number) }, { class = 'callout-number' })
  if pandoc.utils.stringify(plain.content) == words[KINDS[kind]] then
    plain.content = pandoc.Inlines { label }
  else
    plain.content = pandoc.Inlines { label, pandoc.Str(':'), pandoc.Space() } .. plain.content
  end
  return div
end

local function theorem(div)
  -- A callout is titled by the Quarto filter; one labelled as its kind is numbered.
  if div.classes:find_if(function(class) return class:match('^callout') end) then
    local kind = kind_of(div.identifier)
    if kind and CALLOUT_KINDS[kind] and div.classes:includes('callout-' .. CALLOUT_KINDS[kind]) then
      return numbered_callout(div, kind)
    end
    return nil
  end
  local kind = kind_of(div.identifier)
  if kind and THEOREM_KINDS[kind] then
    return theorem_div(div, kind)
  end
  if kind then
    return nil
  end
  for _, class in ipairs(UNNUMBERED_THEOREMS) do
    if div.classes:includes(class) then
      local name, anchor = theorem_name(div)
      open_with(div, theorem_title(words[class], name, anchor, false))
      div.classes:insert('theorem-like')
      return div
    end
  end
  if not has_bookdown then
    return nil
  end
  for class, class_kind in pairs(THEOREM_CLASSES) do
    if div.classes:includes(class) then
      div.classes = div.classes:filter(function(name) return name ~= class end)
      if div.identifier ~= '' then
        div.identifier = class_kind .. ':' .. div.identifier
      end
      return theorem_div(div, class_kind)
    end
  end
  return nil
end

-- bookdown's labels and text references -----------------------------------------------------------
-- Whatever a label holds up to its closing parenthesis: a heading's identifier may be `méthodes`.
local BOOKDOWN_LABEL = '[^%s%)]+'
-- A caption's first word `(#fig:map)` (written `(\#fig:map)`): the label's kind and name, and the caption
-- without it.
local function caption_label(inlines)
  local first = inlines[1]
  if not first or first.t ~= 'Str' then
    return nil
  end
  local kind, name = first.text:match('^%(#(%a+):(' .. BOOKDOWN_LABEL .. ')%)$')
  if not kind then
    return nil
  end
  local rest = inlines:clone()
  rest:remove(1)
  if #rest > 0 and rest[1].t == 'Space' then
    rest:remove(1)
  end
  return kind, name, rest
end

-- The caption's label taken out of its first block; the element's identifier from it, if it has none.
local function label_from_caption(element, wanted, identifier_kind)
  local first = element.caption.long[1]
  if not first or not first.content then
    return nil
  end
  local kind, name, rest = caption_label(first.content)
  if kind ~= wanted then
    return nil
  end
  first.content = rest
  if element.identifier == '' then
    element.identifier = identifier_kind .. ':' .. name
  end
  return element
end

local function bookdown_figure(figure)
  if not label_from_caption(figure, 'fig', 'fig') then
    return nil
  end
  -- The image's own description repeats the caption, label and all.
  figure.content = figure.content:walk {
    Image = function(image)
      local kind, _, rest = caption_label(image.caption)
      if kind == 'fig' then
        image.caption = rest
        return image
      end
    end,
  }
  return figure
end

local function bookdown_table(element)
  return label_from_caption(element, 'tab', 'tbl')
end

-- An equation's labels, bookdown's `(\#eq:euler)` or LaTeX's `\label{eq:euler}`, taken out of its TeX: the TeX
-- without them, and the labels.
local function take_equation_labels(tex)
  local labels = {}
  local function taken(name)
    table.insert(labels, name)
    return ''
  end
  local text = tex:gsub('%(\\#eq:(' .. BOOKDOWN_LABEL .. ')%)', taken)
  text = text:gsub('\\label%s*{eq:(' .. BOOKDOWN_LABEL .. ')}', taken)
  return text, labels
end

-- The formula followed by its label as pandoc-crossref writes it, to be numbered with the others.
local function labelled_equation(math, labels)
  if #labels > 1 then
    pandoc.log.warn(SEVERAL_LABELS .. ' eq:' .. labels[1] .. ' ' .. table.concat(labels, ' ', 2))
  end
  display_math = true
  return pandoc.Inlines { math, pandoc.Space(), pandoc.Str('{#eq:' .. labels[1] .. '}') }
end

-- A LaTeX equation with its label, `\begin{equation} … (\#eq:euler) \end{equation}`, read as Pandoc reads
-- the environment.
local function bookdown_equation(raw)
  if raw.format ~= 'latex' and raw.format ~= 'tex' then
    return nil
  end
  local text, labels = take_equation_labels(raw.text)
  if #labels == 0 then
    return nil
  end
  local blocks = pandoc.read(text, 'latex').blocks
  local para = #blocks == 1 and blocks[1].t == 'Para' and blocks[1]
  local math = para and #para.content == 1 and para.content[1]
  if not math or math.t ~= 'Math' or math.mathtype ~= 'DisplayMath' then
    return nil
  end
  local labelled = labelled_equation(math, labels)
  return raw.t == 'RawBlock' and pandoc.Para(labelled) or labelled
end

-- The same within display math, `$$\begin{equation} … (\#eq:euler) \end{equation}$$`.
local function bookdown_display_math(math)
  if math.mathtype ~= 'DisplayMath' then
    return nil
  end
  local text, labels = take_equation_labels(math.text)
  if #labels == 0 then
    return nil
  end
  math.text = text
  return labelled_equation(math, labels)
end

-- The paragraphs `(ref:name) Words…`: taken out, their words kept for each `(ref:name)` elsewhere.
local function bookdown_text_references(doc)
  local words_of = {}
  doc = doc:walk {
    Para = function(para)
      local first, second = para.content[1], para.content[2]
      local name = first and first.t == 'Str' and first.text:match('^%(ref:(' .. BOOKDOWN_LABEL .. ')%)$')
      if not name or (second and second.t ~= 'Space') then
        return nil
      end
      local rest = para.content:clone()
      rest:remove(1)
      if #rest > 0 then
        rest:remove(1)
      end
      words_of[name] = rest
      return {}
    end,
  }
  local defined = {}
  for name in pairs(words_of) do
    table.insert(defined, name)
  end
  table.sort(defined)
  -- Each `(ref:name)` of a word, and those of the words it stands for; `chain` holds the names being expanded,
  -- so that words standing, through others, for themselves are reported rather than expanded without end.
  local expand
  local function expand_word(str, chain)
    local rest, result = str.text, pandoc.Inlines {}
    while true do
      local before, name, after = rest:match('^(.-)%(ref:(' .. BOOKDOWN_LABEL .. ')%)(.*)$')
      if not name then
        break
      end
      if before ~= '' then
        result:insert(pandoc.Str(before))
      end
      local words = words_of[name]
      if words and not chain[name] then
        chain[name] = true
        table.insert(chain, name)
        result:extend(expand(words:clone(), chain))
        table.remove(chain)
        chain[name] = nil
      else
        if words then
          pandoc.log.warn(CYCLE_MARKER .. ' ' .. table.concat(chain, ' ') .. ' ' .. name)
        else
          pandoc.log.warn(MARKER .. ' (ref:' .. name .. ') among ' .. table.concat(defined, ' '))
        end
        result:insert(pandoc.Str('(ref:' .. name .. ')'))
      end
      rest = after
    end
    if #result == 0 then
      return nil
    end
    if rest ~= '' then
      result:insert(pandoc.Str(rest))
    end
    return result
  end
  expand = function(inlines, chain)
    return inlines:walk {
      Str = function(str)
        return expand_word(str, chain)
      end,
    }
  end
  return doc:walk {
    Str = function(str)
      return expand_word(str, {})
    end,
  }
end

local function bookdown_labels(doc)
  if not has_bookdown then
    return nil
  end
  doc = bookdown_text_references(doc)
  return doc:walk {
    Figure = bookdown_figure,
    Table = bookdown_table,
    RawBlock = bookdown_equation,
    RawInline = bookdown_equation,
    Math = bookdown_display_math,
  }
end

-- bookdown's \@ref(label), which Pandoc reads as the text "@ref(label)": the number of what is labelled.
local function bookdown_reference(str)
  local before, name, after = str.text:match('^(.-)@ref%((' .. BOOKDOWN_LABEL .. ')%)(.*)$')
  if not name then
    return nil
  end
  local identifier = name:gsub('^tab:', 'tbl:')
  local target = targets[identifier]
  local heading = headings[identifier]
  local shown
  if target and target.number then
    shown = { pandoc.Str(target.number) }
  elseif target or heading then
    shown = heading and (heading.number and { pandoc.Str(heading.number) } or heading.title:clone())
      or target.title:clone()
  end
  local result = pandoc.Inlines {}
  if before ~= '' then
    result:insert(pandoc.Str(before))
  end
  if shown then
    result:insert(link(identifier, shown))
  else
    local known = pandoc.List(order)
    local heading_identifiers = {}
    for heading_identifier in pairs(headings) do
      table.insert(heading_identifiers, heading_identifier)
    end
    table.sort(heading_identifiers)
    known:extend(heading_identifiers)
    if made_by_code(name) then
      pandoc.log.warn(FROM_CODE_MARKER .. ' ref(' .. name .. ')')
    else
      pandoc.log.warn(MARKER .. ' ref(' .. name .. ') among ' .. table.concat(known, ' '))
    end
    result:insert(pandoc.Str('??'))
  end
  if after ~= '' then
    -- "@ref(a)-@ref(b)": each reference in one word.
    result:extend(bookdown_reference(pandoc.Str(after)) or { pandoc.Str(after) })
  end
  return result
end

-- Figures made of what Pandoc left as paragraphs, divs, tables and code; the headings and display
-- math the numbering needs to know of. Paragraphs (for an image) and formulas are walked for
-- only when the text can hold them: each such walk costs a long book a fraction of a second.
local function gather(doc)
  return doc:walk {
    Para = has_images and paragraph_figure or nil,
    Div = div_figure,
    Table = caption_span_label,
    CodeBlock = function(code)
      if code.classes:includes('cell') and code.attributes.label then
        cell_labels[code.attributes.label] = true
      end
      return listing_block(code)
    end,
    Header = note_heading,
    Math = has_display_math and note_math or nil,
  }
end

return {
  { Meta = read_settings },
  { Pandoc = code_block_captions_pass },
  { Pandoc = bookdown_labels },
  -- Theorems from the outside in (one within another comes after it), their name headings taken out
  -- before the headings are noted for numbering.
  {
    Pandoc = function(doc)
      return has_divs and doc:walk { traverse = 'topdown', Div = theorem } or nil
    end,
  },
  { Pandoc = gather },
  { Pandoc = number_targets },
  {
    Pandoc = function(doc)
      return has_crossrefs and doc:walk { Inlines = resolve_inlines } or nil
    end,
  },
  {
    Pandoc = function(doc)
      return has_bookdown and doc:walk { Str = bookdown_reference } or nil
    end,
  },
}
