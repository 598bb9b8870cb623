"""Help text with example questions drawn from the corpus, in the user's language."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.messages import message
from corpus.model import Release
from retrieval.lexicon import names_in

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


def example_names(releases: Iterable[Release], lang: str, k: int = 3) -> list[str]:
    """The names that recur across releases: the parties people ask about."""
    doc_freq: Counter[str] = Counter()
    for release in releases:
        doc_freq.update({n for n in names_in(release.title) if len(n) >= 3})
    ranked = [n for n, _ in doc_freq.most_common()]
    return ranked[:k]


def help_text(lang: str) -> str:
    return message("help", lang)


def examples(releases: Iterable[Release], lang: str) -> list[str]:
    rel = list(releases)
    names = example_names(rel, lang)
    if not names:
        return []
    while len(names) < 3:
        names.append(names[-1])
    return [t.format(*names) for t in _TEMPLATES.get(lang, _TEMPLATES["en"])]
