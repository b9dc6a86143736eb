"""No active content from a manuscript in any edition: its HTML and its SVG images, checked.

A small allow-list sanitiser on lxml trees, not a library such as `nh3`
(ammonia) or `bleach`: those take markup as text and give back cleaned text,
silently, so they can neither name the line of what they took out nor refuse a
manuscript; they rewrite Pandoc's markup on the way; and they know nothing of
SVG, whose images the editions carry as files. The rules are few and written
here once, for the HTML Pandoc makes of a manuscript and for its SVG images.

The rule for a manuscript's HTML (its text, notes and bibliography, raw HTML
included), where `refuse_active_content` finds it:

- What can only be code is removed, with a warning naming its line: `<script>`
  elements and `on…` event attributes. Comments and processing instructions are
  dropped silently: readers never see them, and a comment can hide markup
  (`<!--[if IE]><script>…`) that some program might one day read.
- Everything else that would make an edition run code, open another document
  or send what a reader types is refused, with its line: links whose scheme is
  not one of `SAFE_LINK_SCHEMES` (`javascript:`, `vbscript:`, `data:`, `file:`…,
  in `href`, `xlink:href`, form actions, `cite`), elements outside the
  allow-list (frames, plug-ins, forms, `<base>`, `<meta>` such as a refresh,
  `<link>`), CSS that runs code (`expression()`, `-moz-binding`, `behavior`),
  and anything loaded from elsewhere than an image file beside the manuscript
  (a `src`, a stylesheet, a CSS `url()` or `@import`; `data:` URLs included, as
  an image inline would escape the checks every image file gets). Removing such
  things would change what the reader sees, so the author decides.
  With `remove=True` they are removed instead, each with a warning (the
  attribute, or the element and what it holds).

SVG images (`clean_svg`) are cleaned, not refused, since an author rarely
wrote their markup: `<script>`, `<foreignObject>`, elements of the XHTML
namespace, event attributes, animations that set a link or a handler,
`xml:base`, links and references to anything but a `#fragment` of the image
itself (or an inline PNG, JPEG, GIF or WebP), CSS `url()` and `@import` to
anything else, the `<!DOCTYPE>` with its entities, comments and processing
instructions. What was removed is said once per image.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote_to_bytes, urlsplit

import lxml.html
from lxml import etree

from . import verbatim
from .errors import CombinedError, Location, PressError, Reporter, location_of
from .raw import OBSOLETE_ELEMENTS, UNSHOWN_ELEMENTS

#: URL schemes a link may have: places on the web, mail and telephone numbers, identifiers.
SAFE_LINK_SCHEMES = frozenset(
    ("http", "https", "mailto", "tel", "ftp", "sftp", "irc", "ircs", "xmpp", "news", "geo", "urn", "doi")
)
#: The media types of images an SVG image may hold inline.
INLINE_IMAGE_TYPES = frozenset(("image/png", "image/jpeg", "image/gif", "image/webp"))


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: HTML elements that show text and pictures and do nothing else (`img` loads only files beside the
#: manuscript; `input` only as the check box of a task list).
HTML_ELEMENTS = _names(
    """a abbr address area article aside b bdi bdo blockquote br caption cite code col colgroup data dd del
    details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup hr i img ins kbd label
    li main map mark nav ol p pre q rp rt ruby s samp section small span strong style sub summary sup table
    tbody td tfoot th thead time tr u ul var wbr input"""
)
#: Presentation MathML (Pandoc's --mathml writes it), in the lower case lxml's HTML parser gives.
MATHML_ELEMENTS = _names(
    """math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom menclose msub msup
    msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd mlabeledtr semantics
    annotation annotation-xml mfenced"""
)
#: SVG drawn inline in raw HTML: shapes, text, paint servers, filters; no scripts, no foreign objects.
SVG_ELEMENTS = _names(
    """svg g defs symbol use title desc metadata switch path rect circle ellipse line polyline polygon text
    tspan textpath lineargradient radialgradient stop pattern clippath mask marker filter view image feblend
    fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting fedisplacementmap
    fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr fegaussianblur feimage femerge
    femergenode femorphology feoffset fepointlight fespecularlighting fespotlight fetile feturbulence"""
)
#: Obsolete presentational elements pass, and so do those whose content no edition shows
#: (<noscript>, <template>): the loader then turns the first into HTML5 ones and drops the
#: others with a warning (see press.raw). What they hold is checked all the same.
ALLOWED_ELEMENTS = (
    HTML_ELEMENTS | MATHML_ELEMENTS | SVG_ELEMENTS | frozenset(OBSOLETE_ELEMENTS) | frozenset(UNSHOWN_ELEMENTS)
)
#: HTML's elements that do or load something, or shape the page rather than its text: refused (or removed).
#: An element HTML does not know at all (a component of another tool's, `<Note>`, or a custom `<my-widget>`)
#: does nothing in an edition: it is left out and what it holds kept, with a warning.
ACTIVE_ELEMENTS = _names(
    """iframe frame frameset object embed param applet portal canvas audio video source track picture dialog
    menu menuitem form button input select textarea fieldset legend output datalist option optgroup meter
    progress base meta link head html body title script slot foreignobject"""
)
#: Attributes holding a link to follow (or a page to send a form to), whatever the element.
LINK_ATTRIBUTES = ("href", "xlink:href", "action", "formaction", "cite", "longdesc")
LOADING_REASON = "editions carry only image files beside the manuscript, which the build checks"
#: Attributes through which a page loads something when it opens (links to follow are not among them).
LOADING_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc")
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE | re.DOTALL)
CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)
CSS_CODE = re.compile(r"expression\s*\(|-moz-binding|\bbehavior\s*:", re.IGNORECASE)
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
#: What browsers ignore in a URL: spaces and C0 controls around it, tabs and line breaks inside it.
URL_TRIM = "".join(chr(code) for code in range(0x21))
URL_IGNORED = re.compile("[\t\n\r]")

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
SVG_REMOVED_ELEMENTS = frozenset(("script", "foreignObject", "handler", "listener", "iframe", "embed", "object"))
#: Elements that only show what their href names.
SVG_REFERENCING = frozenset(("image", "use", "feImage"))
SVG_ANIMATIONS = frozenset(("animate", "set", "animateMotion", "animateTransform", "animateColor"))


class Locate(Protocol):
    """Where the n-th (from 0) piece of markup written so (a URL, a tag, an attribute) is in the author's files."""

    def __call__(self, written: str, occurrence: int = 0) -> Location: ...


