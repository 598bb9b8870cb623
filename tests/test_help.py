"""Help examples name organisations the corpus talks about, never people or things.

Invented releases (no real organisation) show what counts as an organisation; the bundled
corpus, through the real engine, shows the result in each language.
"""

from __future__ import annotations

import re

import pytest

from partnerbot.bot.engine import Engine
from partnerbot.bot.help import courtesy, example_names, examples
from partnerbot.bot.messages import message
from partnerbot.bot.types import Question
from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon

HANGUL = re.compile(r"[가-힣]")


def release(i: int, text: str, lang: str = "en") -> Release:
    return Release(id=f"{i:03}", text=text, title=f"Release {i}", lang=lang)


# A person (all-caps surname, like Korean names in English releases) and a cell line are
# named in more releases than any organisation: neither may be an example.
PEOPLE_AND_THINGS = [
    release(i, f"Minister HONG Gildong visited the lab. The XPSC cells were shown. {extra}")
    for i, extra in enumerate([
        'Zentoria Biomedical Network (location: Lyon; hereinafter "ZBN") signed an MOU.',
        "QUBIT-K is a non-profit research foundation based in Daejeon.",
        "The Northvale Science Park (NSP) hosts forty start-ups.",
        "HONG said the ZBN delegation would return.",
        "QUBIT-K and NSP will exchange researchers.",
    ])
]


def test_examples_name_organisations_not_people_or_things() -> None:
    lexicon = Lexicon.build(PEOPLE_AND_THINGS)
    names = example_names(PEOPLE_AND_THINGS, "en", lexicon)
    assert sorted(names) == ["NSP", "QUBIT-K", "ZBN"], names
    texts = examples(PEOPLE_AND_THINGS, "en", lexicon)
    assert len(texts) == 3
    assert not any("HONG" in t or "XPSC" in t for t in texts), texts


def test_no_organisation_gives_no_examples() -> None:
    only_people = [release(i, "Minister HONG Gildong met Dr. KIM Chul at the XPSC lab.")
                   for i in range(3)]
    assert examples(only_people, "en", Lexicon.build(only_people)) == []


def test_korean_examples_use_the_korean_spelling_and_the_right_particle() -> None:
    corpus = [
        release(0, "한빛바이오연구원(Hanbit Bio Institute)은 협약을 체결했다. 한빛바이오연구원은 "
                   "인력을 교류한다.", "ko"),
        release(1, "The Hanbit Bio Institute (HBI) signed an MOU with the Northvale Science "
                   "Park (NSP)."),
    ]
    lexicon = Lexicon.build(corpus)
    texts = examples(corpus, "ko", lexicon)
    assert texts and all(HANGUL.search(t) for t in texts)
    # 원 ends in a consonant: 과, not 와
    assert any(t.startswith("한빛바이오연구원과 ") for t in texts), texts
    assert not any("연구원와" in t for t in texts), texts


@pytest.mark.parametrize("greeting, lang", [("help", "en"), ("안녕하세요", "ko"), ("こんにちは", "ja")])
def test_bundled_corpus_examples_name_its_organisations(engine: Engine, greeting: str,
                                                         lang: str) -> None:
    """The bundled releases mention people in capitals (KIM, LEE, SONG) and iPS cells as often
    as organisations; the examples pick the organisations, spelt for the help's language."""
    help_answer = engine.answer(Question(greeting))
    assert help_answer.lang == lang and len(help_answer.examples) == 3
    joined = " ".join(help_answer.examples)
    for not_a_body in ("KIM", "LEE", "SONG", "iPS", "FUJIMOTO"):
        assert not re.search(rf"(?<![\w-]){not_a_body}(?![\w-])", joined), help_answer.examples
    assert "LINK-J" in joined
    assert ("아이파크" if lang == "ko" else "iPark") in joined, help_answer.examples


@pytest.mark.parametrize(("text", "lang", "hello"), [
    ("hello world", "en", "Hello!"), ("hi", "en", "Hello!"), ("Hello, world!", "en", "Hello!"),
    ("hi there :)", "en", "Hello!"), ("Good morning, everyone.", "en", "Hello!"),
    ("안녕하세요", "ko", "안녕하세요!"), ("안녕하세요 여러분!", "ko", "안녕하세요!"),
    ("こんにちは", "ja", "こんにちは！"), ("皆さん、こんにちは！", "ja", "こんにちは！"),
])
def test_a_greeting_gets_a_greeting_and_the_examples(engine: Engine, text: str, lang: str,
                                                      hello: str) -> None:
    """"hello world", a typical first message, once got a spokesperson's phone number."""
    answer = engine.answer(Question(text))
    assert answer.kind == "help" and answer.lang == lang
    assert answer.text.startswith(hello) and answer.text.endswith(message("help", lang))
    assert len(answer.examples) == 3 and not answer.citations


@pytest.mark.parametrize("text", ["help", "?", "도움말", "ヘルプ", "help me please"])
def test_a_request_for_help_gets_the_examples_without_a_hello(engine: Engine, text: str) -> None:
    answer = engine.answer(Question(text))
    assert answer.kind == "help" and answer.text == message("help", answer.lang)


@pytest.mark.parametrize("text", ["hi, who signed an MOU with LINK-J?", "hello LINK-J",
                                  "안녕하세요, 쇼난 아이파크와 협약한 기관은?", "history of LINK-J",
                                  "world health", "LINK-J?"])
def test_a_greeting_with_a_question_is_a_question(text: str) -> None:
    assert courtesy(text) is None
