from pathlib import Path

import pytest

from corpus.reader import CorpusError, read_corpus

BUNDLED = Path(__file__).resolve().parent.parent / "corpus" / "releases"


def test_bundled_corpus_has_manifest_metadata() -> None:
    result = read_corpus(BUNDLED)
    ids = [r.id for r in result.releases]
    assert ids == ["000", "001", "002", "003", "004"]
    by_id = {r.id: r for r in result.releases}
    assert by_id["000"].translation_of == "001"
    assert by_id["001"].lang == "ko"
    assert "pagetop" not in by_id["003"].text


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        read_corpus(tmp_path / "nope")
