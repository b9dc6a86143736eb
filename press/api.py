"""The library's API: build a manuscript's editions, or check it, in one call.

    from press.api import build
    result = build(Path("book/book.md"), Path("build"), editions=("pdf",), paper="letter")
    result.written["pdf"], result.warnings

The command line (`build.py`), `make release` and the tests use these; the
options are `press.context.Options` (the one table of defaults). Each call
has its own context (reporter, cache, record of inputs): nothing it does is
process-wide, so calls may follow each other in one process.
"""

from __future__ import annotations

import difflib
import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import partial
from pathlib import Path
from typing import Any

from . import freshness, limits, printpage, sidebyside
from .cache import owner
from .check import lint
from .context import BuildContext, Options
from .document import Document, load_document
from .document import toolchain_files as loader_files
from .editions import NAMES, edition
from .errors import Diagnostic, Location, PressError, Reporter
from .inputs import depfile
from .speculation import GuessMissedError

#: Where the build writes, beside the editions, the files each was made from, for Make.
DEPENDENCIES_FOLDER = ".deps"
#: Libraries whose logged warnings become the build's own.
LOGGING_LIBRARIES = ("weasyprint", "pypandoc")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (or kept), by edition, what it warned about, and the document it read
    (None when every edition was kept as it was, and the manuscript was not read)."""

    written: dict[str, Path]
    warnings: list[Diagnostic]
    document: Document | None
    #: The editions kept as they were, made from the same files and options.
    kept: tuple[str, ...] = ()


def build(
    manuscript: Path,
    out: Path,
    editions: Sequence[str] = NAMES,
    *,
    reporter: Reporter | None = None,
    **options: Any,
) -> BuildResult:
    """Build the named editions of a manuscript into `out`.

    Raises PressError (one line per problem) for anything that stops the build;
    the previous editions are then left as they were. An edition made from the
    very same files and options as the one in `out` is kept, with its warnings
    given again (see press.freshness). `reporter` receives the warnings as they
    are made (the command line prints them); by default they are only collected
    into the result. Of several editions, on a machine of several cores, the first
    is made in this process and the others in one forked from it (press.sidebyside).
    """
    settings = _options(options)
    context = BuildContext(out, settings, reporter or Reporter(strict=settings.strict))
    manuscript = manuscript.resolve()
    prepare_output_folder(out)
    records = {name: out / DEPENDENCIES_FOLDER / f"{manuscript.stem}.{name}.json" for name in editions}
    kept = {
        name: record for name in editions if (record := freshness.reusable(records[name], manuscript, out, settings))
    }
    for record in kept.values():
        record.replay(context.reporter)
    written = {name: record.target for name, record in kept.items()}
    # In the editions' order, whatever the caller's: the PDF first, whose layout the EPUB's page list waits for.
    to_make = sorted((name for name in editions if name not in kept), key=_edition_order)
    if not to_make:
        _touch(kept.values())
        return BuildResult(written, context.reporter.warnings, None, tuple(kept))
    # The build may go on with the Pandoc pass guessed from the previous one (press.speculation); a guess
    # that was wrong makes it again from the real pass, its findings taken back.
    context.guess_pandoc = settings.timeout is None
    try:
        document = _make(manuscript, context, to_make, records, written)
    except (GuessMissedError, PressError):
        if _confirmed(context.reporter):
            raise
        context.reporter.forget_guess()
        context.guess_pandoc = False
        document = _make(manuscript, context, to_make, records, written)
    _touch(kept.values())
    return BuildResult({name: written[name] for name in editions}, context.reporter.warnings, document, tuple(kept))


def _touch(kept: Iterable[freshness.Record]) -> None:
    """For Make, which compares times: the editions kept are up to date now. Only once the build has made the
    others: Make deletes what a failed build changed."""
    for record in kept:
        record.target.touch()


def _edition_order(name: str) -> int:
    return NAMES.index(name) if name in NAMES else len(NAMES)  # an unknown name is refused when it is made


def _make(
    manuscript: Path, context: BuildContext, to_make: list[str], records: dict[str, Path], written: dict[str, Path]
) -> Document:
    """Read the manuscript and make the editions `to_make` (into `written`), with their depfiles and records:
    the first here, the others in a process beside this one (press.sidebyside) when the machine has the cores."""
    settings = context.options
    with (
        limits.stage_budget(settings.timeout),
        _library_warnings(context.reporter),
        context.cache.session([owner(manuscript.stem, name) for name in to_make]),
    ):
        try:
            # The editions' modules (WeasyPrint, ebooklib: half a second) are imported while Pandoc works.
            document = with_options(load_document(manuscript, context, partial(_import, to_make)), settings)
            loader_warnings = context.reporter.warnings
            here, there = sidebyside.shared(to_make)
            write = partial(_write_editions, manuscript, document, context, records, loader_warnings)
            beside = sidebyside.start(there, manuscript.stem, context, partial(write, there)) if there else None
            if beside is None:
                written.update(write(to_make))
            else:
                try:
                    written.update(write(here))
                finally:
                    # The process beside waits for no entry this one would have made; the cache session lasts
                    # until it is done.
                    context.cache.finished(owner(manuscript.stem, name) for name in here)
                    outcome = beside.outcome()
                context.reporter.check_guards()  # the findings made here shown before the other process's
                sidebyside.take(outcome, context, written)
        finally:
            # A real Pandoc pass made beside the build finishes within the session, which records the cache
            # entry it wrote as used (and holds the builds beside it off the clean-up meanwhile).
            _confirmed(context.reporter)
    return document


def _write_editions(
    manuscript: Path,
    document: Document,
    context: BuildContext,
    records: dict[str, Path],
    loader_warnings: list[Diagnostic],
    names: list[str],
) -> dict[str, Path]:
    """Make the editions `names` of the read manuscript, each with its depfile and record; the files written."""
    written = {}
    for name in names:
        maker = edition(name)
        warned = len(context.reporter.warnings)
        written[name] = maker.write(document, context)
        inputs = [*context.files_read, *loader_files(), *maker.toolchain_files()]
        _write_depfile(written[name], inputs, context.files_looked_for, context.out)
        warnings = [*loader_warnings, *context.reporter.warnings[warned:]]
        # A title's addition to the house style that appears later makes the edition again.
        made_from = [*inputs, *context.files_looked_for]
        freshness.write(records[name], manuscript, written[name], made_from, context.options, warnings)
    return written


def _confirmed(reporter: Reporter) -> bool:
    """Whether the attempt's guessed Pandoc pass (if it made one) was the real one, once it is made."""
    try:
        reporter.check_guards()
    except GuessMissedError:
        return False
    return True


