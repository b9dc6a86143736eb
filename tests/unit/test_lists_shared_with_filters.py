"""Lists Python declares once and a Lua filter must repeat (it cannot import them) name the same things."""

from __future__ import annotations

import re

from press import FILTERS_DIR, document, editions, pandoc


def lua_table(filter_name: str, table: str) -> str:
    found = re.search(
        rf"^local {table} = \{{([^}}]*)\}}", (FILTERS_DIR / filter_name).read_text(encoding="utf-8"), re.M
    )
    assert found is not None, f"{table} in {filter_name}"
    return found.group(1)


def test_the_warnings_and_the_quarto_filter_know_every_edition_and_no_other() -> None:
    assert set(document.EDITION_NAMES) == set(editions.NAMES)
    assert set(re.findall(r"'(\w+)'", lua_table("quarto.lua", "EDITIONS"))) == set(editions.NAMES)


def test_the_cross_reference_filter_numbers_the_kinds_the_marks_look_for() -> None:
    assert set(re.findall(r"(\w+) =", lua_table("crossref.lua", "KINDS"))) == set(pandoc.CROSSREF_KINDS)


def test_the_cross_reference_filter_knows_the_theorem_kinds_python_leaves_to_citeproc() -> None:
    assert set(re.findall(r"(\w+) = true", lua_table("crossref.lua", "THEOREM_KINDS"))) == set(pandoc.THEOREM_KINDS)


def test_the_cross_reference_filter_numbers_the_callouts_python_leaves_to_citeproc() -> None:
    assert set(re.findall(r"(\w+) = '", lua_table("crossref.lua", "CALLOUT_KINDS"))) == set(pandoc.CALLOUT_KINDS)
