"""Announcements in Telegram groups and private chats: `/announce on|off` (admins only) opts
the chat in or out, and each release added afterwards, by any route, is posted there as a
card (`adapters/common/announce.py` decides what is new and which replica posts).

The watcher is a task on the application's event loop, not a thread of its own: it dies with
the loop, and it runs only while some chat is subscribed (started by `/announce on`, at start
when chats are subscribed, or by a chat upload; it stops at the first tick that finds none).
Each tick asks the served index for its releases in a worker thread (`Admin.latest` also
swaps in a version built by `partnerbot add` or another replica); the posts go back to the
loop with `run_coroutine_threadsafe`. A chat upload on this replica wakes it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, ExtBot, filters

from partnerbot.adapters.common.announce import Announcer, SubscriptionStore
from partnerbot.adapters.common.chat import is_admin
from partnerbot.adapters.stores.claims import Claims
from partnerbot.adapters.telegram.handlers import user_lang
from partnerbot.adapters.telegram.outbox import send_html
from partnerbot.adapters.telegram.render import esc, render_card
from partnerbot.adapters.telegram.translate import ReplyTarget, reply_target
from partnerbot.bot.messages import message
from partnerbot.bot.ops.admin import Admin

log = logging.getLogger("partnerbot.telegram.announce")

PLATFORM = "telegram"
POST_TIMEOUT = 60.0  # a post waits out flood control (RetryingRequests) but not forever
USAGE = "Send /announce on or /announce off."


class TelegramAnnouncements:
    """`/announce` and the watcher. `admins` are Telegram user ids as strings."""

    def __init__(self, admin: Admin, admins: frozenset[str], subs: SubscriptionStore,
                 claims: Claims, interval: float = 30.0) -> None:
        self.admins = admins
        self.subs = subs
        self.interval = interval
        self.announcer = Announcer(admin, subs, PLATFORM, self._post, claims, interval,
                                   render_card)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bot: ExtBot[None] | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        admin.on_added(lambda _: self._poke())

    def register(self, application: Application) -> None:
        application.add_handler(CommandHandler("announce", self.on_command,
                                               filters.UpdateType.MESSAGE))
        self._bot = application.bot

    async def started(self, application: Application) -> None:
        """At start (post_init): what is served now is never announced; watch if some chat
        is subscribed already."""
        self._bind()
        await asyncio.to_thread(self.announcer.baseline)
        if await asyncio.to_thread(self.subs.targets, PLATFORM):
            self._start()

    async def stopped(self, application: Application) -> None:
        """At shutdown (post_shutdown): no tick may outlive the loop."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.subs.close()

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None:
            return
        target = reply_target(msg)
        user = update.effective_user
        if not is_admin(user.id if user else None, self.admins, "/announce"):
            await send_html(context.bot, target, esc(message("admin_only",
                                                            user_lang(update, msg.text))))
            return
        words = [w.lower() for w in context.args or []]
        if words not in (["on"], ["off"]):
            await send_html(context.bot, target, esc(USAGE))
            return
        on = words == ["on"]
        self._bind()
        if on and self._task is None:  # releases served before this opt-in are not news
            await asyncio.to_thread(self.announcer.baseline)
        await asyncio.to_thread(self.subs.set, PLATFORM, str(msg.chat_id), on)
        if on:
            self._start()
        done = ("New releases will be announced here." if on
                else "No more announcements here.")
        await send_html(context.bot, target, esc(done))

    # -- the watcher ------------------------------------------------------------------------

    def _bind(self) -> None:
        """Remember the running loop (the one `_post` sends through)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._wake, self._task = loop, asyncio.Event(), None

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())

    def _poke(self) -> None:
        """A release was added here (called from the upload's worker thread): look now,
        starting the watcher if a chat is subscribed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._wake_up)

    def _wake_up(self) -> None:
        if self._task is None or self._task.done():
            self._start()
        if self._wake is not None:
            self._wake.set()

    async def _watch(self) -> None:
        wake = self._wake or asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.interval)
            wake.clear()
            try:
                if not await asyncio.to_thread(self.subs.targets, PLATFORM):
                    break
                await asyncio.to_thread(self.announcer.check)
            except Exception:
                log.warning("announcement check failed", exc_info=True)
        self._task = None

    def _post(self, target: str, html: str) -> object:
        """Called from the check's worker thread: send on the loop and wait for the result."""
        loop, bot = self._loop, self._bot
        if loop is None or bot is None:
            raise RuntimeError("the Telegram application is not running")
        where = ReplyTarget(chat_id=int(target), message_id=0, thread_id=None)
        sent = asyncio.run_coroutine_threadsafe(send_html(bot, where, html, quote=False), loop)
        return sent.result(timeout=POST_TIMEOUT)
