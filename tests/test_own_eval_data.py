"""The project's own evaluation set (tests/data/own) is well-formed.

The set is only worth measuring on if every question can be answered from the release it names,
exactly as a scorer would check it: a `must_contain` string that is not in its gold release turns a
right answer into a miss. The releases are read with the product's own reader, so a string hidden
by HTML or front matter handling fails here rather than in an evaluation.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus

OWN = Path(__file__).parent / "data" / "own"
EXTENSIONS = (".txt", ".md", ".html", ".pdf")
ANSWER_TYPES = {"date", "who", "count", "fact", "list"}
# Organisations that unanswerable questions name and that must exist in no release.
INVENTED_ABSENT = ("Brackenfield", "해온바이오재단", "霧ヶ丘メディカルセンター")

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _norm(text: str) -> str:
    """What the scorers compare: lower case, runs of white space collapsed."""
    return re.sub(r"\s+", " ", text).strip().lower()


def _script_lang(text: str) -> str:
    """The language a text's letters say it is in; Korean and Japanese quote each other's names."""
    hangul = len(_HANGUL.findall(text))
    cjk = len(_KANA.findall(text)) + len(_HAN.findall(text))
    if hangul and hangul >= cjk:
        return "ko"
    if cjk:
        return "ja"
    return "en"


def _jsonl(name: str) -> list[dict[str, object]]:
    lines = (OWN / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, object]]:
    return {str(row["id"]): row for row in _jsonl("docs.jsonl")}


@pytest.fixture(scope="module")
def releases() -> dict[str, Release]:
    result = read_corpus(OWN)
    assert not result.skipped, result.skipped
    return {r.id: r for r in result.releases}


@pytest.fixture(scope="module")
def questions() -> list[dict[str, object]]:
    return _jsonl("qa.jsonl")


@pytest.fixture(scope="module")
def registry() -> list[dict[str, object]]:
    return _jsonl("registry.jsonl")


def _ids(row: dict[str, object]) -> list[str]:
    ids = row["doc_ids"]
    assert isinstance(ids, list)
    return [str(i) for i in ids]


def _strings(row: dict[str, object], key: str) -> list[str]:
    values = row[key]
    assert isinstance(values, list)
    return [str(v) for v in values]


def test_every_manifest_id_has_exactly_one_file(manifest: dict[str, dict[str, object]]) -> None:
    files = Counter(p.stem for p in (OWN / "docs").iterdir() if p.suffix in EXTENSIONS)
    assert set(files) == set(manifest)
    assert all(n == 1 for n in files.values()), files


def test_releases_read_with_the_declared_metadata(
    manifest: dict[str, dict[str, object]], releases: dict[str, Release]
) -> None:
    assert set(releases) == set(manifest)
    for doc_id, row in manifest.items():
        release = releases[doc_id]
        assert release.lang == row["lang"], doc_id
        assert release.date == row["date"], doc_id
        assert row["url"] and str(row["url"]).startswith("https://example.org/"), doc_id
        parties = row["parties"]
        assert isinstance(parties, list) and len(parties) >= 2, doc_id


def test_languages_are_as_declared(
    manifest: dict[str, dict[str, object]], releases: dict[str, Release]
) -> None:
    for doc_id, row in manifest.items():
        assert _script_lang(releases[doc_id].text) == row["lang"], doc_id
    counts = Counter(str(row["lang"]) for row in manifest.values())
    assert counts == {"en": 9, "ko": 9, "ja": 6}
    formats = Counter(p.suffix for p in (OWN / "docs").iterdir())
    assert formats[".md"] >= 3 and formats[".html"] >= 1


def test_translation_pairs_point_both_ways(manifest: dict[str, dict[str, object]]) -> None:
    pairs = {k: str(v["translation_of"]) for k, v in manifest.items() if v.get("translation_of")}
    assert len(pairs) == 6  # three pairs
    for doc_id, other in pairs.items():
        assert pairs.get(other) == doc_id, (doc_id, other)
        assert manifest[doc_id]["lang"] != manifest[other]["lang"], doc_id


def test_questions_are_well_formed(
    questions: list[dict[str, object]], manifest: dict[str, dict[str, object]]
) -> None:
    qids = [str(q["qid"]) for q in questions]
    assert len(qids) == len(set(qids))
    for q in questions:
        text, lang, kind = str(q["question"]), str(q["q_lang"]), str(q["type"])
        assert _script_lang(text) == lang, q["qid"]
        ids = _ids(q)
        assert all(i in manifest for i in ids), q["qid"]
        if kind == "unanswerable":
            assert not ids and not q["must_contain"], q["qid"]
            continue
        assert ids and _strings(q, "must_contain"), q["qid"]
        gold_langs = {manifest[i]["lang"] for i in ids}
        # `crosslingual` means no gold release in the asker's language, and only then.
        assert (kind == "crosslingual") == (lang not in gold_langs), q["qid"]
        assert kind in ANSWER_TYPES | {"crosslingual"}, q["qid"]


def test_every_must_contain_is_in_a_gold_release(
    questions: list[dict[str, object]], releases: dict[str, Release]
) -> None:
    missing = []
    for q in questions:
        gold = [_norm(releases[i].text) for i in _ids(q)]
        missing += [
            (q["qid"], s)
            for s in _strings(q, "must_contain")
            if not any(_norm(s) in text for text in gold)
        ]
    assert not missing


def test_each_gold_release_holds_some_must_contain(
    questions: list[dict[str, object]], releases: dict[str, Release]
) -> None:
    """A gold release that holds none of the strings would be counted right without evidence."""
    for q in questions:
        for doc_id in _ids(q):
            text = _norm(releases[doc_id].text)
            assert any(_norm(s) in text for s in _strings(q, "must_contain")), (q["qid"], doc_id)


def test_question_counts_meet_the_targets(questions: list[dict[str, object]]) -> None:
    langs = Counter(str(q["q_lang"]) for q in questions)
    kinds = Counter(str(q["type"]) for q in questions)
    assert len(questions) >= 85
    assert set(langs) == {"en", "ko", "ja"}
    assert all(0.25 <= n / len(questions) <= 0.42 for n in langs.values()), langs
    assert kinds["crosslingual"] >= 30
    assert 10 <= kinds["unanswerable"] <= 15
    assert all(kinds[k] >= 3 for k in ANSWER_TYPES), kinds
    cross_by_lang = Counter(str(q["q_lang"]) for q in questions if q["type"] == "crosslingual")
    assert all(cross_by_lang[lang] >= 8 for lang in ("en", "ko", "ja")), cross_by_lang


def test_unanswerable_inventions_are_absent(releases: dict[str, Release]) -> None:
    corpus = _norm("\n".join(r.text for r in releases.values()))
    assert not [name for name in INVENTED_ABSENT if _norm(name) in corpus]


def test_registry_questions_are_well_formed(
    registry: list[dict[str, object]], releases: dict[str, Release]
) -> None:
    assert len(registry) >= 10
    assert {str(r["q_lang"]) for r in registry} == {"en", "ko", "ja"}
    corpus = [_norm(r.text) for r in releases.values()]
    for row in registry:
        assert row["type"] == "aggregate" and _script_lang(str(row["question"])) == row["q_lang"]
        ids = _ids(row)
        assert ids and all(i in releases for i in ids), row["qid"]
        groups = row["partners"]
        assert isinstance(groups, list) and len(groups) >= 2, row["qid"]
        forms = [str(f) for g in groups for f in g]
        assert _strings(row, "must_contain") == forms, row["qid"]
        gold = [_norm(releases[i].text) for i in ids]
        for group in groups:
            # Each partner is named in the asked releases; every form is a name the corpus uses.
            assert any(_norm(str(f)) in t for f in group for t in gold), (row["qid"], group)
            for form in group:
                assert any(_norm(str(form)) in t for t in corpus), (row["qid"], form)
