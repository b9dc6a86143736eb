-- The front matter is Markdown: title, subtitle, short title, abstract,
-- dedication, epigraph, thanks and the authors' names may hold emphasis, math,
-- superscripts or notes (a citation in the abstract, with a note style). Pandoc
-- has already read each of them as Markdown; this filter puts each one at the
-- start of the document, so that the writer writes it as the text (math, notes)
-- and numbers its notes with the text's, before them: its note calls are in its
-- HTML, its notes in the document's list. Each is written as plain text too,
-- without its notes (for metadata and running heads). Raw HTML in a field is
-- shown as written (see raw_as_text):
--
--   <div id="press-front-matter">
--     <div data-field="title"><div class="html">…</div><div class="plain">…</div></div>
--     <div data-field="author">…</div>   (one per author with a name, in order)
--   </div>
--
-- The fields come in the order a reader meets them in the title block, which is
-- the order of their notes. press/document.py takes that block out of the text again.

local INLINE_FIELDS = { 'title', 'subtitle' }
local BLOCK_FIELDS = { 'thanks', 'dedication', 'abstract', 'epigraph' }
-- Shown nowhere as HTML (running heads and metadata take its plain text): its notes would be called from nowhere.
local PLAIN_ONLY_FIELDS = { 'short-title' }
local PLAIN_OPTIONS = { wrap_text = 'wrap-none' }

local function escape(text)
  return (text:gsub('&', '&amp;'):gsub('<', '&lt;'):gsub('>', '&gt;'):gsub('"', '&quot;'))
end

local function as_inlines(value)
  local kind = pandoc.utils.type(value)
  if kind == 'Inlines' then
    return value
  elseif kind == 'Blocks' then
    return pandoc.utils.blocks_to_inlines(value)
  elseif kind == 'string' or kind == 'number' then
    return pandoc.Inlines(tostring(value))
  end
  return nil
end

local function as_blocks(value)
  if pandoc.utils.type(value) == 'Blocks' then
    return value
  end
  local inlines = as_inlines(value)
  return inlines and pandoc.Blocks { pandoc.Para(inlines) } or nil
end

-- A name: text, or a mapping with `name` (itself text or given/family/literal parts).
local function name_of(author)
  if pandoc.utils.type(author) ~= 'table' then
    return as_inlines(author)
  end
  local name = author.name or author
  if pandoc.utils.type(name) ~= 'table' then
    return as_inlines(name)
  end
  if name.literal then
    return as_inlines(name.literal)
  end
  local parts = pandoc.Inlines {}
  for _, key in ipairs { 'given', 'dropping-particle', 'non-dropping-particle', 'family' } do
    local part = name[key] and as_inlines(name[key])
    if part and #part > 0 then
      if #parts > 0 then
        parts:insert(pandoc.Space())
      end
      parts:extend(part)
    end
  end
  return #parts > 0 and parts or nil
end

-- Raw HTML in a front-matter field is shown as written, not read as markup: the
-- fields are Markdown, and a title is no place for code (it would otherwise go
-- on to every edition's metadata and headings).
local function raw_as_text(blocks)
  return pandoc.Blocks(blocks):walk {
    RawInline = function(raw)
      return pandoc.Str(raw.text)
    end,
    RawBlock = function(raw)
      return pandoc.Para { pandoc.Str(raw.text) }
    end,
  }
end

local function without_notes(blocks)
  return blocks:walk {
    Note = function()
      return {}
    end,
  }
end

local function field_div(field, blocks, shown)
  blocks = raw_as_text(blocks)
  local plain = pandoc.write(pandoc.Pandoc(without_notes(blocks)), 'plain', PLAIN_OPTIONS)
  return pandoc.Div({
    pandoc.Div(shown and blocks or without_notes(blocks), pandoc.Attr('', { 'html' })),
    pandoc.RawBlock('html', string.format('<div class="plain">%s</div>', escape(plain:gsub('%s+$', '')))),
  }, pandoc.Attr('', {}, { ['data-field'] = field }))
end

local function authors(meta)
  local value = meta.author
  if value == nil then
    return {}
  end
  if pandoc.utils.type(value) ~= 'List' then
    value = { value }
  end
  local names = {}
  for _, author in ipairs(value) do
    local name = name_of(author)
    if name and #name > 0 then
      table.insert(names, name)
    end
  end
  return names
end

function Pandoc(document)
  local meta = document.meta
  local parts = {}
  local function add_inline(field, shown)
    local inlines = meta[field] and as_inlines(meta[field])
    if inlines and #inlines > 0 then
      table.insert(parts, field_div(field, pandoc.Blocks { pandoc.Plain(inlines) }, shown))
    end
  end
  for _, field in ipairs(INLINE_FIELDS) do
    add_inline(field, true)
  end
  for _, field in ipairs(PLAIN_ONLY_FIELDS) do
    add_inline(field, false)
  end
  for _, name in ipairs(authors(meta)) do
    table.insert(parts, field_div('author', pandoc.Blocks { pandoc.Plain(name) }, true))
  end
  for _, field in ipairs(BLOCK_FIELDS) do
    local blocks = meta[field] and as_blocks(meta[field])
    if blocks and #blocks > 0 then
      table.insert(parts, field_div(field, blocks, true))
    end
  end
  document.blocks:insert(1, pandoc.Div(parts, pandoc.Attr('press-front-matter')))
  return document
end
