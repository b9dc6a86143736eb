"""The web edition's Content-Security-Policy, read off a page."""

from __future__ import annotations

import base64
import hashlib
import html

from press.csp import allow_script, content_security_policy, parse_policy

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<script type="application/ld+json">{{"a": 1}}</script><style>p {{ color: red }}</style></head>
<body><p style="width: 50%">x</p><script>var a = 1;</script></body></html>"""


def sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_the_policy_admits_the_page_own_inline_code_and_style_only() -> None:
    policy = parse_policy(content_security_policy(PAGE.format(policy="")))
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"] and policy["font-src"] == ["data:"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert policy["script-src"] == [sha256('{"a": 1}'), sha256("var a = 1;")]
    assert policy["style-src"] == [sha256("p { color: red }"), "'unsafe-hashes'", sha256("width: 50%")]


def test_a_page_without_script_runs_none() -> None:
    policy = parse_policy(content_security_policy("<html><body><p>x</p></body></html>"))
    assert policy["script-src"] == ["'none'"] and policy["style-src"] == ["'none'"]


def test_the_preview_server_widens_the_policy_for_its_script() -> None:
    page = PAGE.format(policy=html.escape(content_security_policy(PAGE.format(policy=""))))
    widened = allow_script(page, "reload()", connect="'self'")
    start = widened.index('content="', widened.index("Content-Security-Policy")) + len('content="')
    policy = parse_policy(html.unescape(widened[start : widened.index('"', start)]))
    assert sha256("reload()") in policy["script-src"] and sha256("var a = 1;") in policy["script-src"]
    assert policy["connect-src"] == ["'self'"]
