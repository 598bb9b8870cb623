"""Party names in Korean and Japanese signing sentences, read from their particles.

Korean: "A와 B는 … 체결", "A는 … B와 … 체결", "A는 … B, C와 … 맺었다". The name is the word
before the particle plus the name-like words before it (a descriptor such as "사단법인" or
a word ending in a particle stops it). Japanese: "AとBは…締結", "AはBと…", "A、B、Cは…",
"AとBの覚書", "A間": runs of kanji, katakana and Latin before the particle.
"""

from __future__ import annotations

import re

from partnerbot.corpus.language.dates import mentions
from partnerbot.retrieval.lexicon import strip_particle
from partnerbot.retrieval.registry.names import _FILL, Name, finish, mask
from partnerbot.retrieval.registry.vocab import (
    COUNTRY_PREFIX_JA,
    GENERIC_JA,
    GENERIC_KO,
    JA_NOT_NAMES,
    KO_ACTIVITY,
    KO_DESCRIPTORS,
    KO_NOT_NAMES,
    KO_TITLES,
    ORG_SUFFIX_JA,
    ORG_SUFFIX_KO,
)

_KO_PARTY = re.compile(r"(와|과|와의|과의|은|는|이|가|하고|및)$")
_KO_STOP_END = re.compile(r"(?:에서|에게|으로|부터|까지|에|를|을|의|로|고|며|서|해|한|된|인|던|할|될|면|했|하여|"
                          r"하는|위해|통해|대해|함께|일|월|년|분|시)$")
# a word led by a figure (a date, a time, a count: "19일", "3月", "2024") is never a name
_FIGURE_LED = re.compile(r"^\d")
_JA_FUNCTION = {"これ", "それ", "あれ", "また", "さらに", "なお", "および", "ならびに", "まず", "ただし", "こちら"}
_JA_NAME_CH = r"A-Za-z0-9\u30a0-\u30ff\u4e00-\u9fff\u3005\uff10-\uff5a・ー＆&\-\.\u2591()（）『』"


def _org_like_ko(name: str, bracketed: bool) -> bool:
    if bracketed or re.search(r"[A-Za-z]", name):
        return True
    last = name.split()[-1]
    return any(last.endswith(s) for s in ORG_SUFFIX_KO) and len(last) >= 3


def _ko_ok(name: Name) -> bool:
    n = name.name
    last = n.split()[-1] if n.split() else ""
    if len(n) < 2 or n in KO_NOT_NAMES or last in KO_NOT_NAMES or last in KO_DESCRIPTORS:
        return False
    if _FIGURE_LED.match(last) or last in KO_TITLES or (last.endswith(GENERIC_KO) and not name.forms):
        return False
    return not any(last.endswith(a) for a in KO_ACTIVITY) or _org_like_ko(n, bool(name.forms))


def ko_names(sentence: str, limit: int) -> list[Name]:
    """Korean party names in `sentence[:limit]` (the clause before the signing verb)."""
    masked = mask(sentence)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", masked[:limit])]
    found: list[Name] = []
    for i, (s, e) in enumerate(words):
        w = masked[s:e].rstrip(",")
        m = _KO_PARTY.search(w)
        if not m or len(w) - len(m.group(1)) < 1:
            continue
        particle = m.group(1)
        head_end = s + len(w) - len(particle)
        if particle in ("은", "는") and re.search(r"(?:하|되|있|없|보|주|받|않|같|시키|이루)$", w[:-1]):
            continue  # "지켜보는 가운데": a verb's modifier, not a topic
        if particle in ("이", "가") and not (masked[head_end - 1] in "’'\")" or
                                          _org_like_ko(sentence[s:head_end], False)):
            continue
        if masked[head_end - 1:head_end] not in "’'\")」" and len(strip_particle(w)) < len(w) - len(particle):
            continue  # the word ends in a longer particle or ending ("에서는", "으로는"): not a name
        spans = [(s, head_end)] if masked[s] in "‘“'\"「『" else _ko_list(sentence, masked, words, i, s, head_end)
        for start, end in spans:
            n = _person_title(finish(sentence[start:end]))
            if n and _ko_ok(n) and not any(x.name == n.name for x in found):
                found.append(n)
    return found


def _person_title(n: Name | None) -> Name | None:
    """"노한결 청연시장" names a person and the head of 청연시: keep the organisation."""
    if n is None or len(n.name.split()) < 2:
        return n
    words = n.name.split()
    last = words[-1]
    title = next((t for t in sorted(KO_TITLES, key=len, reverse=True) if last.endswith(t)), None)
    if title is None and last.endswith("장") and last[:-1].endswith(ORG_SUFFIX_KO):
        title = "장"
    if title is None or not re.fullmatch(r"[가-힣]{1,4}", words[0]):
        return n
    if len(last) > len(title):  # "노한결 청연시장"
        org, person = last[: -len(title)], " ".join(words[:-1])
    else:  # "제롬 김 국제백신연구소 사무총장"
        org, person = words[-2], " ".join(words[:-2])
    if len(org) < 2 or not person:
        return None
    n.people.append((person, last))
    n.name = org
    n.forms = []  # brackets here gloss the person or the title ("폴 버튼(Paul Burton)", "(CMO)")
    return n


