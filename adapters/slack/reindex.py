"""`/partners reindex` progress in Slack: one message, edited with `chat.update`.

The job itself (one at a time, throttling, the outcome line) is `adapters/common/reindex.py`;
this is only where its lines appear.
"""

from __future__ import annotations

from slack_sdk import WebClient

from partnerbot.adapters.slack.render import render_text
from partnerbot.adapters.slack.slack_calls import call_slack
from partnerbot.bot.messages import message

PROGRESS_INTERVAL = 2.0  # seconds between edits within a stage: chat.update is rate limited


class SlackProgress:
    """A `ProgressView` in the channel the command came from or, when the bot is not a member
    there, in the admin's DM with the bot. A failed Slack call is logged, never raised."""

    def __init__(self, client: WebClient, channel: str, user_id: str, lang: str) -> None:
        self._client = client
        self._channel = channel
        self._user_id = user_id
        self._lang = lang
        self._ts: str | None = None

    def open(self) -> None:
        msg = render_text(message("reindex_started", self._lang))
        for channel in (self._channel, self._user_id):
            resp = call_slack(self._client.chat_postMessage, channel=channel, text=msg.text,
                              blocks=msg.blocks)
            if resp is not None:
                self._channel, self._ts = str(resp["channel"]), str(resp["ts"])
                return

    def show(self, text: str) -> None:
        if self._ts is None:
            return
        msg = render_text(text)
        call_slack(self._client.chat_update, channel=self._channel, ts=self._ts, text=msg.text,
                   blocks=msg.blocks)

    def finish(self, text: str) -> None:
        msg = render_text(text)
        if self._ts is not None and call_slack(
                self._client.chat_update, channel=self._channel, ts=self._ts, text=msg.text,
                blocks=msg.blocks) is not None:
            return
        call_slack(self._client.chat_postMessage, channel=self._channel if self._ts else
                   self._user_id, text=msg.text, blocks=msg.blocks)
