"""Quarto's and R Markdown's code cells and shortcodes, rewritten for Pandoc with every character
still mapped to the line the author wrote it on."""

from __future__ import annotations

from pathlib import Path

from press.errors import Reporter
from press.metadata import read_manuscript
from press.quarto import quarto_syntax

TEXT = """# Analysis

```{r setup, include=FALSE}
library(tides)
```

{{< pagebreak >}}

A manual shows a cell as it is written:

````markdown
```{python}
print("shown, not rewritten")
```
{{< video shown.mp4 >}}
````

{{< include _appendix.qmd >}} and after it, the last word.
"""


def test_cells_become_code_blocks_and_page_breaks_new_pages_with_their_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "analysis.qmd"
    path.write_text(TEXT, encoding="utf-8")
    reporter = Reporter(collect=True)
    manuscript = quarto_syntax(read_manuscript(path), reporter)
    assert "```{.r .cell}\nlibrary(tides)" in manuscript.text
    assert "\n\\newpage\n" in manuscript.text
    # Inside another code block, a cell and a shortcode are the text of that block.
    assert '```{python}\nprint("shown, not rewritten")' in manuscript.text
    assert "{{< video shown.mp4 >}}" in manuscript.text
    assert [(str(warning.location), warning.message.split(":")[0]) for warning in reporter.warnings] == [
        (f"{path}:3:1", "a code cell ({r setup, include=FALSE}) is shown as code"),
        (f"{path}:18:1", "the Quarto shortcode {{< include _appendix.qmd >}} is printed as written"),
    ]
    # Text after a rewritten line is still found on its own line and column.
    assert str(manuscript.locate("the last word")) == f"{path}:18:45"
    assert str(manuscript.locate("library(tides)")) == f"{path}:4:1"
