"""A small bilingual (English / Korean / Japanese) glossary of the partnership domain.

Questions often come in one language and are answered by a release in another; the
embedders align meaning only loosely across languages, and BM25 not at all. Translating the
domain words of a question ("tenant companies" -> 입주 기업, 入居企業) gives lexical matching
something to hold on to. The table (corpus/language/data/glossary.txt) holds only the vocabulary of
MOUs, clusters and life science that every release shares; names of organisations and places
are learnt from the corpus at index time (see lexicon.py), never listed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from partnerbot.corpus.language.words import lines

_LANGS = ("en", "ko", "ja")
# corpus/language/data/, read once on first use (corpus.language.words).
VOCABULARY_FILE = "glossary.txt"


def _parse(rows: tuple[str, ...]) -> list[dict[str, tuple[str, ...]]]:
    groups = []
    for line in rows:
        parts = [p.strip() for p in line.split(";")]
        groups.append({lang: tuple(f.strip().lower() for f in part.split("|") if f.strip())
                       for lang, part in zip(_LANGS, parts, strict=True)})
    return groups


@lru_cache(maxsize=1)
def _groups() -> list[dict[str, tuple[str, ...]]]:
    return _parse(lines(VOCABULARY_FILE))


def _present(form: str, lang: str, lowered: str) -> bool:
    if lang == "en":
        return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", lowered) is not None
    # CJK forms are matched as substrings, but a single character ("현", "社") says too little
    return len(form) >= 2 and form in lowered


@lru_cache(maxsize=1)
def _english_pattern() -> re.Pattern[str]:
    forms = sorted({f for g in _groups() for f in g["en"]}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![a-z0-9])")


def translate_terms(text: str) -> list[str]:
    """Glossary forms, in the other two languages, of the domain words found in `text`."""
    lowered = text.lower()
    english = {m.group(0) for m in _english_pattern().finditer(lowered)}
    out: list[str] = []
    for group in _groups():
        found = [lang for lang in _LANGS
                 if (any(f in english for f in group[lang]) if lang == "en"
                     else any(_present(f, lang, lowered) for f in group[lang]))]
        if not found:
            continue
        for lang in _LANGS:
            if lang not in found:
                out.extend(group[lang])
    return out
