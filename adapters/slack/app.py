"""The slack-bolt `App`: which Slack events reach the engine, and where the replies go.

Every listener acknowledges first and works after: events are acked by bolt before the
listener runs, commands and button clicks call `ack()` on their first line. Bolt runs
listeners on its own thread pool (`process_before_response=False`), so the HTTP response or
the Socket Mode envelope ack leaves before the engine is even asked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from partnerbot.adapters.common.chat import (
    answer_or_apology,
    help_or_apology,
    is_admin,
    ui_lang,
)
from partnerbot.adapters.common.reindex import ReindexJob
from partnerbot.adapters.slack.log_noise import quiet_bolt
from partnerbot.adapters.slack.pages import SlackPartnerPages
from partnerbot.adapters.slack.quote_translate import translate_quote
from partnerbot.adapters.slack.reindex import PROGRESS_INTERVAL, SlackProgress
from partnerbot.adapters.slack.render import (
    ACTION_DOWN,
    ACTION_TRANSLATE,
    ACTION_UP,
    SlackMessage,
    parse_feedback_value,
    render_answer,
    render_status,
    render_text,
)
from partnerbot.adapters.slack.slack_calls import call_slack, response_url_client, with_retries
from partnerbot.adapters.slack.translate import (
    PLATFORM,
    Command,
    event_to_question,
    is_answerable,
    mentions,
    parse_command,
    thread_of,
)
from partnerbot.adapters.stores.answer_keys import AnswerKeys, Asked, MemoryAnswerKeys
from partnerbot.adapters.stores.claims import Claims, MemoryClaims
from partnerbot.adapters.stores.factory import open_stores
from partnerbot.adapters.stores.redis_feedback import open_feedback
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore, Verdict
from partnerbot.bot.request_context import request_scope
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Answer, Question

log = logging.getLogger("partnerbot.slack")

COMMAND = "/partners"
WORKING_REACTION = "eyes"
EVENT_TTL = 3600.0  # outlasts Slack's retries (three, within about five minutes)
THREAD_TTL = 7 * 24 * 3600.0  # a thread stays "ours" for a week: follow-ups need no mention


class SlackBot:
    """The listeners, holding what they share: engine, feedback store, memory of deliveries
    and of the threads the bot answered in, and the one reindex job."""

    retry_backoff = 0.5  # seconds, doubling: replies to a response_url are retried too

    def __init__(self, engine: Engine, settings: Settings, feedback: FeedbackStore,
                 seen: Claims | None = None, threads: Claims | None = None,
                 reindexer: ReindexJob | None = None,
                 asked: AnswerKeys | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.feedback = feedback
        self.seen: Claims = seen if seen is not None else MemoryClaims(ttl=EVENT_TTL)
        self.threads: Claims = threads if threads is not None else MemoryClaims(ttl=THREAD_TTL)
        # the last question asked in each thread the bot answered in: a follow-up's context
        self.asked: AnswerKeys = asked if asked is not None else MemoryAnswerKeys()
        self.reindexer = (reindexer if reindexer is not None
                          else ReindexJob(engine.admin, min_interval=PROGRESS_INTERVAL))

    def register(self, app: App) -> None:
        app.middleware(self.drop_duplicate_events)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command(COMMAND)(self.on_command)
        app.action(ACTION_UP)(self.on_feedback)
        app.action(ACTION_DOWN)(self.on_feedback)
        app.action(re.compile(f"^{ACTION_TRANSLATE}_"))(self.on_link)
        app.error(self.on_error)

    # -- deliveries -------------------------------------------------------------------------

    def drop_duplicate_events(self, body: dict[str, Any], request: BoltRequest,
                              response: BoltResponse, next: Callable[[], None]) -> BoltResponse:
        """A redelivered event (Slack's retry, or the same event twice) is acked and dropped.

        Retries are deduplicated by `event_id` rather than refused outright: if the first
        delivery never reached this process (a restart), the retry is the only one and must
        still be answered.
        """
        event_id = body.get("event_id")
        if (body.get("type") == "event_callback" and event_id
                and not self.seen.claim("event:" + str(event_id))):
            retry = request.headers.get("x-slack-retry-num", ["0"])[0]
            log.info("duplicate delivery of %s ignored (retry %s)", event_id, retry)
            return BoltResponse(status=200, body="")
        next()
        return response

    def on_mention(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """`@partnerbot question` in a channel: answer in the message's thread."""
        self._answer_message(event, context.bot_user_id, client, in_thread=True)

    def on_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """DMs are always for the bot; in channels only follow-ups in threads it answered in.
        Channel messages that mention the bot are left to `app_mention`."""
        bot = context.bot_user_id
        if not is_answerable(event, bot):
            return
        if event.get("channel_type") == "im":
            self._answer_message(event, bot, client, in_thread=bool(event.get("thread_ts")))
            return
        thread_ts = event.get("thread_ts")
        if (thread_ts and f"{event.get('channel')}:{thread_ts}" in self.threads
                and not mentions(str(event.get("text") or ""), bot)):
            self._answer_message(event, bot, client, in_thread=True)

    def _answer_message(self, event: Mapping[str, Any], bot_user_id: str | None,
                        client: WebClient, in_thread: bool) -> None:
        if not is_answerable(event, bot_user_id) or not event.get("channel") or not event.get("ts"):
            return
        channel, ts = str(event["channel"]), str(event["ts"])
        # app_mention and message.channels both carry a mention in a thread we know.
        if not self.seen.claim(f"msg:{channel}:{ts}"):
            return
        thread_ts = thread_of(event) if in_thread else None
        previous = self.asked.get(f"{channel}:{thread_ts}") if thread_ts else None
        # the pure translation (tested on its own); None for a bare mention
        found = event_to_question(event, bot_user_id)
        text = found.text if found is not None else ""
        question = replace(found or Question(text="", user_id=str(event["user"]),
                                             platform=PLATFORM),
                           context=previous.parties if previous else ())
        with request_scope(question):
            self._call(client.reactions_add, channel=channel, timestamp=ts,
                       name=WORKING_REACTION)
            try:
                if text:
                    answer = self.ask(question)
                    msg = render_answer(answer, question, self.settings.translate_links)
                    if thread_ts and answer.kind in ("answer", "abstain"):
                        self.asked.put(f"{channel}:{thread_ts}", Asked(
                            question=text, request_id=question.request_id,
                            release_ids=tuple(c.doc_id for c in answer.citations),
                            parties=answer.parties))
                else:  # a bare mention: say what the bot can do
                    msg = render_answer(self.help(ui_lang(text)))
                posted = self._call(client.chat_postMessage, channel=channel,
                                    thread_ts=thread_ts, text=msg.text, blocks=msg.blocks,
                                    unfurl_links=False, unfurl_media=False)
                if posted is not None and thread_ts and event.get("channel_type") != "im":
                    self.threads.claim(f"{channel}:{thread_ts}")
            finally:
                self._call(client.reactions_remove, channel=channel, timestamp=ts,
                           name=WORKING_REACTION)

    # -- slash command ----------------------------------------------------------------------

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond,
                   client: WebClient) -> None:
        """`/partners <question>`, `/partners help`, and for admins `reindex` and `status`."""
        cmd = parse_command(command)
        user_id = str(command.get("user_id") or "")
        if (cmd.kind in ("reindex", "status")
                and not is_admin(user_id, self.settings.slack_admins, f"{COMMAND} {cmd.kind}")):
            ack(text=message("admin_only", cmd.lang))
            return
        if cmd.kind == "reindex":
            view = SlackProgress(client, str(command.get("channel_id") or user_id), user_id,
                                 cmd.lang)
            started = self.reindexer.start(view, cmd.lang)
            ack(text=message("reindex_started" if started else "reindex_busy", cmd.lang))
            return
        if cmd.kind == "ask":
            ack(text=message("working", cmd.lang))
        else:
            ack()
        with request_scope(cmd.question) if cmd.question else nullcontext():
            self._respond(respond, self._command_reply(cmd), cmd)

    def _command_reply(self, cmd: Command) -> SlackMessage:
        if cmd.kind == "status":
            try:
                return render_status(self.engine.admin.status(), cmd.lang)
            except Exception:
                log.exception("engine.status failed")
                return render_text(message("error", cmd.lang))
        if cmd.kind == "help" or cmd.question is None:
            return render_answer(self.help(cmd.lang))
        return render_answer(self.ask(cmd.question), cmd.question, self.settings.translate_links)

    def _respond(self, respond: Respond, msg: SlackMessage, cmd: Command) -> None:
        # Answers are for the whole channel (Slack shows the command above them); help and
        # admin output only for the one who asked.
        visibility = "in_channel" if cmd.kind == "ask" else "ephemeral"
        if not respond.response_url:
            log.warning("slash command without a response_url: no reply possible")
            return
        try:
            client = response_url_client(respond.response_url, respond.proxy, respond.ssl,
                                         backoff=self.retry_backoff)
            resp = client.send(text=msg.text, blocks=msg.blocks, response_type=visibility,
                               replace_original=False)
            if resp.status_code != 200:
                self.engine.metrics.error(PLATFORM, "platform_api")
                log.warning("response_url answered HTTP %s: %s", resp.status_code, resp.body)
        except Exception as exc:
            self.engine.metrics.error(PLATFORM, "platform_api")
            log.warning("response_url failed: %s: %s", type(exc).__name__, exc)

    # -- feedback ---------------------------------------------------------------------------

    def on_feedback(self, ack: Ack, body: dict[str, Any], action: dict[str, Any],
                    client: WebClient) -> None:
        """👍/👎: everything needed is in the button value, so no state survives a restart."""
        ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        try:
            ref = parse_feedback_value(str(action.get("value") or ""))
        except ValueError:
            log.warning("feedback click with an unreadable value from %s", user_id)
            return
        verdict: Verdict = "up" if action.get("action_id") == ACTION_UP else "down"
        try:
            self.feedback.record(Feedback(platform=PLATFORM, user_id=user_id, verdict=verdict,
                                          question=ref.question, release_ids=ref.release_ids,
                                          request_id=ref.request_id))
            reply = message("feedback_thanks", ref.lang)
        except Exception:
            log.exception("could not record feedback")
            reply = message("error", ref.lang)
        channel = (body.get("channel") or {}).get("id")
        if channel and user_id:
            thread_ts = (body.get("message") or {}).get("thread_ts")
            self._call(client.chat_postEphemeral, channel=channel, user=user_id,
                       text=render_text(reply).text, thread_ts=thread_ts)

    def on_link(self, ack: Ack, body: dict[str, Any], action: dict[str, Any],
                client: WebClient) -> None:
        """A URL button (translate) opens in the user's client; Slack still reports the click,
        and an unacknowledged click shows the user a warning. With a model configured the
        button carries the quote instead: its translation is posted in the thread."""
        ack()
        if action.get("value") and not action.get("url"):
            translate_quote(self.engine, body, action, client)

    # -- engine -----------------------------------------------------------------------------

    def ask(self, question: Question) -> Answer:
        """The engine's answer, or an apology: never a traceback in a reply."""
        answer = answer_or_apology(self.engine, question, ui_lang(question.text))
        asked = f": {question.text[:200]!r}" if self.settings.log_questions else ""
        log.info("answered %s (%s, %d citations)%s", question.request_id, answer.kind,
                 len(answer.citations), asked)
        return answer

    def help(self, lang: str) -> Answer:
        return help_or_apology(self.engine, lang)

    def _call(self, method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse | None:
        """`call_slack`, counting a failure as a platform API error."""
        response = call_slack(method, **kwargs)
        if response is None:
            self.engine.metrics.error(PLATFORM, "platform_api")
        return response

    def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Last resort for anything a listener did not catch: log it, keep serving."""
        self.engine.metrics.error(PLATFORM, "handler")
        log.error("unhandled error in a Slack listener (%s): %s", body.get("type"), error,
                  exc_info=error)


def build_app(engine: Engine, settings: Settings, client: WebClient | None = None,
              feedback: FeedbackStore | None = None, *, socket_mode: bool | None = None,
              bot: SlackBot | None = None, listener_executor: Executor | None = None) -> App:
    """The bolt `App` with partnerbot's listeners. Tests pass a `client` aimed at a fake Web
    API, and may pass the executor listeners run on so they can wait for it to drain;
    `socket_mode` defaults to whether an app token is set (then no signing secret is needed,
    Slack authenticates the WebSocket instead)."""
    if socket_mode is None:
        socket_mode = bool(settings.slack_app_token)
    if client is None:
        settings.require("slack_bot_token")
        client = WebClient(token=settings.slack_bot_token,
                           base_url=settings.slack_api_url.rstrip("/") + "/"
                           if settings.slack_api_url else WebClient.BASE_URL)
    if not socket_mode:
        settings.require("slack_signing_secret")
    with_retries(client)
    quiet_bolt(log)  # its start-up and unhandled-request warnings, as one line or none
    app = App(client=client, signing_secret=settings.slack_signing_secret,
              request_verification_enabled=not socket_mode,
              process_before_response=False, logger=log,
              listener_executor=listener_executor or ThreadPoolExecutor(
                  max_workers=8, thread_name_prefix="partnerbot-slack"))
    if bot is None:  # memory, or Redis shared with the other replicas (settings.redis_url)
        stores = open_stores(settings)
        bot = SlackBot(engine, settings, feedback or open_feedback(settings),
                       seen=stores.claims("slack:seen", EVENT_TTL),
                       threads=stores.claims("slack:thread", THREAD_TTL),
                       asked=stores.answer_keys("slack:thread_question", THREAD_TTL))
    # uploads, `remove` and `sources` first: bolt runs the first listener that matches
    from partnerbot.adapters.common.unanswered import watch
    from partnerbot.adapters.slack.uploads import SlackUploads

    watch(engine, PLATFORM, bot.feedback, settings.log_questions)  # for /partners report
    SlackUploads(engine.admin, settings, feedback=bot.feedback, claims=bot.seen).register(app)
    SlackPartnerPages(engine).register(app)  # /partners list NAME, before the questions
    bot.register(app)
    return app
