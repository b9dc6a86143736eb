"""Press: one Pandoc-Markdown manuscript in, PDF, EPUB 3 and HTML editions out.

The library's entry points are `press.api.build` and `press.api.check`.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TOOLCHAIN_ROOT = PACKAGE_DIR.parent
TEMPLATES_DIR = TOOLCHAIN_ROOT / "templates"
STYLES_DIR = TOOLCHAIN_ROOT / "styles"
FILTERS_DIR = PACKAGE_DIR / "filters"

# Before anything imports WeasyPrint: its libraries opened without a search for each failed name.
from .patches import library_search  # noqa: E402

library_search.install()