def safe_xml_parser(*, remove_comments: bool = False, remove_pis: bool = False) -> etree.XMLParser:
    """An XML parser that reads the one file it is given and nothing it names: no DTD, no entities, no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=remove_pis,
    )


def url_scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (lower case), or None for a relative URL."""
    cleaned = URL_IGNORED.sub("", url.strip(URL_TRIM))
    match = URL_SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe_link(url: str) -> bool:
    """A relative link, a #fragment, or a URL with one of the safe schemes.

    Not a link to another host without a scheme (`//host/share`): the PDF would make a `file://host/share`
    of it, which some readers open as a network share.
    """
    scheme = url_scheme(url)
    if scheme is None:
        return not URL_IGNORED.sub("", url.strip(URL_TRIM)).replace("\\", "/").startswith("//")
    return scheme in SAFE_LINK_SCHEMES


def is_valid_url(url: str) -> bool:
    """Whether a link's URL can be parsed at all (a web address with a host and a numeric port, if any).

    Pandoc makes `https://javascript:alert(1)` of a bibliography's `URL: javascript:alert(1)`: harmless, but
    no URL, and EPUBCheck rejects the book.
    """
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)


def css_urls(css: str) -> list[str]:
    """The URLs a piece of CSS loads: url() and @import."""
    return [(match.group(2) or match.group(4) or "").strip() for match in CSS_URL.finditer(css)]


def text_locator(sources: Sequence[tuple[Path, str, int]], fallback: Path | None = None) -> Locate:
    """Finds where a URL, a tag (`<script`), an attribute (`onclick=`) or a piece of CSS is written in the author's
    files: (path, text, where to start) in order.

    Each way of writing it is looked for in every file before the next (a tag as markup, never as a word of the
    text: `<link>` is not the 'clink' of glasses), and not in code (see press.verbatim). A URL Pandoc completed
    (`https://` before a bibliography's URL field) is found by what was written. Without a place, the location
    is the fallback file, or the first.
    """

    # Each file once, from the first place the text is taken from it (a file rewritten is several spans of the text).
    starts: dict[Path, int] = {}
    for path, _, start in sources:
        starts[path] = min(start, starts.get(path, start))
    files = [(path, text, starts.pop(path)) for path, text, _ in sources if path in starts]

    def locate(written: str, occurrence: int = 0) -> Location:
        in_code: list[Place] = []
        for candidate in dict.fromkeys([written, written.split("://", 1)[-1]]):
            for pattern in _ways_of_writing(candidate):
                places = _places(files, pattern)
                chosen = [place for place in places if place.rank == 0]
                if chosen:
                    return chosen[min(occurrence, len(chosen) - 1)].location()
                in_code = in_code or places
        if in_code:
            return in_code[min(occurrence, len(in_code) - 1)].location()
        return Location(fallback or sources[0][0])

    return locate


