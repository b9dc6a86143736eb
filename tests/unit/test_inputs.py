"""What each step reads: code found through imports, templates through includes, depfiles for Make."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import meta

from press import PACKAGE_DIR, TEMPLATES_DIR
from press.editions import NAMES, edition
from press.freshness import _installed_libraries, installed_version
from press.inputs import _imports, code_files, depfile, referenced_templates, template_files
from press.render import environment


def names(paths: tuple[Path, ...] | list[Path]) -> set[str]:
    return {str(path.relative_to(PACKAGE_DIR.parent)) for path in paths}


def test_an_edition_is_made_with_its_own_code_and_the_code_it_imports() -> None:
    pdf = names(code_files("press.editions.pdf"))
    assert {"press/editions/pdf.py", "press/printlayout.py", "press/pagemap.py", "press/document.py"} <= pdf
    assert "press/__init__.py" in pdf and "press/editions/__init__.py" in pdf


def test_imports_are_found_wherever_they_run_and_never_under_type_checking(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import cache\n"
        "import os, press.catalogue as listing  # a comment\n"
        "from .markup import (  # noqa\n"
        "    fill,\n"
        "    scale as size,  # why\n"
        "    words,\n"
        ")\n"
        "if TYPE_CHECKING:\n"
        "    from .document import Document\n"
        "\n"
        "    import press.cover\n"
        "else:\n"
        "    from . import fonts\n"
        "def lazily():\n"
        "    try:\n"
        "        from .issue import build\n"
        "    except ImportError:\n"
        "        import press.release\n"
        "    finally:\n"
        "        pass\n"
        "    match 1:\n"
        "        case 1:\n"
        "            from . import scripts\n"
        "class Later:\n"
        "    def method(self):\n"
        "        with open(__file__):\n"
        "            from .labels import fill\n",
        encoding="utf-8",
    )
    found = set(_imports("press.module", module))
    assert {"press.cache", "press.fonts", "press.issue", "press.release", "press.scripts", "press.labels"} <= found
    assert {"press.catalogue", "press.markup", "press.markup.fill", "press.markup.scale", "press.markup.words"} <= found
    assert not {"press.document", "press.cover"} & found


def test_editions_never_import_each_other() -> None:
    for name in NAMES:
        others = {f"press/editions/{other}.py" for other in NAMES if other != name}
        assert not names(code_files(f"press.editions.{name}")) & others, name


def test_the_web_edition_does_not_depend_on_the_print_layout() -> None:
    assert "press/printlayout.py" not in names(code_files("press.editions.html"))
    assert "press/printlayout.py" in names(code_files("press.editions.epub"))


def test_reading_the_print_page_list_loads_no_weasyprint() -> None:
    """The EPUB's build takes the page list the PDF's build laid out; loading WeasyPrint only to name it cost
    that build a third of its memory, beside the PDF's at its peak. It loads it when it lays the pages out."""
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, press.api, press.editions.epub, press.editions.html; print(sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE_DIR.parent,
    )
    loaded = {name.split(".")[0] for name in shown.stdout.strip()[2:-2].split("', '")}
    assert loaded >= {"press", "lxml", "ebooklib"} and not loaded & {"weasyprint", "pydyf", "pikepdf"}
    assert "press/printlayout.py" in names(code_files("press.printpage")), "its layout is what the page list reads"


def test_templates_bring_the_templates_they_import_and_include() -> None:
    assert TEMPLATES_DIR / "partials.html.j2" in template_files("web.html.j2")
    assert template_files("print.html.j2") == tuple(
        sorted(TEMPLATES_DIR / name for name in ("print.html.j2", "print-book.html.j2", "partials.html.j2"))
    )


def test_the_templates_named_are_those_jinja_finds_in_each_template() -> None:
    jinja = environment()
    sources = [path.read_text(encoding="utf-8") for path in sorted(TEMPLATES_DIR.rglob("*.j2"))]
    assert len(sources) > 20
    for source in sources:
        found = list(meta.find_referenced_templates(jinja.parse(source)))
        named = [name for name in found if name is not None]
        assert named == found  # else a name Jinja cannot read from the source alone
        assert sorted(referenced_templates(source)) == sorted(named)
    assert referenced_templates("""{%- extends 'a.j2' %}{% include "b.j2" %}{% from "c.j2" import d %}""") == [
        "a.j2",
        "b.j2",
        "c.j2",
    ]


def test_the_installed_libraries_are_named_with_their_versions() -> None:
    import jinja2
    import weasyprint

    installed = _installed_libraries().splitlines()
    assert f"jinja2-{jinja2.__version__}.dist-info" in installed
    assert f"weasyprint-{weasyprint.__version__}.dist-info" in installed


def test_a_librarys_version_is_read_from_its_installations_name_as_its_metadata_gives_it() -> None:
    for library in ("weasyprint", "pypandoc-binary", "PyYAML", "fonttools", "pydyf", "markupsafe"):
        assert installed_version(library) == importlib.metadata.version(library), library
    with pytest.raises(LookupError):
        installed_version("no-such-library")


def test_every_edition_declares_the_labels_it_prints_through_the_loader() -> None:
    for name in NAMES:
        files = edition(name).toolchain_files()
        assert all(path.is_file() for path in files), name


def test_a_depfile_names_the_target_and_each_input_as_a_rule_of_its_own(tmp_path: Path) -> None:
    spaced = tmp_path / "my book" / "chapter #1.md"
    text = depfile(tmp_path / "out" / "book.pdf", [spaced, PACKAGE_DIR / "errors.py", PACKAGE_DIR / "errors.py"])
    lines = text.splitlines()
    assert lines[0] == f"{tmp_path}/out/book.pdf: \\"
    escaped = str(spaced).replace(" ", "\\ ").replace("#", "\\#")
    assert f" {escaped} \\" in lines and " press/errors.py \\" in lines
    assert f"{escaped}:" in lines and "press/errors.py:" in lines
    assert text.count("press/errors.py") == 2  # once as a prerequisite, once as a rule
