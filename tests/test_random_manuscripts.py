"""Whatever an author writes builds, or fails with clean one-line errors: never a traceback."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from press.cli import main

LINE = re.compile(r"^(\S.*?: )?(error|warning): .+$")
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
control_characters = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=3)
blocks = st.one_of(
    words.map(lambda text: f"# {text}"),
    words,
    words.map(lambda text: f"*{text}* and **{text}**"),
    words.map(lambda text: f"A claim [@{text.strip() or 'key'}]."),
    st.just("A note.[^n]\n\n[^n]: The note's text."),
    st.just("- one\n- two\n\n1. first"),
    st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
    st.just("```\ncode <b>\n```"),
    st.just("![An image](images/nowhere.png)"),
    st.just("[A link](#nowhere) and <https://example.org>"),
    st.just("<div class='raw'>raw <em>HTML</em></div>"),
    st.just("$x^2$ and \\$5"),
    words.map(lambda text: f"> {text}"),
)
valid_front_matter = st.fixed_dictionaries(
    {"title": words, "author": st.one_of(words, st.lists(words, min_size=1, max_size=3)), "lang": st.just("en")},
    optional={
        "date": st.one_of(st.dates().map(str), words),
        "keywords": st.lists(words, max_size=3),
        "csl": st.sampled_from(["apa", "ieee", "chicago-notes-bibliography", "no-such-style"]),
        "notes": st.sampled_from(["footnotes", "endnotes", "margin"]),
        "paper": st.sampled_from(["a4", "letter", "a5"]),
        "titel": words,
        "description": st.one_of(words, control_characters),
    },
).map(lambda values: yaml.safe_dump(values, allow_unicode=True))
# Mostly front matter that can build, sometimes anything at all.
front_matter = st.one_of(valid_front_matter, valid_front_matter, valid_front_matter, words)


# Each example builds three real editions: a few dozen, and no shrinking, keep the suite quick.
@settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(front=front_matter, body=st.lists(blocks, max_size=8))
def test_any_manuscript_builds_or_fails_cleanly(
    front: str, body: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        manuscript = Path(scratch) / "random.md"
        manuscript.write_text(f"---\n{front}---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        status = main(["all", "--manuscript", str(manuscript), "--out", str(Path(scratch) / "out"), "-q"])
    captured = capsys.readouterr()
    assert status in (0, 1)
    assert "Traceback" not in captured.err and "internal error" not in captured.err, captured.err
    for line in captured.err.splitlines():
        assert LINE.match(line), line
    if status == 1:
        assert "error: " in captured.err
    event("built" if status == 0 else "refused")
