-- Quarto's blocks and attributes that Pandoc alone reads as plain divs and data, made
-- what Quarto makes of them, in every edition:
--   callouts  ::: {.callout-note} (note, tip, warning, caution, important), titled by
--             their `title`, their first heading, or the type's word in the book's language
--             (metadata fields press-callout-<type>); the heading is the callout's title,
--             never a section of the text.
--   tabsets   ::: {.panel-tabset} with a heading per tab: the tabs follow one another,
--             each under its title, which is neither numbered nor in the contents.
--   fig-alt   ![](map.png){fig-alt="…"}: the image's alternative text.
--   conditional content  ::: {.content-visible when-format="html"} (or .content-hidden,
--             unless-format, when-meta, unless-meta; a span or a code block too): kept for the editions it is
--             for, marked press-editions="pdf epub" when some editions are to leave it out
--             (press.markup.for_edition drops it from the others). Quarto's pdf, latex and
--             typst are the PDF edition, html the web edition, epub the EPUB.
-- It runs before the cross-references, so that no callout or tab title is numbered.

local TYPES = { 'note', 'tip', 'warning', 'caution', 'important' }
local words = { note = 'Note', tip = 'Tip', warning = 'Warning', caution = 'Caution', important = 'Important' }
--- Quarto's options for its own HTML (collapse, icon, appearance): no edition uses them.
local QUARTO_ONLY = { 'collapse', 'icon', 'appearance', 'title', 'type' }

local EDITIONS = { 'pdf', 'epub', 'html' }
local FORMAT_EDITIONS = {
  html = 'html', html5 = 'html', html4 = 'html',
  pdf = 'pdf', latex = 'pdf', typst = 'pdf', context = 'pdf', beamer = 'pdf',
  epub = 'epub', epub2 = 'epub', epub3 = 'epub',
}
local metadata = {}

-- What the text can hold (press.pandoc.SOURCE_MARKS); without the toolchain's word, anything.
local has_spans, has_images = true, true

local function read_words(meta)
  metadata = meta
  has_spans = meta['press-has-spans'] ~= false
  has_images = meta['press-has-images'] ~= false
  for _, kind in ipairs(TYPES) do
    local value = meta['press-callout-' .. kind]
    if value then
      words[kind] = pandoc.utils.stringify(value)
    end
  end
end

local function callout_type(div)
  for _, kind in ipairs(TYPES) do
    if div.classes:includes('callout-' .. kind) then
      return kind
    end
  end
  if div.classes:includes('callout') then
    local kind = div.attributes['type']
    return words[kind] and kind or 'note'
  end
  return nil
end

local function callout(div)
  local kind = callout_type(div)
  if not kind then
    return nil
  end
  local content = div.content:clone()
  local title
  -- A heading that titles the callout leaves it its identifier, which links may name.
  local identifier = ''
  if div.attributes['title'] then
    local read = pandoc.read(div.attributes['title'], 'markdown').blocks
    title = #read > 0 and read[1].content or pandoc.Inlines {}
  elseif #content > 0 and content[1].t == 'Header' then
    local heading = content:remove(1)
    title, identifier = heading.content, heading.identifier
  else
    title = pandoc.Inlines(words[kind])
  end
  content:insert(1, pandoc.Div({ pandoc.Plain(title) }, pandoc.Attr(identifier, { 'callout-title' })))
  local attributes = {}
  for name, value in pairs(div.attributes) do
    local quarto_only = false
    for _, option in ipairs(QUARTO_ONLY) do
      quarto_only = quarto_only or name == option
    end
    if not quarto_only then
      attributes[name] = value
    end
  end
  attributes['role'] = 'note'
  local classes = { 'callout', 'callout-' .. kind }
  for _, class in ipairs(div.classes) do
    if class ~= 'callout' and class ~= 'callout-' .. kind then
      table.insert(classes, class)
    end
  end
  return pandoc.Div(content, pandoc.Attr(div.identifier, classes, attributes))
end

