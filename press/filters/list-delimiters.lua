-- Ordered lists keep the delimiter their author wrote: `(2)` and `2)`.
--
-- HTML's <ol> has a start and a numbering style (Pandoc writes both) but no
-- delimiter. A list written with parentheses is wrapped in a division whose
-- classes name the delimiter and the style, and the stylesheets draw each
-- item's marker from them: `list-two-parens list-lower-roman` gives (i), (ii)…

local DELIMITERS = { OneParen = 'list-one-paren', TwoParens = 'list-two-parens' }
local STYLES = {
  LowerRoman = 'list-lower-roman',
  UpperRoman = 'list-upper-roman',
  LowerAlpha = 'list-lower-alpha',
  UpperAlpha = 'list-upper-alpha',
}

function OrderedList(list)
  local delimiter = DELIMITERS[list.listAttributes.delimiter]
  if not delimiter then
    return nil
  end
  local classes = { delimiter }
  local style = STYLES[list.listAttributes.style]
  if style then
    table.insert(classes, style)
  end
  return pandoc.Div({ list }, pandoc.Attr('', classes))
end
