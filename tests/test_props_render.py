"""Hostile answers through the Slack and Telegram renderers, hostile events through the
translators (property-based).

Slack: every message is Block Kit that Slack accepts (a validator of the limits it enforces
below), all text from data is escaped mrkdwn, and nothing from data can ping anyone.
Telegram: every message is Telegram HTML that the Bot API accepts (only its tags, properly
nested, valid entities, at most 4096 UTF-16 units), no user or release text is unescaped and no
quoted word is lost. Translators never raise and hand the engine clean text.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from telegram import Message

from partnerbot.adapters.slack import render as slack
from partnerbot.adapters.slack.translate import event_to_question, parse_command, unwrap_markup
from partnerbot.adapters.telegram import render as tgr
from partnerbot.adapters.telegram.handlers import feedback_keyboard, pager
from partnerbot.adapters.telegram.translate import BotIdentity, to_question
from partnerbot.bot.types import Answer, Citation, Question, Quote, ReleaseInfo
from tests.fakes import telegram_api as tg

SCALE = int(os.environ.get("PROPS_SCALE", "1"))
PROPS = settings(deadline=None, max_examples=60 * SCALE,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEAVY = settings(PROPS, max_examples=35 * SCALE)  # answers of up to ~100 kB each

# -- hostile answers ------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@devs>", "<@U123ABC>", "<@W1|bob>",
    "<#C1|general>", "<http://x|y>", "<https://evil.example|click>", "@channel", "@here",
    "@everyone", "@Channel", "＠channel", "@\u2060here", "&", "&amp;", "&lt;", "&#60;", "&gt",
    "<", ">", "<<>>", "|", "*bold*", "_it_", "~s~", "`code`", "```pre```", "> quote", "\n",
    "\r\n", "\t", "<b>", "</b>", "<a href='x'>", "</a>", "<blockquote>", "<tg-spoiler>",
    "<script>alert(1)</script>", '"', "'", "\x00", "\x1b", "\u202e", "\u200b", "🧬", "👩‍🔬",
    "한국어", "日本語", "e\u0301", "\ud7a3", "x" * 300, "가" * 200, " " * 50,
])
hostile = st.lists(_FRAGMENTS | st.text(max_size=20), max_size=25).map("".join)
long_hostile = hostile | st.builds(lambda t, n: t * n, hostile, st.integers(1, 150))
urls = st.none() | st.sampled_from([
    "https://www.link-j.org/en/news/post-2999.html", "https://x.org/?a=1&b=<2>",
    "http://x.org/a|b", "https://x.org/a b", "javascript:alert(1)", "JAVASCRIPT:x", "ftp://x",
    "https://x.org/\"><script>", "https://x.org/<!channel>", "//x.org", "", "https://",
    "https://x.org/" + "a" * 3000, "HTTPS://X.ORG/UP", "https://x.org/\n<@U1>",
]) | hostile


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    k = draw(st.integers(0, 25))
    citations = tuple(
        Citation(n=i + 1, doc_id=draw(hostile), title=draw(long_hostile),
                 publisher=draw(st.none() | hostile), date=draw(st.none() | hostile),
                 url=draw(urls), source=draw(hostile), lang=draw(st.sampled_from(["en", "ko"])))
        for i in range(k))
    quotes = tuple(
        Quote(n=draw(st.integers(1, max(k, 1))), text=text, doc_id="x", start=0, end=1,
              span=draw(spans(text)))
        for text in draw(st.lists(long_hostile, max_size=60)))
    return Answer(
        kind=draw(st.sampled_from(["answer", "abstain", "help", "too_long", "error"])),
        text=draw(long_hostile), lang=draw(st.sampled_from(["en", "ko", "ja", "xx"])),
        quotes=quotes, citations=citations, sources_heading=draw(hostile),
        examples=tuple(draw(st.lists(long_hostile, max_size=8))),
        answer_span=draw(st.none() | long_hostile))


def spans(text: str) -> st.SearchStrategy[tuple[int, int] | None]:
    """No span, a span inside `text`, or a broken one (out of range, reversed, empty)."""
    inside = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(
        lambda ab: (min(ab), max(ab)))
    broken = st.tuples(st.integers(-5, len(text) + 5), st.integers(-5, len(text) + 5))
    return st.none() | inside | broken


questions = st.builds(Question, text=long_hostile, user_id=st.none() | hostile,
                      request_id=hostile | st.just("abc123def456"))


# -- Slack: a validator of what Block Kit accepts --------------------------------------------

_LINK = re.compile(r"<(https?://[^\s<>|]+)\|([^<>]*)>")
_ENTITY_OK = re.compile(r"&(?:amp|lt|gt);")
_BROADCAST_WORD = re.compile(r"(?<![\w\u2060])@(channel|here|everyone)\b", re.I)
_TEXT_TYPES = {"mrkdwn", "plain_text"}


def check_mrkdwn(text: str) -> None:
    """Escaped per Slack's rules: `<` and `>` only in our `<url|label>` links, `&` only in
    `&amp;`/`&lt;`/`&gt;`; no special mention can be formed and no broadcast word pings."""
    assert isinstance(text, str)
    links = list(_LINK.finditer(text))
    bare = re.sub(r"(?m)^>", "", _LINK.sub("", text))  # our own "> " quote markup
    assert "<" not in bare and ">" not in bare, text
    for m in links:
        url, label = m.groups()
        assert not url.startswith(("http://<", "https://<"))
        assert "&" not in _ENTITY_OK.sub("", url), url
        assert "&" not in _ENTITY_OK.sub("", label), label
    assert "&" not in _ENTITY_OK.sub("", bare), text
    assert not re.search(r"<[!@#]", text)
    assert not _BROADCAST_WORD.search(html.unescape(text)), text


def check_text_object(obj: dict[str, Any], limit: int, plain_only: bool = False) -> None:
    assert obj["type"] in ({"plain_text"} if plain_only else _TEXT_TYPES)
    assert isinstance(obj["text"], str) and 0 < len(obj["text"]) <= limit
    if obj["type"] == "mrkdwn":
        check_mrkdwn(obj["text"])
    else:
        assert not re.search(r"<[!@#]", obj["text"])


def check_block_kit(msg: slack.SlackMessage) -> None:
    assert isinstance(msg.text, str) and msg.text.strip(), "fallback text is required"
    assert len(msg.text) <= 40_000
    check_mrkdwn(msg.text)
    assert 0 < len(msg.blocks) <= 50
    block_ids = [b["block_id"] for b in msg.blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in msg.blocks:
        kind = block["type"]
        assert kind in {"section", "actions", "context", "header", "divider"}
        assert len(block.get("block_id", "")) <= 255
        if kind == "section":
            check_text_object(block["text"], 3000)
            assert set(block) <= {"type", "text", "block_id", "fields", "accessory"}
            if "accessory" in block:  # a translate link: a URL button
                check_button(block["accessory"])
        elif kind == "header":
            check_text_object(block["text"], 150, plain_only=True)
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            for e in block["elements"]:
                check_text_object(e, 3000)
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            action_ids = [e["action_id"] for e in block["elements"]]
            assert len(action_ids) == len(set(action_ids))
            for e in block["elements"]:
                check_button(e)


def check_button(e: dict[str, Any]) -> None:
    assert e["type"] == "button"
    check_text_object(e["text"], 75, plain_only=True)
    assert 0 < len(e["action_id"]) <= 255
    assert len(e.get("value", "")) <= 2000
    assert len(e.get("url", "")) <= 3000
    if "url" in e:
        assert re.match(r"https://[a-z.]+/\S*$", e["url"]), e["url"]


@HEAVY
@example(answer=Answer(kind="answer", text="<!channel> @here &", lang="en",
                       citations=(Citation(1, "d", "<@U1> t", "@everyone", None,
                                           "https://x.org/?a=1&b=2", "s", "en"),)),
         question=Question("<!here>"))
@given(answer=answers(), question=st.none() | questions)
def test_slack_answer_is_valid_block_kit_and_never_pings(answer: Answer,
                                                         question: Question | None) -> None:
    msg = slack.render_answer(answer, question)
    check_block_kit(msg)
    if question is not None and answer.kind in ("answer", "abstain"):
        ref = slack.parse_feedback_value(msg.blocks[-1]["elements"][0]["value"])
        ids = tuple(c.doc_id for c in answer.citations[:20])
        assert ref.release_ids == ids[: len(ref.release_ids)]
        if sum(len(i) + 3 for i in ids) < 1800:  # ids of ordinary length are all kept
            assert ref.release_ids == ids
        assert ref.request_id == question.request_id[:100]


@PROPS
@given(text=long_hostile)
def test_slack_own_text_is_valid_block_kit(text: str) -> None:
    check_block_kit(slack.render_text(text or "x"))


# -- Telegram: a validator of what the Bot API accepts ---------------------------------------

_TG_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
            "blockquote", "tg-spoiler", "span", "tg-emoji"}
_TG_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_TG_TAG = re.compile(r"</?([a-z-]+)(?:\s[^<>]*)?>")


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in _TG_TAGS, tag
        names = [a for a, _ in attrs]
        if tag == "a":
            assert names == ["href"], attrs
            href = attrs[0][1] or ""
            assert re.match(r"https?://[^/\s]\S*$", href, re.I), href
        elif tag == "span":
            assert attrs == [("class", "tg-spoiler")], attrs
        elif tag in ("code", "pre"):
            assert all(a == "class" for a in names)
        else:
            assert not attrs, (tag, attrs)
        assert tag not in self.stack or tag == "span", f"<{tag}> nested in itself"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_data(self, data: str) -> None:
        self.visible.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError("comment")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError("declaration")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError("declaration")

    def handle_pi(self, data: str) -> None:
        raise AssertionError("processing instruction")


def check_telegram_html(message: str) -> str:
    """Assert `message` is HTML the Bot API accepts; return its visible text."""
    assert message.strip(), "Telegram refuses an empty message"
    assert tgr.tg_len(message) <= 4096
    message.encode("utf-8")
    for m in re.finditer("&", message):
        assert _TG_ENTITY.match(message, m.start()), message[m.start():m.start() + 12]
    for m in re.finditer("<", message):
        tag = _TG_TAG.match(message, m.start())
        assert tag and tag.group(1) in _TG_TAGS, message[m.start():m.start() + 30]
    assert ">" not in _TG_TAG.sub("", message)
    parser = _TelegramHTML()
    parser.feed(message)
    parser.close()
    assert parser.stack == [], f"unclosed {parser.stack}"
    visible = "".join(parser.visible)
    assert visible.strip(), f"no visible text: {message!r}"
    return visible


@HEAVY
@example(answer=Answer(kind="answer", text="<b>x</b> & <!channel>", lang="en",
                       quotes=(Quote(1, "</blockquote><script>", "d", 0, 1),),
                       citations=(Citation(1, "d", "<i>t", None, None,
                                           'https://x.org/"><b>', "s", "en"),)), limit=4096)
@example(answer=Answer(kind="help", text="x", lang="en"), limit=64)
@given(answer=answers(), limit=st.sampled_from([4096, 4096, 200, 64]))
def test_telegram_answer_is_valid_html_and_loses_no_word(answer: Answer, limit: int) -> None:
    messages = tgr.render_answer(answer, limit=limit)
    assert messages
    visible = ""
    for message in messages:
        assert tgr.tg_len(message) <= limit
        visible += check_telegram_html(message) + "\n"
    # every quote, in order; splitting a long one may only add line breaks and spaces
    flat = "".join(visible.split())
    pos = 0
    for q in answer.quotes:
        found = flat.find("".join(q.text.split()), pos)
        assert found >= 0, q.text[:80]
        pos = found


@PROPS
@given(releases=st.lists(st.builds(ReleaseInfo, doc_id=hostile, title=long_hostile,
                                   publisher=st.none() | hostile, date=st.none() | hostile,
                                   lang=hostile, url=urls, source=hostile), max_size=30),
       page=st.integers(-5, 50), lang=st.sampled_from(["en", "ko", "ja", "xx"]))
def test_telegram_sources_pages_are_valid_html(releases: list[ReleaseInfo], page: int,
                                               lang: str) -> None:
    text, shown, pages = tgr.render_sources(releases, page, lang)
    check_telegram_html(text)
    assert 0 <= shown <= max(pages - 1, 0)
    markup = pager(shown, pages)
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            assert len(str(button.callback_data).encode()) <= 64


@PROPS
@given(question=questions)
def test_telegram_feedback_buttons_fit_callback_data(question: Question) -> None:
    fresh = Question(question.text)  # the request id the adapters really use
    for row in feedback_keyboard(fresh.request_id).inline_keyboard:
        for button in row:
            assert 0 < len(str(button.callback_data).encode()) <= 64


# -- translators ------------------------------------------------------------------------------

ME = BotIdentity(id=tg.BOT_ID, username=tg.BOT_USERNAME)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile, inner, max_size=3),
    max_leaves=6)


def check_question(q: Question | None) -> None:
    if q is None:
        return
    assert isinstance(q.text, str) and q.text.strip()
    q.text.encode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", q.text), q.text


@PROPS
@example(event={"type": "message", "user": "U1", "text": "<@UBOT> \ud800 hi \x00"})
@given(event=st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "app_mention"])},
    optional={"text": long_hostile | _json_values, "user": st.sampled_from(["U1", "UBOT", ""])
              | _json_values, "subtype": st.none() | st.sampled_from(
                  ["file_share", "bot_message", "message_changed", "thread_broadcast"]),
              "bot_id": st.none() | hostile, "ts": hostile, "thread_ts": hostile}))
def test_slack_events_become_clean_questions_or_none(event: dict[str, Any]) -> None:
    q = event_to_question(event, "UBOT")
    check_question(q)
    if q is not None:
        assert "<@UBOT>" not in q.text


@PROPS
@given(payload=st.fixed_dictionaries({}, optional={"text": long_hostile | _json_values,
                                                   "user_id": _json_values}))
def test_slack_commands_never_raise(payload: dict[str, Any]) -> None:
    command = parse_command(payload)
    assert command.kind in ("ask", "help", "reindex", "status")
    assert (command.question is not None) == (command.kind == "ask")
    check_question(command.question)


@PROPS
@given(text=long_hostile)
def test_unwrap_markup_leaves_no_slack_markup(text: str) -> None:
    text = text.replace("\u2060", "")
    out = unwrap_markup(slack.escape(text)).replace("\u2060", "")  # as Slack sends it
    assert out == "\n".join(line for line in (" ".join(
        re.sub(r"[ \t]+", " ", line).split(" ")).strip() for line in text.splitlines()) if line)


@st.composite
def telegram_messages(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(st.one_of(long_hostile, st.builds(lambda a, b: f"{a}@{tg.BOT_USERNAME}{b}",
                                                  hostile, hostile),
                          st.builds(lambda a: f"/ask@{tg.BOT_USERNAME} {a}", hostile)))
    data = tg.message(text, chat_type=draw(st.sampled_from(["private", "group", "supergroup"])),
                      chat_id=-100 if draw(st.booleans()) else 42)
    if draw(st.booleans()):  # entities a client did not compute: any offsets at all
        data["entities"] = [
            {"type": draw(st.sampled_from(["mention", "bot_command", "bold", "url"])),
             "offset": draw(st.integers(0, 60)), "length": draw(st.integers(1, 60))}
            for _ in range(draw(st.integers(0, 3)))]
    return data


@PROPS
@example(data={**tg.message("@" + tg.BOT_USERNAME + "🧬 hi", chat_type="group", chat_id=-1),
               "entities": [{"type": "mention", "offset": 0,
                             "length": len(tg.BOT_USERNAME) + 2}]})
@given(data=telegram_messages())
def test_telegram_messages_become_clean_questions_or_none(data: dict[str, Any]) -> None:
    message = Message.de_json(data, None)
    assert message is not None
    q = to_question(message, ME)
    check_question(q)


# -- regressions for what the properties found ------------------------------------------------

_CITE = Citation(1, "d", "Title", "Pub", "2024-01-01", "https://x.org/r", "d.txt", "en")


def test_slack_feedback_value_with_long_release_ids_fits_and_terminates() -> None:
    """Found: twenty release ids of 200 characters (long file names) made feedback_value loop
    forever, cutting a question that was already empty."""
    cites = tuple(Citation(i + 1, f"{i:02d}" + "x" * 200, "T", None, None, None, "s", "en")
                  for i in range(20))
    answer = Answer(kind="answer", text="lead", lang="en", citations=cites)
    value = slack.feedback_value(answer, Question("q" * 5000))
    ref = slack.parse_feedback_value(value)
    assert len(value) <= 2000 and 0 < len(ref.release_ids) < 20
    assert ref.release_ids == tuple(c.doc_id for c in cites[: len(ref.release_ids)])


def test_slack_source_line_never_clips_through_a_link() -> None:
    """Found: a 3000-character URL was clipped mid-link, leaving a dangling `<https://...`."""
    for c in (Citation(1, "d", "T", None, None, "https://x.org/" + "a" * 3000, "d.txt", "en"),
              Citation(1, "d", "T" * 5000, "P" * 5000, None, "https://x.org/r", "d.txt", "en")):
        msg = slack.render_answer(Answer(kind="answer", text="lead", lang="en", citations=(c,)))
        check_block_kit(msg)


def test_slack_blank_text_and_hostless_links() -> None:
    """Found: a blank lead gave a blank section and fallback (Slack refuses both); "https://"
    became the link `<https://|>`; an upper-case scheme was not linked by Slack."""
    c = Citation(1, "d", "", None, None, "https://", "d.txt", "en")
    msg = slack.render_answer(Answer(kind="answer", text="\n", lang="en", citations=(c,)))
    check_block_kit(msg)
    assert msg.blocks[0]["text"]["text"] == "…"
    assert "<https://|" not in str(msg.blocks) and "*d.txt*" in str(msg.blocks)
    check_block_kit(slack.render_text("\n"))
    up = Citation(1, "d", "T", None, None, "HTTPS://X.ORG/UP", "d.txt", "en")
    assert slack.source_line(up) == "[1] <https://X.ORG/UP|T>"


def test_telegram_whitespace_run_longer_than_a_message_is_not_a_message() -> None:
    """Found: a quote holding a long run of line breaks became a message of nothing but a
    blank `<blockquote>`, which Telegram refuses."""
    answer = Answer(kind="answer", text="lead", lang="en",
                    quotes=(Quote(1, "a" + "\n" * 5000 + "b", "d", 0, 1),), citations=(_CITE,))
    for message in tgr.render_answer(answer, limit=200):
        check_telegram_html(message)


def test_telegram_empty_title_and_hostless_link() -> None:
    c = Citation(1, "d", " ", None, None, "https://", "d.txt", "en")
    html_text = tgr.citation_block(c).render()
    assert html_text == "[1] <b>…</b>"
    assert tgr.citation_block(_CITE).render() == (
        '[1] <a href="https://x.org/r">Title</a> — Pub, 2024-01-01')


def test_telegram_mention_entity_splitting_a_character_does_not_raise() -> None:
    """Found: a mention entity ending inside an emoji's surrogate pair raised
    UnicodeDecodeError out of to_question (python-telegram-bot's parse_entities)."""
    data = {**tg.message(f"@{tg.BOT_USERNAME}🧬 who signed?", chat_type="group", chat_id=-1),
            "entities": [{"type": "mention", "offset": 0, "length": len(tg.BOT_USERNAME) + 2}]}
    for chat in ({"id": -1, "type": "group", "title": "g"},
                 {"id": 42, "type": "private", "first_name": "Mina"}):
        q = to_question(Message.de_json({**data, "chat": chat}, None), ME)
        assert q is not None and q.text == "who signed?"  # the broken half is dropped


def test_translators_drop_control_characters_and_lone_surrogates() -> None:
    """Found: "\\x00" and "\\ud800" reached the Question (and from there the embedder, the logs
    and the Slack feedback button)."""
    q = event_to_question({"type": "message", "user": "U1", "text": "<@UBOT> \ud800hi\x00 there"},
                          "UBOT")
    assert q is not None and q.text == "hi there"
    assert parse_command({"text": "\x00"}).kind == "help"
    q = to_question(Message.de_json(tg.message("who\x00 signed\u202e?"), None), ME)
    assert q is not None and q.text == "who signed?"


def test_slack_clip_never_leaves_a_broadcast_word_before_the_ellipsis() -> None:
    """Found (PROPS_SCALE=4): "@everyone한국어" is no broadcast (no word boundary after it),
    but a clip right after "@everyone" made one with the "…"."""
    text = '"@everyone한국어000<script>alert(1)</script>00000000' * 50
    check_block_kit(slack.render_text(text))
