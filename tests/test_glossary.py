"""The glossary: domain words of a question in the other two languages.

Questions are written for the test; the names in them (Norvia, 노르비아) are made up.
"""

from __future__ import annotations

from importlib import resources

import pytest

from partnerbot.retrieval import glossary
from partnerbot.retrieval.glossary import translate_terms


@pytest.mark.parametrize("question, expected, own_language", [
    ("Which tenant companies signed the MOU with Norvia?",
     {"입주", "入居", "업무협약", "覚書", "체결", "締結"}, {"tenant", "mou", "signed"}),
    ("노르비아와 협약한 입주 기업은 몇 개인가요?",
     {"tenant", "入居", "company", "企業"}, {"입주", "기업"}),
    ("ノルビアと覚書を締結した企業は？",
     {"mou", "업무협약", "sign", "체결", "company", "기업"}, {"覚書", "締結", "企業"}),
])
def test_domain_words_come_back_in_the_other_two_languages(
        question: str, expected: set[str], own_language: set[str]) -> None:
    terms = translate_terms(question)
    assert expected <= set(terms)
    assert not own_language & set(terms)


def test_english_words_match_whole_words_only() -> None:
    """"maybe" is not the month May, "signage" is not "sign"."""
    assert translate_terms("maybe the signage") == []
    assert "5월" in translate_terms("signed in May")


def test_a_single_cjk_character_says_too_little() -> None:
    """"현" (prefecture) is a glossary form, but one syllable inside a word is more often
    something else; the two-syllable "협약" is matched inside "협약식에서"."""
    assert translate_terms("칼더현") == []
    assert "mou" in translate_terms("협약식에서")


def test_names_are_not_translated() -> None:
    """Names are learnt from the corpus (lexicon), not listed in the glossary."""
    assert translate_terms("Norvia") == []
    assert translate_terms("노르비아") == []


def test_the_table_is_package_data_of_general_vocabulary() -> None:
    text = (resources.files("partnerbot.corpus.language") / "data" / glossary.VOCABULARY_FILE
            ).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(rows) > 50
    assert all(line.count(";") == 2 for line in rows)  # english ; korean ; japanese
