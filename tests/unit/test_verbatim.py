"""Where Pandoc reads a text verbatim (code, raw markup, comments), found as Pandoc's own reader finds it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pypandoc
import pytest

from press.verbatim import as_written, rank

#: Texts whose `@kN` words Pandoc reads as citations in prose and as they are in code, raw markup and comments.
TEXTS = [
    "```\n@k1 code\n\nstill @k2, the fence unclosed\n",
    "  ```\n  @k1\n  ```\n@k2\n",
    "text\n```\n@k1\n```\n",
    "~~~~ {.python}\n@k1\n~~~\nstill\n~~~~\nout @k2\n",
    "````\n```\n@k1\n````\n@k2\n",
    "```yaml\n- x\n    ```\n@k1\n```\n\n@k2\n",
    "- item\n\n  ```\n  @k1\n  ```\n\n@k2\n",
    "- item\n\n    ```\n    @k1\n    ```\n\n@k2\n",
    "> ```\n> @k1\n> ```\n\n> @k2\n",
    "> quote\n>\n>     @k1\n\n@k2\n",
    "para\n    @k1\n\n    @k2\n",
    "# Head\n    @k1\n",
    "    ```\n    @k1\n    ```\n",
    "```python\n@k1\n```\n\n\t@k2\n\n@k3 `` ` `` @k4\n",
    "- item\n\n    @k1\n\n        @k2\n",
    "1. item\n\n    @k1\n\nafter\n\n    @k2\n",
    "[^1]: A note.\n\n    More @k1.\n\nText[^1] @k4.\n\n    @k2\n",
    "Term\n\n:   Def @k1\n\n        @k2\n",
    "a `code\n@k1` b\n\nx ``two ` @k2`` y\n\n`unclosed @k3\n",
    "Text `` @k1 `` and `@k2\n\n@k3`\n",
    "Text with ```triple @k1``` inline\n",
    "a\\`@k1` c\n",
    "``` {=html}\n<b>@k1</b>\n```\n\n`@k2`{=html} and `@k3`{.py}\n",
    "<pre>\n@k1\n</pre>\n\n<!-- @k2\n-->\n\ntext <!-- @k3 --> @k4 <script>@k5</script>\n",
    "<div>\n@k1\n</div>\n\n<textarea>@k2</textarea>\n",
    "---\ntitle: T\nabstract: |\n  A.\n\n      indented @k1\n---\n\n    @k2\n",
]


def _cited(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("t") == "Cite":
            yield from (citation["citationId"] for citation in value["c"][0])
        for inner in value.values():
            yield from _cited(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _cited(inner)


@pytest.mark.parametrize("text", TEXTS)
def test_prose_is_what_pandoc_reads_as_prose(text: str) -> None:
    cited = set(_cited(json.loads(pypandoc.convert_text(text, "json", format="markdown"))))
    for word in re.finditer(r"@(k\d)", text):
        assert (rank(text, word.start()) == 0) == (word.group(1) in cited), (text, word.group())


def test_what_the_author_wrote_is_found_in_prose_first_then_raw_markup_then_code() -> None:
    text = "`@a` and\n\n```{=latex}\n@a\n```\n"
    code, raw = text.index("@a"), text.rindex("@a")
    assert as_written(text, [code, raw]) == [raw], "raw markup before code"
    assert as_written(text, [code]) == [code], "found nowhere else, it is where it is"
    assert as_written(text + "\nProse @a.\n", [code, raw, len(text) + 7]) == [len(text) + 7]
    assert as_written(text, [code, raw], raw=True) == [raw], "raw markup is written, when it is what is looked for"
