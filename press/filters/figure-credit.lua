-- A figure's credit is data on its image:
--   ![Caption](images/map.png){illustrator="Jo Doe" credit="Map by Jo Doe."}
-- The credit line ('Illustration by <illustrator>.' when only the name is given,
-- in the words the toolchain passes as the metadata field press-illustration-by)
-- is appended to the caption, so every edition shows it beside the image.

local credit_format = 'Illustration by {name}.'

local function read_credit_format(meta)
  if meta['press-illustration-by'] then
    credit_format = pandoc.utils.stringify(meta['press-illustration-by'])
  end
end

local function first_image(figure)
  local found
  figure:walk {
    Image = function(image)
      found = found or image
    end,
  }
  return found
end

local function add_credit(figure)
  local image = first_image(figure)
  if not image then
    return nil
  end
  local illustrator = image.attributes.illustrator
  local credit = image.attributes.credit
  if not credit and illustrator then
    credit = credit_format:gsub('{name}', function()
      return illustrator
    end)
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

-- The format first (from the metadata), then the figures.
return { { Meta = read_credit_format }, { Figure = add_credit } }
