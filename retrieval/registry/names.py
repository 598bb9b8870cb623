"""Organisation names in one sentence: the noun phrases a signing sentence puts in the party
slots ("A and B signed", "A ... with B", "between A and B", "A와 B는", "A는 B와", "AとBは").

Names are found by the shape of the sentence and of the words, never from a list of names.
Parentheses and quotes are treated as one unit (`mask`), so "X (hereinafter "Y")" or
"X(이사장 홍길동)" stays attached to X; their content becomes aliases or signatories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from partnerbot.retrieval.registry.vocab import (
    HONORIFIC,
    JA_TITLES,
    KO_TITLES,
    ORG_WORDS_EN,
    TITLE_RE,
)

_OPEN = "([（『【“‘\"'「"
_CLOSE = {"(": ")", "[": "]", "（": "）", "『": "』", "【": "】", "“": "”", "‘": "’", '"': '"', "'": "'", "「": "」"}
_FILL = "\u2591"  # stands for any character inside brackets
_DIRECTIONS = re.compile(r"^(?:좌측|우측|왼쪽|오른쪽|가운데|사진|左|右|中央|left|right|center|centre|photo)$", re.I)
_PLACE_TYPE = re.compile(r"(?:\b(?:[Cc]ity|[Pp]ref\.?|[Pp]refecture|[Pp]rovince|[Ss]tate|[Cc]ounty)|"
                         r"[가-힣](?:시|도|군)|[\u4e00-\u9fff\u30a0-\u30ff](?:市|県|府|州|町))$")
_LEGAL_FORMS = re.compile(r"^(?:一般財団法人|公益財団法人|一般社団法人|公益社団法人|国立研究開発法人|独立行政法人|"
                          r"学校法人|社会福祉法人|株式会社|사단법인|재단법인|주식회사|\(주\)|㈜)\s*|\s*(?:株式会社|\(주\)|㈜)$")


@dataclass
class Name:
    """A party name found in a sentence, with the aliases and signatories its brackets gave."""

    name: str
    forms: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, title)


def mask(text: str, openers: str = _OPEN) -> str:
    """`text` with the inside of brackets and quotes replaced by a filler of the same length,
    so offsets stay valid and particles inside them are not read as the sentence's."""
    out = list(text)
    stack: list[str] = []
    for i, ch in enumerate(text):
        if stack and ch == _CLOSE[stack[-1]]:
            stack.pop()
            if stack:
                out[i] = _FILL
            continue
        if ch in openers and ch in _CLOSE and not (ch in "'\"" and stack and stack[-1] == ch):
            apostrophe = ch == "'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalpha()
            if not apostrophe:  # not "We're", "Japan's"
                if stack:
                    out[i] = _FILL
                stack.append(ch)
                continue
        if stack:
            out[i] = _FILL
    if stack:  # unbalanced: give up masking rather than swallow the sentence
        return text
    return "".join(out)


def split_top(text: str, seps: str) -> list[tuple[str, str]]:
    """Split on the separator regex `seps` outside brackets; returns (separator, part) pairs,
    the first separator being ''."""
    masked = mask(text)
    parts: list[tuple[str, str]] = []
    last, last_sep = 0, ""
    for m in re.finditer(seps, masked):
        parts.append((last_sep, text[last:m.start()]))
        last, last_sep = m.end(), m.group(0)
    parts.append((last_sep, text[last:]))
    return parts


def _abbreviates(short: str, outer: str) -> bool:
    """"한빛원" abbreviates "한국빛바이오진흥원": its characters appear there in order."""
    it = iter(outer)
    return len(short) >= 2 and all(ch in it for ch in short.replace(" ", ""))


