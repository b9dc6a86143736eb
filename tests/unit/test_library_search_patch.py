"""WeasyPrint opens its libraries without a search for each name that fails (press/patches/library_search.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

#: Imports WeasyPrint (after `press` or not) and says how many processes the import started and which of its
#: libraries it opened.
PROGRAM = """
import json, sys
started = []
sys.addaudithook(lambda event, arguments: started.append(event) if event == "subprocess.Popen" else None)
if sys.argv[1] == "press":
    import press
import weasyprint.text.ffi as ffi
names = ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2")
print(json.dumps({"started": len(started), "opened": [name for name in names if getattr(ffi, name) is not None]}))
"""


def imported(after: str) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", PROGRAM, after], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(run.stdout)
    return result


def test_every_library_opens_and_no_process_is_started_to_search() -> None:
    patched = imported("press")
    assert patched == {
        "started": 0,
        "opened": ["gobject", "pango", "harfbuzz", "harfbuzz_subset", "fontconfig", "pangoft2"],
    }


def test_without_the_patch_weasyprint_searches_in_processes_of_their_own() -> None:
    """The behaviour the patch changes, still WeasyPrint's own: when it is not, the patch can go."""
    plain = imported("weasyprint")
    assert isinstance(plain["started"], int) and plain["started"] > 0
    assert plain["opened"] == imported("press")["opened"]
