"""Which fonts Chromium draws each element's text with, by its own account (the DevTools
protocol's CSS.getPlatformFontsForNode), printed as JSON.

    python -m tests.fontprobe page.html "main p, span[lang]"

It runs as a process of its own: the Playwright of the browser tests may already
hold the test process's event loop.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.proof import chromium


def fonts_by_element(page_path: Path, selector: str) -> list[dict[str, Any]]:
    """For each element the selector finds: its HTML and the fonts that drew its text."""
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_path.resolve().as_uri())
        page.evaluate("document.fonts.ready")
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        found = []
        for node in session.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            html = session.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            found.append({"html": html, "fonts": fonts})
        return found


if __name__ == "__main__":
    json.dump(fonts_by_element(Path(sys.argv[1]), sys.argv[2]), sys.stdout, ensure_ascii=False)
