"""Sentence splitting and chunking: spans into the release text, never rewritten text."""

from __future__ import annotations

import itertools

import pytest

from partnerbot.bot.settings import BUNDLED_CORPUS
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.sentences import split_sentences
from partnerbot.retrieval.tokenize import tokenize


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


@pytest.fixture(scope="module")
def releases() -> list[Release]:
    return read_corpus(BUNDLED_CORPUS).releases


# ---- sentences ---------------------------------------------------------------------------
def test_korean_sentences() -> None:
    text = ("노르비아재단은 라임 밸리 파크와 업무협약을 체결했다. 양 기관은 공동 연구를 추진한다! "
            "협약 기간은 얼마인가? 3년이다.")
    assert sentences(text) == ["노르비아재단은 라임 밸리 파크와 업무협약을 체결했다.",
                               "양 기관은 공동 연구를 추진한다!", "협약 기간은 얼마인가?", "3년이다."]


def test_japanese_full_stops_need_no_space() -> None:
    text = "ACME-Jは東都県と協定を締結した。今後は共同でイベントを開催する。「協力を深める」と述べた。"
    assert sentences(text) == ["ACME-Jは東都県と協定を締結した。", "今後は共同でイベントを開催する。",
                               "「協力を深める」と述べた。"]


@pytest.mark.parametrize("text, expected", [
    ("Norvia Biologics Co., Ltd. signed an MOU with ACME-J. It covers three years.",
     ["Norvia Biologics Co., Ltd. signed an MOU with ACME-J.", "It covers three years."]),
    ("The firm moved to the U.S.A. in 2020 with Dr. Kim. Sales grew.",
     ["The firm moved to the U.S.A. in 2020 with Dr. Kim.", "Sales grew."]),
    ("Norvia Pharmaceutical Co., Ltd. and Calder cPark met on Nov. 9 in Harbourton. They agreed.",
     ["Norvia Pharmaceutical Co., Ltd. and Calder cPark met on Nov. 9 in Harbourton.", "They agreed."]),
    ("It is the 4th MOU with a municipality, after Calder Prefecture. ACME-J. said so.",
     ["It is the 4th MOU with a municipality, after Calder Prefecture.", "ACME-J. said so."]),
])
def test_english_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_ending_in_a_name_glued_to_a_letter_still_ends() -> None:
    """'ACME-J.' ends a sentence: J is glued to 'ACME-', not an initial."""
    text = "Calder Prefecture signed with ACME-J. The MOU starts now."
    assert sentences(text) == ["Calder Prefecture signed with ACME-J.", "The MOU starts now."]


def test_table_rows_are_kept_whole_one_row_a_sentence() -> None:
    text = "일정\n시 간\t주 요 내 용\t비 고\n14:00\t개회사\t중기부 장관\n\n끝."
    got = sentences(text)
    assert "시 간\t주 요 내 용\t비 고" in got
    assert "14:00\t개회사\t중기부 장관" in got


def test_tab_lines_of_the_bundled_korean_annex_survive(releases: list[Release]) -> None:
    """Every tab-separated row of the corpus is covered, in order, by spans inside it (a table
    row is never merged with its neighbours)."""
    rows_seen = 0
    for release in releases:
        spans = split_sentences(release.text)
        offset = 0
        for line in release.text.split("\n"):
            line_start, line_end = offset, offset + len(line)
            offset = line_end + 1
            if "\t" not in line or not line.strip():
                continue
            rows_seen += 1
            inside = [s for s in spans if s.start < line_end and s.end > line_start]
            assert inside, f"{release.id}: table row lost: {line!r}"
            for s in inside:
                assert line_start <= s.start and s.end <= line_end, (
                    f"{release.id}: a span crosses the table row {line!r}")
    assert rows_seen >= 10  # 001 has a schedule table; the test would be vacuous without it


def test_offsets_are_relative_to_the_whole_text() -> None:
    text = "Intro line.\nACME-J met CBR. They signed."
    spans = split_sentences(text, start=12)
    assert [text[s.start:s.end] for s in spans] == ["ACME-J met CBR.", "They signed."]


def test_blank_and_punctuation_only_lines_give_no_sentence() -> None:
    assert sentences("\n\n   \n---\n• \n") == []


# ---- chunking ----------------------------------------------------------------------------
def test_passage_text_is_the_release_text_at_its_offsets(releases: list[Release]) -> None:
    assert releases, "the bundled corpus is empty"
    for release in releases:
        passages = chunk_release(release)
        assert passages, release.id
        for p in passages:
            assert p.doc_id == release.id
            assert p.text == release.text[p.start:p.end]
            assert p.sentences and p.sentences[0][0] == p.start and p.sentences[-1][1] == p.end
            for a, b in p.sentences:
                assert p.start <= a < b <= p.end
        # passages are in order and do not overlap
        for a, b in itertools.pairwise(passages):
            assert a.end <= b.start


def test_chunking_covers_every_sentence_once(releases: list[Release]) -> None:
    for release in releases:
        from_passages = [s for p in chunk_release(release) for s in p.sentences]
        assert from_passages == [(s.start, s.end) for s in split_sentences(release.text)]


def test_passage_ids_are_stable_and_unique(releases: list[Release]) -> None:
    for release in releases:
        first = [p.id for p in chunk_release(release)]
        again = [p.id for p in chunk_release(release)]
        assert first == again
        assert len(set(first)) == len(first)
        assert all(pid.startswith(f"{release.id}:") for pid in first)


def test_passage_id_depends_on_content_not_position() -> None:
    body = "ACME-J signed an MOU with Calder Prefecture on September 18."
    a = Release(id="x", text=body, title="t", lang="en")
    b = Release(id="x", text="A new first paragraph that is long enough to stand on its own as a "
                             "passage, because it is well over one hundred and twenty characters.\n\n"
                             + body, title="t", lang="en")
    id_a = chunk_release(a)[0].id
    assert id_a in [p.id for p in chunk_release(b)]


def test_passages_respect_the_size_limit_unless_one_sentence_is_longer(
        releases: list[Release]) -> None:
    from partnerbot.retrieval.chunking import MAX_CHARS
    for release in releases:
        for p in chunk_release(release):
            if len(p.sentences) > 1:
                assert p.end - p.start <= MAX_CHARS, (release.id, p.id)


def test_duplicate_paragraphs_get_distinct_ids() -> None:
    para = "ACME-J and CBR will hold joint events in Harbourton and Calder every year from 2020. " * 3
    release = Release(id="d", text=f"{para}\n\n{para}", title="t", lang="en")
    ids = [p.id for p in chunk_release(release)]
    assert len(ids) == len(set(ids)) == 2


# ---- tokenizer (shared by index and query, so a particle never hides a name) ------------
def test_korean_particle_keeps_the_name_bigrams() -> None:
    assert set(tokenize("라임파크")) <= set(tokenize("라임파크와"))


def test_tokenizer_is_case_and_width_insensitive() -> None:
    assert tokenize("ＡＣＭＥ－Ｊ Agreements") == tokenize("acme-j agreement")


def test_acronym_plural_matches_its_singular() -> None:
    assert tokenize("ACME-J signed MOUs") == tokenize("ACME-J signed an MOU")
