"""Registry answers that agree with the releases, over a real index (FAISS, BM25, lexicon,
fake embedder) of made-up releases: a stated total leads the count with its quote, a
dateless list of earlier partners is not another partnership, date ranges with months and
days, and one identity service for the forms of a name.

Corpus: Tallow Bio Network (TBN) announces its 5th partner, Quarry Medical Campus, in
English and Korean; an earlier release lists three partners with dates and a dateless
sentence names two of them again.
"""

from __future__ import annotations

import json

import pytest

from partnerbot.bot.partners.answers import answer_aggregate, partner_rows, partners_answer
from partnerbot.bot.question.parsed import parse
from partnerbot.bot.question.terms import forms_of
from partnerbot.retrieval.build import build_index
from partnerbot.retrieval.load import load_index
from partnerbot.retrieval.search import SearchIndex
from tests.conftest import HashEmbedder

RELEASES = {
    "t1": ("en", "2024-09-12", "Tallow Bio Network signs MOU with Quarry Medical Campus",
           "Tallow Bio Network (TBN) signed a memorandum of understanding with Quarry Medical Campus "
           "on September 10, 2024 to share clinical trial sites. This latest agreement makes Quarry "
           "Medical Campus the 5th cooperation partner of TBN.", "t2"),
    "t2": ("ko", "2024-09-12", "탤로우 바이오 네트워크, 쿼리 메디컬 캠퍼스와 협약 체결",
           "탤로우 바이오 네트워크(Tallow Bio Network)는 2024년 9월 10일 쿼리 메디컬 캠퍼스(Quarry "
           "Medical Campus)와 임상시험 기반 공유를 위한 협약을 체결했다고 밝혔다. 이번 협약으로 "
           "쿼리 메디컬 캠퍼스는 5번째 협력 기관이 됐다.", "t1"),
    "t3": ("en", "2023-02-01", "Tallow Bio Network signs MOU with Ashgrove University",
           "Tallow Bio Network signed an MOU with Ashgrove University on January 30, 2023. "
           "So far, Tallow Bio Network has signed MOUs with the following partners: Brookmill Institute "
           "in March 2021; Cinderford Labs in June 2022. "
           "Tallow Bio Network has already signed MOUs with Brookmill Institute and Cinderford Labs.", None),
}


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = tmp_path_factory.mktemp("counts")
    corpus = root / "corpus"
    corpus.mkdir()
    rows = []
    for rid, (lang, date, title, body, pair) in RELEASES.items():
        (corpus / f"{rid}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        rows.append({"id": rid, "title": title, "publisher": "Tallow Bio Network", "date": date,
                     "lang": lang, "url": f"https://example.org/{rid}",
                     **({"translation_of": pair} if pair else {})})
    (corpus / "docs.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                       encoding="utf-8")
    build_index(corpus, root / "index", [HashEmbedder()])
    return SearchIndex(load_index(root / "index", [HashEmbedder()]), [HashEmbedder()])


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


@pytest.mark.parametrize("question,lang,lead", [
    ("How many partnerships has Tallow Bio Network signed?", "en", "state 5"),
    ("탤로우 바이오 네트워크의 협력 기관은 모두 몇 곳인가요?", "ko", "5건"),
])
def test_count_leads_with_the_total_the_release_states(view: SearchIndex, question: str, lang: str,
                                                       lead: str) -> None:
    answer = answer_aggregate(parse(question, lang, view), view)
    assert answer is not None
    first = answer.text.splitlines()[0]
    assert lead in first  # the release's own figure leads
    assert answer.quotes and ("5th cooperation partner" in answer.quotes[0].text
                              or "5번째 협력 기관" in answer.quotes[0].text)
    quote = answer.quotes[0]
    release_text = view.releases[quote.doc_id].text
    assert release_text[quote.start:quote.end] == quote.text  # verbatim, cited
    # the registry's own list follows, and the reply says it is shorter than the stated total
    assert len(_lines(answer.text)) == 4
    assert "4" in answer.text.splitlines()[1]


def test_translation_and_dateless_repeat_are_one_line_each(view: SearchIndex) -> None:
    answer = partners_answer("Tallow Bio Network", "en", view)
    assert answer is not None
    lines = _lines(answer.text)
    # Quarry (t1 + its translation t2), Ashgrove, Brookmill, Cinderford: no dateless repeat
    assert len(lines) == 4
    quarry = next(line for line in lines if "Quarry" in line or "쿼리" in line)
    assert "[" in quarry and quarry.count("[") == 2  # both releases cited on one line
    assert not any("date not given" in line for line in lines)


def test_date_ranges_with_months_and_days(view: SearchIndex) -> None:
    rows = partner_rows(view, "Tallow Bio Network", "2022-06", "2023-01-30")
    assert rows is not None
    names = {p["name"] for r in rows for p in r["parties"]}
    assert any("Cinderford" in n for n in names) and any("Ashgrove" in n for n in names)
    assert not any("Brookmill" in n or "Quarry" in n for n in names)
    answer = partners_answer("Tallow Bio Network since 2024-09", "ko", view)
    assert answer is not None
    assert "2024년 9월 이후" in answer.text.splitlines()[0]
    assert len(_lines(answer.text)) == 1


def test_one_identity_service_gives_the_forms_of_a_name(view: SearchIndex) -> None:
    forms = view.identity.forms_of("Tallow Bio Network")
    assert "탤로우 바이오 네트워크" in forms and "TBN" in forms
    assert forms_of("Tallow Bio Network", view) == forms  # the answer layer asks the same service
    assert view.identity.org_of("TBN") == view.identity.org_of("탤로우 바이오 네트워크") is not None
