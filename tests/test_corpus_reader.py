"""read_corpus over the bundled releases and over directories with problem files."""

from pathlib import Path

import pytest

from partnerbot.corpus.reader import CorpusError, UnreadableFile, read_corpus, read_release

BUNDLED = Path(__file__).resolve().parent.parent / "corpus" / "releases"


def test_bundled_corpus_reads_five_releases_with_manifest_metadata() -> None:
    result = read_corpus(BUNDLED)
    assert result.skipped == []
    by_id = {r.id: r for r in result.releases}
    assert list(by_id) == ["000", "001", "002", "003", "004"]
    assert [r.lang for r in result.releases] == ["en", "ko", "en", "en", "ko"]
    assert by_id["000"].translation_of == "001"
    assert by_id["001"].translation_of == "000"
    assert by_id["000"].date == "2023-11-21"
    assert by_id["001"].date == "2023-11-09"
    assert by_id["001"].publisher == "중소벤처기업부"
    assert by_id["003"].url == "https://www.link-j.org/en/news/post-2999.html"
    assert by_id["003"].title == (
        "LINK-J Concludes MOU on Mutual Cooperation with Kanagawa Prefecture"
    )
    assert by_id["003"].date is None  # null in the manifest, and no full date in the text
    assert by_id["004"].title.startswith("日 최대 제약 클러스터")
    for r in result.releases:
        assert r.source.endswith(f"{r.id}.txt")
        assert "pagetop" not in r.text and "**" not in r.text and "<b>" not in r.text
        assert "\n\n\n" not in r.text


def test_bundled_inference_agrees_with_the_manifest(tmp_path: Path) -> None:
    """Without docs.jsonl, what the text yields matches what the manifest declares."""
    for path in BUNDLED.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    inferred = {r.id: r for r in read_corpus(tmp_path).releases}
    declared = {r.id: r for r in read_corpus(BUNDLED).releases}
    for doc_id, r in declared.items():
        assert inferred[doc_id].lang == r.lang
        assert inferred[doc_id].text == r.text
        if r.date:
            assert inferred[doc_id].date in (r.date, None)
    assert inferred["001"].date == "2023-11-09"  # year-less dateline + year from the annex
    assert inferred["000"].date is None  # "Sejong, November 21-" has no year anywhere
    assert inferred["003"].title == declared["003"].title
    assert inferred["002"].title == declared["002"].title
    assert inferred["001"].title == declared["001"].title


def test_problem_files_are_skipped_and_reading_continues(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Acme signs MOU with Beta.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 data")
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    (tmp_path / "notes.json").write_text("{}")  # not a release format: ignored silently
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "nested.txt").write_text("Not read: only the top level is.")
    (tmp_path / "good.md").write_text("Same id as good.txt.\n")
    (tmp_path / "docs.jsonl").write_text('{"id": "good", "lang": "en"}\nnot json\n')
    calls: list[tuple[str, int, int]] = []
    result = read_corpus(tmp_path, progress=lambda *a: calls.append(a))
    assert [r.id for r in result.releases] == ["good"]
    assert Path(result.releases[0].source).name == "good.md"  # sorted: .md before .txt
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert set(reasons) == {"docs.jsonl:2", "empty.txt", "binary.txt", "slides.pptx", "good.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "duplicate id 'good'" in reasons["good.txt"]
    assert calls == [("reading", i, 4) for i in range(1, 5)]


def test_translation_link_is_made_two_sided(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text("Acme signs MOU.\n")
    (tmp_path / "ko.txt").write_text("에이크미가 협약을 체결했다.\n", encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text('{"id": "en", "translation_of": "ko"}\n')
    by_id = {r.id: r for r in read_corpus(tmp_path).releases}
    assert by_id["en"].translation_of == "ko"
    assert by_id["ko"].translation_of == "en"


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        read_corpus(tmp_path / "nope")


def test_no_readable_release(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CorpusError, match="no readable release") as info:
        read_corpus(tmp_path)
    assert "\n" not in str(info.value) and "empty.txt" in str(info.value)


def test_unreadable_file_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    with pytest.raises(CorpusError):
        read_release(path)
    assert issubclass(UnreadableFile, CorpusError)


def test_read_release_accepts_a_raw_manifest_entry(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Body text in English.\n")
    r = read_release(path, {"id": "r", "date": "Nov 9, 2023", "lang": None, "title": "T"})
    assert (r.date, r.lang, r.title) == ("2023-11-09", "en", "T")


@pytest.mark.parametrize("given", ["set", "set/docs"])
def test_evaluation_layout_manifest_beside_docs(tmp_path: Path, given: str) -> None:
    docs = tmp_path / "set" / "docs"
    docs.mkdir(parents=True)
    (docs / "000.txt").write_text("Acme signs MOU with Beta.\n")
    (tmp_path / "set" / "docs.jsonl").write_text('{"id": "000", "title": "From manifest"}\n')
    (tmp_path / "set" / "qa.jsonl").write_text('{"qid": "q1"}\n')
    result = read_corpus(tmp_path / given)
    assert [r.title for r in result.releases] == ["From manifest"]
    assert result.skipped == []


@pytest.mark.parametrize("line", [
    "the partners agreed to work together on research and training",  # lines rejoined
    "the partners met on March 3, 2021 and again on May 5, 2022, and",  # dates, rejoined
])
def test_a_large_text_file_reads_in_linear_time(tmp_path: Path, line: str) -> None:
    """Rejoining cut sentences and looking for the date once took time growing with the
    square of the file (a 19 MB file of such lines was refused after 60 s): reading 4 MB
    must take about twice as long as 2 MB, not four times, and a few seconds at most."""
    import time

    seconds = []
    for mb in (1, 2, 4):
        path = tmp_path / f"big{mb}.txt"
        path.write_text("A Long Release\n\n" + "\n".join([line] * (mb * 1_000_000 // len(line))),
                        encoding="utf-8")
        started = time.perf_counter()
        release = read_release(path)
        seconds.append(time.perf_counter() - started)
        assert release.title == "A Long Release" and len(release.text) > mb * 900_000
    assert seconds[2] < 10 and seconds[2] < 3.5 * max(seconds[1], 0.05), seconds
