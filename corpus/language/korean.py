"""Korean words glued to the nouns they follow, and the words a question is asked with.

Korean writes particles and endings onto the word (`연구소와`, `연구소에서`), so a name or a
noun has to be unglued before it can be matched, counted or looked up.
"""

from __future__ import annotations

# Particles and endings, longest first so `에서는` goes before `는`.
PARTICLES: tuple[str, ...] = tuple(sorted("""
에서는 으로는 에서의 에게서 이라는 이라고 께서 에서 에게 으로 부터 까지 처럼 보다 이나 하고 와의 과의 이랑 라는 에는 에도 와는 과는 이며 이고 인가요 인가
입니까 인지 했나요 했는가 된 한 은 는 이 가 을 를 의 와 과 에 로 도 만 나 랑
""".split(), key=len, reverse=True))

# Suffixes that name the kind of place or body: "칼더현" is Calder Prefecture, and a
# release may write either.
NAME_SUFFIXES = ("현", "시", "도", "군", "대학교", "대학", "그룹", "재단", "제약", "병원", "사")

# Words a question is asked with: no answer contains them, so they are not search terms.
QUESTION_WORDS = frozenset(
    "누구 누가 무엇 뭐 무슨 언제 어디 어느 어떤 어떻게 얼마 얼마나 몇 왜 것 것은 무엇인가요 누구인가요 "
    "어디인가요 언제인가요 있나요 했나요 됐나요 되나요 인가요 입니까 있습니까 했습니까".split())
QUESTION_STEMS = ("무엇", "누구", "언제", "어디", "어떻", "얼마", "무슨", "어느")


def strip_particle(word: str) -> str:
    """`word` without one trailing particle, when at least two syllables remain."""
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return word


def name_variants(word: str) -> list[str]:
    """The word without its particle, then without a place/body suffix as well."""
    base = strip_particle(word)
    out = [base]
    for suffix in NAME_SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            out.append(base[: -len(suffix)])
    return out


def is_question_word(word: str) -> bool:
    """Whether a Korean word (as written, particle and all) only asks the question."""
    return strip_particle(word) in QUESTION_WORDS or word.startswith(QUESTION_STEMS)
