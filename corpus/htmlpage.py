"""Main text and head metadata of a saved web page, without the site around it."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from corpus.decode import decode_bytes
from corpus.errors import UnreadableFile
from corpus.formats import Extracted
from corpus.manifest import normalise_meta

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
    soup = BeautifulSoup(text, "html.parser")
    meta = _head_meta(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    container = _main_container(soup)
    if container is None:
        raise UnreadableFile("HTML page has no body text")
    if container.name == "body":
        for tag in container.find_all("header"):
            tag.decompose()
    _drop_chrome(container)
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


def _head_meta(soup: BeautifulSoup) -> dict[str, str]:
    raw: dict[str, object] = {}
    title = _meta_content(soup, "og:title")
    if title:
        raw["title"] = title
    for name in _DATE_META:
        value = _meta_content(soup, name)
        if value:
            raw["date"] = value
            break
    else:
        time = soup.find("time", attrs={"datetime": True})
        if isinstance(time, Tag):
            raw["date"] = str(time["datetime"])
    canonical = soup.find("link", rel="canonical", href=True)
    url = str(canonical["href"]) if isinstance(canonical, Tag) else _meta_content(soup, "og:url")
    if url and url.startswith(("http://", "https://")):
        raw["url"] = url
    publisher = _meta_content(soup, "og:site_name")
    if publisher:
        raw["publisher"] = publisher
    meta, _ = normalise_meta(raw)
    return meta


def _meta_content(soup: BeautifulSoup, name: str) -> str | None:
    for attr in ("property", "name", "itemprop"):
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(name)}$", re.I)})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip() or None
    return None


def _page_title(soup: BeautifulSoup) -> str | None:
    """`<title>` minus the site name: the longest part between separators like " | "."""
    if soup.title is None:
        return None
    parts = _TITLE_SEPARATORS.split(soup.title.get_text(" ", strip=True))
    return max(parts, key=len).strip() or None


def _main_container(soup: BeautifulSoup) -> Tag | None:
    for selector in ("article", "main", '[role="main"]', '[itemprop="articleBody"]'):
        candidates = [t for t in soup.select(selector) if t.get_text(strip=True)]
        if candidates:
            return max(candidates, key=lambda t: len(t.get_text(strip=True)))
    return soup.body or (soup if soup.get_text(strip=True) else None)


def _drop_chrome(container: Tag) -> None:
    """Remove share bars, menus and the like, but never a block holding most of the text."""
    total = len(container.get_text(strip=True)) or 1
    for tag in container.find_all(True):
        if tag.decomposed or tag is container:
            continue
        words: set[str] = set()
        for attr in ("class", "id"):
            value = tag.get(attr)
            values = value if isinstance(value, list) else [value] if value else []
            for v in values:
                words.update(w for w in re.split(r"[-_\s]+", str(v).lower()) if w)
        role = str(tag.get("role") or "").lower()
        if (words & _CHROME_WORDS or role in _CHROME_ROLES) and (
            len(tag.get_text(strip=True)) < 0.4 * total
        ):
            tag.decompose()


def _render(node: Tag) -> str:
    parts: list[str] = []
    _render_into(node, parts)
    return "".join(parts)


def _render_into(node: Tag, out: list[str], pre: bool = False) -> None:
    for child in node.children:
        if isinstance(child, Comment | Doctype):
            continue
        if isinstance(child, NavigableString):
            out.append(str(child) if pre else re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            out.append("\n")
        elif name == "table":
            out.append("\n\n" + _render_table(child) + "\n\n")
        elif name == "li":
            out.append("\n- ")  # the next item or the list's end supplies the line break
            _render_into(child, out, pre)
        elif name in _BLOCK:
            gap = "\n\n" if name in _PARAGRAPH else "\n"
            out.append(gap)
            _render_into(child, out, pre or name == "pre")
            out.append(gap)
        else:
            _render_into(child, out, pre)


def _render_table(table: Tag) -> str:
    """One line per row, cells separated by tabs, like the tables in the text releases."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = []
        for cell in tr.find_all(["td", "th"]):
            if cell.find_parent("tr") is not tr:
                continue
            text = _render(cell)
            cells.append(" ".join(text.split()))
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)
