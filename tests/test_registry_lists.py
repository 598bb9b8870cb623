"""Korean and Japanese lists of earlier partners, and an alias in another script inside a
bracket of labelled fields: made-up releases, the registry's extraction and resolution."""

from __future__ import annotations

from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry import build, extract


def _release(rid: str, lang: str, text: str, translation_of: str | None = None,
             publisher: str = "Harubit") -> Release:
    return Release(id=rid, title=text.split("\n")[0], text=text, lang=lang, date="2025-06-02",
                   publisher=publisher, url=None, source=f"{rid}.txt",
                   translation_of=translation_of)


def test_korean_list_of_earlier_partners_gives_one_record_each() -> None:
    text = ("하루빛바이오진흥원, 세나르 헬스와 MOU 체결\n\n하루빛바이오진흥원은 2일 세나르 헬스와 업무협약을 "
            "체결했다고 밝혔다. 진흥원은 지금까지 2018년 3월 누리시, 2020년 다온의료기기협회, "
            "2023년 일본 소라노 메디컬파크와 협약을 맺었다.")
    # "진흥원은 …": the bare type word is the publisher
    mentioned = [r for r in extract(_release("k1", "ko", text, publisher="하루빛바이오진흥원"))
                 if r.mentioned]
    assert [(r.signed, r.parties[1].name) for r in mentioned] == [
        ("2018-03", "누리시"), ("2020", "다온의료기기협회"), ("2023", "소라노 메디컬파크")]
    assert all(r.parties[0].name == "하루빛바이오진흥원" for r in mentioned)


def test_japanese_name_in_a_korean_bracket_is_an_alias() -> None:
    ko = ("소라노 메디컬파크, 하루빛바이오진흥원과 MOU\n\n소라노 메디컬파크(空野メディカルパーク, 소재지: "
          "미나토현, 소장: 김하나, 이하 '소라노 MP')는 하루빛바이오진흥원과 양해각서를 체결했습니다.")
    ja = ("空野メディカルパーク、ハルビット・バイオ振興院と覚書\n\n空野メディカルパークは、"
          "ハルビット・バイオ振興院と覚書を締結しました。")
    releases = [_release("a", "ko", ko, "b"), _release("b", "ja", ja, "a")]
    (rec,) = [r for r in extract(releases[0]) if not r.mentioned]
    park_mention = next(p for p in rec.parties if p.name == "소라노 메디컬파크")
    assert "空野メディカルパーク" in park_mention.forms
    orgs, _ = build(releases)
    park = next(o for o in orgs if "空野メディカルパーク" in o.forms)
    assert "소라노 메디컬파크" in park.forms and park.releases == ("a", "b")
    # the translation's other party is the same body, written in katakana
    agency = next(o for o in orgs if "하루빛바이오진흥원" in o.forms)
    assert "ハルビット・バイオ振興院" in agency.forms
