"""The build context: everything one build carries from stage to stage.

Options, the build cache, the reporter for warnings and the record of the
files read travel together in one object handed to the loader and to each
edition, so that a build depends on nothing process-wide and two builds in one
process (the tests, `serve`, a release) cannot disturb each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildCache
from .errors import Reporter
from .invocation import MetadataOptions


@dataclass(frozen=True)
class Options:
    """What the command line or the API may set for a build; None leaves it to the front matter.

    The defaults table shared by `build.py` and `press.api.build`.
    """

    paper: str | None = None
    notes: str | None = None
    edition_version: str | None = None
    strict: bool = False
    #: Run Ace by DAISY on the EPUB while building it, so that its metadata may claim
    #: conformance to EPUB Accessibility (needs the test tools: `make release` does).
    check_accessibility: bool = False
    #: Take active content (javascript: links, iframes, event handlers…) out of the manuscript's
    #: HTML with a warning, instead of refusing the manuscript (see press.sanitize).
    remove_active_content: bool = False
    #: Build even when no font can draw some character (a warning then, not an error);
    #: the front matter's `allow-missing-glyphs: true` does the same.
    allow_missing_glyphs: bool = False
    #: Bleed (3 mm) and crop marks around the PDF's pages, for the printer (see styles/printer-marks.css).
    printer_marks: bool = False
    #: Wall-clock seconds each stage of the build may take (None: no limit); see press.limits.
    timeout: float | None = None
    #: Metadata from the command line or a defaults file, as Pandoc's -M, --metadata-file,
    #: --bibliography and --csl give it.
    metadata: MetadataOptions = field(default_factory=MetadataOptions)


@dataclass
class BuildContext:
    out: Path
    options: Options = field(default_factory=Options)
    reporter: Reporter = field(default_factory=Reporter)
    cache: BuildCache = field(init=False)
    #: The files the build read besides the toolchain's code, templates and styles (the
    #: author's files, the citation style, Pandoc's filters), for Make's dependencies.
    files_read: set[Path] = field(default_factory=set)
    #: Files the build would read if they existed (a title's additions to the house style):
    #: Make rebuilds the editions when one appears.
    files_looked_for: set[Path] = field(default_factory=set)
    #: Whether the Pandoc pass may be guessed from the manuscript's previous one while Pandoc makes it,
    #: the reporter confirming the guess before an output is moved into place (press.speculation).
    guess_pandoc: bool = False

    def __post_init__(self) -> None:
        self.cache = BuildCache(self.out)

    def read_file(self, path: Path) -> None:
        """Note that the build read a file (or looked for it: a missing one is an input too)."""
        self.files_read.add(path.resolve())

    def look_for(self, path: Path) -> None:
        """Note that the build would read a file that may not exist."""
        self.files_looked_for.add(path.resolve())