def _import(editions: Sequence[str]) -> None:
    for name in editions:
        edition(name)


def check(manuscript: Path, out: Path, *, reporter: Reporter | None = None, **options: Any) -> list[Diagnostic]:
    """Every finding the build would report (its errors and warnings), and those of the checks
    that only `check` makes (unused and incomplete bibliography entries, images without alternative text)."""
    context = BuildContext(out, _options(options), reporter or Reporter())
    context.reporter.collect = True
    manuscript = manuscript.resolve()
    with (
        limits.stage_budget(context.options.timeout),
        _library_warnings(context.reporter),
        context.cache.session([owner(manuscript.stem, "check")]),
    ):
        try:
            document = with_options(load_document(manuscript, context), context.options)
        except PressError as error:
            context.reporter.fail(error)
            return context.reporter.diagnostics
        printpage.report_missing_glyphs(printpage.print_page(document), document, context.reporter)
        lint(document, context.reporter, context.options.metadata.chapters)
    return context.reporter.diagnostics


def with_options(document: Document, options: Options) -> Document:
    """The document with what the command line set instead of its front matter."""
    metadata = document.metadata
    return replace(
        document,
        metadata=replace(
            metadata,
            paper=options.paper or metadata.paper,
            notes=options.notes or metadata.notes,
            version=options.edition_version or metadata.version,
            allow_missing_glyphs=options.allow_missing_glyphs or metadata.allow_missing_glyphs,
        ),
    )


def prepare_output_folder(out: Path) -> None:
    """Fail before any work when the output folder cannot be made or written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        # A probe of its own: the editions may be built side by side in the same folder.
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise PressError(f"cannot write to the output folder: {error.strerror}", Location(out)) from None


def _options(given: dict[str, Any]) -> Options:
    known = [item.name for item in fields(Options)]
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; the options are {', '.join(known)}"
            raise TypeError(f"unknown build option {name!r}{hint}")
    return Options(**{name: value for name, value in given.items() if value is not None})


def _write_depfile(target: Path, inputs: list[Path], looked_for: set[Path], out: Path) -> None:
    folder = out / DEPENDENCIES_FOLDER
    folder.mkdir(exist_ok=True)
    (folder / f"{target.name}.d").write_text(depfile(target, inputs, looked_for), encoding="utf-8")


class _LibraryWarnings(logging.Handler):
    def __init__(self, reporter: Reporter) -> None:
        super().__init__(logging.WARNING)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        self.reporter.library_warning(f"{record.name}: {record.getMessage()}")


@contextmanager
def _library_warnings(reporter: Reporter) -> Iterator[None]:
    """While the build runs, what WeasyPrint and pypandoc log as warnings goes to its reporter."""
    handler = _LibraryWarnings(reporter)
    loggers = [logging.getLogger(name) for name in LOGGING_LIBRARIES]
    saved = [(logger.handlers, logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.handlers, logger.propagate = [handler], False
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers, logger.propagate = handlers, propagate
            logger.setLevel(level)
