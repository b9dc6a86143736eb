"""The command line: parse arguments, build the editions, turn user errors into one line each."""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import NoReturn

from . import TOOLCHAIN_ROOT, api
from .editions import NAMES
from .errors import Diagnostic, Location, PressError, Reporter, display_path
from .invocation import MetadataOptions, combine, is_style_file, parse_value, read_defaults
from .metadata import NOTE_PLACEMENTS, PAPER_SIZES

DEFAULT_MANUSCRIPT_DIR = TOOLCHAIN_ROOT / "manuscript"
DEFAULT_OUT_DIR = Path("build")
#: The commands about a press's list rather than one manuscript, each the `main` of its module.
LIST_COMMANDS = {
    "titles": "the titles of the list, or Make's fragment of them (press.titles)",
    "matrix": "the titles to build in CI, as a GitHub Actions matrix (press.matrix)",
    "catalogue": "the catalogue of the list's editions: a web page and an OPDS feed (press.catalogue)",
    "issue": "a journal issue of the list's articles: a PDF and an EPUB (press.issue)",
}


def exit_now(status: int) -> NoReturn:
    """End the process with `status` once what it registers to do at exit is done, without the interpreter's
    teardown, which frees every module and object one by one and writes nothing: a quarter of a second after
    an essay's three editions (WeasyPrint's laid-out pages, the parsed pages, the fonts), a tenth of the build.
    The editions are written and closed before `main` returns."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 built, 1 user error, 2 usage)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if given and given[0] in LIST_COMMANDS:
        command: Callable[[Sequence[str]], int] = importlib.import_module(f"press.{given[0]}").main
        return command(given[1:])
    arguments = _parser().parse_args(given)
    if arguments.out is None and arguments.command != "check":
        arguments.out = DEFAULT_OUT_DIR
    try:
        check_source_date_epoch()
        metadata, named = _metadata_options(arguments)
        inputs = [*([arguments.manuscript] if arguments.manuscript else []), *arguments.files] or list(named)
        manuscript = inputs[0] if inputs else default_manuscript()
        metadata = replace(metadata, chapters=tuple(path.resolve() for path in inputs[1:]))
        if arguments.command == "check":
            return _check(arguments, manuscript, metadata)
        if arguments.command == "serve":
            from .serve import serve  # watchfiles and the server only when serving

            serve(
                manuscript, arguments.out, arguments.port, partial(_build, arguments, manuscript, ("html",), metadata)
            )
            return 0
        _build(arguments, manuscript, NAMES if arguments.command == "all" else (arguments.command,), metadata)
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
    """Pandoc, fontTools and WeasyPrint all read SOURCE_DATE_EPOCH: an empty one means unset.

    The one change the command line makes to its own environment, before any build starts.
    """
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


def print_diagnostic(diagnostic: Diagnostic) -> None:
    """Show a finding to the author as it is made: one line on standard error."""
    print(diagnostic, file=sys.stderr)


def _metadata_options(arguments: argparse.Namespace) -> tuple[MetadataOptions, tuple[Path, ...]]:
    """Pandoc's metadata options: a defaults file first, then what the command line gives."""
    given = MetadataOptions(
        files=tuple(path.resolve() for path in arguments.metadata_file),
        values=tuple(parse_value(assignment) for assignment in arguments.metadata),
        bibliographies=tuple(path.resolve() for path in arguments.bibliography),
        csl=str(Path(arguments.csl).resolve()) if arguments.csl and is_style_file(arguments.csl) else arguments.csl,
    )
    if arguments.defaults is None:
        return given, ()
    from_defaults, inputs = read_defaults(arguments.defaults, Reporter(strict=arguments.strict, echo=print_diagnostic))
    return combine(from_defaults, given), inputs