@dataclass(frozen=True)
class Place:
    """Where a search found something in a file, ranked by how surely the author wrote it there (press.verbatim:
    0 in prose or raw markup, more in code)."""

    path: Path
    text: str
    offset: int
    rank: int

    def location(self) -> Location:
        return location_of(self.text, self.offset, self.path)


def _ways_of_writing(written: str) -> list[re.Pattern[str]]:
    """How markup may be written, the likeliest first, each found where its name or value starts: a tag (`<name`)
    and an attribute (`name=`) in any case; a URL or CSS as an attribute's value, a Markdown link's target or a
    tag, then anywhere, in any case last."""
    if not written:
        return []
    if re.fullmatch(r"<[\w:-]+", written):
        return [re.compile(rf"(?<=<){re.escape(written[1:])}(?![\w:-])", re.IGNORECASE)]
    if re.fullmatch(r"[\w:-]+=", written):
        return [re.compile(rf"(?<![\w:-]){re.escape(written[:-1])}(?=\s*=)", re.IGNORECASE)]
    exact = re.escape(written)
    return [
        *(re.compile(rf"(?<={re.escape(before)}){exact}") for before in ('="', "='", "(", "<")),
        re.compile(exact),
        re.compile(exact, re.IGNORECASE),
    ]


def _places(files: Sequence[tuple[Path, str, int]], pattern: re.Pattern[str]) -> list[Place]:
    """Where a pattern matches in the files, in order."""
    return [
        Place(path, text, found.start(), verbatim.rank(text, found.start(), raw=True))
        for path, text, start in files
        for found in pattern.finditer(text, start)
    ]


# The manuscript's HTML


def refuse_active_content(
    fragment: lxml.html.HtmlElement,
    locate: Locate,
    is_image_file: Callable[[str], bool],
    *,
    remove: bool = False,
    reporter: Reporter,
) -> None:
    """Take out code, refuse (or with `remove`, take out) everything else that is active; see the module's rule.
    Every refusal is reported at once, each at its place, in one `CombinedError`.

    `is_image_file(url)` says whether an <img src> names a file beside the manuscript.
    """
    _drop_comments(fragment)
    for removed in dict.fromkeys(_remove_scripts(fragment)):
        reporter.warn(
            f"removed {removed} from the manuscript's raw HTML: editions run no code from it",
            locate(removed.rstrip(">")),
        )
    refusals = _Refusals(locate, remove, reporter)
    for element in list(fragment.iter()):
        if not isinstance(element.tag, str) or element is fragment or fragment not in element.iterancestors():
            continue  # the fragment itself, or inside an element taken out
        if element.tag not in ALLOWED_ELEMENTS and element.tag not in ACTIVE_ELEMENTS:
            reporter.warn(
                f"<{element.tag}> is no HTML element: the editions leave it out and keep what it holds",
                locate(f"<{element.tag}"),
            )
            element.drop_tag()
            continue
        if element.tag not in ALLOWED_ELEMENTS or (element.tag == "input" and element.get("type") != "checkbox"):
            refusals.refuse(element, None, f"<{element.tag}", f"<{element.tag}>", _element_reason(element.tag))
            continue
        for name in LINK_ATTRIBUTES:
            url = element.get(name)
            if url is not None and not is_safe_link(url):
                scheme = url_scheme(url)
                reason = f"editions carry no {scheme}: links" if scheme else "a link to another host needs a scheme"
                refusals.refuse(element, name, url, f"the link '{_short(url)}'", reason)
            elif url is not None and not is_valid_url(url):
                refusals.refuse(element, name, url, f"the link '{_short(url)}'", "it is not a valid URL")
        for url in _loaded_urls(element):
            if not (element.tag == "img" and url == element.get("src") and is_image_file(url)):
                attribute = _loading_attribute(element, url)
                if element.tag == "img" and attribute == "src":
                    attribute = None  # an image without its file is none, and HTML allows none
                refusals.refuse(element, attribute, url, f"loading '{_short(url)}'", LOADING_REASON)
        for css in _styles(element):
            code = CSS_CODE.search(css)
            if code is not None:
                attribute = None if element.tag == "style" else "style"
                subject = f"the CSS '{code.group()}'"
                refusals.refuse(element, attribute, code.group(), subject, "editions run no code from CSS")
    if refusals.problems:
        raise CombinedError(refusals.problems)


