"""Phonetic keys: a foreign name spelt in Hangul or katakana meets its Latin spelling.

The names are made up for the test.
"""

from __future__ import annotations

import pytest

from partnerbot.retrieval.phonetic import fold, key, similarity


@pytest.mark.parametrize("latin, other", [
    ("Norvia", "노르비아"),
    ("Norvia", "ノルビア"),
    ("Janek", "야넥"),            # a j onset written with a y glide
    ("Crestmont", "크레스트몬트"),
])
def test_a_name_sounds_like_its_hangul_or_katakana_spelling(latin: str, other: str) -> None:
    assert similarity(key(latin), key(other)) >= 0.8


@pytest.mark.parametrize("a, b", [
    ("Norvia", "Calder"), ("노르비아", "칼더"), ("ノルビア", "Crestmont"),
])
def test_different_names_do_not(a: str, b: str) -> None:
    assert similarity(key(a), key(b)) < 0.5


def test_hangul_and_katakana_spellings_of_one_name_meet_each_other() -> None:
    assert similarity(key("노르비아"), key("ノルビア")) >= 0.8


def test_sound_classes_fold_spelling_differences() -> None:
    """b/v/f/p, g/k, d/t, l/r, ph/f are one class each: the letters a Korean or Japanese
    spelling cannot tell apart."""
    assert key("Norvia") == key("Norbia") == key("Norfia")
    assert key("Galder") == key("Kalter")
    assert key("Philtra") == key("Filtla")


def test_soft_g_only_in_english_spelling() -> None:
    """English g before e/i sounds like j ("Region"); a romanisation's g is always hard."""
    assert fold("Region") != fold("Region", english=False)
    assert similarity(key("Region"), key("리전")) > similarity(fold("Region", english=False),
                                                             key("리전"))


@pytest.mark.parametrize("word", ["", "2024", "!!", "東都"])
def test_no_key_without_letters_or_a_sound_spelling(word: str) -> None:
    """Han characters carry meaning, not sound: they get no key."""
    assert key(word) == ""


def test_similarity_is_one_minus_normalised_edit_distance() -> None:
    assert similarity("norpia", "norpia") == 1.0
    assert similarity("norpia", "norupia") == pytest.approx(1 - 1 / 7)
    assert similarity("", "norpia") == 0.0
    assert similarity("abc", "xyz") == 0.0
