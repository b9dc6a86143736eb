"""`build.py serve` (and `make watch`): rebuild on save, show the HTML edition with automatic reload.

The web edition is served on 127.0.0.1 only. The page the browser gets carries a
small script, added on the way out and never written to the edition itself,
that asks the server for the build number every second and reloads the page
when it changes.
"""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from watchfiles import watch

from . import STYLES_DIR, TEMPLATES_DIR
from .csp import allow_script
from .errors import PressError

RELOAD_PATH = "/__press_build"
RELOAD_CODE = f"""
(() => {{
  let seen = null;
  setInterval(async () => {{
    try {{
      const build = await (await fetch("{RELOAD_PATH}", {{ cache: "no-store" }})).text();
      if (seen !== null && build !== seen) location.reload();
      seen = build;
    }} catch (error) {{}}
  }}, 1000);
}})();
"""


class BuildCounter:
    """How many builds have finished; the page reloads when the number moves."""

    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def advance(self) -> None:
        with self.lock:
            self.value += 1


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; HTML pages gain the reload script, the build number has its own path."""

    def __init__(self, *arguments: object, counter: BuildCounter, **keywords: object) -> None:
        self.counter = counter
        super().__init__(*arguments, **keywords)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        if self.path == RELOAD_PATH:
            self._send(str(self.counter.value).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.suffix == ".html" and path.is_file():
            page = path.read_text(encoding="utf-8").replace("</body>", f"<script>{RELOAD_CODE}</script>\n</body>")
            page = allow_script(page, RELOAD_CODE, connect="'self'")  # the page's policy admits it
            self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            return
        super().do_GET()

    def log_message(self, format: str, *arguments: object) -> None:
        return

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(manuscript: Path, out_dir: Path, port: int, rebuild: Callable[[], None]) -> None:
    """Build, serve on 127.0.0.1:port, and rebuild whenever the manuscript's folder or the toolchain changes."""
    counter = BuildCounter()
    _rebuild(rebuild, counter)
    handler = partial(PreviewHandler, directory=str(out_dir), counter=counter)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{server.server_address[1]}/{manuscript.stem}.html (Ctrl-C stops)", file=sys.stderr)
    try:
        folder = manuscript if manuscript.is_dir() else manuscript.parent
        for _ in watch(folder, TEMPLATES_DIR, STYLES_DIR, watch_filter=_sources_only(out_dir)):
            _rebuild(rebuild, counter)
    finally:
        server.shutdown()


def _rebuild(rebuild: Callable[[], None], counter: BuildCounter) -> None:
    try:
        rebuild()
    except PressError as error:
        print(error, file=sys.stderr)
        return
    counter.advance()


def _sources_only(out_dir: Path) -> Callable[[object, str], bool]:
    """Ignore the outputs themselves (and editor droppings), or every build would start another."""
    out = out_dir.resolve()

    def relevant(_change: object, path: str) -> bool:
        candidate = Path(path)
        return not candidate.resolve().is_relative_to(out) and not candidate.name.startswith((".", "#"))

    return relevant