def _build(arguments: argparse.Namespace, manuscript: Path, editions: Sequence[str], metadata: MetadataOptions) -> None:
    started = time.perf_counter()
    result = api.build(
        manuscript,
        arguments.out,
        editions,
        reporter=Reporter(strict=arguments.strict, echo=print_diagnostic),
        paper=arguments.paper,
        notes=arguments.notes,
        edition_version=arguments.edition_version,
        strict=arguments.strict,
        check_accessibility=arguments.check_accessibility,
        remove_active_content=arguments.remove_active_content,
        allow_missing_glyphs=arguments.allow_missing_glyphs,
        printer_marks=arguments.printer_marks,
        timeout=arguments.timeout,
        metadata=metadata,
    )
    if not arguments.quiet:
        made = [display_path(path) for name, path in result.written.items() if name not in result.kept]
        kept = [display_path(result.written[name]) for name in result.kept]
        said = [f"wrote {', '.join(made)}"] if made else []
        said += [f"kept {', '.join(kept)} (made from the same files)"] if kept else []
        print(f"{'; '.join(said)} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


def _check(arguments: argparse.Namespace, manuscript: Path, metadata: MetadataOptions) -> int:
    """Report every finding, one line each; fail when any is an error (or any at all with --strict)."""
    with tempfile.TemporaryDirectory(prefix="press-check-") as scratch:
        out = arguments.out or Path(scratch)
        findings = api.check(
            manuscript,
            out,
            reporter=Reporter(echo=print_diagnostic),
            metadata=metadata,
            remove_active_content=arguments.remove_active_content,
            allow_missing_glyphs=arguments.allow_missing_glyphs,
            timeout=arguments.timeout,
        )
    errors = sum(finding.severity == "error" for finding in findings)
    if not arguments.quiet:
        print(f"{display_path(manuscript)}: {errors} errors, {len(findings) - errors} warnings", file=sys.stderr)
    return 1 if errors or (arguments.strict and findings) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the PDF, EPUB and HTML editions of a Pandoc-Markdown manuscript.",
        epilog="The press's list: "
        + "; ".join(f"`build.py {name} --help`: {meaning}" for name, meaning in LIST_COMMANDS.items())
        + ".",
    )
    parser.add_argument(
        "command",
        choices=[*NAMES, "all", "check", "serve"],
        help="an edition to build, all of them, check the manuscript, or serve the web edition while you write",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="the manuscript (a file, or a book's folder), then any more chapter files, read in order as Pandoc"
        " reads several input files (default: the .md file in manuscript/)",
    )
    parser.add_argument("--manuscript", type=Path, help="the manuscript, as the first of the files")
    parser.add_argument(
        "--out", type=Path, help="output folder (default: build/; `check` keeps its cache there only when given)"
    )
    parser.add_argument("--paper", choices=PAPER_SIZES, help="paper size of the PDF (default: front matter, or a4)")
    parser.add_argument(
        "--notes",
        choices=NOTE_PLACEMENTS,
        help="footnotes or endnotes in the PDF (default: front matter, or footnotes)",
    )
    parser.add_argument(
        "--edition-version", metavar="VERSION", help="version printed in the colophon (default: front matter 'version')"
    )
    parser.add_argument(
        "-M",
        "--metadata",
        action="append",
        default=[],
        metavar="KEY[=VALUE]",
        help="set a metadata field, over the front matter's (as Pandoc's -M)",
    )
    parser.add_argument(
        "--metadata-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="read metadata from a YAML file; the front matter wins (as Pandoc's)",
    )
    parser.add_argument(
        "-d", "--defaults", type=Path, metavar="FILE", help="a Pandoc defaults file: its metadata, bibliography, csl"
    )
    parser.add_argument(
        "--bibliography",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a bibliography file, instead of the front matter's (repeatable)",
    )
    parser.add_argument(
        "--csl", metavar="STYLE", help="a citation style name or .csl file, instead of the front matter's"
    )
    parser.add_argument("--port", type=int, default=8000, help="port of `serve` on 127.0.0.1 (default: 8000)")
    parser.add_argument(
        "--check-accessibility",
        action="store_true",
        help="run Ace by DAISY on the EPUB while building it, so that it may claim conformance (needs the test tools)",
    )
    parser.add_argument(
        "--remove-active-content",
        action="store_true",
        help="take active content (javascript: links, iframes…) out of the manuscript with a warning, not refuse it",
    )
    parser.add_argument(
        "--allow-missing-glyphs",
        action="store_true",
        help="build even when no font can draw some character (a warning, not an error)",
    )
    parser.add_argument(
        "--printer-marks",
        action="store_true",
        help="bleed (3 mm) and crop marks around the PDF's pages, for the printer",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="the wall-clock time each stage of the build may take (default: no limit)",
    )
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but warnings and errors")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    return parser
