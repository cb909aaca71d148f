"""Building the Telegram application from settings, and running it (`newsbot run`)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import gate, handlers
from bot.access import Access, QuestionLimiter
from bot.config import ConfigError, Settings
from bot.digest_commands import register_digests
from bot.feed_commands import register_feeds
from bot.formatting import FULL, MORE, VOTE
from bot.logs import hide_secret, quiet_http_logs
from bot.runtime import Runtime
from retrieval.engine import Engine

log = logging.getLogger(__name__)

# What build_application makes: default context and data types; ExtBot[int] because the
# AIORateLimiter takes an int (max retries) per request.
BotApplication = Application[
    ExtBot[int],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

REFRESH_SECONDS = 5.0  # articles another process stores are searchable within this
SAVE_SECONDS = 600.0  # the index is written back at most this often, and at shutdown
RATE_LIMIT_RETRIES = 3  # RetryAfter waited out this many times before a send fails
INLINE_QUERIES_PER_QUESTION = 3  # inline asks as you type: allow that many per question


def _zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"NEWSBOT_TIMEZONE {settings.timezone!r} is not a time zone: use a name such as "
            "UTC or Europe/Berlin"
        ) from None


def build_application(settings: Settings, engine: Engine | None = None) -> BotApplication:
    """The whole bot: handlers, defaults, rate limiter, and the engine opened at start-up.

    With `engine` given (tests, or a caller that owns it) the application uses it and leaves
    it open; otherwise it opens `settings.db_path` in post_init and closes it at shutdown.
    Raises ConfigError, naming the setting, for a missing or malformed token or time zone.
    """
    token = settings.require_token()
    hide_secret(token)
    quiet_http_logs()
    zone = _zone(settings)
    access = Access.from_settings(settings)
    owns_engine = engine is None

    async def post_init(app: BotApplication) -> None:
        opened = engine if engine is not None else await _open_engine(settings)
        app.bot_data["runtime"] = Runtime(
            settings=settings,
            engine=opened,
            state=opened.conversations,
            access=access,
            limiter=QuestionLimiter(settings.questions_per_minute),
            inline_limiter=QuestionLimiter(
                settings.questions_per_minute * INLINE_QUERIES_PER_QUESTION
            ),
            zone=zone,
        )
        app.bot_data["index_saved"] = time.monotonic()
        await app.bot.set_my_commands(
            [BotCommand(c.name, c.description) for c in handlers.COMMANDS]
        )
        if app.job_queue is not None:
            app.job_queue.run_repeating(
                refresh_index,
                interval=REFRESH_SECONDS,
                first=REFRESH_SECONDS,
                name="refresh index",
                job_kwargs={"max_instances": 1, "coalesce": True},
            )
        if access.is_open:
            log.warning("NEWSBOT_ALLOWED_CHATS is not set: the bot answers anyone who finds it")
        log.info("@%s is up: answering from %s", app.bot.username, opened.db_path)

    async def post_shutdown(app: BotApplication) -> None:
        rt = app.bot_data.pop("runtime", None)
        if not isinstance(rt, Runtime):
            return  # post_init did not get as far as opening the engine
        if app.bot_data.get("index_dirty"):
            await rt.engine.save_index()
        if owns_engine:
            await rt.engine.close()

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(_file_url(settings.api_base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data["access"] = access
    _add_handlers(app)
    register_digests(app)
    register_feeds(app)
    return app


def _file_url(api_base_url: str) -> str:
    """Telegram serves files from /file/bot<token>; a self-hosted server the same way."""
    head, sep, tail = api_base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{api_base_url}/file"


def _add_handlers(app: BotApplication) -> None:
    new = filters.UpdateType.MESSAGE  # edits of questions are not asked again
    app.add_handler(TypeHandler(Update, gate.check_access), group=-2)
    app.add_handler(TypeHandler(Update, gate.note_chat), group=-1)
    app.add_handlers(
        [
            CommandHandler("start", handlers.start, filters=new),
            CommandHandler("help", handlers.help_command, filters=new),
            CommandHandler("ask", handlers.ask, filters=new),
            CommandHandler("sources", handlers.sources, filters=new),
            CommandHandler("latest", handlers.latest, filters=new),
            MessageHandler(
                new & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, handlers.ask
            ),
            MessageHandler(
                new
                & filters.ChatType.GROUPS
                & filters.TEXT
                & handlers.ADDRESSED_TO_BOT
                & ~filters.COMMAND,
                handlers.ask,
            ),
            CallbackQueryHandler(handlers.more, pattern=rf"^{MORE}:\d+$"),
            CallbackQueryHandler(handlers.full_article, pattern=rf"^{FULL}:\d+$"),
            CallbackQueryHandler(handlers.feedback, pattern=rf"^{VOTE}:\d+:-?1$"),
            InlineQueryHandler(handlers.inline_ask),
        ]
    )
    app.add_handler(
        MessageHandler(new & filters.ChatType.PRIVATE & filters.COMMAND, handlers.unknown_command),
        group=1,
    )
    app.add_error_handler(gate.report_error)


async def _open_engine(settings: Settings) -> Engine:
    """Open the database; an empty one gets the bundled seed corpus, as `newsbot ask` does."""
    engine = await Engine.open(settings.db_path)
    seeding = await engine.seed_if_empty(settings.seeds_dir)
    if seeding.message:
        log.log(logging.WARNING if seeding.empty else logging.INFO, "%s", seeding.message)
    return engine


async def refresh_index(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Index what other processes stored; write the index back now and then."""
    rt = context.bot_data.get("runtime")
    if not isinstance(rt, Runtime):
        return
    added = await rt.engine.refresh()
    if added:
        context.bot_data["index_dirty"] = True
        log.info("indexed %d new sentences", added)
    rt.limiter.forget_idle()
    rt.inline_limiter.forget_idle()
    saved = context.bot_data.get("index_saved", 0.0)
    if context.bot_data.get("index_dirty") and time.monotonic() - saved >= SAVE_SECONDS:
        await rt.engine.save_index()
        context.bot_data["index_dirty"] = False
        context.bot_data["index_saved"] = time.monotonic()


def run_bot(settings: Settings) -> int:
    """Run the bot with long polling until SIGINT or SIGTERM; returns the exit status.

    Raises ConfigError (never showing the token) when the token is missing, malformed or
    rejected, or when the Bot API cannot be reached at start-up.
    """
    quiet_http_logs()
    app = build_application(settings)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling runs on it, and closes it
    try:
        loop.run_until_complete(_connect(app, settings))
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        if not loop.is_closed():
            loop.close()
    log.info("stopped")
    return 0


async def _connect(app: BotApplication, settings: Settings) -> None:
    """Call getMe once before polling: a bad token or an unreachable Bot API becomes one
    clear error here, instead of python-telegram-bot's logged traceback."""
    try:
        await app.bot.initialize()
        return
    except BadRequest:
        raise  # a request of ours the API refused: a bug, worth its traceback
    except InvalidToken:
        problem = ConfigError(
            "TELEGRAM_BOT_TOKEN was rejected by the Bot API: check it with @BotFather"
        )
    except NetworkError as exc:
        problem = ConfigError(
            f"cannot reach the Bot API at {settings.api_base_url} ({exc.message}): check the "
            "network and TELEGRAM_API_BASE_URL"
        )
    await app.bot.shutdown()
    raise problem from None
