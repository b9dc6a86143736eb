"""The command line: parse arguments, build the editions, turn user errors into one line each."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import ModuleType

from . import TOOLCHAIN_ROOT
from .cache import BuildCache
from .check import check
from .document import load_document
from .errors import Location, PressError, display_path, library_warning, treat_warnings_as_errors
from .metadata import NOTE_PLACEMENTS, PAPER_SIZES

EDITIONS = ("pdf", "epub", "html")
DEFAULT_MANUSCRIPT_DIR = TOOLCHAIN_ROOT / "manuscript"
DEFAULT_OUT_DIR = Path("build")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 built, 1 user error, 2 usage)."""
    arguments = _parser().parse_args(argv)
    _report_library_warnings()
    treat_warnings_as_errors(arguments.strict)
    try:
        check_source_date_epoch()
        manuscript = arguments.manuscript or default_manuscript()
        if arguments.command == "check":
            return _check(arguments, manuscript)
        if arguments.command == "serve":
            from .serve import serve  # watchfiles and the server only when serving

            serve(manuscript, arguments.out, arguments.port, partial(_build, arguments, manuscript, ("html",)))
            return 0
        _build(arguments, manuscript, EDITIONS if arguments.command == "all" else (arguments.command,))
    except PressError as error:
        if arguments.debug:
            raise
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; previous editions are unchanged", file=sys.stderr)
        return 130
    except Exception as error:
        if arguments.debug:
            raise
        print(
            f"error: internal error ({type(error).__name__}: {error}); run again with --debug for details",
            file=sys.stderr,
        )
        return 1
    return 0


def check_source_date_epoch() -> None:
    """Pandoc, fontTools and WeasyPrint all read SOURCE_DATE_EPOCH: an empty one means unset."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not epoch.strip():
        del os.environ["SOURCE_DATE_EPOCH"]
    elif epoch is not None and not epoch.strip().isdigit():
        raise PressError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch}'")


def default_manuscript() -> Path:
    """The one Markdown file in manuscript/."""
    candidates = sorted(DEFAULT_MANUSCRIPT_DIR.glob("*.md"))
    if len(candidates) != 1:
        raise PressError(
            "expected exactly one .md manuscript; name one with --manuscript", Location(DEFAULT_MANUSCRIPT_DIR)
        )
    return candidates[0]


def _build(arguments: argparse.Namespace, manuscript: Path, editions: Sequence[str]) -> None:
    started = time.perf_counter()
    prepare_output_folder(arguments.out)
    document = load_document(manuscript, BuildCache(arguments.out))
    metadata = document.metadata
    document = replace(
        document,
        metadata=replace(
            metadata,
            paper=arguments.paper or metadata.paper,
            notes=arguments.notes or metadata.notes,
            version=arguments.edition_version or metadata.version,
        ),
    )
    _progress(arguments.quiet, f"read {display_path(manuscript)}", started)
    for name in editions:
        started = time.perf_counter()
        path = edition(name).write(document, arguments.out)
        _progress(arguments.quiet, f"wrote {display_path(path)}", started)


def _check(arguments: argparse.Namespace, manuscript: Path) -> int:
    """Report every finding, one line each; fail when any is an error (or any at all with --strict)."""
    findings = check(manuscript, BuildCache(arguments.out))
    for finding in findings:
        print(finding, file=sys.stderr)
    failing = [finding for finding in findings if finding.severity == "error" or arguments.strict]
    if not arguments.quiet:
        errors = sum(finding.severity == "error" for finding in findings)
        print(f"{display_path(manuscript)}: {errors} errors, {len(findings) - errors} warnings", file=sys.stderr)
    return 1 if failing else 0


def prepare_output_folder(out_dir: Path) -> None:
    """Fail before any work when the output folder cannot be made or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # A probe of its own: the editions may be built side by side in the same folder.
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:
        raise PressError(f"cannot write to the output folder: {error.strerror}", Location(out_dir)) from None


def edition(name: str) -> ModuleType:
    """An edition's module, imported only when that edition is built."""
    return importlib.import_module(f"press.editions.{name}")


def _progress(quiet: bool, message: str, started: float) -> None:
    if not quiet:
        print(f"{message} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


class _LibraryWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        library_warning(f"{record.name}: {record.getMessage()}")


def _report_library_warnings() -> None:
    """WeasyPrint and pypandoc log through `logging`: their warnings become ours, one line each."""
    handler = _LibraryWarnings(logging.WARNING)
    for name in ("weasyprint", "pypandoc"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the PDF, EPUB and HTML editions of a Pandoc-Markdown manuscript.",
    )
    parser.add_argument(
        "command",
        choices=[*EDITIONS, "all", "check", "serve"],
        help="an edition to build, all of them, check the manuscript, or serve the web edition while you write",
    )
    parser.add_argument("--manuscript", type=Path, help="the manuscript (default: the .md file in manuscript/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (default: build/)")
    parser.add_argument("--paper", choices=PAPER_SIZES, help="paper size of the PDF (default: front matter, or a4)")
    parser.add_argument(
        "--notes",
        choices=NOTE_PLACEMENTS,
        help="footnotes or endnotes in the PDF (default: front matter, or footnotes)",
    )
    parser.add_argument(
        "--edition-version", metavar="VERSION", help="version printed in the colophon (default: front matter 'version')"
    )
    parser.add_argument("--port", type=int, default=8000, help="port of `serve` on 127.0.0.1 (default: 8000)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but warnings and errors")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    return parser