-- The tabs' titles: the tabset's shallowest headings.
local function tabset(div)
  if not div.classes:includes('panel-tabset') then
    return nil
  end
  local level = 7
  for _, block in ipairs(div.content) do
    if block.t == 'Header' and block.level < level then
      level = block.level
    end
  end
  for _, block in ipairs(div.content) do
    if block.t == 'Header' and block.level == level then
      block.classes:insert('unnumbered')
      block.classes:insert('unlisted')
      block.classes:insert('tab-title')
    end
  end
  return div
end

local function alternative_text(image)
  local alt = image.attributes['fig-alt']
  if alt then
    image.attributes['alt'] = alt
    image.attributes['fig-alt'] = nil
    return image
  end
  return nil
end

-- The editions a format condition selects: 'html' the web edition, 'pdf' and 'latex' the PDF.
local function editions_of(format)
  local found = {}
  local edition = FORMAT_EDITIONS[format]
  if edition then
    found[edition] = true
  end
  return found
end

local function is_true(value)
  return value == true or (value ~= nil and pandoc.utils.stringify(value) == 'true')
end

-- The editions a .content-visible or .content-hidden element is for, or nil for another element.
local function conditional_editions(element)
  local visible = element.classes:includes('content-visible')
  if not visible and not element.classes:includes('content-hidden') then
    return nil
  end
  local when, unless = element.attributes['when-format'], element.attributes['unless-format']
  local when_meta, unless_meta = element.attributes['when-meta'], element.attributes['unless-meta']
  local selected = {}
  for _, edition in ipairs(EDITIONS) do
    local chosen = true
    if when then
      chosen = chosen and editions_of(when)[edition] == true
    end
    if unless then
      chosen = chosen and not editions_of(unless)[edition]
    end
    if when_meta then
      chosen = chosen and is_true(metadata[when_meta])
    end
    if unless_meta then
      chosen = chosen and not is_true(metadata[unless_meta])
    end
    if chosen == visible then
      table.insert(selected, edition)
    end
  end
  return selected
end

local function conditional(element)
  local editions = conditional_editions(element)
  if editions == nil then
    return nil
  end
  if #editions == #EDITIONS then
    return element.content
  end
  if #editions == 0 then
    return {}
  end
  local kept = element:clone()
  for _, name in ipairs({ 'when-format', 'unless-format', 'when-meta', 'unless-meta' }) do
    kept.attributes[name] = nil
  end
  kept.attributes['press-editions'] = table.concat(editions, ' ')
  return kept
end

-- A code block for some editions only (Quarto's ```{.python .content-visible when-format="html"}):
-- in a div that says which, so that the editions without it leave out the whole block (Pandoc's
-- HTML puts a highlighted block in a div of its own).
local function conditional_code(code)
  local editions = conditional_editions(code)
  if editions == nil then
    return nil
  end
  code.classes = code.classes:filter(function(class)
    return class ~= 'content-visible' and class ~= 'content-hidden'
  end)
  for _, name in ipairs({ 'when-format', 'unless-format', 'when-meta', 'unless-meta' }) do
    code.attributes[name] = nil
  end
  if #editions == #EDITIONS then
    return code
  end
  if #editions == 0 then
    return {}
  end
  return pandoc.Div({ code }, pandoc.Attr('', {}, { ['press-editions'] = table.concat(editions, ' ') }))
end

-- A div for some editions only that is also a callout or a tabset stays one.
local function div(element)
  local result = conditional(element)
  if result == nil then
    return callout(element) or tabset(element)
  end
  if pandoc.utils.type(result) == 'Block' then
    return callout(result) or tabset(result) or result
  end
  return result
end

-- One walk over the document for all three (each walk costs a long book a fraction of a
-- second), for spans and images only when the text can hold them: bottom-up, so that a
-- callout inside conditional content is made before it.
local function quarto(doc)
  return doc:walk {
    Div = div,
    CodeBlock = conditional_code,
    Span = has_spans and conditional or nil,
    Image = has_images and alternative_text or nil,
  }
end

return {
  { Meta = read_words },
  { Pandoc = quarto },
}
