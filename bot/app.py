"""Building the Telegram application from settings, and running it (`newsbot run`).

`build_application` wires everything in one place: the handlers, and one post_init and one
post_shutdown that open and close what the handlers share (`BotData`), in an order read top
to bottom in `_start` and `_stop`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import buttons, corpus_commands, edits, gate, heap, help_commands, questions
from bot.addressing import ADDRESSED_TO_BOT, ASKS_IN_CAPTION, COMMAND_TO_THIS_BOT
from bot.article_commands import add_article_handlers
from bot.config import DEFAULT_API_BASE_URL, Settings
from bot.digest_commands import add_digest_handlers
from bot.digest_delivery import schedule_digests, settle_interrupted
from bot.feed_commands import add_feed_handlers, schedule_feed_polling
from bot.formatting import FULL, MORE, VOTE
from bot.logs import hide_secret, quiet_http_logs, redact
from bot.resume import answer_kept
from bot.runtime import CONTEXT_TYPES, App, Context, run_every
from bot.stopping import StopSignals, cancel_leftovers
from bot.transport import ApiRequest, RetryingRateLimiter, UpdatesRequest
from bot.turns import ChatsInTurn
from retrieval.compiled import COMPILING, is_compiled
from retrieval.conversations import Conversations
from retrieval.corpus.served import ServedBot, serve_at
from retrieval.engine import Engine
from retrieval.errors import ConfigError, IndexWriteError
from retrieval.seeding import SeedingStage
from retrieval.wording import agreeing

log = logging.getLogger(__name__)

REFRESH_SECONDS = 5.0  # articles another process stores are searchable within this
ERASED_SECONDS = 5.0  # a chat or a user `newsbot forget` erased is dropped from memory within
FORGET_SECONDS = 3600.0  # questions past NEWSBOT_KEEP_DAYS are forgotten within this
SAVE_SECONDS = 600.0  # the index is written back at most this often, and at shutdown
RATE_LIMIT_RETRIES = 3  # RetryAfter waited out this many times before a send fails
CONNECTIONS = 256  # to the Bot API at once: python-telegram-bot's own default for a bot
UPDATES_AT_ONCE = 256  # handled at once, of all chats: python-telegram-bot's default too


class _Application(App):
    """python-telegram-bot's Application, whose stop first drops the replies still waiting
    to be sent (`RetryingRateLimiter.stop_waiting`): it waits for every handler to end.
    `has_started`: it started, after start-up (getMe, post_init, deleteWebhook) was done."""

    has_started = False

    async def start(self) -> None:
        await super().start()
        self.has_started = True

    async def stop(self) -> None:
        if isinstance(self.bot.rate_limiter, RetryingRateLimiter):
            self.bot.rate_limiter.stop_waiting()
        await super().stop()


def build_application(settings: Settings) -> App:
    """The whole bot: handlers, defaults, rate limiter; what it shares opens at start-up.

    Raises ConfigError, naming the setting, for a missing or malformed token or time zone.
    """
    # first: a start that then fails (a token mistyped, the Bot API unreachable) is when the
    # .env that holds the token is being looked at
    if shared_env := settings.env_file_shared():
        log.warning("%s", shared_env)
    token = settings.require_token()
    hide_secret(token)
    quiet_http_logs()
    app = (
        ApplicationBuilder()
        .application_class(_Application)
        .context_types(CONTEXT_TYPES)
        .job_queue(JobQueue[Context]())
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
        .request(ApiRequest(connection_pool_size=CONNECTIONS))
        .get_updates_request(UpdatesRequest())
        .rate_limiter(RetryingRateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(ChatsInTurn(UPDATES_AT_ONCE))
        .post_init(_start)
        .post_shutdown(_stop)
        .build()
    )
    app.bot_data.configure(settings)
    _add_handlers(app)
    add_digest_handlers(app)
    add_feed_handlers(app)
    add_article_handlers(app)
    return app


async def _start(app: App) -> None:
    """post_init: open what the handlers share, then start the jobs, in this order."""
    shared = app.bot_data
    made = not await asyncio.to_thread(shared.settings.db_path.exists)
    if not made:  # refused before its index loads, which takes a while
        await _serve_this_bot(app)
    shared.engine = await _open_engine(shared.settings)
    await shared.engine.remember_articles()  # its first questions as quick as later ones
    if made:  # only now: the engine says the database was made anew
        await _serve_this_bot(app)
    shared.conversations = await Conversations.open(shared.engine.db_path)
    shared.subscriptions = await shared.engine.open_subscriptions()
    shared.erasures_seen = await shared.conversations.erasures()  # nothing held yet
    await settle_interrupted(shared)
    await answer_kept(app)  # the questions the last stop cut off, before any new one
    await app.bot.set_my_commands(
        [BotCommand(c.name, c.description) for c in help_commands.COMMANDS]
    )
    run_every(app, refresh_index, REFRESH_SECONDS, "refresh index")
    run_every(app, forget_old_questions, FORGET_SECONDS, "forget old questions", at_start=True)
    run_every(app, drop_erased, ERASED_SECONDS, "drop erased chats")
    if app.job_queue is not None:  # run_every has refused to start without one
        app.job_queue.run_once(_watch_polling, 0, name="watch polling")
    schedule_feed_polling(app)
    schedule_digests(app)
    if shared.access.is_open:
        log.warning("NEWSBOT_ALLOWED_CHATS is not set: the bot answers anyone who finds it")
    log.info("@%s is up: answering from %s", app.bot.username, shared.engine.db_path)


async def _stop(app: App) -> None:
    """post_shutdown (the jobs have stopped): close in the reverse order of `_start`, the
    index saved first if it changed. Runs after a failed start too: closes what opened."""
    shared = app.bot_data
    engine, conversations, subscriptions = shared.release()
    try:
        if subscriptions is not None:
            await subscriptions.close()
        if conversations is not None:
            await conversations.close()
    finally:
        if engine is not None:
            try:
                if shared.index_dirty:
                    await engine.save_index()  # IndexWriteError (a full disk) is told...
            finally:
                await engine.close()  # ...after closing: its threads would keep us alive


async def _serve_this_bot(app: App) -> None:
    """Record that the database serves this bot, or raise ConfigError when it serves another
    (`retrieval.corpus.served`), unless `run --take-over` said to take it over."""
    shared = app.bot_data
    path = shared.settings.db_path
    # the token's public part, before the colon; the secret after it goes nowhere
    this = ServedBot(int(shared.settings.require_token().split(":", 1)[0]), app.bot.username)
    other = await serve_at(path, this, shared.take_over)
    if other is None:
        return
    if shared.take_over:
        log.warning("the database %s served %s: it serves %s from now on", path, other, this)
        return
    raise ConfigError(
        f"the database {path} serves {other}, not this {this}: give this bot a database of its "
        "own (NEWSBOT_DB or --db), or hand this one over to it with `newsbot run --take-over`"
    )


def _file_url(api_base_url: str) -> str:
    """Telegram serves files from /file/bot<token>; a self-hosted server the same way."""
    head, sep, tail = api_base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{api_base_url}/file"


def _add_handlers(app: App) -> None:
    new = filters.UpdateType.MESSAGE
    asked = filters.UpdateType.MESSAGES  # an edited question is answered again
    # in a group, only a command named for this bot: one without its name may be another's
    to_this_bot = filters.ChatType.PRIVATE | COMMAND_TO_THIS_BOT
    app.add_handler(
        MessageHandler(filters.IS_AUTOMATIC_FORWARD, gate.skip_automatic_forward), group=-3
    )
    app.add_handler(TypeHandler(Update, gate.check_access), group=-2)
    app.add_handlers(
        [
            CommandHandler("start", help_commands.start, filters=new),
            CommandHandler("help", help_commands.help_command, filters=new),
            CommandHandler("ask", questions.ask, filters=asked),
            MessageHandler(  # any other command edited: told it is not read
                filters.UpdateType.EDITED_MESSAGE & filters.COMMAND & to_this_bot,
                edits.edited_command,
            ),
            MessageHandler(asked & ASKS_IN_CAPTION, questions.ask),  # a photo's /ask
            CommandHandler("sources", corpus_commands.sources, filters=new),
            CommandHandler("latest", corpus_commands.latest, filters=new),
            MessageHandler(
                asked
                & filters.ChatType.PRIVATE
                & (filters.TEXT | filters.CAPTION)
                & ~filters.COMMAND,
                questions.ask,
            ),
            MessageHandler(
                new
                & filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.CAPTION
                & ~filters.StatusUpdate.ALL,
                help_commands.not_text,
            ),
            MessageHandler(
                asked
                & filters.ChatType.GROUPS
                & (filters.TEXT | filters.CAPTION)
                & ADDRESSED_TO_BOT
                & ~filters.COMMAND,
                questions.ask,
            ),
            # A press with no data (forged) passes every pattern (PTB checks patterns only
            # against data there is): this pattern takes it before "More" does.
            CallbackQueryHandler(buttons.stale_button, pattern="^$"),
            CallbackQueryHandler(buttons.more, pattern=rf"^{MORE}:\d+$"),
            CallbackQueryHandler(buttons.full_article, pattern=rf"^{FULL}:\d+$"),
            CallbackQueryHandler(buttons.feedback, pattern=rf"^{VOTE}:\d+:-?1$"),
            CallbackQueryHandler(buttons.stale_button),  # any other data
            InlineQueryHandler(questions.inline_ask),
        ]
    )
    app.add_handler(
        MessageHandler(new & filters.COMMAND & to_this_bot, help_commands.unknown_command), group=1
    )
    # after the reply: a write, which may wait for a lock another process holds
    app.add_handler(TypeHandler(Update, gate.note_chat), group=2)
    # a command's text, so an edit that changes nothing (a reaction) is not told it is not read
    app.add_handler(
        MessageHandler(new & filters.COMMAND & to_this_bot, edits.note_command), group=3
    )
    app.add_error_handler(gate.report_error)


async def _open_engine(settings: Settings) -> Engine:
    """Open the database; an empty one gets the bundled seed corpus, as `newsbot ask` does."""
    if not is_compiled():
        log.info(COMPILING)
    stage = SeedingStage()
    try:
        engine, seeding = await Engine.open_seeded(
            settings.db_path, settings.seeds_dir, zone=settings.zone, stage=stage
        )
    except asyncio.CancelledError:  # a stop signal during start-up (`StopSignals`)
        if stage.interrupted:  # as `newsbot ask` says it: the log said nothing of the seeds
            log.warning("%s", stage.interrupted)
        raise
    if seeding.message:
        # an empty database with feeds is a deployment's first start: their poll is next
        told = logging.WARNING if seeding.empty and not seeding.feeds else logging.INFO
        log.log(told, "%s", seeding.message)
    return engine


async def refresh_index(context: Context) -> None:
    """Index what other processes stored; write the index back now and then."""
    shared = context.bot_data
    added = await shared.engine.refresh()
    if added:
        shared.index_dirty = True
        log.info("indexed %d new %s", added, agreeing(added, "sentence", "sentences"))
    shared.limiter.forget_idle()
    shared.inline_limiter.forget_idle()
    shared.digest_limiter.forget_idle()
    shared.refusals.forget_idle()
    if shared.index_dirty and time.monotonic() - shared.index_saved >= SAVE_SECONDS:
        try:
            await shared.engine.save_index()
            shared.index_dirty = False
            heap.give_back()  # the merged segments' heap copies, freed for the mapped files
        except IndexWriteError as exc:
            # tried again after SAVE_SECONDS, not at every tick: on a full disk, a full save
            # and a traceback every 5 seconds would follow; answers come from memory meanwhile
            log.warning("%s", exc)
        finally:
            shared.index_saved = time.monotonic()


async def forget_old_questions(context: Context) -> None:
    """Delete what chats asked (the query log, answers, votes) past NEWSBOT_KEEP_DAYS: the
    database kept every question, with its asker's id, for ever."""
    shared = context.bot_data
    days = shared.settings.keep_days
    gone = await shared.conversations.forget_before(shared.settings.expired_before(time.time()))
    if gone:
        log.info("forgot %d records of questions older than %d days", gone, days)
        # a subscription ended that long ago may be among them: its zone dated its chat's
        # answers while it was kept, and must no longer (not written by `subscriptions`)
        shared.subscriptions.forget_zones()


