"""Wiring: the python-telegram-bot `Application` with partnerbot's handlers registered.

The only place that knows which handler answers which update; everything it plugs in is built
here from the settings unless a test (or a multi-process deployment) passes its own.
"""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from partnerbot.adapters.common.unanswered import watch
from partnerbot.adapters.stores.answer_keys import AnswerKeys
from partnerbot.adapters.stores.claims import Claims
from partnerbot.adapters.stores.factory import open_stores
from partnerbot.adapters.stores.ratelimit import RateLimiter
from partnerbot.adapters.stores.redis_feedback import open_feedback
from partnerbot.adapters.stores.subscriptions import open_subscriptions
from partnerbot.adapters.telegram.admin import AdminHandlers
from partnerbot.adapters.telegram.announce import TelegramAnnouncements
from partnerbot.adapters.telegram.handlers import UserHandlers
from partnerbot.adapters.telegram.pages import PATTERN as PAGES_PATTERN
from partnerbot.adapters.telegram.pages import PartnerPages
from partnerbot.adapters.telegram.quote_translate import PATTERN as TRANSLATE_PATTERN
from partnerbot.adapters.telegram.quote_translate import QuoteTranslator
from partnerbot.adapters.telegram.retry import RetryingRequests
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings

ALLOWED_UPDATES = ["message", "callback_query"]  # all we handle; Telegram sends nothing else
CONCURRENT_UPDATES = 16  # a question must not wait behind a running /reindex
UPDATE_TTL = 24 * 3600.0  # Telegram drops undelivered updates after a day
MAX_UPDATES = 10_000  # redeliveries come within minutes: a few thousand recent ids are plenty
ANSWER_TTL = 7 * 24 * 3600.0  # 👍/👎 after a week fall back to the quoted question

ANNOUNCE_TTL = 7 * 24 * 3600.0  # one claim per (chat, release): far longer than a check takes

# The menu Telegram shows beside the input box: everyone's commands, and /announce (which
# admins set up in a group, where the menu is how most people find a command); the other
# admin commands stay out of it.
MENU = ("ask", "sources", "help", "announce")


async def set_commands(application: Application) -> None:
    """Publish the command menu: English by default, Korean and Japanese for those users."""
    for lang in ("en", "ko", "ja"):
        await application.bot.set_my_commands(
            [BotCommand(name, message(f"telegram_menu_{name}", lang)) for name in MENU],
            language_code=None if lang == "en" else lang,
        )


def build_application(
    engine: Engine,
    settings: Settings,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    feedback: FeedbackStore | None = None,
    limiter: RateLimiter | None = None,
    dedupe: Claims | None = None,
    keys: AnswerKeys | None = None,
    retry: RetryingRequests | None = None,
    sources_per_page: int = 10,
    progress_interval: float = 1.0,
    announce_interval: float = 30.0,
) -> Application:
    """The Telegram application for `engine`; start it with `run_polling`/`run_webhook`.

    `base_url`/`base_file_url` point the bot at another Bot API server (a local one, or the
    tests' fake). A missing token fails here, with the variable's name. `limiter`, `dedupe`
    and `keys` not given come from `settings.redis_url`: per-process memory, or Redis shared
    with the other replicas; so do the `/announce` opt-ins (else a file in `data_dir`).
    `announce_interval`: seconds between looks for releases added by another route.
    """
    settings.require("telegram_bot_token")
    own_store = feedback is None
    store = feedback if feedback is not None else open_feedback(settings)
    stores = open_stores(settings)
    users = UserHandlers(
        engine=engine,
        feedback=store,
        keys=keys if keys is not None else stores.answer_keys("telegram:answer", ANSWER_TTL),
        limiter=(limiter if limiter is not None
                 else stores.limiter("telegram:rate", settings.telegram_rate_limit)),
        dedupe=(dedupe if dedupe is not None
                else stores.claims("telegram:update", UPDATE_TTL, max_keys=MAX_UPDATES)),
        sources_per_page=sources_per_page,
    )
    announcements = TelegramAnnouncements(
        engine.admin, settings.telegram_admins, open_subscriptions(settings),
        stores.claims("telegram:announce", ANNOUNCE_TTL), announce_interval)

    async def started(app: Application) -> None:
        await set_commands(app)
        await announcements.started(app)

    async def close_store(app: Application) -> None:
        await announcements.stopped(app)
        if own_store:
            store.close()
        stores.close()

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(retry or RetryingRequests())
        .post_init(started)
        .post_shutdown(close_store)
    )
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    _register(application, engine, settings, users, store, announcements, progress_interval)
    return application


def _register(application: Application, engine: Engine, settings: Settings,
              users: UserHandlers, store: FeedbackStore,
              announcements: TelegramAnnouncements, progress_interval: float) -> None:
    """Every handler, in the order PTB tries them: duplicates dropped first, then uploads
    (a reply to a waiting upload is not a question), commands, buttons, and plain text."""
    only_new = filters.UpdateType.MESSAGE  # edits of old messages are not new questions
    application.add_handler(TypeHandler(Update, users.drop_duplicates), group=-1)
    from partnerbot.adapters.telegram.uploads import TelegramUploads

    TelegramUploads(engine.admin, settings, progress_interval, store).register(application)
    announcements.register(application)
    watch(engine, "telegram", store, settings.log_questions)  # for /report
    admins = AdminHandlers(
        engine=engine, admins=settings.telegram_admins, progress_interval=progress_interval
    )
    partners = PartnerPages(engine)
    translator = QuoteTranslator(engine)  # translate buttons, with a model configured
    for names, callback in ((["start", "help"], users.on_help), ("ask", users.on_question),
                            ("sources", users.on_sources), ("partners", partners.on_command),
                            ("status", admins.on_status), ("reindex", admins.on_reindex)):
        application.add_handler(CommandHandler(names, callback, only_new))
    for callback, pattern in ((partners.on_page, PAGES_PATTERN),
                              (users.on_feedback, r"^fb:[ud]:"),
                              (users.on_sources_page, r"^src:\d+$"),
                              (translator.on_click, TRANSLATE_PATTERN)):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(
        MessageHandler(only_new & filters.TEXT & ~filters.COMMAND, users.on_question)
    )
    application.add_error_handler(users.on_error)