@dataclass
class _Refusals:
    """What `refuse_active_content` refuses, or with `remove` takes out with a warning, each at its place."""

    locate: Locate
    remove: bool
    reporter: Reporter
    problems: list[PressError] = field(default_factory=list)
    #: How many of each piece of markup (as written) have been located: the next is at the next place.
    located: Counter[str] = field(default_factory=Counter)

    def refuse(
        self, element: lxml.html.HtmlElement, attribute: str | None, written: str, subject: str, reason: str
    ) -> None:
        """Take the element (or its attribute) out, and refuse it (said with the others once all are found), or with
        `remove` warn. Refused, it is taken out all the same: `check` goes on reading the fragment, and says
        nothing more of it (a remote image refused is not then an image file missing).

        `written` is the markup to look for in the author's files, `subject` what the message calls it.
        """
        location = self.locate(written, self.located[written])
        self.located[written] += 1
        if attribute is None:
            element.drop_tree()
        else:
            element.attrib.pop(attribute, None)
        if self.remove:
            self.reporter.warn(f"removed {subject}: {reason}", location)
            return
        refused = PressError(f"{subject} is refused: {reason}", location)
        # Once for each place: a bibliography's URL is linked twice in its entry.
        if not any(str(problem) == str(refused) for problem in self.problems):
            self.problems.append(refused)


def _element_reason(tag: str) -> str:
    if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "portal"):
        return "editions embed no other documents or plug-ins"
    if tag in ("form", "button", "input", "select", "textarea", "fieldset", "output", "datalist", "option"):
        return "editions hold no forms"
    if tag in ("base", "meta", "link"):
        return "the manuscript's raw HTML may not change how the page is read or loaded"
    if tag == "foreignobject":
        return "SVG in the text may hold only drawing"
    return "editions carry only the elements of text, tables, figures, MathML and SVG drawing"


def _short(text: str, length: int = 80) -> str:
    """A URL shortened for a one-line message (a data: URL can be megabytes long)."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _drop_comments(fragment: lxml.html.HtmlElement) -> None:
    for node in list(fragment.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove_keeping_tail(node)


def _remove_scripts(fragment: lxml.html.HtmlElement) -> list[str]:
    """Take out <script> elements and on… event attributes; say what was removed."""
    removed = []
    for script in list(fragment.iter("script")):
        removed.append("<script>")
        script.drop_tree()
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in [name for name in element.attrib if name.lower().startswith("on")]:
            removed.append(f"{attribute}=")
            del element.attrib[attribute]
    return removed


def _loaded_urls(element: lxml.html.HtmlElement) -> list[str]:
    urls = []
    for attribute in LOADING_ATTRIBUTES:
        value = element.get(attribute)
        if value:
            urls += (
                [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
                if attribute == "srcset"
                else [value]
            )
    if element.tag in ("link", "image", "feimage", "use") and element.get("href"):
        url = element.get("href", "")
        if element.tag == "link" or not url.startswith("#"):
            urls.append(url)
    for css in _styles(element):
        urls += [url for url in css_urls(css) if not url.startswith("#")]
    return urls


def _loading_attribute(element: lxml.html.HtmlElement, url: str) -> str | None:
    for attribute in (*LOADING_ATTRIBUTES, "href"):
        if url in (element.get(attribute) or ""):
            return attribute
    return "style" if url in element.get("style", "") else None


def _styles(element: lxml.html.HtmlElement) -> list[str]:
    styles = [element.get("style", "")]
    if element.tag == "style":
        styles.append(element.text or "")
    return [style for style in styles if style]


# SVG images


@dataclass
class CleanedSvg:
    """An SVG image's bytes with nothing active left, and what was taken out to get there."""

    data: bytes
    removed: list[str] = field(default_factory=list)