async def drop_erased(context: Context) -> None:
    """Drop what the bot holds in memory of chats once `newsbot forget --chat/--user` erased
    one (another process): the zones of their digests, which dated every answer in the
    chat until a restart; the chats noted, when strangers were refused, and when each user
    asked (the rate limits' windows, begun anew). All of it, read again from the database as
    needed: the database says that an erasure was, not whose."""
    shared = context.bot_data
    erasures = await shared.conversations.erasures()
    if erasures == shared.erasures_seen:
        return
    shared.erasures_seen = erasures
    shared.subscriptions.forget_zones()
    shared.chats_noted.clear()
    shared.refusals.forget_chats()
    for limiter in (shared.limiter, shared.inline_limiter, shared.digest_limiter):
        limiter.forget_all()
    log.info("a chat or a user was erased: what the bot held of chats is read again")


def run_bot(settings: Settings, take_over: bool = False) -> int:
    """Run the bot with long polling until SIGINT or SIGTERM; returns the exit status: 0,
    or 130 (143 for SIGTERM) when the signal came during start-up, before the bot polled.
    `take_over`: the database, if it serves another bot, serves this one from now on.

    Raises ConfigError (never showing the token) when the token is missing, malformed or
    rejected, when the Bot API cannot be reached at start-up, or when the database serves
    another bot (and not `take_over`).
    """
    app = build_application(settings)  # quiets httpx's logs, as the bot's are its own
    assert isinstance(app, _Application)  # build_application's: it says when it started
    app.bot_data.take_over = take_over
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling runs on it; closed here, after `_finish`
    stops = StopSignals(loop, lambda: app.has_started, app.stop_running)
    try:
        with stops:  # from before getMe, which is retried for seconds: run_polling's own
            loop.run_until_complete(_connect(app, settings))
            app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False, stop_signals=None)
    except InvalidToken:
        raise ConfigError(
            "the Bot API stopped accepting TELEGRAM_BOT_TOKEN (revoked in @BotFather?): "
            "set the new token and start the bot again"
        ) from None
    except asyncio.CancelledError:  # start-up, cancelled by a stop signal (`StopSignals`)
        if stops.by is None:
            raise
    except KeyboardInterrupt:  # Ctrl-C where the loop takes no signal handlers
        stops.by = signal.SIGINT
    finally:
        loop.run_until_complete(_finish(app))
        cancel_leftovers(loop)  # rather than destroyed pending as the loop closes
        loop.close()
    if stops.by is not None and not app.has_started:
        log.warning(
            "stopped by %s during start-up, before the bot answered anyone",
            stops.by.name,
        )
        return stops.status
    log.info("stopped")
    return 0