def bracket_content(inner: str, target: Name, outer_cjk: str = "") -> None:
    """Read the content of a bracket after a name: aliases ("HBF", "hereinafter 'X'", "이하 X",
    "以下、X"), people ("이사장 홍길동", "代表者:山田 太郎"), or nothing (descriptions)."""
    places = [x.strip() for x in re.split(r"[,;，；、]", inner) if x.strip()]
    if places and all(_PLACE_TYPE.search(x) for x in places):
        return  # "(Tsuruoka City, Yamagata Pref.)": where the body is, not another name of it
    # ", 소재지: …", ", 소장: …" start a labelled field, as ", 이하 …" starts an alias
    for piece in re.split(r"[;；]|(?<!以下)(?<!이하)、(?!\s*[「『\"“])|,(?=\s*(?:hereinafter|이하|以下))"
                          r"|,(?=\s*[^,:：\s]{1,6}\s*[:：])", inner):
        piece = piece.strip(" \t*·")
        if not piece or _DIRECTIONS.match(piece):
            continue
        m = re.match(r"^(?:hereinafter(?: referred to as)?|이하|以下)[\s,、:：]*[\"'“‘「『]?([^\"'”’」』]+?)[\"'”’」』]?\s*$",
                     piece, re.I)
        if m:
            target.forms.append(m.group(1).strip())
            continue
        m = re.match(r"^(.{1,20}?)\s*[:：]\s*(.{2,30})$", piece)
        if m and (m.group(1) in JA_TITLES or TITLE_RE.search(m.group(1))):
            target.people.append((m.group(2).strip(), m.group(1).strip()))
            continue
        words = piece.split()
        if len(words) == 2 and (words[0] in KO_TITLES or words[0] in JA_TITLES):
            target.people.append((words[1], words[0]))
            continue
        if re.search(r"[:：]|\d|\b(?:location|head office|chairman)\b", piece, re.I):
            continue
        if len(words) <= 6 and "(" not in piece and not re.search(r"[a-z]{3,}\s+[a-z]{3,}", piece):
            hangul = re.compile(r"[\uac00-\ud7a3]")
            if (outer_cjk and not re.search(r"[A-Za-z]", piece) and not _abbreviates(piece, outer_cjk)
                    and bool(hangul.search(piece)) == bool(hangul.search(outer_cjk))):
                continue  # "생명공학(바이오)", "学術大会(カンファレンス)": a gloss, not an alias
            for alias in re.split(r"[·/]", piece):
                alias = alias.strip()
                if len(alias) >= 2 and not re.search(r"(?:부설|산하|소속)$", alias):
                    target.forms.append(alias)


