"""Turn extracted text into the text that is quoted to users.

Conservative by design: only whole lines that are page furniture are dropped (menus, share
buttons, image file names), and markup is removed around the words, never with them.
Line structure and tab-separated table rows survive, so a quoted table stays readable.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Known HTML elements only, so "<글싣는 순서>" or "<Company>" in prose are kept.
_ELEMENTS = (
    "a|abbr|address|article|aside|b|big|blockquote|body|br|button|caption|center|cite|code|col|"
    "colgroup|dd|del|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|"
    "i|img|input|ins|kbd|label|li|link|main|mark|meta|nav|nobr|ol|p|picture|pre|q|s|section|"
    "small|source|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|time|tr|tt|u|ul|wbr"
)
_ATTRS = r"(?:\s+[A-Za-z_:@][\w:.@-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?)*"
_TAG = re.compile(rf"</?(?:{_ELEMENTS})\b{_ATTRS}\s*/?>", re.I)
_BLOCK_TAG = re.compile(
    rf"</?(?:address|article|blockquote|br|div|dl|dt|dd|figure|footer|h[1-6]|header|hr|li|ol|p|"
    rf"pre|section|table|tbody|thead|tr|ul)\b{_ATTRS}\s*/?>",
    re.I,
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/|#|mailto:)[^)\s]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_MD_HEADING_CLOSE = re.compile(r"\s+#{1,6}\s*$")
_MD_STRONG = re.compile(r"\*\*|(?<!\w)__(?=\S)|(?<=\S)__(?!\w)")

_IMAGE_EXT = r"(?:jpe?g|png|gif|webp|bmp|svg|tiff?)"
_IMAGE_NAME = rf"[\w\-.()]+\.{_IMAGE_EXT}"
_IMAGE_LINE = re.compile(rf"^{_IMAGE_NAME}(?:\s+{_IMAGE_NAME})*$", re.I)
# A file name glued to the start of a sentence: "harbour.pngHarbour City took ..."
_IMAGE_PREFIX = re.compile(rf"^[\w\-.]+?\.{_IMAGE_EXT}(?=(?-i:[^\sa-z0-9.]))", re.I)

_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# C0 and C1 controls but tab and newline (NEL is turned into a newline first).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BULLET = re.compile(r"^[•·・\-–*▪■□○●◦>|]+\s*")

# fmt: off
FURNITURE = frozenset({
    # navigation
    "menu", "main menu", "global menu", "pagetop", "page top", "to top", "top", "back to top",
    "go to top", "news", "home", "skip to content", "skip to main content", "breadcrumb",
    "메뉴", "전체메뉴", "맨 위로", "맨위로", "위로", "top으로", "목록", "목록으로",
    "이전글", "다음글",
    "メニュー", "ページトップ", "ページの先頭へ", "ページの先頭に戻る", "トップへ戻る",
    "前の記事", "次の記事",
    # share buttons
    "share", "share this", "share this page", "tweet", "twitter", "facebook", "line",
    "linkedin", "instagram", "youtube", "email", "e-mail", "mail", "print", "x", "hatena",
    "pocket", "kakao", "kakaotalk", "kakaostory", "naver", "band", "copy link", "copy url",
    "공유", "공유하기", "카카오톡", "카카오스토리", "페이스북", "트위터", "밴드", "네이버",
    "네이버 밴드", "블로그", "인쇄", "프린트", "스크랩", "url 복사", "링크 복사", "주소 복사",
    "シェア", "ツイート", "いいね", "印刷", "はてなブックマーク",
    # comment widgets
    "댓글쓰기", "댓글 쓰기", "답변 글쓰기", "글쓰기", "글씨크기", "コメント",
})
# fmt: on
_FURNITURE_RE = re.compile(
    r"^(?:댓글\s*\d+|\d+\s*/\s*\d+|(?:read|view|see) more|더\s?보기|.{0,20}\+\s*more)$", re.I
)
# "2024.01.25 06:01 댓글쓰기": a widget label glued to a short dateline.
_TRAILING_WIDGET = re.compile(
    r"^(?P<keep>.*\d.*?)\s+(?:댓글\s?쓰기|댓글\s*\d+|스크랩|인쇄|공유하기)$"
)


def clean_text(text: str) -> str:
    """Clean a whole document: markup, furniture lines, blank-line runs, split sentences."""
    text = _normalise_chars(text)
    text = _SCRIPT.sub(" ", _COMMENT.sub(" ", text))
    lines: list[str] = []
    for raw in text.split("\n"):
        if "\t" in raw:
            lines.append(_clean_row(raw))
            continue
        for part in _BLOCK_TAG.split(raw) if "<" in raw else (raw,):
            line = clean_line(part)
            if line and not is_furniture(line):
                lines.append(line)
            elif not line:
                lines.append("")
    return _collapse_blank_lines(_join_split_sentences(lines))


def clean_line(line: str) -> str:
    """Clean one line of prose (no tabs): tags, entities, Markdown markers, spacing."""
    # each pattern only where its first character occurs: most lines of prose have none, and
    # a file of the largest allowed size has hundreds of thousands of lines
    if "<" in line:
        line = _TAG.sub("", line)
    if "&" in line:
        line = _ENTITY.sub(lambda m: _CONTROL.sub("", html.unescape(m.group(0))), line)
    if "](" in line:
        line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
    if "**" in line or "__" in line:
        line = _MD_STRONG.sub("", line)
    if "#" in line and _MD_HEADING.match(line):
        line = _MD_HEADING_CLOSE.sub("", _MD_HEADING.sub("", line))
    line = _SPACES.sub(" ", line).strip()
    if "." in line:
        if _IMAGE_LINE.match(line):
            return ""
        line = _IMAGE_PREFIX.sub("", line)
    widget = _TRAILING_WIDGET.match(line) if len(line) <= 40 else None
    if widget:
        line = widget.group("keep")
    return line


def clean_field(value: str) -> str:
    """One line of metadata (title, publisher, ...): no controls or invisibles, single spaces.

    Values come from manifests, front matter and page heads, which can carry anything a file
    can; a citation must never show a NUL or break onto a second line.
    """
    return " ".join(_normalise_chars(value).split())


def is_furniture(line: str) -> bool:
    """A line that is page chrome rather than release text (a whole line, never a sentence)."""
    core = _BULLET.sub("", line.strip()).strip(" :：|")
    if not core:  # a bullet or separator alone
        return bool(line.strip())
    return core.lower() in FURNITURE or bool(_FURNITURE_RE.match(core))


def _clean_row(row: str) -> str:
    """A tab-separated table row: clean each cell, keep every tab (empty cells included)."""
    cells = [_SPACES.sub(" ", clean_line(_TAG.sub(" ", cell))).strip() for cell in row.split("\t")]
    return "\t".join(cells) if any(cells) else ""


def _normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n")
    text = text.replace("\x85", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def _join_split_sentences(lines: list[str]) -> list[str]:
    """Rejoin an English sentence that a converter broke across lines.

    Only when the first part ends mid-sentence (a lowercase letter or comma) and the next
    non-blank line continues in lowercase: headings and list items do not look like that.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        parts = [lines[i]]
        size = len(parts[0])
        j = i + 1
        if j < len(lines) and not lines[j]:
            j += 1
        # the joined line is kept in parts: re-joining (and re-searching) it at every step
        # made a file of many short unpunctuated lines quadratic (minutes for 19 MB)
        while (
            j < len(lines)
            and size >= 30
            and "\t" not in parts[-1]
            and "\t" not in lines[j]
            and _MID_SENTENCE.match(parts[-1][-1:])
            and _LOWER_START.match(lines[j])
        ):
            parts.append(lines[j])
            size += 1 + len(lines[j])
            i = j
            j = i + 1
            if j < len(lines) and not lines[j]:
                j += 1
        out.append(" ".join(parts))
        i += 1
    return out


_MID_SENTENCE = re.compile(r"[a-z,]")  # the last character of a line cut mid-sentence
_LOWER_START = re.compile(r"[a-z]")


def _collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
