"""The lexicon: names learnt from the releases, so a question in one language finds a release
in another.

The releases are written for the test; their names (Norvia, Calder Bio Region, ...) are made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon, mentions, name_runs, names_in, strip_particle

EN = Release(id="en-1", lang="en", title="Norvia and Calder", text=(
    "Norvia Biosciences signed a memorandum of understanding with the Calder Bio Region (CBR) "
    "on 3 March. The Agency for Regional Biotech Growth (ARBG) supported the agreement."))
KO = Release(id="ko-1", lang="ko", title="노르비아 협약", text=(
    "노르비아(Norvia)는 칼더 바이오 리전과 업무협약을 체결했다. 라임 밸리 사이언스 파크(이하 "
    "라임파크)는 입주 기업을 지원한다. 대표(홍길동)는 분야(세포치료, 유전자치료)를 소개했다."))
JA = Release(id="ja-1", lang="ja", title="ノルビア", text="ノルビアはカルダー地域と覚書を締結した。")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.build([EN, KO, JA])


def test_aliases_written_in_the_releases_are_learnt_both_ways(lexicon: Lexicon) -> None:
    assert lexicon.aliases["Calder Bio Region"] == ["CBR"]
    assert lexicon.aliases["CBR"] == ["Calder Bio Region"]
    assert lexicon.aliases["Agency for Regional Biotech Growth"] == ["ARBG"]
    assert lexicon.aliases["노르비아"] == ["Norvia"]
    assert lexicon.aliases["Norvia"] == ["노르비아"]


def test_glosses_in_parentheses_are_not_names(lexicon: Lexicon) -> None:
    """"대표(홍길동)" names a person's role, "분야(세포치료, ...)" lists fields: neither is an
    alias of the word before it."""
    learnt = {w for pair in lexicon.aliases.items() for w in (pair[0], *pair[1])}
    assert not {"홍길동", "대표", "분야", "세포치료"} & learnt


def test_sound_alikes_cross_scripts(lexicon: Lexicon) -> None:
    """No release pairs Norvia with ノルビア; they meet by sound."""
    assert set(lexicon.sound_alikes("Norvia")) >= {"노르비아", "ノルビア"}
    assert lexicon.sound_alikes("노르비아") == ["Norvia"]
    assert lexicon.sound_alikes("Zebulon") == []


def test_expand_adds_aliases_sound_alikes_and_glossary_terms(lexicon: Lexicon) -> None:
    terms = lexicon.expand("Who signed with Norvia?")
    assert {"노르비아", "ノルビア", "체결", "締結"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_a_korean_question_expands_to_the_latin_name(lexicon: Lexicon) -> None:
    assert "Norvia" in lexicon.expand("노르비아와 협약한 기관은?")


def test_forms_of_a_name_include_its_aliases_and_spellings(lexicon: Lexicon) -> None:
    assert set(lexicon.forms_of("CBR")) == {"CBR", "Calder Bio Region"}
    assert set(lexicon.forms_of("Norvia")) == {"Norvia", "노르비아", "ノルビア"}
    assert lexicon.forms_of("Zebulon") == ["Zebulon"]


def test_mentions_a_name_in_any_of_its_forms(lexicon: Lexicon) -> None:
    forms = lexicon.forms_of("Norvia")
    assert mentions(KO.text, forms)
    assert mentions(JA.text, forms)
    assert not mentions("칼더 바이오 리전은 입주 기업을 지원한다.", forms)


def test_mentions_latin_forms_on_word_boundaries() -> None:
    assert mentions("Norvia signed.", ["Norvia"])
    assert not mentions("Norvian researchers", ["Norvia"])
    assert not mentions("anything", ["a"])  # one letter is no name


@pytest.mark.parametrize("question, names", [
    ("Which agency signed with Norvia?", ["Norvia"]),
    # every Hangul word is a candidate, without its particle (or "한"): the lexicon decides
    ("노르비아와 협약한 칼더현의 기관은?", ["노르비아", "협약", "칼더현", "기관"]),
    ("ノルビアと提携したのは？", ["ノルビア"]),
    ("When did the MOU take effect?", []),
])
def test_names_in_a_question(question: str, names: list[str]) -> None:
    """Capitalised Latin words (not sentence openers or question words), Hangul words without
    their particles, katakana runs."""
    assert names_in(question) == names


def test_names_written_side_by_side_form_one_run() -> None:
    assert name_runs("Calder Airport and Norvia Biosciences signed") == [
        ["Calder", "Airport"], ["Norvia", "Biosciences"]]
    assert name_runs("노르비아와 칼더") == [["노르비아"], ["칼더"]]


def test_strip_particle_is_still_importable_from_the_lexicon() -> None:
    assert strip_particle("노르비아와") == "노르비아"


def test_save_and_load_give_the_same_lexicon(lexicon: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    lexicon.save(path)
    loaded = Lexicon.load(path)
    assert (loaded.aliases, loaded.latin_keys, loaded.cjk_keys) == (
        lexicon.aliases, lexicon.latin_keys, lexicon.cjk_keys)
    assert loaded.expand("Who signed with Norvia?") == lexicon.expand("Who signed with Norvia?")
