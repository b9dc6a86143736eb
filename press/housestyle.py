"""The house style, and what a title adds to it from its own folder.

The editions' stylesheets are the house's, in styles/. A title may add to any of
them: a file in the `styles/` folder beside its manuscript, named as a house
stylesheet (`styles/print.css`, `styles/screen.css`, `styles/epub.css`,
`styles/common.css`), is read after all of the house's stylesheets of that
edition, so that where it says something the house also says, the title wins.

A title's stylesheet is the author's input, and as confined as the rest: it lies
inside the manuscript's folder and loads nothing (no `@import`, no `url()`;
fonts come through the front matter's `fonts:`). Templates cannot be replaced
from a title's folder: a template runs code.

Each edition records every addition a title could have, present or not, so that
Make rebuilds the edition when the title gains one (see press.inputs.depfile).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import tinycss2

from . import STYLES_DIR, limits
from .context import BuildContext
from .errors import Location, PressError

#: The folder beside the manuscript that holds a title's additions to the house style.
FOLDER = "styles"
#: What a stylesheet could load a file with: a url token, these functions, or @import.
LOADING_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"})
STYLESHEET_BYTES = 1024 * 1024


def additions(names: Sequence[str], manuscript_folder: Path) -> list[Path]:
    """Where a title's additions to the named house stylesheets are or would be, in the house's order."""
    return [manuscript_folder / FOLDER / name for name in names]


def stylesheets(names: Sequence[str], manuscript_folder: Path) -> list[Path]:
    """The house's stylesheets, then the title's additions to them that exist."""
    return [STYLES_DIR / name for name in names] + [
        path for path in additions(names, manuscript_folder) if path.is_file()
    ]


def read_stylesheets(names: Sequence[str], manuscript_folder: Path, context: BuildContext) -> list[Path]:
    """`stylesheets`, each addition checked, and every possible addition recorded for Make."""
    for path in additions(names, manuscript_folder):
        context.look_for(path)
        if path.is_file():
            context.read_file(path)
            check(path, manuscript_folder)
    return stylesheets(names, manuscript_folder)


def text(paths: Sequence[Path]) -> str:
    """Stylesheets one after the other, for inlining into a page or a book."""
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def check(path: Path, manuscript_folder: Path) -> None:
    """Refuse a title's stylesheet that lies outside its folder, is too large, or loads a file."""
    limits.check_inside(path, manuscript_folder, "stylesheet", Location(path))
    limits.check_file_size(path, STYLESHEET_BYTES, "stylesheet")
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PressError("the stylesheet is not UTF-8 text; save it as UTF-8", Location(path)) from None
    for rule in tinycss2.parse_stylesheet(source, skip_comments=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            _refuse(path, rule, "@import")
        for token in _tokens([*(getattr(rule, "prelude", None) or []), *(getattr(rule, "content", None) or [])]):
            if token.type == "url":
                _refuse(path, token, "url()")
            elif token.type == "function" and token.lower_name in LOADING_FUNCTIONS:
                _refuse(path, token, f"{token.lower_name}()")


def _tokens(tokens: Sequence[tinycss2.ast.Node]) -> Iterator[tinycss2.ast.Node]:
    """Every token, those inside blocks and functions too."""
    for token in tokens:
        yield token
        yield from _tokens(getattr(token, "content", None) or getattr(token, "arguments", None) or [])


def _refuse(path: Path, node: tinycss2.ast.Node, what: str) -> None:
    raise PressError(
        f"a title's stylesheet may not load files ({what}): the editions carry only what lies beside the"
        " manuscript; give fonts with the front matter's 'fonts:'",
        Location(path, node.source_line, node.source_column),
    )
