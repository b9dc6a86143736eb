"""The Pandoc pass lets the build work while Pandoc converts the manuscript (press.pandoc.convert)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from press.cache import BuildCache
from press.context import BuildContext
from press.document import load_document

MANUSCRIPT = "---\ntitle: A title\nlang: en\n---\n\nA paragraph.\n"


def pandoc_children() -> list[int]:
    """This process's Pandoc children, running or finished but not yet waited for."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        name, fields = status[status.index("(") + 1 : status.rindex(")")], status[status.rindex(")") + 2 :].split()
        if name == "pandoc" and int(fields[1]) == os.getpid():
            found.append(int(entry.name))
    return found


def test_the_build_works_while_pandoc_converts_and_once_more_when_the_pass_is_reused(tmp_path: Path) -> None:
    manuscript = tmp_path / "article.md"
    manuscript.write_text(MANUSCRIPT, encoding="utf-8")
    seen: list[list[int]] = []
    document = load_document(manuscript, BuildContext(tmp_path / "out"), lambda: seen.append(pandoc_children()))
    assert len(seen) == 1 and len(seen[0]) == 1, "called once, while Pandoc's process was there"
    assert "A paragraph." in document.body
    assert pandoc_children() == []
    again: list[list[int]] = []
    load_document(manuscript, BuildContext(tmp_path / "out"), lambda: again.append(pandoc_children()))
    assert again == [[]], "called once, with no Pandoc run: the pass was reused"


def test_the_cache_lock_calls_while_waiting_only_when_another_build_holds_it(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    calls: list[str] = []
    with cache.locked("entry", while_waiting=lambda: calls.append("free")):
        pass
    assert calls == []
    with (tmp_path / ".cache" / "entry.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another build's lock (flock's locks belong to the open file)

        def release() -> None:
            calls.append("waited")
            fcntl.flock(held, fcntl.LOCK_UN)

        with cache.locked("entry", while_waiting=release):
            calls.append("held")
    assert calls == ["waited", "held"]


def test_what_goes_wrong_while_pandoc_runs_is_not_blamed_on_pandoc(tmp_path: Path) -> None:
    manuscript = tmp_path / "article.md"
    manuscript.write_text(MANUSCRIPT, encoding="utf-8")

    def failing() -> None:
        raise RuntimeError("a library would not load")

    with pytest.raises(RuntimeError, match="a library would not load"):
        load_document(manuscript, BuildContext(tmp_path / "out"), failing)
    assert pandoc_children() == [], "Pandoc was stopped and waited for"
