"""Release dates in the formats English, Korean and Japanese releases use."""

import pytest

from partnerbot.corpus.language.dates import find_dates, infer_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HARBOURTON, November 21, 2023 - ACME-J announced", "2023-11-21"),
        ("Harbourton, 21 November 2023: today", "2023-11-21"),
        ("Nov. 21, 2023", "2023-11-21"),
        ("Sept. 3, 2021", "2021-09-03"),
        ("NOVEMBER 1ST, 2022", "2022-11-01"),
        ("Posted 2023-11-09T10:00:00+09:00", "2023-11-09"),
        ("2023/11/09", "2023-11-09"),
        ("2023.11.09", "2023-11-09"),
        ("2023. 11. 9.", "2023-11-09"),
        ("'23.11.9(목) 14:30", "2023-11-09"),
        ("‘23.11.9", "2023-11-09"),
        ("2024.01.25 06:01 댓글쓰기", "2024-01-25"),
        ("2023年11月9日", "2023-11-09"),
        ("２０２３年１１月９日（木）", "2023-11-09"),
        ("令和5年11月9日", "2023-11-09"),
        ("令和元年5月1日", "2019-05-01"),
        ("2023년 11월 9일", "2023-11-09"),
        ("2023년11월9일", "2023-11-09"),
        # year-less dates borrow a year only from a nearby full date in the same document
        ("보도시점 11. 9.(목) 14:30\n...\n일시: '23.11.9(목)", "2023-11-09"),
        ("배포 12. 30.(금)\n행사: 2024. 1. 5.", "2023-12-30"),
        ("11月9日発表\n2023年11月1日に締結", "2023-11-09"),
        # never invented
        ("Harbourton, November 21- Calder cPark was established in 2018.", None),
        ("보도시점 11. 9.(목) 14:30", None),
        ("Dateline June 3. Founded on January 3, 2005.", "2005-01-03"),
        ("in May 2016 and June 2017", None),
        ("2023-02-30 is not a day", None),
        ("version 1.2.3 and phone 044-204-7104", None),
        ("you may 5 times", None),
        ("", None),
    ],
)
def test_infer_date(text: str, expected: str | None) -> None:
    assert infer_date(text) == expected


def test_dateline_at_top_wins_over_body_dates() -> None:
    text = "Harbourton, 2024.01.25\n\nThe MOU became effective on February 5, 2020."
    assert infer_date(text) == "2024-01-25"


def test_yearless_dateline_far_from_any_full_date_is_skipped() -> None:
    # "June 3" is five months from the only full date; the body date is used instead.
    text = "Dateline June 3.\nFounded on January 3, 2005."
    matches = find_dates(text)
    assert [m.year for m in matches] == [None, 2005]
    assert infer_date(text) == "2005-01-03"


def test_overlapping_patterns_yield_one_match() -> None:
    assert len(find_dates("2023. 11. 9.(목)")) == 1
    assert len(find_dates("2023년 11월 9일")) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-09", "2023-11-09"),
        ("2023-11-09T23:59:00Z", "2023-11-09"),
        ("Nov 9, 2023", "2023-11-09"),
        ("2023.11.9", "2023-11-09"),
        ("soon", None),
        ("2023-13-01", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected
