"""Read a PDF's structure back with pikepdf: fonts, glyphs drawn, links and their pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf

TEXT_OPERATORS = ("Tj", "TJ", "'", '"')


@dataclass(frozen=True)
class Link:
    page: int
    destination: str


def fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    """Every font the pages use, by its base name."""
    found = {}
    for page in pdf.pages:
        for resources in _resource_dictionaries(page):
            for font in resources.get("/Font", {}).values():
                found[str(font.BaseFont)] = font
    return found


def is_embedded(font: pikepdf.Dictionary) -> bool:
    descriptor_owner = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
    descriptor = descriptor_owner.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def notdef_glyphs_drawn(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """(page number, font) for every .notdef glyph (CID 0) a text operator draws."""
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        font = ""
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":
                font = str(operands[0])
            elif str(operator) in TEXT_OPERATORS:
                for string in _strings(operands):
                    codes = bytes(string)
                    cids = [int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes) - 1, 2)]
                    found.extend((number, font) for cid in cids if cid == 0)
    return found


def links(pdf: pikepdf.Pdf) -> list[Link]:
    return [
        Link(number, str(annotation.Dest))
        for number, page in enumerate(pdf.pages, start=1)
        for annotation in page.get("/Annots", [])
        if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation
    ]


def destination_pages(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination -> the page number it points to."""
    page_numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    result = {}
    stack = [pdf.Root.Names.Dests]
    while stack:
        node = stack.pop()
        if "/Names" in node:
            entries = list(node.Names)
            for name, destination in zip(entries[::2], entries[1::2], strict=True):
                target = destination[0] if isinstance(destination, pikepdf.Array) else destination.D[0]
                result[str(name)] = page_numbers[target.objgen]
        stack.extend(node.get("/Kids", []))
    return result


def open_pdf(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(path)


def _resource_dictionaries(page: pikepdf.Page) -> Iterator[pikepdf.Dictionary]:
    stack = [page.obj.get("/Resources", pikepdf.Dictionary())]
    while stack:
        resources = stack.pop()
        yield resources
        for xobject in resources.get("/XObject", {}).values():
            if "/Resources" in xobject:
                stack.append(xobject.Resources)


def _strings(operands: list[pikepdf.Object]) -> Iterator[pikepdf.String]:
    for operand in operands:
        if isinstance(operand, pikepdf.Array):
            yield from (item for item in operand if isinstance(item, pikepdf.String))
        elif isinstance(operand, pikepdf.String):
            yield operand
