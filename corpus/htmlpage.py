"""Main text and head metadata of a saved web page, without the site around it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, PageElement, Tag
from bs4.exceptions import ParserRejectedMarkup

from partnerbot.corpus.decode import decode_bytes
from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.extracted import Extracted
from partnerbot.corpus.manifest import normalise_meta

# fmt: off
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "form",
              "button", "select", "input", "textarea", "object", "embed", "map", "nav", "aside",
              "footer", "dialog", "img", "picture", "video", "audio")
# class/id words that mark page chrome; matched as whole words of "share-buttons", "gnb" ...
_CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "gnb", "lnb", "snb", "breadcrumb", "breadcrumbs",
    "share", "sharing", "sns", "social", "sidebar", "footer", "pagetop", "cookie", "cookies",
    "advert", "ads", "related", "comment", "comments", "skip", "subscribe", "popup", "modal",
    "toolbar", "util", "utility", "print", "pager", "pagination",
})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                           "menu", "menubar", "dialog"})
_BLOCK = frozenset({"p", "div", "section", "article", "main", "header", "ul", "ol", "dl", "dt",
                    "dd", "blockquote", "pre", "figure", "figcaption", "address", "caption",
                    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "details", "summary"})
# fmt: on
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol"})
_STRAY_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype\b)", re.I)
_CELL_PARTS = frozenset({"td", "th", "tr"})
_MAX_TABLE_DEPTH = 20
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|｜\-–—:]{1,2}\s+")
# fmt: off
_DATE_META = ("article:published_time", "og:published_time", "date", "pubdate", "publishdate",
              "publish_date", "publish-date", "dc.date", "dc.date.issued", "dcterms.date",
              "dcterms.issued", "citation_publication_date", "parsely-pub-date",
              "sailthru.date", "datepublished")
# fmt: on


def extract_html(data: bytes) -> Extracted:
    """Prefer `<article>`, then `<main>`, then the body with navigation and chrome removed."""
    declared = _CHARSET.search(data[:4096])
    text = decode_bytes(data, declared.group(1).decode("ascii") if declared else None)
    soup = _parse(text)
    meta = _head_meta(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    container = _main_container(soup, _text_lengths(soup))
    if container is None:
        raise UnreadableFile("HTML page has no body text")
    if container.name == "body":
        for tag in container.find_all("header"):
            tag.decompose()
    _drop_chrome(container, _text_lengths(container))
    h1 = container.find("h1")
    headings = [h1.get_text(" ", strip=True)] if isinstance(h1, Tag) else []
    if not meta.get("title") and not headings:
        title = _page_title(soup)
        if title:
            headings.append(title)
    body = _render(container)
    if not body.strip():
        raise UnreadableFile("HTML page has no body text")
    return Extracted(body, meta, headings)


def _parse(text: str) -> BeautifulSoup:
    """html.parser gives up on some stray declarations (`<![x`); those are shown as text then,
    so one broken fragment does not cost the whole page."""
    try:
        return BeautifulSoup(text, "html.parser")
    except ParserRejectedMarkup:
        pass
    try:
        return BeautifulSoup(_STRAY_DECLARATION.sub("&lt;!", text), "html.parser")
    except ParserRejectedMarkup as e:
        raise UnreadableFile(f"HTML the parser rejects: {str(e).splitlines()[0]}") from e


def _head_meta(soup: BeautifulSoup) -> dict[str, str]:
    raw: dict[str, object] = {}
    metas = soup.find_all("meta")  # once: a search per name would rescan a large page ~20 times
    title = _meta_content(metas, "og:title")
    if title:
        raw["title"] = title
    for name in _DATE_META:
        value = _meta_content(metas, name)
        if value:
            raw["date"] = value
            break
    else:
        time = soup.find("time", attrs={"datetime": True})
        if isinstance(time, Tag):
            raw["date"] = str(time["datetime"])
    canonical = soup.find("link", rel="canonical", href=True)
    url = str(canonical["href"]) if isinstance(canonical, Tag) else _meta_content(metas, "og:url")
    if url and url.startswith(("http://", "https://")):
        raw["url"] = url
    publisher = _meta_content(metas, "og:site_name")
    if publisher:
        raw["publisher"] = publisher
    meta, _ = normalise_meta(raw)
    return meta


def _meta_content(metas: Iterable[PageElement], name: str) -> str | None:
    """The content of the first `<meta>` whose property, name or itemprop is `name`."""
    for attr in ("property", "name", "itemprop"):
        tag = next((t for t in metas if isinstance(t, Tag)
                    and str(t.get(attr) or "").lower() == name), None)
        if tag is not None and tag.get("content"):
            return str(tag["content"]).strip() or None
    return None


def _page_title(soup: BeautifulSoup) -> str | None:
    """`<title>` minus the site name: the longest part between separators like " | "."""
    if soup.title is None:
        return None
    parts = _TITLE_SEPARATORS.split(soup.title.get_text(" ", strip=True))
    return max(parts, key=len).strip() or None


def _text_lengths(root: Tag) -> dict[int, int]:
    """`len(tag.get_text(strip=True))` for every tag under `root` (by `id`), in one pass.

    Asking each tag separately costs the size of its subtree every time: quadratic on a
    broken page whose thousands of unclosed tags nest inside each other.
    """
    lengths: dict[int, int] = {}
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        tag, children_done = stack.pop()
        if children_done:
            lengths[id(tag)] = sum(
                lengths[id(c)] if isinstance(c, Tag)
                else len(c.strip()) if type(c) is NavigableString else 0
                for c in tag.contents
            )
        else:
            stack.append((tag, True))
            stack.extend((c, False) for c in tag.contents if isinstance(c, Tag))
    return lengths


def _main_container(soup: BeautifulSoup, lengths: dict[int, int]) -> Tag | None:
    for selector in ("article", "main", '[role="main"]', '[itemprop="articleBody"]'):
        candidates = [t for t in soup.select(selector) if lengths.get(id(t))]
        if candidates:
            return max(candidates, key=lambda t: lengths[id(t)])
    return soup.body or (soup if lengths[id(soup)] else None)


def _drop_chrome(container: Tag, lengths: dict[int, int]) -> None:
    """Remove share bars, menus and the like, but never a block holding most of the text.

    A removed block's insides are not visited. (Asking bs4 whether a tag was already removed,
    `tag.decomposed`, searches the tag's whole subtree, which made deep pages quadratic.)
    """
    total = lengths[id(container)] or 1
    stack = [c for c in reversed(container.contents) if isinstance(c, Tag)]
    while stack:
        tag = stack.pop()
        if _is_chrome(tag) and lengths[id(tag)] < 0.4 * total:
            tag.decompose()
        else:
            stack.extend(c for c in reversed(tag.contents) if isinstance(c, Tag))


def _is_chrome(tag: Tag) -> bool:
    words: set[str] = set()
    for attr in ("class", "id"):
        value = tag.get(attr)
        values = value if isinstance(value, list) else [value] if value else []
        for v in values:
            words.update(w for w in re.split(r"[-_\s]+", str(v).lower()) if w)
    role = str(tag.get("role") or "").lower()
    return bool(words & _CHROME_WORDS) or role in _CHROME_ROLES


def _render(node: Tag, depth: int = 0, skip: frozenset[str] = frozenset()) -> str:
    """Text of `node` with paragraph breaks and list dashes, like a release saved as text.

    Walks with an explicit stack rather than recursion: a broken page of thousands of unclosed
    `<p>` or `<div>` nests that deep and would exceed Python's recursion limit. Elements named
    in `skip` are left out (a cell's text leaves out the unclosed cells nested in it); `depth`
    counts enclosing tables, and tables nested absurdly deep are flattened to plain words.
    """
    out: list[str] = []
    # (element, inside <pre>) to render, or a string to emit as is
    stack: list[tuple[PageElement, bool] | str] = [(c, False) for c in reversed(node.contents)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        child, pre = item
        if isinstance(child, Comment | Doctype):
            continue
        if isinstance(child, NavigableString):
            out.append(str(child) if pre else re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag) or child.name in skip:
            continue
        name = child.name
        if name == "br":
            out.append("\n")
        elif name == "table" and depth >= _MAX_TABLE_DEPTH:
            out.append("\n\n" + " ".join(child.get_text(" ").split()) + "\n\n")
        elif name == "table":
            out.append("\n\n" + _render_table(child, depth + 1) + "\n\n")
        elif name == "li":
            out.append("\n- ")  # the next item or the list's end supplies the line break
            stack.extend((c, pre) for c in reversed(child.contents))
        elif name in _BLOCK:
            gap = "\n\n" if name in _PARAGRAPH else "\n"
            out.append(gap)
            stack.append(gap)
            stack.extend((c, pre or name == "pre") for c in reversed(child.contents))
        else:
            stack.extend((c, pre) for c in reversed(child.contents))
    return "".join(out)


def _render_table(table: Tag, depth: int) -> str:
    """One line per row, cells separated by tabs, like the tables in the text releases.

    Rows and cells of nested tables belong to those tables. HTML lets `</td>` and `</tr>` be
    left out, and html.parser then nests the next cell inside the previous one: each cell is
    still its own cell, with its own text only.
    """
    rows = []
    for tr in _own_tags(table, {"tr"}, stop={"table"}):
        cells = []
        for cell in _own_tags(tr, {"td", "th"}, stop={"tr", "table"}):
            text = _render(cell, depth, skip=_CELL_PARTS)
            cells.append(" ".join(text.split()))
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def _own_tags(root: Tag, names: set[str], stop: set[str]) -> list[Tag]:
    """Descendants of `root` named in `names`, in document order, not looking inside `stop`."""
    found: list[Tag] = []
    stack = [c for c in reversed(root.contents) if isinstance(c, Tag)]
    while stack:
        tag = stack.pop()
        if tag.name in names:
            found.append(tag)
        if tag.name not in stop:
            stack.extend(c for c in reversed(tag.contents) if isinstance(c, Tag))
    return found
