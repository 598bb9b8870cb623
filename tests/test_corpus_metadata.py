"""Language and title inference."""

import pytest

from partnerbot.corpus.language.detect import infer_lang
from partnerbot.corpus.metadata import infer_title


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ACME-J concluded an MOU with Calder Prefecture.", "en"),
        ("노르비아재단과 일본 라임 밸리 사이언스 파크는 9일 업무협약을 체결했다.", "ko"),
        ("韓日 협력: 노르비아재단(R&D, ICT)가 cPark Institute와 MOU를 체결했다.", "ko"),
        ("東都薬品工業株式会社は、カルダーパークとの提携を発表しました。", "ja"),
        ("ライフサイエンス", "ja"),
        ("東都健康創新園区発表", "ja"),  # Han only, with a Japanese-only form (発)
        ("中国生物技术合作", "en"),  # Han only, nothing Japanese: not guessed as ja
        ("Norvia (東都薬品) and Calder cPark signed an agreement on open innovation.", "en"),
        ("", "en"),
        ("12345 --- !!!", "en"),
    ],
)
def test_infer_lang(text: str, lang: str) -> None:
    assert infer_lang(text) == lang


def test_japanese_with_english_terms_is_ja() -> None:
    text = (
        "ACME-Jは、Calder Bio Region (CBR) とMOUを締結しました。"
        "ライフサイエンス分野での協力です。"
    )
    assert infer_lang(text) == "ja"


@pytest.mark.parametrize(
    ("headings", "text", "title"),
    [
        ([], "Menu\n\nNews\n\nACME-J Concludes MOU\n\n• twitter", "ACME-J Concludes MOU"),
        ([], "News Release\n\nAcme Signs Deal with Beta", "Acme Signs Deal with Beta"),
        ([], "보도자료\n보도시점 (전매체) 11. 9.(목) 14:30\n\n한·일 협력", "한·일 협력"),
        ([], "Contact\tJane Doe\t044-204-7104\n\nAcme and Beta partner", "Acme and Beta partner"),
        ([], "Media contact: jane@acme.com\n2024.01.25 06:01\nAcme partners", "Acme partners"),
        ([], '"日 최대 제약 클러스터"\n본문', "日 최대 제약 클러스터"),
        (["**News Release**", "**Acme and Beta** sign MOU"], "ignored", "Acme and Beta sign MOU"),
        ([], "プレスリリース\n\n湘南アイパークと提携", "湘南アイパークと提携"),
        ([], "", None),
    ],
)
def test_infer_title(headings: list[str], text: str, title: str | None) -> None:
    assert infer_title(headings, text) == title


def test_long_first_paragraph_gives_its_first_sentence() -> None:
    text = "Acme signed an agreement with Beta today. " + "More words follow here. " * 20
    assert infer_title([], text) == "Acme signed an agreement with Beta today."


@pytest.mark.parametrize("labelled", [
    "Title: Acme Bio and Beta Cluster Sign an MOU", "TITLE : Acme Bio and Beta Cluster Sign an MOU",
    "**Headline:** Acme Bio and Beta Cluster Sign an MOU",
    "제목: Acme Bio and Beta Cluster Sign an MOU", "タイトル：Acme Bio and Beta Cluster Sign an MOU",
])
def test_an_inferred_title_drops_its_label(labelled: str) -> None:
    text = f"{labelled}\n\nAcme Bio signed a memorandum of understanding with Beta Cluster."
    assert infer_title([], text) == "Acme Bio and Beta Cluster Sign an MOU"
    assert infer_title([labelled], text) == "Acme Bio and Beta Cluster Sign an MOU"


def test_a_title_that_only_starts_like_a_label_is_kept() -> None:
    assert infer_title([], "Subjective Reports on Cluster Cooperation\n\nBody.") == (
        "Subjective Reports on Cluster Cooperation")
