-- A figure's credit is data on its image:
--   ![Caption](images/map.png){illustrator="Jo Doe" credit="Map by Jo Doe."}
-- The credit line ('Illustration by <illustrator>.' when only the name is given)
-- is appended to the caption, so every edition shows it beside the image.

local function first_image(figure)
  local found
  figure:walk {
    Image = function(image)
      found = found or image
    end,
  }
  return found
end

function Figure(figure)
  local image = first_image(figure)
  if not image then
    return nil
  end
  local illustrator = image.attributes.illustrator
  local credit = image.attributes.credit
  if not credit and illustrator then
    credit = 'Illustration by ' .. illustrator .. '.'
  end
  if not credit then
    return nil
  end
  local credit_span = pandoc.Span(pandoc.Inlines(credit), { class = 'credit' })
  local caption = figure.caption.long
  if #caption == 0 then
    caption:insert(pandoc.Plain { credit_span })
  else
    local last = caption[#caption]
    last.content:insert(pandoc.Space())
    last.content:insert(credit_span)
  end
  figure.caption.long = caption
  return figure
end
