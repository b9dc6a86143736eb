"""Press: one Pandoc-Markdown manuscript in, PDF, EPUB 3 and HTML editions out."""

from pathlib import Path

TOOLCHAIN_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = TOOLCHAIN_ROOT / "templates"
STYLES_DIR = TOOLCHAIN_ROOT / "styles"
FILTERS_DIR = Path(__file__).resolve().parent / "filters"
