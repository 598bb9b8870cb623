"""Slack `/partners list NAME`: an organisation's partnerships from the registry, ten to a
message, with a "More" button that posts the next ten.

The button's value carries the name, the next page and the language, so a click needs no
state on the server and works after a restart.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from partnerbot.adapters.common.chat import ui_lang
from partnerbot.adapters.common.partners import Page, Partners, page_of, partners_reply
from partnerbot.adapters.slack.render import SECTION_LIMIT, SlackMessage, clip, escape, source_line
from partnerbot.adapters.slack.slack_calls import call_slack
from partnerbot.bot.messages import message

log = logging.getLogger("partnerbot.slack")

COMMAND = "/partners"
ACTION_MORE = "partners_more"
_LIST = re.compile(r"^\s*list\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def list_name(text: str) -> str | None:
    """NAME of `/partners list NAME` ("" for every partnership), or None for other text."""
    m = _LIST.match(text or "")
    return m.group(1).strip() if m else None


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text or "…", SECTION_LIMIT),
                                        "verbatim": True}}


def render_page(page: Page, name: str, lang: str) -> SlackMessage:
    """Lead and lines in one section, the sources they cite, and "More" when there is more."""
    body = "\n".join([escape(page.lead), *(escape(row) for row in page.rows)])
    blocks = [_section(body)]
    if page.citations:
        lines = [f"*{escape(message('sources', lang))}*", *(source_line(c) for c in page.citations)]
        blocks.append(_section("\n".join(lines)))
    if page.has_more:
        value = json.dumps({"n": name[:500], "p": page.page + 1, "l": lang}, ensure_ascii=False)
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "action_id": ACTION_MORE, "value": value,
            "text": {"type": "plain_text", "text": message("partners_more", lang)}}]})
    return SlackMessage(text=clip(escape(page.lead), 3000), blocks=blocks)


class SlackPartnerPages:
    """Listeners for `/partners list NAME` and its "More" button."""

    def __init__(self, engine: Partners, per_page: int = 10) -> None:
        self.engine = engine
        self.per_page = per_page

    def register(self, app: App) -> None:
        app.command(COMMAND, matchers=[self._is_list])(self.on_command)
        app.action(ACTION_MORE)(self.on_more)

    @staticmethod
    def _is_list(command: dict[str, Any]) -> bool:
        return list_name(str(command.get("text") or "")) is not None

    def message_for(self, name: str, lang: str, page: int) -> SlackMessage:
        answer = partners_reply(self.engine, name, lang)
        return render_page(page_of(answer, page, self.per_page), name, lang)

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        name = list_name(str(command.get("text") or "")) or ""
        lang = ui_lang(name)
        msg = self.message_for(name, lang, 0)
        respond(text=msg.text, blocks=msg.blocks, response_type="in_channel",
                replace_original=False)

    def on_more(self, ack: Ack, body: dict[str, Any], action: dict[str, Any],
                respond: Respond, client: WebClient) -> None:
        """The next page, below the one clicked (in its thread when posted in a channel)."""
        ack()
        try:
            value = json.loads(str(action.get("value") or ""))
            name, page, lang = str(value["n"]), int(value["p"]), str(value["l"])
        except (ValueError, KeyError, TypeError):
            log.warning("'more' click with an unreadable value")
            return
        msg = self.message_for(name, lang, page)
        if body.get("response_url"):
            respond(text=msg.text, blocks=msg.blocks, response_type="in_channel",
                    replace_original=False)
            return
        channel = (body.get("channel") or {}).get("id")
        if channel:
            call_slack(client.chat_postMessage, channel=channel, text=msg.text,
                       blocks=msg.blocks, thread_ts=(body.get("message") or {}).get("ts"))
