"""The print layout sees only the shipped fonts, without a change to the process's environment."""

from __future__ import annotations

import io
import os

import pikepdf
import weasyprint

from press.printlayout import FONT_CONFIGURATION_OF, ShippedFonts


def test_the_patch_is_for_the_pinned_weasyprint() -> None:
    assert weasyprint.__version__.startswith(FONT_CONFIGURATION_OF)


def test_a_family_the_machine_has_falls_back_to_a_shipped_font() -> None:
    environment = dict(os.environ)
    fonts = ShippedFonts()
    html = weasyprint.HTML(string="<p style=\"font-family: 'DejaVu Sans', sans-serif\">Type</p>")
    pdf = html.write_pdf(font_config=fonts)
    assert dict(os.environ) == environment
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = {str(font.get("/BaseFont")) for font in document.pages[0].Resources.Font.values()}
    (name,) = names
    assert "Linux-Libertine" in name or "Linux-Biolinum" in name