def finish(raw: str) -> Name | None:
    """A Name from a raw phrase: brackets read as content, quotes and legal forms stripped."""
    raw = raw.strip(" \t,、·*")
    q = re.search(r"[‘“'\"「『]([^’”'\"」』]{2,})[’”'\"」』][)）]?\s*$", raw)
    if q and mask(raw)[q.start()] != _FILL:  # "일본 ‘누리 … 파크(이하 누리파크)’": the quoted part is the name
        raw = q.group(1)
    n = Name("")
    masked = mask(raw)
    core: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch in "(（[【" and i + 1 < len(raw) and masked[i + 1:i + 2] == _FILL:
            j = i + 1
            while j < len(raw) and masked[j] == _FILL:
                j += 1
            outer = "".join(core).strip()
            bracket_content(raw[i + 1:j], n, outer if re.search(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]\W*$", outer) else "")
            i = j + 1
            continue
        core.append(ch)
        i += 1
    name = re.sub(r"\s+", " ", "".join(core)).strip(" \t,、·*\"'“”‘’「」『』")
    name = re.sub(r"\s*\*$", "", name)
    if not name:
        return None
    short = _LEGAL_FORMS.sub("", name).strip()
    if short and short != name:
        n.forms.append(name)
        name = short
    n.name = name
    n.forms = [f for f in dict.fromkeys(n.forms) if f != name]
    return n


# ---- English ---------------------------------------------------------------------------------

_CAP = r"(?:[A-Z0-9][\w\-’'&.*+]*|[a-z]+[A-Z][\w\-]*|[a-z]-[A-Z][\w\-]*)"
_CONNECT = r"(?:of|for|the|de|du|des|la|le|di|del|und|für|in|on|at|&|y|et|and)"


def leading_name(chunk: str, not_names: set[str], months: set[str],
                 verbs: frozenset[str] = frozenset()) -> tuple[Name | None, str]:
    """The organisation name a chunk of an English list starts with, and the text after it.
    Chunks opening with an article then lower-case words ("a biotech company ...") or with a
    possessive ("Japan's largest cluster") describe rather than name: (None, chunk)."""
    s = chunk.strip(" \t\"“”'‘’*:")
    s = re.sub(r"^(?:and|or)\s+", "", s)
    s = HONORIFIC.sub("", s, count=1) if HONORIFIC.match(s) else s
    prefix = ""
    m = re.match(r"(?:the\s+)?(?:[A-Z][a-z]+\s+)?(state|region|city|prefecture|province|county|government|"
                 r"republic|kingdom|municipality|town)\s+of\s+(?=[A-Z])", s, re.I)
    if m:
        prefix = m.group(1).lower()
        s = s[m.end():]
    else:
        s = re.sub(r"^(?:the|its|their|our|both|all)\s+", "", s, flags=re.I)
    m = re.match(rf"{_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*", s)
    if not m:
        return None, chunk
    words = m.group(0).split()
    if len(words) > 1 and re.search(r"['’]s$", words[0]):  # "Japan's Mizuki Prefecture"
        words = words[1:]
    if len(words) > 2 and words[-2] == "in" and ORG_WORDS_EN.search(" ".join(words[:-2])):
        words = words[:-2]  # "Mizuki Prefecture in Japan"
    for k in range(1, len(words)):  # "Kawasaki in August 2018": a date ends the name
        if words[k].lower() in {"in", "on", "at", "of", "since", "from"} and k + 1 < len(words) and (
                words[k + 1].rstrip(".,") in months or words[k + 1][0].isdigit()):
            words = words[:k]
            break
    for k in range(1, len(words)):  # headline verbs end the name ("BBC Concludes MOU ...")
        if words[k] in verbs:
            words = words[:k]
            break
    while words and words[-1].lower() in {"of", "for", "the", "and", "in", "on", "at", "&"}:
        words.pop()
    if words and (words[0].rstrip(".,") in not_names or words[0] in months):
        return None, chunk
    if not words or re.search(r"['’]s$", words[-1]):
        return None, chunk
    # a date or a number is not a name
    if all(w in months or re.fullmatch(r"[\d,.]+(?:st|nd|rd|th)?", w) for w in words):
        return None, chunk
    text = " ".join(words)
    end = s.find(words[-1], len(" ".join(words[:-1]))) + len(words[-1])
    rest = s[end:]
    raw = text
    bm = re.match(r"\s*([(（][^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*[)）])", rest)
    if bm:
        raw += bm.group(1)
        rest = rest[bm.end():]
    n = finish(raw)
    if n is None:
        return None, chunk
    n.name = n.name.rstrip(".")
    if prefix:
        n.forms.append(f"{prefix} of {n.name}")
    return n, rest


def is_person(chunk: str, name: Name, next_chunk: str) -> bool:
    """A person's name: after an honorific, or followed by a title ("X, CEO of Y")."""
    if HONORIFIC.match(chunk.strip(" \"“")):
        return True
    if ORG_WORDS_EN.search(name.name) or re.fullmatch(r"[A-Z0-9\-&]{2,}", name.name):
        return False
    words = name.name.split()
    if not 2 <= len(words) <= 4:
        return False
    nxt = next_chunk.strip()
    return bool(TITLE_RE.match(re.sub(r"^(?:the|its|our)\s+", "", nxt, flags=re.I))
                or re.match(r"^(?:the\s+)?\w+\s+(?:" + TITLE_RE.pattern + ")", nxt, re.I))


def title_org(chunk: str) -> tuple[str, str] | None:
    """"Vice Minister of the Ministry of X (MX)" -> (title, org phrase)."""
    s = chunk.strip(" \"“”")
    m = re.match(r"^((?:the\s+)?(?:[\w\-]+\s+){0,3}?" + TITLE_RE.pattern + r"(?:\s+[\w\-]+){0,2}?)\s+(?:of|at|for)\s+(.+)$",
                 s, re.I)
    if not m:
        return None
    return m.group(1).strip(), m.group(m.lastindex or 2).strip()
