"""What the fitted party decision looks at for each candidate of a release.

Every feature is a number computed from the release alone (no list of names): where the
candidate sits relative to the partnership vocabulary of `vocab.py`, how often and where it
occurs, the shape of the name, and signs that it is a place, a person or the outlet rather
than a party. `GROUPS` names the feature groups the ablation table of BENCHMARKS.md removes
one at a time.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from partnerbot.corpus.language.scripts import script_of
from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry.candidates import Candidate, key
from partnerbot.retrieval.registry.records import Source
from partnerbot.retrieval.registry.vocab import (
    EARLIER,
    HONORIFIC,
    KO_TITLES,
    ORG_SUFFIX_JA,
    ORG_SUFFIX_KO,
    ORG_WORDS_EN,
    SIGN_VERB,
    STRONG,
    TITLE_RE,
    WEAK,
)

GROUPS: dict[str, tuple[str, ...]] = {
    "rules": ("rule", "rule_mentioned"),
    "generators": ("gen_bracket", "gen_orgword", "gen_caps", "gen_katakana"),
    "context": ("sign_count", "noun_count", "first_signing", "earlier_only", "arg_with", "arg_subject",
                "rank_sign", "verb_near"),
    "position": ("title", "freq", "first_pos", "rank_freq"),
    "shape": ("orgword", "acronym", "alias", "words", "chars", "single_plain", "freq_plain", "multi_script",
              "allcaps"),
    "place_person": ("contained", "word_inside", "lower_follow", "modifier", "place_prep", "dateline", "person",
                     "publisher", "vocabulary"),
    "language": ("lang_en", "lang_ko", "lang_ja"),
}
NAMES: tuple[str, ...] = tuple(f for group in GROUPS.values() for f in group)

_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9\-&*+]{1,11}")
_WITH_EN = re.compile(r"(?:\bwith|\bbetween|\band|,|&)\s*(?:the\s+)?$", re.I)
_WITH_CJK = re.compile(r"^\s*(?:[)）]\s*)?(?:와|과|와의|과의|및|하고|と|との|とは|及び|および|並びに|、|,)")
_PLACE_EN = re.compile(r"\b(?:in|from|across|to|into|throughout|of)\s+(?:the\s+)?$", re.I)
_PLACE_CJK = re.compile(r"^\s*(?:에서|에|로|으로|내|지역|で|にある|に|から|へ)")
_SUBJECT_CJK = re.compile(r"^\s*(?:[)）]\s*)?(?:은|는|이|가|は|が|측은)")


@dataclass(frozen=True)
class SentenceFacts:
    """What the features need to know of each sentence, computed once per release."""

    lang: str
    signing: bool
    noun: bool
    earlier: bool
    verb_at: int | None


def sentence_facts(sentences: list[Source], langs: list[str], signing: list[bool]) -> list[SentenceFacts]:
    out = []
    for src, lang, sign in zip(sentences, langs, signing, strict=True):
        s = src.sentence
        verbs = list(SIGN_VERB.finditer(s))
        verb_at = (verbs[0].start() if lang == "en" else verbs[-1].start()) if verbs else None
        out.append(SentenceFacts(lang, sign, bool(STRONG.search(s) or WEAK.search(s)),
                                 bool(EARLIER.search(s)), verb_at))
    return out


def _orgword(name: str) -> bool:
    return bool(ORG_WORDS_EN.search(name)) or name.endswith(ORG_SUFFIX_JA) \
        or (len(name) >= 3 and name.split()[-1].endswith(tuple(s for s in ORG_SUFFIX_KO if len(s) >= 2)))


def _person(c: Candidate, sentences: list[Source]) -> bool:
    if TITLE_RE.search(c.name) or any(c.name.split()[-1].endswith(t) for t in KO_TITLES if len(t) >= 2):
        return True
    for m in c.mentions:
        s = sentences[m.sentence].sentence
        before, after = s[max(0, m.start - 6):m.start], s[m.end:m.end + 30]
        if HONORIFIC.search(before + " ") or re.match(r"^\s*,\s*(?:the\s+)?(?:\w+\s+){0,2}" + TITLE_RE.pattern, after, re.I):
            return True
    return False


def _word_inside(name: str, others: list[str]) -> bool:
    """`name` is a word of a longer name of the release: "Korea" in "Korea Health Industry
    Development Institute", "SMEs" in "Ministry of SMEs and Startups" (a part, or a place
    the body is named after), as a whole word (Latin) or at the start (Korean, Japanese)."""
    if re.search(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]", name):
        return any(o != name and o.startswith(name) and len(o) > len(name) + 1 for o in others)
    pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])")
    return any(o != name and len(o) > len(name) + 2 and pattern.search(o) for o in others)


def _count(name: str, text: str) -> int:
    """How often the name itself is written: whole words for Latin ("Korea" is not counted in
    "Korean"), as written for Korean and Japanese (particles follow names without a space)."""
    if re.search(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]", name):
        return text.count(name)
    return len(re.findall(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", text))


def features(release: Release, cands: list[Candidate], sentences: list[Source],
             facts: list[SentenceFacts]) -> list[dict[str, float]]:
    """One feature row (name -> value) per candidate, in the order of `cands`."""
    title = key(release.title or "")
    publisher = key(release.publisher or "")
    first_sign = next((i for i, f in enumerate(facts) if f.signing), None)
    keys = [{k for k in (key(f) for f in (c.name, *c.forms)) if len(k) >= 2} for c in cands]
    rows: list[dict[str, float]] = []
    for c, ks in zip(cands, keys, strict=True):
        sign = {m.sentence for m in c.mentions if facts[m.sentence].signing}
        noun = {m.sentence for m in c.mentions if facts[m.sentence].noun}
        arg_with = arg_subject = verb_near = False
        for m in c.mentions:
            f = facts[m.sentence]
            if not (f.signing or f.noun):
                continue
            s = sentences[m.sentence].sentence
            if f.lang == "en":
                arg_with |= bool(_WITH_EN.search(s[max(0, m.start - 14):m.start]))
                arg_subject |= f.verb_at is not None and m.end <= f.verb_at
            else:
                arg_with |= bool(_WITH_CJK.match(s[m.end:m.end + 6]))
                arg_subject |= bool(_SUBJECT_CJK.match(s[m.end:m.end + 6])) and (f.verb_at is None or m.end <= f.verb_at)
            verb_near |= f.verb_at is not None and abs(f.verb_at - m.start) <= 60
        freq = _count(c.name, release.text)
        lang = script_of(c.name)
        lang = lang if lang in ("ko", "ja") else facts[c.mentions[0].sentence].lang
        words = c.name.split()
        acronym = any(_ACRONYM.fullmatch(f) and sum(ch.isupper() for ch in f) >= 2 for f in (c.name, *c.forms))
        contained = any(k in other and k != other for k in ks for j, o in enumerate(keys) if o is not ks
                        for other in o)
        modifier = False
        for m in c.mentions:
            after = sentences[m.sentence].sentence[m.end:m.end + 3]
            modifier |= bool(re.match(r"^(?:['’]s\b|-based|의\s)", after))
        place = sum(bool(_PLACE_EN.search(sentences[m.sentence].sentence[max(0, m.start - 12):m.start]))
                    or bool(_PLACE_CJK.match(sentences[m.sentence].sentence[m.end:m.end + 4])) for m in c.mentions)
        first = c.mentions[0]
        dateline = first.sentence <= 1 and first.start <= 3 and bool(
            re.match(r"^\s*(?:,|--|—|–|-)", sentences[first.sentence].sentence[first.end:first.end + 4]))
        inside = _word_inside(c.name, [o.name for o in cands if o is not c])
        lower = sum(bool(re.match(r"^\s[a-z]{3,}", sentences[m.sentence].sentence[m.end:m.end + 6])) and
                    not re.match(r"^\s(?:and|or|with|signed|signs|will|has|have|is|are|was|were|to|in|on|at|for|"
                                 r"of|the|said|says|announced|agreed|entered|concluded|inked)\b",
                                 sentences[m.sentence].sentence[m.end:m.end + 14])
                    for m in c.mentions)
        scripts = {script_of(f) for f in (c.name, *c.forms) if re.search(r"\w", f)}
        rows.append({
            "rule": float("rule" in c.origins),
            "rule_mentioned": float("mentioned" in c.origins and "rule" not in c.origins),
            "gen_bracket": float("bracket" in c.origins),
            "gen_orgword": float("orgword" in c.origins),
            "gen_caps": float("caps" in c.origins),
            "gen_katakana": float("katakana" in c.origins),
            "sign_count": math.log1p(len(sign)),
            "noun_count": math.log1p(len(noun)),
            "first_signing": float(first_sign is not None and first_sign in sign),
            # the rules read the clause: a party of an announced record is not only "earlier"
            "earlier_only": float(bool(sign) and all(facts[i].earlier for i in sign) and "rule" not in c.origins),
            "arg_with": float(arg_with),
            "arg_subject": float(arg_subject),
            "rank_sign": 0.0,
            "verb_near": float(verb_near),
            "title": float(any(k in title for k in ks) if title else False),
            "freq": math.log1p(freq),
            "first_pos": c.mentions[0].sentence / max(1, len(sentences)),
            "rank_freq": 0.0,
            "orgword": float(any(_orgword(f) for f in (c.name, *c.forms))),
            "acronym": float(acronym),
            "alias": float(bool(c.forms)),
            "words": min(len(words), 8) / 8,
            "chars": min(len(c.name), 40) / 40,
            "single_plain": float(len(words) == 1 and not _orgword(c.name) and not acronym and not c.forms),
            "freq_plain": math.log1p(freq) if len(words) == 1 and not _orgword(c.name) and not acronym else 0.0,
            "multi_script": float(len(scripts) > 1),
            "allcaps": float(bool(re.fullmatch(r"[A-Z\-]{4,}", c.name)) and not c.forms),
            "contained": float(contained),
            "word_inside": float(inside),
            "lower_follow": lower / len(c.mentions),
            "modifier": float(modifier),
            "place_prep": place / len(c.mentions),
            "dateline": float(dateline),
            "vocabulary": float(bool(STRONG.fullmatch(c.name) or WEAK.match(c.name) or STRONG.match(c.name))
                                and len(words) <= 4 and not c.forms),
            "person": float(_person(c, sentences)),
            "publisher": float(bool(publisher) and any(k == publisher or (len(k) >= 4 and k in publisher)
                                                       for k in ks)),
            "lang_en": float(lang not in ("ko", "ja")),
            "lang_ko": float(lang == "ko"),
            "lang_ja": float(lang == "ja"),
        })
    for feat, rank in (("sign_count", "rank_sign"), ("freq", "rank_freq")):
        order = sorted(range(len(rows)), key=lambda i: -rows[i][feat])
        for r, i in enumerate(order):
            rows[i][rank] = 1.0 / (1 + r)
    return rows
