"""Cleaning: furniture and markup go, every sentence and table row stays."""

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbot.corpus.clean import clean_line, clean_text, is_furniture

RELEASES = Path(__file__).resolve().parent.parent / "corpus" / "releases"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?\"”])\s+", text) if len(s) > 20]


def test_seed_003_loses_furniture_but_keeps_every_sentence() -> None:
    raw = (RELEASES / "003.txt").read_text(encoding="utf-8")
    clean = clean_text(raw)
    lines = clean.split("\n")
    for furniture in (
        "Menu",
        "News",
        "pagetop",
        "• twitter",
        "twitter",
        "Facebook",
        "LINE",
        "kanagawa_link-j.jpg",
        "0923.png",
    ):
        assert furniture not in lines
    assert "kanagawa.png" not in clean
    assert "Kanagawa Prefecture took the initiative in Japan" in clean
    for line in raw.replace("kanagawa.png", "").split("\n"):
        for sentence in _sentences(line.strip()):
            assert sentence in clean


@pytest.mark.parametrize("name", ["000.txt", "001.txt", "002.txt", "004.txt"])
def test_seed_releases_keep_their_sentences(name: str) -> None:
    raw = (RELEASES / name).read_text(encoding="utf-8")
    clean = re.sub(r"[ \t]+", " ", clean_text(raw))
    for line in raw.split("\n"):
        if "\t" in line or "<" in line:
            continue
        line = line.replace(" 댓글쓰기", "")  # 004's comment button, glued to its dateline
        plain = re.sub(r"\s+", " ", re.sub(r"\*\*|^\s*#+\s*", "", line)).strip()
        for sentence in _sentences(plain):
            assert sentence in clean


def test_seed_001_table_rows_keep_their_tabs() -> None:
    clean = clean_text((RELEASES / "001.txt").read_text(encoding="utf-8"))
    assert "14:30~14:40 (10')\t■ 인사말씀(장관 → iPark 대표 順)\t장관, iPark 대표" in clean
    assert "담당 부서\t특구혁신기획단 특구정책과\t책임자\t과 장\t윤석배 (044-204-7190)" in clean
    row = next(line for line in clean.split("\n") if line.startswith("11:10~12:00"))
    assert row.count("\t") == 2
    assert "<" not in row and "style" not in row
    assert "이승주 교수(중앙대학교) 김두곤 이사(서울로보틱스)" in row


def test_seed_000_markup_and_split_heading() -> None:
    clean = clean_text((RELEASES / "000.txt").read_text(encoding="utf-8"))
    assert "**" not in clean and "<b>" not in clean and "##" not in clean
    assert clean.startswith("Contact\tRachel Minjo Chun")
    assert (
        "- ① Support for Korean startups in advanced biotech fields "
        "(cell therapy, gene therapy, regenerative medicine)"
    ) in clean
    assert "between Korea and Japan and revitalize economic cooperation" in clean


def test_seed_004_comment_widget_removed_but_dateline_kept() -> None:
    clean = clean_text((RELEASES / "004.txt").read_text(encoding="utf-8"))
    lines = clean.split("\n")
    assert "2024.01.25 06:01" in lines
    assert "<글싣는 순서>" in lines  # Korean in angle brackets is not an HTML tag
    for furniture in ("댓글 0", "답변 글쓰기", "0 / 2000", "메디라이프 + More"):
        assert furniture not in lines
    assert "\n\n\n" not in clean


def test_blank_line_runs_collapse_to_one() -> None:
    assert clean_text("a\n\n\n\n\nb\n \n\t\n\nc") == "a\n\nb\n\nc"


def test_html_tags_and_entities() -> None:
    text = 'R&amp;D <b>bold</b> <a href="https://x.org/?a=1&b=2">link</a> &lt;b&gt; AT&T'
    assert clean_line(text) == "R&D bold link <b> AT&T"
    assert clean_text("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."
    assert clean_text("One<br>Two<br/>Three") == "One\nTwo\nThree"
    assert clean_text("x <script>var a = 1;</script> y") == "x y"


def test_markdown_markers() -> None:
    md = "## **Heading** ##\n\n**Bold** and [a link](https://a.org) ![logo](logo.png)"
    assert clean_text(md) == "Heading\n\nBold and a link"


def test_image_names_alone_or_glued() -> None:
    assert clean_text("photo_01.JPG\nText.") == "Text."
    assert clean_text("logo.pngACME-J signed.") == "ACME-J signed."
    assert clean_text("logo.png 한국어 문장입니다.") == "logo.png 한국어 문장입니다."  # not glued
    assert clean_text("See figure.png for details.") == "See figure.png for details."


@pytest.mark.parametrize(
    "line",
    [
        "Menu",
        "pagetop",
        "  • twitter",
        "• Facebook",
        "LINE",
        "공유하기",
        "카카오톡",
        "シェア",
        "댓글 3",
        "0 / 2000",
        "Read more",
        "|",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "News about ACME-J",
        "Share prices rose.",
        "The line was busy.",
        "Menu of services offered",
        "카카오톡 채널에서 신청할 수 있다.",
        "Top 10 biotech clusters",
    ],
)
def test_sentences_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)
    assert clean_text(line) == line


def test_unicode_is_nfc_and_spaces_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "한국")
    assert clean_text(f"{decomposed}\u00a0\u00a0시장\u200b") == "한국 시장"


words = st.text(alphabet="abcdefghij XYZ한국語", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=6), min_size=1, max_size=8))
def test_clean_is_idempotent_and_keeps_words(paragraphs: list[list[str]]) -> None:
    text = "\n\n".join(" ".join(w) + "." for w in paragraphs)
    once = clean_text(text)
    assert clean_text(once) == once
    assert once.split() == text.split()