async def _finish(app: App) -> None:
    """What run_polling's own shutdown leaves undone, nothing if it finished: an error that
    ends polling is raised again by its first step, stopping the updater, and the rest
    (the post_shutdown that closes the database among it) never runs. The database's
    threads would then keep the process alive after a SIGTERM."""
    if app.running:
        await app.stop()
    await app.shutdown()
    await _stop(app)


# python-telegram-bot's name for the task that fetches updates (`Updater.start_polling`)
POLLING_TASK = "Updater:start_polling:polling_task"


async def _watch_polling(context: Context) -> None:
    """Once polling has started: stop the bot if polling ends on its own. It gives up on a
    token the Bot API no longer takes (revoked while the bot runs), and the bot would go on
    running deaf until someone noticed; `run_bot` then says why, and exits."""
    app = context.application

    def ended(task: asyncio.Task[object]) -> None:
        if not task.cancelled() and task.exception() is not None:
            app.stop_running()

    for task in asyncio.all_tasks():
        if task.get_name() == POLLING_TASK:
            task.add_done_callback(ended)
            return
    log.warning("cannot watch the polling task: a bot that stops polling will not stop")


async def _connect(app: App, settings: Settings) -> None:
    """Call getMe once before polling: a bad token, an unreachable Bot API or an address
    that is no Bot API becomes one clear error here, instead of a traceback. The message is
    redacted: a server may quote the request's path, which holds the token; and the address
    is shown as a log line shows it (`redact`): without the credentials it may carry (a
    proxy's user:password@), nor a token pasted into its path."""
    url = redact(settings.api_base_url)
    custom = settings.api_base_url != DEFAULT_API_BASE_URL
    try:
        await app.bot.initialize()
        return
    except asyncio.CancelledError:  # a stop signal while getMe was retried (`run_bot`)
        await app.bot.shutdown()  # its connections, which the application's shutdown skips
        raise
    except InvalidToken:  # 401, or 404: a wrong path to a Bot API answers so too
        problem = ConfigError(
            "TELEGRAM_BOT_TOKEN was rejected by the Bot API: check it with @BotFather"
            + (f", and TELEGRAM_API_BASE_URL ({url})" if custom else "")
        )
    except BadRequest as exc:  # before NetworkError, its base: the API answered, and refused
        problem = ConfigError(
            f"the Bot API at {url} refused getMe ({redact(exc.message)}): check "
            "TELEGRAM_API_BASE_URL"
        )
    except NetworkError as exc:
        problem = ConfigError(
            f"cannot reach the Bot API at {url} ({redact(exc.message)}): check the network "
            "and TELEGRAM_API_BASE_URL"
        )
    except (TelegramError, TypeError, KeyError, ValueError) as exc:
        # an answer that is none of the Bot API's: a login page, or JSON of another shape
        reason = redact(exc.message if isinstance(exc, TelegramError) else repr(exc))
        problem = ConfigError(
            f"what answers at {url} is not the Bot API ({reason}): check TELEGRAM_API_BASE_URL"
        )
    await app.bot.shutdown()
    raise problem from None
