"""A release: the three editions under versioned names, checked, summed and described.

`python -m press.release [--manuscript FILE] [--dist DIR]` (or `make release`)
builds every edition afresh into an empty folder (the EPUB checked by Ace while
it is built, so that it may claim conformance), runs the validators on them,
and writes to dist/:

    <name>-<version>.pdf / .epub / .html
    <name>-<version>-web.zip   a book's website (press.editions.html), its pages checked by Nu
    validation.json      what each validator reported for this build
    CITATION.cff         how to cite the work, from its front matter
    RELEASE_NOTES.md     title, version, date, editions, validation summary
    SHA256SUMS           checksums of everything above, for `sha256sum -c`

A release of a press's list (`--list PATH`, `--titles NAME…`) is that of its
one title, or for several titles, each title's files (its validation report as
`<name>-<version>.validation.json`, its citation file as `<name>-<version>.cff`)
with the catalogue (press.catalogue) and the PDF and EPUB of each of the list's
journal issues whose articles it holds (press.issue), their validation report
(validation.json), release notes of every title and checksums of everything. An
article of an issue is built with its journal and pages, as `make` builds it. CI makes it in two
steps: `--part` releases some titles into a folder each (dist/<name>/), in jobs
side by side, and `--gather` makes one release of the folders.

A title's version is its own tag (`<name>-v1.2.0`), else the list's (`v1.2.0`),
else the front matter's `version`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from . import api, catalogue, cli, validate
from .dates import build_time
from .document import Document
from .errors import Location, PressError, Reporter
from .invocation import MetadataOptions
from .labels import join_names
from .metadata import Metadata, load_metadata, read_manuscript
from .people import Author
from .titles import DEFAULT_LIST, Title, TitleList, read_issue, read_list

DEFAULT_DIST = Path("dist")
NOTES = "RELEASE_NOTES.md"
SUMS = "SHA256SUMS"
VALIDATION = "validation.json"
CITATION = "CITATION.cff"
#: What a title's evidence is called in the release of several titles, after its editions' `<name>-<version>`.
LIST_NAMES = {VALIDATION: ".validation.json", CITATION: ".cff"}
EDITION_SUFFIXES = (".pdf", ".epub", ".html")
#: A book's website, after `<name>-<version>`.
WEBSITE_SUFFIX = "-web.zip"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        cli.check_source_date_epoch()
        if arguments.manuscript is not None:
            release(arguments.manuscript, arguments.dist)
            return 0
        title_list = read_list(arguments.list)
        titles = title_list.select(arguments.titles) if arguments.titles else title_list.titles
        if arguments.gather:
            gather(title_list, arguments.dist)
            return 0
        with tempfile.TemporaryDirectory(prefix="press-issues-") as scratch:
            pages = articles_pages(title_list, titles, Path(scratch))
            if arguments.part or len(titles) > 1:
                if not arguments.part and arguments.dist.exists():
                    shutil.rmtree(arguments.dist)
                for title in titles:
                    release(title.source, arguments.dist / title.name, title.name, pages.get(title.name))
            else:
                release(titles[0].source, arguments.dist, titles[0].name, pages.get(titles[0].name))
        if len(titles) > 1 and not arguments.part:
            gather(title_list, arguments.dist)
    except PressError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def release(manuscript: Path, dist: Path, name: str | None = None, pages: Path | None = None) -> list[Path]:
    """Build, check and describe a release of the manuscript in `dist` (emptied first);
    `name` is its title's in a list, whose tags it takes its version from; `pages`, the
    metadata file of its place in a journal's issue (see press.issue)."""
    version = release_version(manuscript, name)
    with tempfile.TemporaryDirectory(prefix="press-release-") as scratch:
        built = api.build(
            manuscript,
            Path(scratch),
            reporter=Reporter(echo=cli.print_diagnostic),
            edition_version=version,
            check_accessibility=True,
            metadata=MetadataOptions(files=(pages,) if pages is not None else ()),
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
        site = Path(scratch) / document.name
        site_pages = sorted(site.glob("*.html")) if document.is_book else []
        report = validate.validate_editions(editions["pdf"], editions["epub"], editions["html"])
        if site_pages:
            report.checks.append(validate.nu(*site_pages))
            editions["website"] = website_archive(site, dist / f"{document.name}-{version}{WEBSITE_SUFFIX}")
    files = [
        *editions.values(),
        _write(dist / VALIDATION, json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"),
        _write(dist / CITATION, citation_file(document, version)),
    ]
    files.append(_write(dist / NOTES, release_notes(document, version, editions, report)))
    files.append(_write(dist / SUMS, checksums(files)))
    if not report.passed:
        raise PressError(f"the editions did not pass validation; see {dist / 'validation.json'}")
    return files


def website_archive(site: Path, target: Path) -> Path:
    """A book's website as a zip of its folder, the same bytes for the same pages: entries in name
    order, dated at the build time (SOURCE_DATE_EPOCH), compressed."""
    stamp = max(build_time().timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # zip dates start in 1980
    with zipfile.ZipFile(target, "w") as archive:
        for page in sorted(site.rglob("*")):
            if page.is_file():
                entry = zipfile.ZipInfo(f"{site.name}/{page.relative_to(site).as_posix()}", date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, page.read_bytes())
    return target


def release_version(manuscript: Path, name: str | None = None) -> str:
    """The title's git tag (`<name>-v1.2.0`), else the list's (`v1.2.0`), without its prefix; else the
    front matter's version."""
    for prefix in ([f"{name}-v"] if name else []) + ["v"]:
        described = subprocess.run(
            ["git", "describe", "--tags", "--match", f"{prefix}[0-9]*"],
            cwd=manuscript.parent if manuscript.is_file() else manuscript,
            capture_output=True,
            text=True,
            check=False,
        )
        if described.returncode == 0 and described.stdout.strip():
            return described.stdout.strip().removeprefix(prefix)
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
        "preferred-citation": _preferred_citation(metadata, authors, year),
    }
    if metadata.abstract or metadata.description:
        citation["abstract"] = metadata.abstract or metadata.description
    if metadata.keywords:
        citation["keywords"] = list(metadata.keywords)
    if metadata.rights:
        citation["license-url" if metadata.rights.startswith("http") else "copyright"] = metadata.rights
    return yaml.safe_dump(citation, allow_unicode=True, sort_keys=False)


def _preferred_citation(metadata: Metadata, authors: list[dict[str, str]], year: int) -> dict[str, object]:
    """How to cite the work: an article, in its journal's issue at its pages when it appears in one."""
    preferred: dict[str, object] = {"type": "article", "title": metadata.title, "authors": authors, "year": year}
    citation = metadata.citation
    if citation is None:
        return preferred
    for key, value in (
        ("journal", citation.container_title),
        ("volume", citation.volume),
        ("issue", citation.issue),
        ("start", citation.page_first),
        ("end", citation.page_last or citation.page_first),
    ):
        if value:
            preferred[key] = int(value) if key != "journal" and value.isdigit() else value
    return preferred


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
        if name == "website":
            with zipfile.ZipFile(path) as archive:
                detail = f"the book as a website: {len(archive.namelist())} pages"
        lines.append(f"| `{path.name}` | {path.stat().st_size:,} bytes | {detail} |")
    lines += ["", "## Validation of this build", "", report.summary(), ""]
    lines += ["Verify the downloads with `sha256sum -c SHA256SUMS`.", ""]
    return "\n".join(lines)


def gather(title_list: TitleList, dist: Path) -> list[Path]:
    """One release of the titles released into dist/<name>/ each: the one title's as it is, or
    every title's files side by side, with the catalogue, release notes and checksums of all."""
    order = {title.name: index for index, title in enumerate(title_list.titles)}
    parts = sorted((folder for folder in dist.iterdir() if folder.is_dir()), key=lambda part: order.get(part.name, -1))
    if not parts:
        raise PressError("no title to gather: release some with --part first", title_list.location)
    if len(parts) == 1:
        return [_move(path, dist / path.name) for path in _files(parts[0])]
    files: list[Path] = []
    entries = []
    notes = [f"# {title_list.title}", ""]
    passed = True
    for part in parts:
        epub = next(part.glob(f"{part.name}-*.epub"), None)
        if epub is None:
            raise PressError("no EPUB in this part of the release", Location(part))
        stem = epub.stem
        report = json.loads((part / VALIDATION).read_text(encoding="utf-8"))
        passed = passed and bool(report["passed"])
        notes += [("#" + line if line.startswith("#") else line) for line in _title_notes(part / NOTES)]
        for path in _files(part):
            if path.name in LIST_NAMES:
                files.append(_move(path, dist / f"{stem}{LIST_NAMES[path.name]}"))
            elif path.suffix in EDITION_SUFFIXES or path.name.endswith(WEBSITE_SUFFIX):
                files.append(_move(path, dist / path.name))
            else:
                path.unlink()
        editions = {suffix.removeprefix("."): dist / f"{stem}{suffix}" for suffix in EDITION_SUFFIXES}
        entries.append(catalogue.read_entry(part.name, editions))
    page, feed = catalogue.write_catalogue(title_list, entries, dist)
    issues = release_issues(title_list, {entry.name for entry in entries}, dist)
    checks = [validate.nu(page), *validate.axe(page), validate.opds(feed)]
    for pdf, book in issues:
        checks += [validate.epubcheck(book), validate.ace(book), validate.pdf_structure(pdf), validate.pdfua(pdf)]
    report = validate.Report(checks)
    files += [page, feed, *(path for pair in issues for path in pair)]
    files.append(_write(dist / VALIDATION, json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"))
    heading = "## The catalogue and the journal's issues" if issues else "## The catalogue"
    notes += [heading, "", report.summary(), "", "Verify the downloads with `sha256sum -c SHA256SUMS`.", ""]
    files.append(_write(dist / NOTES, "\n".join(notes)))
    files.append(_write(dist / SUMS, checksums(files)))
    if not (passed and report.passed):
        raise PressError(f"the release did not pass validation; see the validation reports in {dist}")
    return files


def articles_pages(title_list: TitleList, titles: Sequence[Title], scratch: Path) -> dict[str, Path]:
    """The metadata files of the titles' places in the list's issues (each issue laid out once, in
    `scratch`), by title name: what their editions carry as their journal and pages."""
    from . import issue  # WeasyPrint, only when there are issues

    names = {title.name for title in titles}
    pages: dict[str, Path] = {}
    for path in title_list.issues:
        journal_issue = read_issue(path, title_list)
        if names & {article.name for article in journal_issue.articles}:
            out = scratch / journal_issue.name
            _, placed, _ = issue.build_issue(journal_issue, out, Reporter(echo=cli.print_diagnostic))
            pages.update(issue.write_article_metadata(journal_issue, placed, out, Reporter()))
    return pages


def release_issues(title_list: TitleList, names: set[str], dist: Path) -> list[tuple[Path, Path]]:
    """The PDF and EPUB of each of the list's issues whose articles are all in the release."""
    from . import issue  # WeasyPrint, only when there are issues

    released = []
    for path in title_list.issues:
        journal_issue = read_issue(path, title_list)
        if not {article.name for article in journal_issue.articles} <= names:
            continue
        with tempfile.TemporaryDirectory(prefix="press-issue-") as scratch:
            reporter = Reporter(echo=cli.print_diagnostic)
            pdf, placed, _ = issue.build_issue(journal_issue, Path(scratch), reporter)
            book = issue.write_epub(journal_issue, placed, Path(scratch), reporter)
            released.append((shutil.copyfile(pdf, dist / pdf.name), shutil.copyfile(book, dist / book.name)))
    return released


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file())


def _move(path: Path, target: Path) -> Path:
    """A file of a part of a release moved into the release; the part's folder goes with its last file."""
    path.replace(target)
    if not any(path.parent.iterdir()):
        path.parent.rmdir()
    return target


def _title_notes(path: Path) -> list[str]:
    """A title's own release notes, but for the closing line the release's notes say once."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("Verify the")]


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
    parser.add_argument("--manuscript", type=Path, help="one manuscript, outside any list")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="a folder of titles or a list file")
    parser.add_argument("--titles", nargs="+", metavar="NAME", help="the titles to release (default: all)")
    parser.add_argument("--part", action="store_true", help="release each title into DIST/<name>/, to gather later")
    parser.add_argument("--gather", action="store_true", help="make one release of the titles released with --part")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="release folder (default: dist/)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
