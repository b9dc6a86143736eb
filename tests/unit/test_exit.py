"""build.py ends without the interpreter's teardown (press.cli.exit_now), and loses nothing by it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

PROGRAM = """
import atexit, tempfile
from pathlib import Path
from press.cli import exit_now

folder = tempfile.TemporaryDirectory()
Path(folder.name, "left").write_text("x")
print(folder.name)
atexit.register(lambda: print("what it registered ran", flush=True))
print("and what it printed last", end="")
exit_now(3)
"""


def test_the_status_the_output_and_what_was_registered_for_the_exit_are_kept() -> None:
    run = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 3, run.stderr
    folder, rest = run.stdout.split("\n", 1)
    assert rest == "and what it printed lastwhat it registered ran\n"
    # The temporary folder left for the exit is removed then, as at any exit.
    assert not (ROOT / folder).exists()
