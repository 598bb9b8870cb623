"""Infer a release's title from its text when nobody declared it (its language: see
corpus.language.detect.infer_lang)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from partnerbot.corpus.clean import clean_line, is_furniture
from partnerbot.corpus.language.dates import find_dates

# Lines that head a page but are not its title.
# fmt: off
_NOT_TITLES = frozenset({
    "news", "news release", "press release", "press releases", "news & events", "media release",
    "for immediate release", "보도자료", "보도 자료", "보도참고자료", "설명자료", "プレスリリース",
    "ニュースリリース", "ニュース", "お知らせ", "報道資料", "報道発表", "報道発表資料",
})
# fmt: on
_CONTACT = re.compile(
    r"^(?:media\s+)?contacts?\b|^(?:문의|담당|연락처|보도시점|보도일시|배포일시|엠바고)|"
    r"^(?:お問い合わせ|問い合わせ|問合せ|本件に関する)|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+\.\w|"
    r"\d{2,4}-\d{3,4}-\d{4}",
    re.I,
)
_MAX_TITLE = 200
# A label in front of the title ("Title: …", "제목: …", "タイトル：…"): general vocabulary.
_LABEL = re.compile(
    r"^(?:title|headline|subject|제목|타이틀|기사\s*제목|タイトル|題名|件名|表題|見出し)\s*[:：]\s*", re.I)


def infer_title(headings: Iterable[str], text: str) -> str | None:
    """The first meaningful heading, else the first meaningful line of the cleaned text.

    Skips section labels ("News Release"), furniture, contact and embargo lines, and lines
    that are mostly a date; a long first paragraph is cut at its first sentence.
    """
    for heading in headings:
        title = _as_title(clean_line(heading))
        if title:
            return title
    for line in text.split("\n")[:40]:
        title = _as_title(line)
        if title:
            return title
    return None


def _as_title(line: str) -> str | None:
    line = line.strip()
    if not line or "\t" in line or is_furniture(line):
        return None
    core = _LABEL.sub("", line.strip(" *#-–—:|").strip()).strip(" *#-–—:|").strip()
    if core.lower() in _NOT_TITLES or _CONTACT.search(core) or re.match(r"https?://", core):
        return None
    if _mostly_date(core) or len(re.findall(r"\w", core)) < 4:
        return None
    if len(core) > _MAX_TITLE:
        sentence = re.split(r"(?<=[.!?。])\s+|(?<=다\.)\s*", core, maxsplit=1)[0]
        core = sentence if len(sentence) <= _MAX_TITLE else core[: _MAX_TITLE - 1].rstrip() + "…"
    if len(core) > 1 and core[0] in "\"“'‘" and core[-1] in "\"”'’":
        core = core[1:-1].strip()
    return core or None


def _mostly_date(line: str) -> bool:
    for d in find_dates(line):
        line = line[: d.start] + " " * (d.end - d.start) + line[d.end :]
    letters = re.sub(r"[\d\W_]", "", line)
    return len(letters) < 4
