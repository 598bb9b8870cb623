"""A quote survives a reader's search in the release file, not only in the text read from it."""

from __future__ import annotations

from pathlib import Path

from partnerbot.bot.answer.evidence import Evidence
from partnerbot.bot.answer.verbatim import in_file
from partnerbot.corpus.model import Release

FILE_TEXT = ("**Norvia, March 3-** On March 2, the Calder Institute and Norvia Bio signed an MOU "
             "on cell therapy.\nThe partners will share two laboratories.\n")
READ_TEXT = ("Norvia, March 3- On March 2, the Calder Institute and Norvia Bio signed an MOU on "
             "cell therapy.\nThe partners will share two laboratories.\n")


def _release(tmp_path: Path, suffix: str = ".txt") -> Release:
    path = tmp_path / f"901{suffix}"
    path.write_text(FILE_TEXT, encoding="utf-8")
    return Release(id="901", title="t", text=READ_TEXT, lang="en", source=str(path))


def _evidence(sentence: str, span_text: str | None = None) -> Evidence:
    start = READ_TEXT.index(sentence)
    span = None
    if span_text is not None:
        a = sentence.index(span_text)
        span = (a, a + len(span_text))
    return Evidence(doc_id="901", start=start, end=start + len(sentence), text=sentence,
                    score=1.0, passage_rank=0, fits_kind=True, name_coverage=1.0, span=span)


def test_a_quote_crossing_stripped_markup_keeps_its_longest_part_found_in_the_file(
        tmp_path: Path) -> None:
    release = _release(tmp_path)
    sentence = READ_TEXT.split("\n")[0]
    ev = in_file(_evidence(sentence, "March 2"), release)
    assert ev.text.startswith("On March 2, the Calder Institute")
    assert ev.text in FILE_TEXT and ev.text in READ_TEXT
    assert READ_TEXT[ev.start:ev.end] == ev.text
    assert ev.span is not None and ev.text[ev.span[0]:ev.span[1]] == "March 2"


def test_a_quote_already_in_the_file_is_unchanged(tmp_path: Path) -> None:
    release = _release(tmp_path)
    ev = _evidence("The partners will share two laboratories.")
    assert in_file(ev, release) is ev


def test_a_span_outside_the_kept_part_is_dropped(tmp_path: Path) -> None:
    release = _release(tmp_path)
    sentence = READ_TEXT.split("\n")[0]
    ev = in_file(_evidence(sentence, "March 3"), release)
    assert ev.span is None and ev.span_info is None


def test_html_and_pdf_sources_are_left_alone(tmp_path: Path) -> None:
    release = _release(tmp_path, ".html")
    sentence = READ_TEXT.split("\n")[0]
    ev = _evidence(sentence)
    assert in_file(ev, release) is ev
