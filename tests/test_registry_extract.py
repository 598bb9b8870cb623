"""Partnership records read from short invented releases in English, Korean and Japanese."""

from __future__ import annotations

from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry import extract
from partnerbot.retrieval.registry.records import Record, from_json, to_json


def _release(rid: str, lang: str, text: str, date: str | None = "2024-05-20", title: str = "News",
             publisher: str | None = None) -> Release:
    return Release(id=rid, text=text, title=title, lang=lang, date=date, publisher=publisher)


def _announced(records: list[Record]) -> list[Record]:
    return [r for r in records if not r.mentioned]


def _names(record: Record) -> set[str]:
    return {p.name for p in record.parties}


EN = _release("e1", "en", (
    "Brightwater Bioscience Cluster (BBC) and the Harlow Institute of Medicine signed a memorandum of "
    "understanding on May 16 at the Veldt Convention Centre in Norwick.\n"
    "Dr. Mara Quill, President of Brightwater Bioscience Cluster, and Omar Feld, Director of the Harlow "
    "Institute of Medicine, signed the MOU.\n"
    "The MOU aims to promote joint clinical research and the exchange of researchers.\n"
    "So far, BBC has signed MOUs with the following partners: Pelican Health Network in March 2019; "
    "Corvid University in June 2021."))


def test_english_two_parties_date_place_signatories() -> None:
    [rec] = _announced(extract(EN))
    assert _names(rec) == {"Brightwater Bioscience Cluster", "Harlow Institute of Medicine"}
    bbc = next(p for p in rec.parties if p.name == "Brightwater Bioscience Cluster")
    assert "BBC" in bbc.forms
    assert rec.kind == "mou"
    assert rec.signed == "2024-05-16"  # "on May 16" takes the release's year
    assert rec.place and "Veldt Convention Centre" in rec.place
    people = {(s.name, s.title) for s in rec.signatories}
    assert ("Mara Quill", "President") in people and ("Omar Feld", "Director") in people
    assert rec.scope and rec.scope.startswith("The MOU aims")
    src = rec.sources[0]
    assert src.start is not None and EN.text[src.start:src.end] == src.sentence


def test_english_earlier_partners_are_mentioned_with_their_dates() -> None:
    earlier = [r for r in extract(EN) if r.mentioned]
    by_partner = {p.name: r.signed for r in earlier for p in r.parties if p.name != "BBC"}
    assert by_partner == {"Pelican Health Network": "2019-03", "Corvid University": "2021-06"}


def test_year_less_date_after_release_day_takes_previous_year() -> None:
    rel = _release("e2", "en", "Tarn Therapeutics signed an agreement with Osprey Hospital on December 3.",
                   date="2024-01-10")
    [rec] = extract(rel)
    assert rec.signed == "2023-12-03"
    assert rec.kind == "agreement"


def test_we_signed_names_the_speakers_organisation() -> None:
    rel = _release("e3", "en", "“We are proud to sign an MoU with the Lumen Cancer Centre,” said Ada Roe, "
                   "chief executive officer at Northgate MedTech Alliance.")
    [rec] = extract(rel)
    assert _names(rec) == {"Lumen Cancer Centre", "Northgate MedTech Alliance"}


KO = _release("k1", "ko", (
    "한빛바이오진흥재단(이사장 김도현)은 지난 14일 서울 코엑스에서 누리의과학연구원(이하 NMRI)과 "
    "바이오헬스 분야 협력을 위한 업무협약을 체결했다고 20일 밝혔다.\n"
    "양 기관은 공동연구와 인력 교류를 추진하기로 했다.\n"
    "앞서 지난해 11월 한빛바이오진흥재단은 별빛대학교와 업무협약을 체결한 바 있다."))


def test_korean_two_parties_day_only_date_signatory_alias() -> None:
    [rec] = _announced(extract(KO))
    assert _names(rec) == {"한빛바이오진흥재단", "누리의과학연구원"}
    nmri = next(p for p in rec.parties if p.name == "누리의과학연구원")
    assert "NMRI" in nmri.forms
    assert rec.signed == "2024-05-14"  # "지난 14일", not the announcement day "20일 밝혔다"
    assert rec.extra.get("announced") == "2024-05-20"
    assert ("김도현", "이사장") in {(s.name, s.title) for s in rec.signatories}
    assert rec.place == "서울 코엑스"


def test_korean_earlier_agreement_is_mentioned() -> None:
    [earlier] = [r for r in extract(KO) if r.mentioned]
    assert _names(earlier) == {"한빛바이오진흥재단", "별빛대학교"}
    assert earlier.signed == "2023-11"


def test_korean_topic_and_list_of_partners() -> None:
    rel = _release("k2", "ko", "가람테크노파크와 솔빛병원, 다온제약은 3일 스마트 헬스케어 육성을 위한 "
                   "업무협약을 맺었다.", date="2024-07-03")
    [rec] = extract(rel)
    assert _names(rec) == {"가람테크노파크", "솔빛병원", "다온제약"}
    assert rec.signed == "2024-07-03"


JA = _release("j1", "ja", (
    "2024年5月16日、みなと創薬パーク株式会社(以下、MSP)は、ノルド医科大学と連携協定を締結しました。\n"
    "本協定は、両者の共同研究と人材育成を目的としています。"))


def test_japanese_two_parties_date_alias() -> None:
    [rec] = extract(JA)
    assert _names(rec) == {"みなと創薬パーク", "ノルド医科大学"}
    msp = next(p for p in rec.parties if p.name == "みなと創薬パーク")
    assert "MSP" in msp.forms and "みなと創薬パーク株式会社" in msp.forms
    assert rec.signed == "2024-05-16"
    assert rec.scope and "目的" in rec.scope


def test_japanese_today_and_earlier_clause() -> None:
    rel = _release("j2", "ja", "しらさぎ市とカナエ工業は、2019年4月1日に包括協定を締結しておりましたが、本日、"
                   "新たに研究拠点に関する覚書を取交わしました。", date="2024-06-30")
    [rec] = extract(rel)
    assert _names(rec) == {"しらさぎ市", "カナエ工業"}
    assert rec.signed == "2024-06-30" and not rec.mentioned and rec.kind == "mou"


def test_no_partnership_no_record() -> None:
    rel = _release("n1", "en", "The cluster hosted 400 visitors. Its startups raised funds in 2023.")
    assert extract(rel) == []


def test_json_round_trip() -> None:
    records = extract(EN) + extract(KO) + extract(JA)
    again, orgs = from_json(to_json(records))
    assert again == records and orgs == []
