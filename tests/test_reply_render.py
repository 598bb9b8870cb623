"""The answer first and highlighted in its quote, and translate links, in every renderer
(Slack Block Kit, Telegram HTML, the terminal): pure functions, made-up releases."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerbot.adapters.common.translate_link import translate_links, translate_url
from partnerbot.adapters.slack import render as slack
from partnerbot.adapters.telegram import render as tgr
from partnerbot.adapters.telegram.handlers import TRANSLATE_URL_LIMIT, feedback_keyboard
from partnerbot.bot.reply_text import highlighted_lines, plain_reply
from partnerbot.bot.types import Answer, Citation, Question, Quote

KO_TEXT = "벨라온바이오는 2021년 3월 4일 한빛시와 업무협약을 체결했다."
EN_TEXT = "Verdant Cells & <Co> signed the agreement on March 4, 2021 in Hanbit City."
KO = Citation(1, "k1", "벨라온바이오, 한빛시와 협약", "벨라온바이오", "2021-03-05", "https://ko.example/1",
              "k1.txt", "ko")
EN = Citation(2, "e1", "Verdant Cells signs with Hanbit", "Verdant Cells", "2021-03-05",
              "https://en.example/1", "e1.txt", "en")


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _answer(lang: str = "en", answer_span: str | None = "March 4, 2021") -> Answer:
    return Answer(kind="answer", text="Here is what the releases say:", lang=lang,
                  quotes=(Quote(2, EN_TEXT, "e1", 0, 10, span=_span(EN_TEXT, "March 4, 2021")),
                          Quote(1, KO_TEXT, "k1", 0, 10, span=_span(KO_TEXT, "2021년 3월 4일"))),
                  citations=(KO, EN), answer_span=answer_span)


def _sections(msg: slack.SlackMessage) -> list[str]:
    return [b["text"]["text"] for b in msg.blocks if b["type"] == "section"]


# -- the answer first -------------------------------------------------------------------------

def test_slack_leads_with_the_answer_bold_and_bolds_it_in_the_escaped_quote() -> None:
    msg = slack.render_answer(_answer(), Question("When did Verdant Cells sign?"))
    texts = _sections(msg)
    assert texts[0] == "\u200b*March 4, 2021*\u200b"
    assert texts[1] == ("> Verdant Cells &amp; &lt;Co&gt; signed the agreement on "
                        "\u200b*March 4, 2021*\u200b in Hanbit City. [2]")
    assert texts[2] == "> 벨라온바이오는 \u200b*2021년 3월 4일*\u200b 한빛시와 업무협약을 체결했다. [1]"


def test_slack_without_a_span_keeps_the_lead_and_plain_quotes() -> None:
    answer = _answer(answer_span=None)
    answer = Answer(**{**answer.__dict__, "quotes": tuple(
        Quote(q.n, q.text, q.doc_id, 0, 1) for q in answer.quotes)})
    texts = _sections(slack.render_answer(answer))
    assert texts[0] == "Here is what the releases say:"
    assert "*" not in texts[1] and texts[1].startswith("> Verdant Cells &amp;")


def test_slack_never_bolds_text_holding_a_star() -> None:
    text = "Signed on *March 4*, 2021."
    answer = Answer(kind="answer", text="lead", lang="en", answer_span="*March 4*",
                    quotes=(Quote(1, text, "e1", 0, 1, span=_span(text, "*March 4*")),),
                    citations=(EN,))
    texts = _sections(slack.render_answer(answer))
    assert texts[0] == "*March 4*"  # as written, unformatted: no `**March 4**` mess
    assert texts[1] == "> Signed on *March 4*, 2021. [1]"


def test_telegram_leads_with_the_answer_bold_and_bolds_it_in_the_quote() -> None:
    [html_text] = tgr.render_answer(_answer())
    lines = html_text.splitlines()
    assert lines[0] == "<b>March 4, 2021</b>"
    assert ("<blockquote>Verdant Cells &amp; &lt;Co&gt; signed the agreement on "
            "<b>March 4, 2021</b> in Hanbit City. [2]</blockquote>") in html_text
    assert "<blockquote>벨라온바이오는 <b>2021년 3월 4일</b> 한빛시와" in html_text
    assert "Here is what" not in html_text


def test_telegram_quote_too_long_for_a_message_keeps_its_blockquote() -> None:
    text = "word " * 300 + "March 4, 2021 " + "word " * 300
    answer = Answer(kind="answer", text="lead", lang="en", answer_span="March 4, 2021",
                    quotes=(Quote(1, text, "e1", 0, 1, span=_span(text, "March 4, 2021")),),
                    citations=(EN,))
    parts = tgr.render_answer(answer, limit=500)
    quoted = [p for p in parts if "word" in p]
    assert len(quoted) > 2 and all("<blockquote>" in p and "</blockquote>" in p for p in quoted)


def test_plain_reply_marks_the_answer_only_when_asked() -> None:
    answer = _answer()
    plain = plain_reply(answer)
    assert plain.splitlines()[0] == "March 4, 2021"
    assert f'  "{EN_TEXT}" [2]' in plain and "\x1b" not in plain
    bold = plain_reply(answer, lambda s: f"\x1b[1m{s}\x1b[0m")
    assert bold.splitlines()[0] == "\x1b[1mMarch 4, 2021\x1b[0m"
    assert "on \x1b[1mMarch 4, 2021\x1b[0m in Hanbit" in bold
    assert "\x1b[1m2021년 3월 4일\x1b[0m" in bold


def test_highlight_across_a_line_break_and_broken_spans() -> None:
    text = "first line ends here\nsecond line"
    lines = highlighted_lines(text, _span(text, "here\nsecond"))
    assert lines == [[("first line ends ", False), ("here", True)],
                     [("second", True), (" line", False)]]
    for broken in [(5, 2), (-1, 3), (0, 999), (3, 3), (10, 11)]:  # (10, 11) is a space
        assert all(not hit for line in highlighted_lines(text, broken) for _, hit in line)


# -- translate links --------------------------------------------------------------------------

def test_a_quote_in_another_language_gets_a_google_link_in_slack_and_telegram() -> None:
    answer = _answer(lang="en")
    msg = slack.render_answer(answer, Question("When did Verdant Cells sign?"))
    buttons = [b["accessory"] for b in msg.blocks if "accessory" in b]
    assert len(buttons) == 1  # only the Korean quote: the English one needs no translation
    url = buttons[0]["url"]
    parts = urlsplit(url)
    assert parts.netloc == "translate.google.com"
    assert parse_qs(parts.query) == {"sl": ["ko"], "tl": ["en"], "text": [KO_TEXT],
                                     "op": ["translate"]}
    assert buttons[0]["text"]["text"] == "Translate [1]"
    links = translate_links(answer, "google", TRANSLATE_URL_LIMIT)
    rows = feedback_keyboard("abc", links).inline_keyboard
    assert [b.url for b in rows[0]] == [url] and [b.text for b in rows[-1]] == ["👍", "👎"]


def test_korean_asker_gets_a_korean_label_and_deepl_or_papago_urls() -> None:
    answer = _answer(lang="ko")
    [link] = translate_links(answer, "deepl", 3000)
    assert link.label == "번역 [2]"
    assert link.url.startswith("https://www.deepl.com/translator#en/ko/")
    assert unquote(link.url.split("#en/ko/", 1)[1]) == EN_TEXT
    [link] = translate_links(answer, "papago", 3000)
    assert parse_qs(urlsplit(link.url).query) == {"sk": ["en"], "tk": ["ko"], "st": [EN_TEXT]}


def test_off_means_no_link_anywhere() -> None:
    answer = _answer()
    assert translate_links(answer, "off", 3000) == []
    msg = slack.render_answer(answer, Question("q"), translate="off")
    assert not any("accessory" in b for b in msg.blocks)


def test_long_quote_is_cut_between_words_to_fit_the_url_limit() -> None:
    text = " ".join(f"단어{i}" for i in range(2000))
    url = translate_url("google", "ko", "en", text, 2048)
    assert url is not None and len(url) <= 2048
    sent = parse_qs(urlsplit(url).query)["text"][0]
    assert sent.endswith("…") and text.startswith(sent[:-1]) and sent[-2].isdigit()


@settings(max_examples=80, deadline=None)
@given(text=st.text(min_size=1, max_size=3000), service=st.sampled_from(["google", "deepl",
                                                                         "papago"]),
       limit=st.sampled_from([200, 2048, 3000]))
def test_translate_urls_always_fit_and_carry_a_prefix_of_the_quote(text: str, service: str,
                                                                   limit: int) -> None:
    url = translate_url(service, "ja", "en", text, limit)
    if url is None:
        return
    assert len(url) <= limit and re.match(r"https://[a-z.]+/\S*$", url)
    sent = " ".join(text.split())
    if service == "google":
        got = parse_qs(urlsplit(url).query, keep_blank_values=True)["text"][0]
        assert sent.startswith(got.removesuffix("…").rstrip())


def test_translate_setting_is_validated_once_with_its_variable_named() -> None:
    import pytest

    from partnerbot.bot.settings import SettingsError, load_settings

    assert load_settings({}).translate_links == "google"
    assert load_settings({"PARTNERBOT_TRANSLATE_LINKS": "papago"}).translate_links == "papago"
    with pytest.raises(SettingsError, match=r"^PARTNERBOT_TRANSLATE_LINKS must be one of"):
        load_settings({"PARTNERBOT_TRANSLATE_LINKS": "babelfish"})
