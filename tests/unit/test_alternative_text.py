"""Images without alternative text (press.document): the caption's words in a figure, else decorative with a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from press.context import BuildContext
from press.document import load_document
from press.errors import Location, Reporter
from press.markup import parse_fragment
from tests.conftest import MINIMAL

MANUSCRIPT = """\
---
title: Images
author: A
lang: en
---

![](plain.png)

![](chosen.png){alt=""}

::: {#fig-growth}
![](growth.png)

Growth of the *town*, 1900–1950.^[From the census.]
:::

![A map drawn by hand](map.png){#fig-map illustrator="Jo Doe"}

```{r view, fig.cap = "An example image.", echo = FALSE}
knitr::include_graphics("view.png")
```

```{r other, fig.cap = "Another example.", fig.alt = "A grey square on white.", echo = FALSE}
knitr::include_graphics("other.png")
```

<img src="raw.png">
"""
IMAGES = ("plain", "chosen", "growth", "map", "view", "other", "raw")


def test_an_image_without_alternative_text(tmp_path: Path) -> None:
    for name in IMAGES:
        shutil.copy(MINIMAL.parent / "images" / "square.png", tmp_path / f"{name}.png")
    manuscript = tmp_path / "paper.md"
    manuscript.write_text(MANUSCRIPT, encoding="utf-8")
    reporter = Reporter(collect=True)
    document = load_document(manuscript, BuildContext(tmp_path / "out", reporter=reporter))
    alternatives = [image.get("alt") for image in parse_fragment(document.body).iter("img")]
    assert alternatives == [
        "",  # no words and no caption: decorative, with a warning
        "",  # decorative, as the author says
        "Growth of the town, 1900–1950.",  # the caption's words, without its label or its note's number
        "A map drawn by hand",  # the image's own words, without the credit the caption gains
        "An example image.",  # knitr's: fig.cap, or else
        "A grey square on white.",  # fig.alt
        "",  # raw HTML as Markdown
    ]
    assert [(str(warning.location), warning.message) for warning in reporter.warnings] == [
        (
            str(location),
            f"image '{name}' has no alternative text: readers who cannot see it will not know what it shows, and the"
            f" editions mark it as decorative; describe it, ![what it shows]({name}), or give it a caption",
        )
        for location, name in (
            (Location(manuscript, 7, 5), "plain.png"),
            (Location(manuscript, 27, 11), "raw.png"),
        )
    ]
