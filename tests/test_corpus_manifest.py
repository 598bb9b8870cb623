"""docs.jsonl: values win over front matter and inference; bad lines are reported."""

import json
from pathlib import Path

from partnerbot.corpus.manifest import normalise_meta, read_manifest
from partnerbot.corpus.reader import read_corpus


def _write_manifest(directory: Path, lines: list[object]) -> None:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    (directory / "docs.jsonl").write_text(text + "\n", encoding="utf-8")


def test_bad_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    _write_manifest(
        tmp_path,
        [
            {"id": "a", "title": "A"},
            "{not json",
            {"title": "no id"},
            ["a", "list"],
            "",
            {"id": "a", "title": "duplicate"},
            {"id": "b", "date": "next week", "lang": "fr", "title": None, "parties": ["x"]},
            {"id": 7, "date": "2023.11.9", "lang": "JA"},
        ],
    )
    m = read_manifest(tmp_path / "docs.jsonl")
    assert m.entries == {"a": {"title": "A"}, "b": {}, "7": {"date": "2023-11-09", "lang": "ja"}}
    reasons = [(p.path.rsplit(":", 1)[1], p.reason) for p in m.problems]
    assert [line for line, _ in reasons] == ["2", "3", "4", "6", "7", "7"]
    assert "not JSON" in reasons[0][1]
    assert "duplicate" in reasons[3][1]
    assert "date 'next week'" in reasons[4][1] and "lang 'fr'" in reasons[5][1]
    assert all("\n" not in p.reason for p in m.problems)


def test_missing_manifest_is_empty(tmp_path: Path) -> None:
    m = read_manifest(tmp_path / "docs.jsonl")
    assert m.entries == {} and m.problems == []


def test_normalise_meta_drops_nulls_and_unknown_keys() -> None:
    entry, problems = normalise_meta(
        {
            "title": "  T  ",
            "publisher": None,
            "seed_file": "x.txt",
            "url": "",
            "lang": "en-US",
            "date": "2023-11-09",
        }
    )
    assert entry == {"title": "T", "lang": "en", "date": "2023-11-09"}
    assert problems == []


def test_precedence_manifest_then_front_matter_then_inference(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text(
        "---\ntitle: Front Title\ndate: 2022-01-01\npublisher: Front Pub\n---\n"
        "# Body Title\n\nHarbourton, 2021.05.05 - 본문은 한국어로 작성되었습니다. 협약을 체결했다.\n",
        encoding="utf-8",
    )
    (tmp_path / "s.txt").write_text("# Inferred Title\n\n2020.03.03 English body.\n")
    _write_manifest(
        tmp_path,
        [
            {"id": "r", "title": "Manifest Title", "date": None, "publisher": None, "lang": None},
            {"id": "s", "title": None, "lang": "ja"},
        ],
    )
    result = read_corpus(tmp_path)
    r, s = result.releases
    assert r.title == "Manifest Title"  # manifest beats front matter
    assert r.date == "2022-01-01"  # null in the manifest: front matter beats inference
    assert r.publisher == "Front Pub"
    assert r.lang == "ko"  # neither declares it: inferred
    assert s.title == "Inferred Title" and s.lang == "ja" and s.date == "2020-03-03"
    assert result.skipped == []
