"""The editions are listed once (press.editions.NAMES); what names them elsewhere names the same ones."""

from __future__ import annotations

import re

from press import FILTERS_DIR, document, editions


def test_the_warnings_and_the_quarto_filter_know_every_edition_and_no_other() -> None:
    assert set(document.EDITION_NAMES) == set(editions.NAMES)
    listed = re.search(r"^local EDITIONS = \{([^}]*)\}", (FILTERS_DIR / "quarto.lua").read_text(encoding="utf-8"), re.M)
    assert listed is not None
    assert set(re.findall(r"'(\w+)'", listed.group(1))) == set(editions.NAMES)
