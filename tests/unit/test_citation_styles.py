"""Citation styles named by a web address, which Pandoc would fetch and a build does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.csl import STYLES_PACKAGE_DIR, resolve_style
from press.errors import Location, PressError

WHERE = Location(Path("paper.md"), 8)


def test_the_address_of_a_shipped_style_is_that_style_with_a_warning(tmp_path: Path) -> None:
    """https://www.zotero.org/styles/apa is how Zotero and the CSL repository name apa: the same style ships."""
    warnings: list[tuple[str, Location]] = []
    style = resolve_style(
        "https://www.zotero.org/styles/apa", tmp_path, WHERE, warn=lambda *warning: warnings.append(warning)
    )
    assert style == STYLES_PACKAGE_DIR / "apa.csl"
    assert warnings == [
        (
            "citation styles are not fetched from the web: https://www.zotero.org/styles/apa is the address of the"
            " style shipped as 'apa', which is used (write `csl: apa` to say so)",
            WHERE,
        )
    ]


def test_a_dependent_styles_address_is_its_parent(tmp_path: Path) -> None:
    style = resolve_style("http://www.zotero.org/styles/nature-biotechnology/", tmp_path, WHERE)
    assert style.parent == STYLES_PACKAGE_DIR and style.name == "nature.csl"


@pytest.mark.parametrize(
    ("address", "hint"),
    [
        (
            "https://raw.githubusercontent.com/citation-style-language/styles/master/apa.csl",
            "; did you mean the style shipped as `csl: apa`?",
        ),
        ("https://example.org/house-style.csl", ""),
    ],
)
def test_any_other_address_is_refused_naming_the_shipped_style_of_its_name(
    tmp_path: Path, address: str, hint: str
) -> None:
    with pytest.raises(PressError) as raised:
        resolve_style(address, tmp_path, WHERE)
    assert raised.value.location == WHERE
    assert str(raised.value).endswith(
        f"citation styles are not fetched from the web: save the style at {address} beside the manuscript and name"
        f" its file (csl: style.csl), or name a shipped style{hint}"
    )
