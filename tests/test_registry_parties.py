"""The fitted party decision on made-up releases (en/ko/ja): places and outlets mentioned in
passing are not parties, a Japanese release the sentence rules cannot parse still gets its
record, every candidate is explained, a stated total is kept, the weights are valid data and
the refit command reproduces a model from gold parties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry import build, extract
from partnerbot.retrieval.registry.parties import Weights, default_weights, explain

EN = ("Harlow Bio Cluster and Quenby Genomics Institute sign MOU on cell therapy\n\n"
      "SEOUL, May 3, 2025 -- Harlow Bio Cluster (HBC) and the Quenby Genomics Institute (QGI) signed a "
      "memorandum of understanding in Seoul on Tuesday to develop cell therapies for patients in Korea "
      "and Japan. Under the MOU, HBC will host QGI researchers at its campus in Incheon. "
      "\"Korea and Japan share the same challenges,\" said Mira Okafor, CEO of HBC. "
      "This latest agreement makes QGI the 12th partner of HBC.")
KO = ("한빛바이오진흥원, 소라노 유전체연구소와 업무협약 체결\n\n"
      "한빛바이오진흥원(이하 진흥원)은 3일 서울에서 소라노 유전체연구소와 세포치료 분야 협력을 위한 "
      "업무협약을 체결했다고 밝혔다. 이번 협약으로 양 기관은 일본과 한국의 연구자 교류를 확대한다. "
      "진흥원은 이번 협약으로 12번째 협력 기관을 확보했다.")
# written so that no "AとBは…締結" shape holds the parties: they sit in a colon list
JA = ("ハルビット・バイオ振興院とソラノ・ゲノム研究所が連携\n\n"
      "連携協定の締結について：ハルビット・バイオ振興院、ソラノ・ゲノム研究所。"
      "両機関は東京で協定書に署名し、大阪と福岡での共同研究を始めます。")


def _release(rid: str, lang: str, text: str, publisher: str = "Gazette Wire") -> Release:
    return Release(id=rid, title=text.split("\n")[0], text=text, lang=lang, date="2025-05-03",
                   publisher=publisher, url=None, source=f"{rid}.txt")


def _parties(release: Release) -> list[str]:
    return [p.name for r in extract(release) if not r.mentioned for p in r.parties]


def test_english_parties_are_the_signatories_not_places_or_people() -> None:
    names = _parties(_release("e1", "en", EN))
    assert any("Harlow Bio Cluster" in n for n in names)
    assert any("Quenby Genomics Institute" in n for n in names)
    assert not {"Korea", "Japan", "Seoul", "Incheon", "SEOUL", "Mira Okafor"} & set(names)


def test_korean_parties_leave_out_countries_and_cities() -> None:
    names = _parties(_release("k1", "ko", KO, publisher="한빛바이오진흥원"))
    assert "한빛바이오진흥원" in names and "소라노 유전체연구소" in names
    assert not {"일본", "한국", "서울"} & set(names)


def test_japanese_release_without_the_sentence_shape_still_gets_a_record() -> None:
    records = [r for r in extract(_release("j1", "ja", JA)) if not r.mentioned]
    assert records, "a Japanese release naming two bodies beside 締結 and 協定 must get a record"
    names = {p.name for r in records for p in r.parties}
    assert {"ハルビット・バイオ振興院", "ソラノ・ゲノム研究所"} <= names
    assert not {"東京", "大阪", "福岡"} & names
    # the record cites a sentence of the release, verbatim
    src = records[0].sources[0]
    assert src.sentence in JA


def test_explain_lists_every_candidate_with_its_reasons() -> None:
    release = _release("e1", "en", EN)
    rows = explain(release)
    taken = {r["name"] for r in rows if r["taken"]}
    chosen = {p.name for r in extract(release) if not r.mentioned for p in r.parties}
    assert chosen <= taken
    for r in rows:
        assert 0.0 <= float(r["probability"]) <= 1.0  # type: ignore[arg-type]
        assert bool(r["taken"]) == (float(r["probability"]) >= float(r["threshold"]))  # type: ignore[arg-type]
        assert r["because"], "each candidate says which features moved it"
    not_taken = [r["name"] for r in rows if not r["taken"]]
    assert "Korea" in not_taken or "Japan" in not_taken


def test_stated_total_is_kept_with_its_sentence() -> None:
    for rid, lang, text, figure in (("e1", "en", EN, "12"), ("k1", "ko", KO, "12")):
        (rec, *_) = [r for r in extract(_release(rid, lang, text)) if not r.mentioned]
        assert rec.extra.get("total") == figure
        start, end = int(rec.extra["total_start"]), int(rec.extra["total_end"])
        assert text[start:end] == rec.extra["total_sentence"]


def test_a_place_bracket_is_not_an_alias_of_the_body() -> None:
    text = ("Norvale Institute signs MOU with Tallis University\n\nNorvale Institute signed an MOU with "
            "Tallis University (Brennick City, Ostra Pref.) on May 3.")
    orgs, _ = build([_release("p1", "en", text)])
    tallis = next(o for o in orgs if "Tallis University" in o.forms)
    assert not any("Brennick" in f for f in tallis.forms)


def test_shipped_weights_are_valid_and_refuse_unknown_features() -> None:
    w = default_weights()
    assert 0.0 < w.threshold < 1.0 and w.coef
    assert "out_of_fold" in w.meta and "in_sample" in w.meta
    with pytest.raises(ValueError):
        Weights({"no_such_feature": 1.0}, 0.0, 0.5, {})
    with pytest.raises(ValueError):
        Weights({"rule": 1.0}, 0.0, 1.5, {})


def test_refit_from_gold_parties_writes_a_model_that_scores(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from benchmarks.fit_parties import fit, load, rules_today
    from partnerbot.retrieval.registry.features import NAMES

    docs = tmp_path / "docs"
    docs.mkdir()
    rows = []
    for i, (lang, text, parties) in enumerate([
            ("en", EN, ["Harlow Bio Cluster (HBC)", "Quenby Genomics Institute (QGI)"]),
            ("ko", KO, ["한빛바이오진흥원", "소라노 유전체연구소"]),
            ("ja", JA, ["ハルビット・バイオ振興院", "ソラノ・ゲノム研究所"])] * 2):
        rid = f"9{i:02d}"
        (docs / f"{rid}.txt").write_text(text, encoding="utf-8")
        rows.append({"id": rid, "lang": lang, "title": text.split("\n")[0], "parties": parties,
                     # each copy is paired with another language's release: every fold then
                     # trains on both parties and non-parties
                     **({"pair_of": f"9{(i + 1) % 3:02d}"} if i >= 3 else {})})
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                                         encoding="utf-8")
    items = load([docs])
    assert len(items) == 6 and len({it.group for it in items}) == 3  # pairs share a fold
    weights, report = fit(items, NAMES, folds=3)
    assert set(report["in_sample"]) >= {"en", "ko", "ja", "all"}
    assert report["in_sample"]["all"]["recall"] >= rules_today(items)["all"]["recall"] - 1e-9
    assert Weights.from_json(weights.to_json()).threshold == weights.threshold