def _ko_list(sentence: str, masked: str, words: list[tuple[int, int]], i: int, s: int,
             head_end: int) -> list[tuple[int, int]]:
    """Spans of the name ending at `head_end` and of names listed before it with commas."""
    spans = []
    start, j = s, i - 1
    while j >= 0 and i - j <= 3:
        ws, we = words[j]
        w = masked[ws:we]
        if w.endswith((",", "，", "、")):
            spans.append((start, head_end))
            head_end, start, j = ws + len(w.rstrip(",，、")), ws, j - 1
            continue
        if _KO_STOP_END.search(w) or _FIGURE_LED.match(w) or w.endswith(GENERIC_KO) or w in KO_DESCRIPTORS or w in KO_NOT_NAMES \
                or w in KO_TITLES or (_KO_PARTY.search(w) and strip_particle(w) != w):
            break
        if not re.fullmatch(rf"[\w\-·&{_FILL}()’'‘]+", w):
            break
        start = ws
        j -= 1
    spans.append((start, head_end))
    return spans


def _ja_ok(name: Name) -> bool:
    n = name.name
    if len(n) < 2 or n in JA_NOT_NAMES or _FIGURE_LED.match(n) or re.fullmatch(r"[\d年月日時分.\s]+", n):
        return False
    if n.endswith(GENERIC_JA) and not name.forms:
        return False
    if name.forms or re.search(r"[A-Za-z\u30a1-\u30fa]", n):
        return True
    return n.endswith(ORG_SUFFIX_JA)


def ja_names(sentence: str, limit: int) -> list[Name]:
    """Japanese party names in `sentence[:limit]`."""
    masked = mask(sentence, openers="(（")
    clause = masked[:limit]
    found: list[Name] = []

    def add(start: int, end: int) -> None:
        n = finish(sentence[start:end])
        if n:
            n.name = re.sub(r"^.*の(?=.{2,}$)", "", n.name) if "の" in n.name else n.name
            n.name = COUNTRY_PREFIX_JA.sub("", n.name)
        if n and _ja_ok(n) and not any(x.name == n.name for x in found):
            found.append(n)

    for m in re.finditer(r"(?:とは|との|と|は|が|間|および|及び|並びに)", clause):
        end = m.start()
        if end == 0 or re.match(r"[\u3040-\u309f]", clause[end - 1]):
            continue  # "みなと…": a particle follows a name, not hiragana
        start = _ja_back(masked, end)
        if start is None:
            continue
        add(start, end)
        # "A、B、Cは": names listed before with 、
        while start > 1 and masked[start - 1] == "、":
            prev = _ja_back(masked, start - 1)
            if prev is None:
                break
            add(prev, start - 1)
            start = prev
        if m.group(0) in ("と", "との"):  # "AとBの…", "AとB間", "AとBは"
            fwd = re.match(rf"[{_JA_NAME_CH}\s]+?(?=の|は|が|と|間|で|に|を|、|。|$)", clause[m.end():])
            if fwd:
                add(m.end(), m.end() + fwd.end())
    return found


def _ja_back(masked: str, end: int) -> int | None:
    """Start of the run of name characters ending at `end` (spaces allowed between Latin or
    katakana words)."""
    i = end
    while i > 0:
        ch = masked[i - 1]
        if ch == "間" and i < end:  # "AとB間…": between, not part of a name
            break
        if re.match(rf"[{_JA_NAME_CH}]", ch) or (ch == " " and i > 1 and re.match(r"[A-Za-z\u30a0-\u30ff]", masked[i - 2]) and i < end):
            i -= 1
        else:
            break
    run = i
    while run > 0 and re.match(r"[\u3041-\u3096]", masked[run - 1]):
        run -= 1
    if run < i and masked[run] == "と" and run > 0 and not re.match(r"[\u3041-\u3096]", masked[run - 1]):
        run += 1  # "XとみなとY": the particle after X, then a name beginning in hiragana
        if run < i and masked[run - 1] == "と":
            masked = masked[:run - 1] + "、" + masked[run:]
    # a name may begin with a short hiragana word ("しらさぎ市", "みなと創薬パーク") right after
    # a boundary; anything longer is a clause ("…においてX")
    if 2 <= i - run <= 4 and (run == 0 or masked[run - 1] in "、。，,「」『』 \n(（") \
            and masked[i - 1] not in "はがをにでもへ" and masked[run:i] not in _JA_FUNCTION:
        i = run
    while i < end and masked[i] in " )）":
        i += 1
    return i if end - i >= 2 else None


_PARTICLE = re.compile(r"^\s*(?:に|には|에)?\s*")


def dated_items(text: str, lang: str) -> list[tuple[str, Name]]:
    """The items of a Korean or Japanese list of earlier partners, "2019년 5월 A, 2021년 B,
    2022년 C와 협약을 맺었다" / "2019年5月にA、2021年にBと…": (YYYY or YYYY-MM, party)."""
    out: list[tuple[str, Name]] = []
    for piece in re.split(r"[,、，]\s*", text):
        m = next((d for d in mentions(piece) if d.form in ("year", "month_year") and d.cued
                  and d.year), None)
        rest = _PARTICLE.sub("", piece[m.end:]).strip() if m else ""
        if m is None or not rest:
            continue
        found = (ko_names if lang == "ko" else ja_names)(rest + ("와" if lang == "ko" else "と"),
                                                        len(rest) + 1)
        if found:
            when = f"{m.year}" + (f"-{m.month:02d}" if m.month else "")
            out.append((when, found[0]))
    return out
