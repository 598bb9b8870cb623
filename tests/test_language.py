"""corpus.language: script ranges, language detection, Korean particles, romanisation.

All text here is written for the test; the names (Norvia, Calder) are made up.
"""

from __future__ import annotations

import re

import pytest

from partnerbot.corpus.language import scripts
from partnerbot.corpus.language.detect import detect_lang, infer_lang
from partnerbot.corpus.language.korean import (
    is_question_word,
    name_variants,
    strip_particle,
)
from partnerbot.corpus.language.romanise import romanize_hangul, romanize_kana
from partnerbot.corpus.language.scripts import is_han, is_hangul, is_kana, is_latin, script_of


# ---- scripts -----------------------------------------------------------------------------
@pytest.mark.parametrize("ch, hangul, kana, han, latin", [
    ("한", True, False, False, False),
    ("ㄱ", True, False, False, False),      # compatibility jamo, as typed alone
    ("ᄀ", True, False, False, False),       # conjoining jamo
    ("ひ", False, True, False, False),
    ("カ", False, True, False, False),
    ("ｶ", False, True, False, False),       # half-width katakana
    ("漢", False, False, True, False),
    ("Q", False, False, False, True),
    ("é", False, False, False, False),
    ("1", False, False, False, False),
])
def test_each_character_belongs_to_one_script(ch: str, hangul: bool, kana: bool, han: bool,
                                              latin: bool) -> None:
    assert (is_hangul(ch), is_kana(ch), is_han(ch), is_latin(ch)) == (hangul, kana, han, latin)


@pytest.mark.parametrize("text, script", [
    ("노르비아", "ko"), ("노르비아(Norvia)", "ko"), ("ノルビア", "ja"), ("東都大学", "ja"),
    ("Norvia", "latin"), ("ひらがな", ""), ("2024", ""), ("", ""),
])
def test_script_of_a_name(text: str, script: str) -> None:
    """Hiragana alone is no name's script: it writes particles and endings."""
    assert script_of(text) == script


def test_fragments_compose_into_character_classes() -> None:
    cjk = re.compile(f"[{scripts.HANGUL}{scripts.ALL_KANA}{scripts.HAN}]+")
    assert cjk.findall("Norvia와 ノルビア 東都 signed") == ["와", "ノルビア", "東都"]


# ---- detection ---------------------------------------------------------------------------
@pytest.mark.parametrize("question, lang", [
    ("When did the two agencies sign the agreement?", "en"),
    ("두 기관은 언제 협약을 맺었나요?", "ko"),
    ("Norvia와 협약한 기관은?", "ko"),                 # a Latin name in a Korean question
    ("両機関はいつ協定を締結しましたか？", "ja"),
    ("Norviaはどこと提携しましたか", "ja"),
    ("東都大学", "ja"),                                # Han without Hangul
    ("ㅎㅎ", "ko"),
])
def test_detect_lang_of_questions(question: str, lang: str) -> None:
    assert detect_lang(question) == lang


def test_detect_lang_falls_back_to_the_default_without_letters() -> None:
    assert detect_lang("2024?!") == "en"
    assert detect_lang("2024?!", default="ko") == "ko"


@pytest.mark.parametrize("text, lang", [
    ("Norvia Biosciences and the Calder Bio Region signed a memorandum of understanding "
     "on joint research in cell therapy.", "en"),
    ("노르비아는 칼더 바이오 리전과 세포치료 공동연구를 위한 업무협약(MOU)을 체결했다고 밝혔다.",
     "ko"),
    ("ノルビアは、カルダー地域と細胞治療の共同研究に関する覚書を締結したと発表した。", "ja"),
    ("東都製薬株式会社 研究開発本部 細胞治療", "ja"),   # Han only, but a Japanese-only word
])
def test_infer_lang_of_releases(text: str, lang: str) -> None:
    assert infer_lang(text) == lang


def test_infer_lang_does_not_file_han_only_text_as_japanese_without_japanese_forms() -> None:
    assert infer_lang("研究合作 细胞治疗 共同开发") != "ja"


# ---- Korean ------------------------------------------------------------------------------
@pytest.mark.parametrize("word, stripped", [
    ("노르비아와", "노르비아"), ("노르비아와의", "노르비아"), ("연구소에서는", "연구소"),
    ("협약을", "협약"), ("칼더현과", "칼더현"),
    ("나는", "나는"),          # one syllable would be left: not a particle to strip
    ("노르비아", "노르비아"),
])
def test_strip_particle(word: str, stripped: str) -> None:
    assert strip_particle(word) == stripped


def test_name_variants_drop_the_particle_then_the_kind_of_place() -> None:
    assert name_variants("칼더현과") == ["칼더현", "칼더"]
    assert name_variants("동도대학교의") == ["동도대학교", "동도"]
    assert name_variants("노르비아") == ["노르비아"]


@pytest.mark.parametrize("word, asks", [
    ("누구인가요", True), ("무엇을", True), ("언제", True), ("어디에서", True),
    ("협약", False), ("노르비아와", False),
])
def test_question_words(word: str, asks: bool) -> None:
    assert is_question_word(word) is asks


# ---- romanisation ------------------------------------------------------------------------
@pytest.mark.parametrize("hangul, roman", [
    ("노르비아", "norbia"),     # the vowel after a foreign consonant is dropped (르 -> r)
    ("크레스트", "krest"),
    ("칼더", "kaldo"),         # ㅓ is the o of foreign names, not "eo"
    ("Norvia", "norvia"),       # Latin letters pass through, lowered
])
def test_romanize_hangul(hangul: str, roman: str) -> None:
    assert romanize_hangul(hangul) == roman


@pytest.mark.parametrize("kana, roman", [
    ("ノルビア", "norubia"), ("のるびあ", "norubia"),   # hiragana reads like katakana
    ("キャンプ", "kyanpu"),                              # small ャ palatalises キ
    ("ベッド", "beddo"),                                 # small ッ doubles the consonant
    ("コーヒー", "kohi"),                                # the long-vowel mark is dropped
])
def test_romanize_kana(kana: str, roman: str) -> None:
    assert romanize_kana(kana) == roman
