-- The works the text cites, as CSL JSON, for the editions' metadata (schema.org
-- `citation` in the web edition). Written here so that the one Pandoc pass gives
-- them: appended to the document as a JSON script block that the loader takes out.
-- pandoc.utils.references lists what is cited (or nocite'd), from the bibliography
-- files and from inline `references`.

function Pandoc(doc)
  local references = pandoc.utils.references(doc)
  local json = pandoc.write(pandoc.Pandoc({}, { references = references }), 'csljson')
  -- '</' cannot close the script element early once escaped as JSON allows.
  json = json:gsub('</', '<\\/')
  doc.blocks:insert(pandoc.RawBlock(
    'html', '<script type="application/json" id="press-references">' .. json .. '</script>'))
  return doc
end