def clean_svg(data: bytes, check_inline_image: Callable[[bytes], str | None] | None = None) -> CleanedSvg:
    """The SVG image without anything that runs, loads or reads something else (see the module's rule).

    `check_inline_image(data)` tells what is wrong with an image the SVG holds as a
    data: URL (too large, say), or None: such images are removed.
    Raises etree.XMLSyntaxError when the bytes are not well-formed XML.
    """
    root = etree.fromstring(data, safe_xml_parser(remove_comments=True, remove_pis=True))
    removed: list[str] = []
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.public_id or docinfo.system_url:
        removed.append("<!DOCTYPE>")
    for entity in list(root.iter(etree.Entity)):
        removed.append(f"the entity {entity.text}")
        _remove_keeping_tail(entity)
    taken_out: set[etree._Element] = set()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or any(ancestor in taken_out for ancestor in element.iterancestors()):
            continue
        if _removed_svg_element(element):
            removed.append(f"<{etree.QName(element).localname}>")
            taken_out.add(element)
            _remove_keeping_tail(element)
            continue
        for name in list(element.attrib):
            value = element.attrib[name]
            local = etree.QName(name).localname
            if local.lower().startswith("on"):
                removed.append(f"{local}=")
                del element.attrib[name]
            elif name == XML_BASE:
                removed.append("xml:base=")
                del element.attrib[name]
            elif local == "href" and (problem := _reference_problem(value, check_inline_image)) is not None:
                removed.append(problem)
                del element.attrib[name]
                if etree.QName(element).localname in SVG_REFERENCING:
                    _remove_keeping_tail(element)  # nothing left to show
                    break
            elif "url(" in value.lower() or "@import" in value.lower():
                element.attrib[name] = _clean_css(value, check_inline_image, removed)
        if etree.QName(element).localname == "style" and element.text:
            element.text = _clean_css(element.text, check_inline_image, removed)
    cleaned = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return CleanedSvg(cleaned, list(dict.fromkeys(removed)))


def _removed_svg_element(element: etree._Element) -> bool:
    name = etree.QName(element)
    if name.namespace == XHTML_NAMESPACE or name.localname in SVG_REMOVED_ELEMENTS:
        return True
    if name.localname in SVG_ANIMATIONS:
        target = element.get("attributeName", "").lower()
        return target.endswith("href") or target.startswith("on")
    return False


def clean_svg_file(
    source: Path, location: Location, check_inline_image: Callable[[bytes], str | None], reporter: Reporter
) -> bytes:
    """An SVG image file's bytes without active content; what was removed is said once, at `location`."""
    cleaned = clean_svg(source.read_bytes(), check_inline_image)
    if cleaned.removed:
        reporter.warn(
            f"removed {describe_removed(cleaned.removed)} from the SVG image {source.name}:"
            " editions carry no code and nothing from outside the image",
            location,
        )
    return cleaned.data


def _reference_problem(url: str, check_inline_image: Callable[[bytes], str | None] | None) -> str | None:
    """What is wrong with a reference from an SVG image, or None when it stays inside the image:
    a #fragment, or an inline PNG, JPEG, GIF or WebP image that passes `check_inline_image`."""
    url = url.strip()
    if url.startswith("#"):
        return None
    if url_scheme(url) != "data":
        return f"a reference to {_short(url, 60)}"
    media_type, data = _data_url(url)
    if media_type not in INLINE_IMAGE_TYPES:
        return f"an inline {media_type or 'resource'}"
    if data is None:
        return f"an unreadable inline {media_type}"
    problem = check_inline_image(data) if check_inline_image is not None else None
    return f"an inline image ({problem})" if problem is not None else None


def _clean_css(css: str, check_inline_image: Callable[[bytes], str | None] | None, removed: list[str]) -> str:
    """The CSS without @import rules and with url() only to #fragments and inline images."""
    for rule in CSS_IMPORT.findall(css):
        removed.append(f"the CSS rule {_short(rule.strip(), 60)}")
    css = CSS_IMPORT.sub("", css)

    def replace(match: re.Match[str]) -> str:
        problem = _reference_problem(match.group(2) or "", check_inline_image)
        if problem is None:
            return match.group(0)
        removed.append(problem)
        return "none"

    return CSS_URL.sub(replace, css)


def _data_url(url: str) -> tuple[str, bytes | None]:
    """The media type and bytes of a data: URL (None when they cannot be read)."""
    header, _, payload = url.strip().partition(",")
    parts = header[len("data:") :].split(";")
    media_type = parts[0].strip().lower()
    try:
        if "base64" in (part.strip().lower() for part in parts[1:]):
            packed = re.sub(r"\s+", "", payload)
            return media_type, base64.b64decode(packed + "=" * (-len(packed) % 4), validate=True)
        return media_type, unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return media_type, None


def _remove_keeping_tail(node: etree._Element) -> None:
    """Take a node out, leaving the text that follows it in place."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def describe_removed(removed: Iterable[str]) -> str:
    """What was taken out of an image, as a phrase: "<script>, onclick= and a reference to http://…"."""
    items = list(removed)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
