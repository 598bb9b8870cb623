"""Admins keep the corpus current from Slack: a file shared in a DM with the bot becomes a
release after the admin confirms (`adapters/common/uploads.py` holds the conversation), and
`/partners remove ID` / `/partners sources [QUERY]` work from any channel.

Registered before the question listeners (bolt runs the first listener that matches), so a
file share or a reply to a waiting upload never reaches the engine as a question. The file
is fetched with `files.info` and its `url_private`, with the bot token, only from Slack's
file host (or the Web API host a test or GovSlack configures), with a timeout and a size cap.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
from typing import Any
from urllib.parse import urlparse

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from partnerbot.adapters.common.announce import Announcer, SubscriptionStore
from partnerbot.adapters.common.chat import is_admin, one_line
from partnerbot.adapters.common.uploads import UploadDesk, removal, report_text, run_removal
from partnerbot.adapters.slack.render import render_text
from partnerbot.adapters.slack.slack_calls import call_slack
from partnerbot.adapters.stores.claims import Claims, MemoryClaims
from partnerbot.adapters.stores.subscriptions import open_subscriptions
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.corpus.sizes import over_limit

log = logging.getLogger("partnerbot.slack.uploads")

COMMAND = "/partners"
FILE_HOSTS = frozenset({"files.slack.com"})
DOWNLOAD_TIMEOUT = 30.0
CORPUS_WORDS = frozenset({"remove", "sources", "report", "announce"})
NOT_ADMIN = "Only admins can add or remove releases or see the report; nothing was written."


class _SameHostsOnly(urllib.request.HTTPRedirectHandler):
    def __init__(self, hosts: frozenset[str]) -> None:
        self._hosts = hosts

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        if urlparse(newurl).netloc not in self._hosts:
            raise OSError(f"refused a redirect away from Slack's file host ({urlparse(newurl).netloc})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, token: str, limit: int, hosts: frozenset[str],
             timeout: float = DOWNLOAD_TIMEOUT) -> bytes:
    """A shared file's bytes; OSError with a one-line reason otherwise."""
    where = urlparse(url)
    if where.scheme not in ("https", "http") or where.netloc not in hosts:
        raise OSError(f"refused to download from {where.netloc or url!r}: not Slack's file host")
    opener = urllib.request.build_opener(_SameHostsOnly(hosts))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with opener.open(request, timeout=timeout) as response:
        data: bytes = response.read(limit + 1)
    if len(data) > limit:
        raise OSError(over_limit(None, limit))
    return data


