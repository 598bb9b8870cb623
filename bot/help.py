"""Help text with example questions drawn from the corpus, in the user's language."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from partnerbot.bot.messages import message
from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon

_GREETING = re.compile(
    r"^\s*(/?start|/?help|help me|hi|hello|hey|good (morning|afternoon|evening)|\?|"
    r"안녕(하세요)?|도움말?|도와줘|시작|こんにちは|ヘルプ|はじめまして)\s*[!.?~。！？]*\s*$", re.I)

_TEMPLATES = {
    "en": ["Who signed an MOU with {0}?", "When was the agreement with {1} concluded?",
           "What will {2} cooperate on?"],
    "ko": ["{0}와 협약한 기관은?", "{1}와의 협약은 언제 체결됐나요?", "{2}의 협력 내용은 무엇인가요?"],
    "ja": ["{0}と協定を結んだ機関は？", "{1}との協定はいつ締結されましたか？", "{2}の協力内容は何ですか？"],
}


def is_help_request(text: str) -> bool:
    return not text.strip() or bool(_GREETING.match(text))


# acronyms and brand-style names (LINK-J, MPR, KBIOHealth, iPark), not people (JiHyeon)
_NAME_LIKE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2,}[A-Za-z0-9]*(?:-[A-Z0-9]+)?|"
                        r"[a-z]+[A-Z][A-Za-z0-9]+)(?![A-Za-z0-9])")
_GENERIC = {"MOU", "MOUS", "CEO", "CTO", "R&D", "ICT", "AI", "IPO", "PDF", "URL", "EU", "USA", "UK",
            "FAQ", "LTD", "INC", "CO", "II", "III"}


def example_names(releases: Iterable[Release], lang: str, lexicon: Lexicon | None = None,
                  k: int = 3) -> list[str]:
    """The organisations the releases talk about most: acronyms and mixed-case names
    (LINK-J, iPark, MPR) by the number of releases mentioning them, spelt the Korean way in a
    Korean help when the corpus gives that spelling."""
    doc_freq: Counter[str] = Counter()
    for release in releases:
        found = {m.group(0) for m in _NAME_LIKE.finditer(release.title + "\n" + release.text)}
        doc_freq.update(n for n in found if n.upper() not in _GENERIC and len(n) >= 3)
    names = [n for n, _ in doc_freq.most_common(k)]
    if lang == "ko" and lexicon is not None:
        names = [next((a for a in lexicon.aliases.get(n, []) if re.search(r"[가-힣]", a)), n)
                 for n in names]
    return names


def help_text(lang: str) -> str:
    return message("help", lang)


def examples(releases: Iterable[Release], lang: str, lexicon: Lexicon | None = None) -> list[str]:
    names = example_names(list(releases), lang, lexicon)
    if not names:
        return []
    while len(names) < 3:
        names.append(names[-1])
    return [t.format(*names) for t in _TEMPLATES.get(lang, _TEMPLATES["en"])]
