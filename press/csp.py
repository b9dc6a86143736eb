"""The web edition's Content-Security-Policy: the page may run and style only what it holds itself.

The policy is read off the finished page: the hash of each inline `<style>` and
`<script>` (and of each `style` attribute, which CSP counts as inline style),
images and fonts from `data:` URLs only, nothing else from anywhere. Should the
manuscript ever slip something past the sanitiser, a browser still refuses to
run or fetch it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

import lxml.html

#: What the page needs besides its own inline code and style, and what it may not do.
BASE_DIRECTIVES = {
    "default-src": ["'none'"],
    "img-src": ["data:"],
    "font-src": ["data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}
#: Inline elements as the browser reads them: raw text up to the closing tag.
INLINE_ELEMENT = re.compile(r"<(style|script)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
POLICY_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def source_hash(text: str) -> str:
    """A CSP hash source for an inline script or style (CR LF read as LF, as the browser does)."""
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(page: str) -> str:
    """The policy that lets this page, and nothing else, run and style itself."""
    scripts: list[str] = []
    styles: list[str] = []
    for match in INLINE_ELEMENT.finditer(page):
        name, text = match.group(1).lower(), match.group(3)
        # Data blocks (application/ld+json) run as nothing; hashed all the same, as checkers expect.
        (styles if name == "style" else scripts).append(source_hash(text))
    attributes = [
        source_hash(str(element.get("style")))
        for element in lxml.html.document_fromstring(page).iter()
        if isinstance(element.tag, str) and element.get("style") is not None
    ]
    directives = dict(BASE_DIRECTIVES)
    directives["script-src"] = list(dict.fromkeys(scripts)) or ["'none'"]
    style_sources = list(dict.fromkeys(styles))
    if attributes:
        style_sources += ["'unsafe-hashes'", *dict.fromkeys(attributes)]
    directives["style-src"] = style_sources or ["'none'"]
    return format_policy(directives)


def format_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def parse_policy(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        if directive.strip():
            name, *sources = directive.split()
            directives[name] = sources
    return directives


def allow_script(page: str, script: str, connect: str) -> str:
    """The page with its policy widened for one more inline script, which may fetch from `connect`.

    For the preview server's reload script; the edition itself never carries it.
    """

    def widen(match: re.Match[str]) -> str:
        directives = parse_policy(html.unescape(match.group(2)))
        directives["script-src"] = [
            *(source for source in directives.get("script-src", []) if source != "'none'"),
            source_hash(script),
        ]
        directives["connect-src"] = [connect]
        return match.group(1) + html.escape(format_policy(directives)) + match.group(3)

    return POLICY_META.sub(widen, page, count=1)