class SlackUploads:
    """The listeners; `desk` holds the drafts waiting for an admin's reply."""

    def __init__(self, admin: Admin, settings: Settings, progress_interval: float = 2.0,
                 feedback: FeedbackStore | None = None, claims: Claims | None = None) -> None:
        self.admin = admin
        self.feedback = feedback
        # shared by the replicas through Redis when configured, as Telegram's are
        self.subscriptions: SubscriptionStore = open_subscriptions(settings)
        self.claims: Claims = claims if claims is not None else MemoryClaims(ttl=3600.0)
        self.announcer: Announcer | None = None
        self.admins = settings.slack_admins
        self.max_bytes = settings.max_upload_mb * 1024 * 1024
        self.desk = UploadDesk(admin, self.max_bytes, progress_interval)
        self.interval = progress_interval
        base = urlparse(settings.slack_api_url or "").netloc
        self.hosts = FILE_HOSTS | ({base} if base else frozenset())
        self._threads: dict[str, str] = {}  # the DM thread of each waiting upload

    def register(self, app: App) -> None:
        app.event({"type": "message", "subtype": "file_share"})(self.on_file_share)
        app.event("message", matchers=[self._awaits_reply])(self.on_reply)
        app.event("file_shared")(lambda: None)  # the same share arrives as a message event
        app.command(COMMAND, matchers=[self._is_corpus_command])(self.on_command)

        def post(channel: str, text: str) -> object:
            msg = render_text(text)
            return call_slack(app.client.chat_postMessage, channel=channel, text=msg.text,
                              blocks=msg.blocks, unfurl_links=False)

        self.announcer = Announcer(self.admin, self.subscriptions, "slack", post, self.claims)
        if self.subscriptions.targets("slack"):
            self.announcer.start()

    # -- upload in a DM -------------------------------------------------------------------

    def on_file_share(self, event: dict[str, Any], client: WebClient) -> None:
        if event.get("channel_type") != "im" or not event.get("files"):
            return  # files shared in channels are not uploads for the bot
        channel, ts, user = str(event["channel"]), str(event["ts"]), str(event.get("user") or "")
        if not is_admin(user, self.admins, "file upload"):
            self._say(client, channel, ts, NOT_ADMIN)
            return
        shared = event["files"][0]
        try:
            name, data = self._fetch(client, str(shared.get("id") or ""))
        except OSError as exc:
            self._say(client, channel, ts, f"Not added: could not download the file: {one_line(exc)}")
            return
        self._say(client, channel, ts, self.desk.take_file(self._key(channel, user), name, data))
        self._threads[self._key(channel, user)] = ts

    def _fetch(self, client: WebClient, file_id: str) -> tuple[str, bytes]:
        info = call_slack(client.files_info, file=file_id)
        if info is None:
            raise OSError("files.info failed (is the files:read scope granted?)")
        file: dict[str, Any] = info.get("file") or {}
        if int(file.get("size") or 0) > self.max_bytes:
            raise OSError(over_limit(int(file.get("size") or 0), self.max_bytes))
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        hosts = self.hosts | {urlparse(client.base_url).netloc}  # the Web API host in use
        return str(file.get("name") or "upload"), download(url, str(client.token), self.max_bytes,
                                                           hosts)

    def _awaits_reply(self, event: dict[str, Any]) -> bool:
        return (event.get("channel_type") == "im" and not event.get("subtype")
                and not event.get("bot_id")
                and self.desk.waiting(self._key(str(event.get("channel")),
                                                str(event.get("user")))))

    def on_reply(self, event: dict[str, Any], client: WebClient) -> None:
        channel, user = str(event["channel"]), str(event.get("user") or "")
        key = self._key(channel, user)
        thread = self._threads.get(key) or str(event.get("thread_ts") or event["ts"])
        decision = self.desk.answer(key, str(event.get("text") or ""))
        posted = self._say(client, channel, thread, decision.text)
        draft = decision.confirmed
        if draft is None:
            return
        ts = str(posted["ts"]) if posted is not None else None

        def show(text: str) -> None:
            if ts is not None:
                msg = render_text(text)
                call_slack(client.chat_update, channel=channel, ts=ts, text=msg.text,
                           blocks=msg.blocks)

        def work() -> None:
            outcome = render_text(self.desk.run(draft, show))
            if ts is None or call_slack(client.chat_update, channel=channel, ts=ts,
                                        text=outcome.text, blocks=outcome.blocks) is None:
                self._say(client, channel, thread, outcome.text)

        threading.Thread(target=work, daemon=True, name="partnerbot-upload").start()

    # -- /partners remove | sources -------------------------------------------------------

    def _is_corpus_command(self, command: dict[str, Any]) -> bool:
        words = str(command.get("text") or "").split()
        return bool(words) and words[0].lower() in CORPUS_WORDS

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond,
                   client: WebClient) -> None:
        words = str(command.get("text") or "").split()
        user = str(command.get("user_id") or "")
        if words[0].lower() == "sources":
            ack()
            respond(text=self._sources(" ".join(words[1:])), response_type="ephemeral")
            return
        if not is_admin(user, self.admins, f"{COMMAND} {words[0].lower()}"):
            ack(text=NOT_ADMIN)
            return
        if words[0].lower() == "announce" and self.announcer is not None:
            on = words[1:2] != ["off"]
            ack(text=self.announcer.subscribe(str(command.get("channel_id") or user), on))
            return
        if words[0].lower() == "report":
            ack()
            respond(text=report_text(self.feedback, words[1:]), response_type="ephemeral")
            return
        text, doc_id = removal(self.admin, words[1:])
        ack(text=text)
        if doc_id is None:
            return
        channel = str(command.get("channel_id") or user)

        def work() -> None:
            posted = call_slack(client.chat_postMessage, channel=channel, text=text) or \
                call_slack(client.chat_postMessage, channel=user, text=text)
            where = (str(posted["channel"]), str(posted["ts"])) if posted is not None else None

            def show(line: str) -> None:
                if where is not None:
                    msg = render_text(line)
                    call_slack(client.chat_update, channel=where[0], ts=where[1],
                               text=msg.text, blocks=msg.blocks)

            outcome = run_removal(self.admin, doc_id, show, self.interval)
            show(outcome)

        threading.Thread(target=work, daemon=True, name="partnerbot-remove").start()

    def _sources(self, query: str, limit: int = 20) -> str:
        try:
            found = self.admin.sources(query or None)
        except Exception:
            log.exception("sources failed")
            return "Sorry, the list of releases is not available right now."
        if not found:
            return f"No release matches {query!r}." if query else "No releases are indexed."
        head = (f"{len(found)} releases match {query!r}" if query
                else f"The latest of {len(found)} releases") + ":"
        rows = [f"{r.doc_id}  {r.date or '----------'}  {r.lang}  {r.title}"
                for r in found[:limit]]
        more = [f"… and {len(found) - limit} more"] if len(found) > limit else []
        return "\n".join([head, *rows, *more])

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _key(channel: str, user: str) -> str:
        return f"slack:{channel}:{user}"

    @staticmethod
    def _say(client: WebClient, channel: str, thread_ts: str, text: str) -> Any:
        msg = render_text(text)
        return call_slack(client.chat_postMessage, channel=channel, thread_ts=thread_ts,
                          text=msg.text, blocks=msg.blocks, unfurl_links=False)
