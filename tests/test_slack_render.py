"""Answer → Block Kit: evidence, markers, links, escaping, and Slack's size limits (pure)."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbot.adapters.slack.render import (
    ACTION_DOWN,
    ACTION_UP,
    BUTTON_VALUE_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    clip,
    escape,
    parse_feedback_value,
    render_answer,
    render_text,
)
from partnerbot.bot.types import Answer, Citation, Question, Quote

LINKJ = Citation(n=1, doc_id="003", title="LINK-J Concludes MOU on Mutual Cooperation with "
                 "Kanagawa Prefecture", publisher="LINK-J", date=None,
                 url="https://www.link-j.org/en/news/post-2999.html", source="003.txt", lang="en")
MSS = Citation(n=2, doc_id="001", title="첨단생명공학(바이오) 분야 한·일 협력 본격 추진",
               publisher="중소벤처기업부", date="2023-11-09", url=None, source="001.txt", lang="ko")


def _answer(**kw: object) -> Answer:
    base: dict[str, object] = dict(
        kind="answer", text="Here is what the releases say:", lang="en",
        quotes=(Quote(1, "LINK-J signed an MOU with Kanagawa Prefecture.", "003", 0, 10),
                Quote(2, "MSS signed an MOU with Shonan iPark.", "001", 0, 10)),
        citations=(LINKJ, MSS), retrieved=("003", "001"))
    base.update(kw)
    return Answer(**base)  # type: ignore[arg-type]


def _texts(blocks: list[dict[str, object]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]  # type: ignore[index]


def test_answer_has_quotes_with_markers_and_linked_sources() -> None:
    q = Question("Who did LINK-J sign with?")
    msg = render_answer(_answer(), q)
    texts = _texts(msg.blocks)
    assert texts[0] == "Here is what the releases say:"
    assert texts[1] == "> LINK-J signed an MOU with Kanagawa Prefecture. [1]"
    assert texts[2].endswith("[2]")
    sources = texts[3].splitlines()
    assert sources[0] == "*Sources*"
    assert sources[1] == ("[1] <https://www.link-j.org/en/news/post-2999.html|LINK-J Concludes "
                          "MOU on Mutual Cooperation with Kanagawa Prefecture> — LINK-J")
    # no link: the title, publisher, date and the file it came from
    assert sources[2] == ("[2] *첨단생명공학(바이오) 분야 한·일 협력 본격 추진* — 중소벤처기업부, "
                          "2023-11-09 — 001.txt")
    markers = {int(m) for t in texts[1:3] for m in re.findall(r"\[(\d+)\]$", t)}
    assert markers == {c.n for c in _answer().citations}
    assert "Kanagawa" in msg.text and "[1]" in msg.text  # the notification fallback


def test_feedback_buttons_carry_question_and_release_ids() -> None:
    q = Question("Who did LINK-J sign with?", request_id="req1")
    actions = render_answer(_answer(), q).blocks[-1]
    assert actions["type"] == "actions"
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids == [ACTION_UP, ACTION_DOWN]
    ref = parse_feedback_value(actions["elements"][0]["value"])
    assert (ref.question, ref.release_ids, ref.request_id, ref.lang) == (
        "Who did LINK-J sign with?", ("003", "001"), "req1", "en")


def test_no_buttons_on_help_or_errors_or_without_question() -> None:
    assert all(b["type"] != "actions" for b in render_answer(_answer()).blocks)
    help_ = Answer(kind="help", text="Ask me", lang="en", examples=("Who signed with <!here>?",))
    blocks = render_answer(help_, Question("help")).blocks
    assert all(b["type"] != "actions" for b in blocks)
    assert _texts(blocks)[1] == "• Who signed with &lt;!here&gt;?"


def test_abstention_lists_closest_releases_and_keeps_buttons() -> None:
    ans = Answer(kind="abstain", text="The releases I have don't answer that.", lang="en",
                 citations=(LINKJ,), sources_heading="Closest releases")
    blocks = render_answer(ans, Question("weather?")).blocks
    texts = _texts(blocks)
    assert texts[0].startswith("The releases I have don't")
    assert texts[1].startswith("*Closest releases*\n[1] <https://www.link-j.org")
    assert blocks[-1]["type"] == "actions"


def test_pings_and_markup_from_releases_and_users_are_inert() -> None:
    evil = Citation(n=1, doc_id="x", title="<!channel> <@U123> & co", publisher="@everyone",
                    date=None, url="javascript:alert(1)", source="x.txt", lang="en")
    ans = _answer(text="You asked: <!here> @here", citations=(evil,),
                  quotes=(Quote(1, "Ping <!everyone> and <@U999|bob> @channel", "x", 0, 1),))
    msg = render_answer(ans, Question("<!channel>"))
    # button values are data handed back to us, never displayed
    dumped = "\n".join([*_texts(msg.blocks), msg.text])
    for live in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@U999", "<javascript:"):
        assert live not in dumped
    assert "&lt;!channel&gt;" in dumped and "&lt;@U123&gt; &amp; co" in dumped
    assert not re.search(r"@(here|channel|everyone)\b", dumped)
    assert parse_feedback_value(msg.blocks[-1]["elements"][0]["value"]).question == "<!channel>"
    assert all(b["text"]["verbatim"] for b in msg.blocks if b["type"] == "section")


def test_escape_neutralises_broadcasts_case_insensitively() -> None:
    assert escape("@Channel @HERE @everyone") == "@\u2060Channel @\u2060HERE @\u2060everyone"
    assert escape("mail@herewego.com") == "mail@herewego.com"


def test_clip_never_splits_an_entity() -> None:
    text = escape("a" * 10 + "&" * 10)
    for limit in range(5, 40):
        out = clip(text, limit)
        assert len(out) <= limit
        assert not re.search(r"&[a-z]*…$", out)


def test_render_text() -> None:
    msg = render_text("Reindex failed: <bad> & worse")
    assert msg.text == "Reindex failed: &lt;bad&gt; &amp; worse"
    assert msg.blocks[0]["text"]["text"] == msg.text


_TOKENS = [*"ab <>&@!|*\n한", "@here", "<!channel>", "x" * 500]
_text = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)


@settings(max_examples=60, deadline=None)
@given(lead=_text, quotes=st.lists(_text, max_size=70), titles=st.lists(_text, max_size=30),
       question=_text)
def test_block_kit_limits_hold_for_any_answer(lead: str, quotes: list[str], titles: list[str],
                                              question: str) -> None:
    cites = tuple(Citation(n=i + 1, doc_id=f"{i:03d}", title=t, publisher=None, date=None,
                           url="https://example.org/x?a=1&b=2", source="s.txt", lang="en")
                  for i, t in enumerate(titles))
    ans = Answer(kind="answer", text=lead, lang="en", citations=cites,
                 quotes=tuple(Quote(1, q, "000", 0, 1) for q in quotes))
    msg = render_answer(ans, Question(question or "q"))
    assert len(msg.blocks) <= MAX_BLOCKS
    for b in msg.blocks:
        if b["type"] == "section":
            assert 0 < len(b["text"]["text"]) <= SECTION_LIMIT
            assert "<!" not in b["text"]["text"]
        else:
            for e in b["elements"]:
                assert len(e["value"]) <= BUTTON_VALUE_LIMIT
                assert parse_feedback_value(e["value"]).release_ids == tuple(
                    c.doc_id for c in cites[:20])
    assert "<!" not in msg.text and len(msg.text) <= 3000
    if cites:  # sources are never dropped to make room
        assert f"[{len(cites)}] " in json.dumps(msg.blocks, ensure_ascii=False)
