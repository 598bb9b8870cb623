"""Organisations resolved across releases and scripts from what the releases say, and the
admin's overrides file."""

from __future__ import annotations

import json
from pathlib import Path

from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.registry import build, partners_json
from partnerbot.retrieval.registry.records import Org, Record, from_json, to_json

RELEASES = [
    Release("a", "한빛바이오진흥재단(이하 HBF)은 지난 14일 누리의과학연구원과 업무협약을 체결했다고 20일 밝혔다.",
            "한빛바이오진흥재단, 누리의과학연구원과 업무협약", "ko", date="2024-05-20"),
    Release("b", "HBF and Corvid University signed a memorandum of understanding on June 3.",
            "HBF signs MOU", "en", date="2024-06-05"),
    Release("c", "Veltris Genomics and Corvid University signed an agreement on March 2.",
            "Veltris Genomics signs with Corvid", "en", date="2024-03-04"),
    Release("d", "ヴェルトリス社とみなと創薬パークは、2024年4月1日に共同研究契約を締結しました。",
            "共同研究契約", "ja", date="2024-04-02"),
    Release("e", "Corvid Medical Center and Pelican Health Network signed an MOU on July 9.",
            "MOU", "en", date="2024-07-10"),
]


def _org(orgs: list[Org], form: str) -> Org:
    return next(o for o in orgs if form in o.forms or o.name == form)


def _build(tmp_path: Path | None = None) -> tuple[list[Org], list[Record]]:
    return build(RELEASES, Lexicon.build(RELEASES), tmp_path)


def test_alias_in_parentheses_joins_scripts_and_releases() -> None:
    orgs, records = _build()
    hbf = _org(orgs, "한빛바이오진흥재단")
    assert "HBF" in hbf.forms and set(hbf.releases) == {"a", "b"}
    ids = {p.org for r in records for p in r.parties if p.name in ("HBF", "한빛바이오진흥재단")}
    assert ids == {hbf.id}


def test_sound_alike_names_across_scripts_are_one_org() -> None:
    orgs, _ = _build()
    veltris = _org(orgs, "Veltris Genomics")
    assert set(veltris.releases) == {"c", "d"}
    assert any("ヴェルトリス" in f for f in veltris.forms)


def test_different_organisations_stay_apart() -> None:
    orgs, _ = _build()
    assert _org(orgs, "Corvid University").id != _org(orgs, "Corvid Medical Center").id
    assert _org(orgs, "Corvid University").id != _org(orgs, "누리의과학연구원").id


def test_overrides_merge_and_split(tmp_path: Path) -> None:
    (tmp_path / "orgs.overrides.jsonl").write_text(
        json.dumps({"merge": ["Corvid University", "Corvid Medical Center"]}) + "\n"
        + json.dumps({"split": ["Veltris Genomics", "ヴェルトリス社"]}) + "\n", encoding="utf-8")
    orgs, _ = _build(tmp_path)
    corvid = _org(orgs, "Corvid University")
    assert "Corvid Medical Center" in corvid.forms and set(corvid.releases) == {"b", "c", "e"}
    assert _org(orgs, "Veltris Genomics").id != _org(orgs, "ヴェルトリス社").id


def test_overrides_toml(tmp_path: Path) -> None:
    (tmp_path / "orgs.overrides.toml").write_text(
        'merge = [["Pelican Health Network", "누리의과학연구원"]]\n', encoding="utf-8")
    orgs, _ = _build(tmp_path)
    assert _org(orgs, "Pelican Health Network").id == _org(orgs, "누리의과학연구원").id


def test_partners_json_lists_forms_and_round_trips() -> None:
    orgs, records = _build()
    rows = partners_json(records, orgs)
    row = next(r for r in rows if r["releases"] == ["b"])
    hbf = next(p for p in row["parties"] if p["name"] == "HBF")
    assert "한빛바이오진흥재단" in hbf["forms"]
    assert row["kind"] == "mou" and row["signed"] == "2024-06-03" and row["mentioned"] is False
    assert row["sources"][0]["sentence"].startswith("HBF and Corvid University signed")
    again, orgs_again = from_json(to_json(records, orgs))
    assert again == records and orgs_again == orgs
