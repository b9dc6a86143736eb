"""A release: the three editions under versioned names, checked, summed and described.

`python -m press.release [--manuscript FILE] [--dist DIR]` (or `make release`)
builds every edition afresh into an empty folder (the EPUB checked by Ace while
it is built, so that it may claim conformance), runs the validators on them,
and writes to dist/:

    <name>-<version>.pdf / .epub / .html
    validation.json      what each validator reported for this build
    CITATION.cff         how to cite the work, from its front matter
    RELEASE_NOTES.md     title, version, date, editions, validation summary
    SHA256SUMS           checksums of everything above, for `sha256sum -c`
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from . import api, cli, validate
from .document import Document, build_time
from .errors import PressError, Reporter
from .labels import join_names
from .metadata import load_metadata, read_manuscript
from .people import Author

DEFAULT_DIST = Path("dist")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        cli.check_source_date_epoch()
        manuscript = arguments.manuscript or cli.default_manuscript()
        release(manuscript, arguments.dist)
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def release(manuscript: Path, dist: Path) -> list[Path]:
    """Build, check and describe a release of the manuscript in `dist` (emptied first)."""
    version = release_version(manuscript)
    with tempfile.TemporaryDirectory(prefix="press-release-") as scratch:
        built = api.build(
            manuscript,
            Path(scratch),
            reporter=Reporter(echo=cli.print_diagnostic),
            edition_version=version,
            check_accessibility=True,
        )
        document = built.document
        if document is None:  # a fresh folder: nothing there to keep
            raise PressError("the release build made no edition")
        if dist.exists():
            shutil.rmtree(dist)
        dist.mkdir(parents=True)
        editions = {
            name: shutil.copyfile(path, dist / f"{document.name}-{version}{path.suffix}")
            for name, path in built.written.items()
        }
    report = validate.validate_editions(editions["pdf"], editions["epub"], editions["html"])
    files = [
        *editions.values(),
        _write(dist / "validation.json", json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"),
        _write(dist / "CITATION.cff", citation_file(document, version)),
    ]
    files.append(_write(dist / "RELEASE_NOTES.md", release_notes(document, version, editions, report)))
    files.append(_write(dist / "SHA256SUMS", checksums(files)))
    if not report.passed:
        raise PressError(f"the editions did not pass validation; see {dist / 'validation.json'}")
    return files


def release_version(manuscript: Path) -> str:
    """The git tag of the manuscript's commit (without a leading 'v'), or the front matter's version."""
    described = subprocess.run(
        ["git", "describe", "--tags"], cwd=manuscript.parent, capture_output=True, text=True, check=False
    )
    if described.returncode == 0 and described.stdout.strip():
        return described.stdout.strip().removeprefix("v")
    version = load_metadata(read_manuscript(manuscript), Reporter()).version
    if not version:
        raise PressError("no version: tag the commit (git tag v1.0.0) or set 'version' in the front matter")
    return version


def citation_file(document: Document, version: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0) from the front matter."""
    metadata = document.metadata
    full_date = metadata.date_iso if metadata.date_iso and len(metadata.date_iso) == len("2014-01-20") else None
    released = full_date or build_time().date().isoformat()
    year = int((metadata.date_iso or released)[:4])
    authors = [_cff_person(person) for person in metadata.people] or [{"name": metadata.publisher or "anonymous"}]
    citation: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you cite this work, please cite it as below.",
        "title": metadata.title,
        "version": version,
        "authors": authors,
        "date-released": released,
        "identifiers": [{"type": "other", "value": document.identifier}],
        "preferred-citation": {
            "type": "article",
            "title": metadata.title,
            "authors": authors,
            "year": year,
        },
    }
    if metadata.abstract or metadata.description:
        citation["abstract"] = metadata.abstract or metadata.description
    if metadata.keywords:
        citation["keywords"] = list(metadata.keywords)
    if metadata.rights:
        citation["license-url" if metadata.rights.startswith("http") else "copyright"] = metadata.rights
    return yaml.safe_dump(citation, allow_unicode=True, sort_keys=False)


def release_notes(document: Document, version: str, editions: dict[str, Path], report: validate.Report) -> str:
    metadata = document.metadata
    lines = [
        f"# {metadata.title} — {version}",
        "",
        f"By {join_names(metadata.authors, metadata.lang)}. Released {build_time().date().isoformat()}.",
        "",
        "## Editions",
        "",
        "| file | size | notes |",
        "| --- | ---: | --- |",
    ]
    for name, path in editions.items():
        detail = f"{validate.pdf_page_count(path)} pages" if name == "pdf" else ""
        lines.append(f"| `{path.name}` | {path.stat().st_size:,} bytes | {detail} |")
    lines += ["", "## Validation of this build", "", report.summary(), ""]
    lines += ["Verify the downloads with `sha256sum -c SHA256SUMS`.", ""]
    return "\n".join(lines)


def checksums(files: list[Path]) -> str:
    return "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in files)


def _cff_person(person: Author) -> dict[str, str]:
    """An author as CFF writes one: names, affiliation, ORCID iD (as a URL), email."""
    given, family = person.name_parts
    entry = {"given-names": given, "family-names": family} if given else {"name": person.name}
    if person.affiliations:
        entry["affiliation"] = "; ".join(affiliation.label for affiliation in person.affiliations)
    if person.orcid_url:
        entry["orcid"] = person.orcid_url
    if person.email:
        entry["email"] = person.email
    return entry


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m press.release", description=__doc__.splitlines()[0])
    parser.add_argument("--manuscript", type=Path, help="the manuscript (default: the .md file in manuscript/)")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="release folder (default: dist/)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
