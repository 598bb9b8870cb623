"""corpus.language.dates: every date form once, resolved against the release's date."""

from __future__ import annotations

import datetime as dt

import pytest

from partnerbot.corpus.language.dates import (
    first_year,
    has_date,
    mentions,
    resolve,
    without_dates,
    year_range,
)

RELEASE = dt.date(2024, 3, 5)


@pytest.mark.parametrize(("text", "form", "resolved"), [
    ("The MOU was signed on September 18, 2020.", "full", "2020-09-18"),
    ("협약은 2020년 9월 18일 체결됐다.", "full", "2020-09-18"),
    ("令和7年10月7日に協定を締結した。", "full", "2025-10-07"),
    ("signed on February 27 in Seoul", "yearless", "2024-02-27"),
    ("signed on 27 February at the forum", "yearless", "2024-02-27"),
    ("The partnership began in May 2016.", "month_year", "2016-05"),
    ("2016年5月に提携した", "month_year", "2016-05"),
    ("양 기관은 지난 19일 협약을 맺었다.", "day", "2024-02-19"),  # later than the 5th: last month
    ("양 기관은 지난 3일 협약을 맺었다.", "day", "2024-03-03"),
    ("同社は先月23日、覚書を締結した。", "day", "2024-02-23"),
    ("지난해 11월 MOU를 맺었다.", "last_year_month", "2023-11"),
    ("本日、協定を締結しました。", "today", "2024-03-05"),
    ("in 2019 the two agreed", "year", "2019"),
    ("平成30年度の事業", "era_year", "2018"),
])
def test_each_form_is_found_and_resolved(text: str, form: str, resolved: str) -> None:
    found = [m for m in mentions(text) if m.form == form]
    assert len(found) == 1, mentions(text)
    assert resolve(found[0], RELEASE) == resolved


def test_a_relative_date_without_a_release_date_stays_unknown() -> None:
    (m,) = mentions("양 기관은 지난 19일 협약을 맺었다.")
    assert resolve(m, None) is None


def test_the_more_precise_form_wins_where_two_overlap() -> None:
    assert [m.form for m in mentions("2020년 9월 18일")] == ["full"]
    assert [m.form for m in mentions("2020년 9월에")] == ["month_year"]


def test_a_bare_number_is_a_year_but_not_a_cued_one() -> None:
    (bare,) = mentions("Vision 2030 strategy")
    assert bare.form == "year" and not bare.cued
    (cued,) = mentions("since 2021 the cluster")
    assert cued.cued


def test_lower_case_may_is_a_verb() -> None:
    assert not [m for m in mentions("they may 2 times a year") if m.form != "year"]


def test_presence_and_blanking() -> None:
    assert has_date("체결일은 3월 5일이다") and not has_date("113개사가 입주해 있다")
    assert "113" in without_dates("2023년 113개사") and "2023" not in without_dates("2023년 113개사")


def test_question_years() -> None:
    assert year_range("2020~2023년 협약") == ("2020", "2023")
    assert year_range("between 2021 and 2019") is None
    m = first_year("2024年以降の協定")
    assert m is not None and m.year == 2024


def test_every_word_list_is_read_by_the_one_loader() -> None:
    """corpus/language/words.py reads each list of corpus/language/data once; the other
    layers hold no loader of their own."""
    from importlib.resources import files

    from partnerbot.corpus.language.words import lines, sections, word_list

    names = sorted(p.name for p in (files("partnerbot.corpus.language") / "data").iterdir()
                   if p.name.endswith(".txt"))
    assert {"aggregate_cues.txt", "body_suffixes.txt", "general_terms.txt", "glossary.txt",
            "org_words.txt"} <= set(names)
    assert all(lines(n) for n in names)
    assert "university" in word_list("org_words.txt")
    assert "count" in sections("aggregate_cues.txt")


def test_titles_are_one_list_per_language_longest_first() -> None:
    from partnerbot.corpus.language.people import title_pattern, titles

    ko = titles("ko")
    assert ko.index("대표이사") < ko.index("대표")
    assert "partner" in titles("en_beside_name") and "partner" not in titles("en")
    import re

    assert re.fullmatch(title_pattern("en"), "Chief Medical Officer")
    assert re.fullmatch(title_pattern("ja"), "代表取締役社長")
