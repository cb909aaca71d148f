"""How the bot tells what it does: its commands (the menu, /help's list), /start, /help, and
what an unknown command or a sticker is told.

Each shows how to ask with a question the corpus answers (`example_question`); a reply to
what it sends is asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler

from bot import formatting
from bot.access import admitted
from bot.addressing import command_name, in_group
from bot.formatting import Command
from bot.replies import send_reply
from bot.runtime import BotData, Context
from retrieval.conversations import ChatMessage

COMMANDS = (
    Command(  # /help asks what the corpus answers (`formatting.example_question`)
        "ask", "answer a question with quoted passages", f"/ask {formatting.SEED_QUESTION}"
    ),
    Command("sources", "the outlets in the corpus and their article counts", "/sources"),
    Command("latest", "the newest stories", "/latest"),
    Command("digest", "the news since the last digest, grouped into stories", "/digest"),
    Command(
        "subscribe", "a daily digest here (group admins)", "/subscribe 07:30 Europe/London oil"
    ),
    Command("subscription", "this chat's daily digest settings", "/subscription"),
    Command("unsubscribe", "stop the daily digest", "/unsubscribe"),
    Command("help", "how to ask, and these commands", "/help"),
    Command("start", "what this bot does", "/start"),
)
# Not in the public menu: /help lists them to an admin only (the feed ones refuse a group)
ADMIN_COMMANDS = (
    Command("feeds", "the feeds polled, with their last fetch", "/feeds"),
    Command(
        "addfeed",
        "poll an RSS or Atom feed",
        "/addfeed https://example.org/world.rss",
    ),
    Command("removefeed", "stop polling a feed, its articles stay", "/removefeed 3"),
    Command("removearticle", "take articles out, by id or address", "/removearticle 42"),
)


def command_names(application: Application[Any, Any, Any, Any, Any, Any]) -> set[str]:
    """Every command some handler of `application` answers, whoever added it."""
    return {
        command
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def start(update: Update, context: Context) -> None:
    """Greet and say in two lines what the bot does and how to ask."""
    message = update.effective_message
    if message is None:
        return
    if not await admitted(context.bot_data, message):
        return
    await greet(context, message, update.effective_user)


async def greet(context: Context, message: Message, user: User | None) -> None:
    """Send /start's two lines: what the bot does and how to ask in this chat."""
    name = user.first_name if user else None
    example = await example_question(context.bot_data)
    greeting = formatting.greeting(name, not in_group(message), example)
    sent = await send_reply(context.bot_data, message, greeting)
    await _record_prompts(context.bot_data, sent)  # says how to ask: a reply to it asks


async def help_command(update: Update, context: Context) -> None:
    """List the commands, each with an example, and the ways to ask."""
    message = update.effective_message
    if message is not None and await admitted(context.bot_data, message):
        await show_help(context, message)


async def show_help(context: Context, message: Message) -> None:
    """Send /help's text: every command with an example, and the ways to ask; to an admin
    in a private chat, the admin commands too."""
    question = await example_question(context.bot_data)
    asker = message.from_user.id if message.from_user else None
    # in a private chat only: a group's members read what its admin is told there
    private = message.chat.type == ChatType.PRIVATE
    admin = ADMIN_COMMANDS if private and context.bot_data.access.is_admin(asker) else ()
    text = formatting.help_text(COMMANDS, context.bot.username, question, admin)
    sent = await send_reply(context.bot_data, message, text)
    await _record_prompts(context.bot_data, sent)  # a reply to it asks, as to a hint's


async def _record_prompts(shared: BotData, sent: Sequence[Message]) -> None:
    """Note messages that invite a question: a reply to one is asked (`invites_question`)."""
    await shared.conversations.record_prompts([ChatMessage(m.chat_id, m.message_id) for m in sent])


async def example_question(shared: BotData) -> str:
    """A question the corpus answers, for a hint (`formatting.example_question`)."""
    newest = await shared.engine.latest(1)  # one row, by an index: cheap at any size
    return formatting.example_question(newest[0] if newest else None)


async def unknown_command(update: Update, context: Context) -> None:
    """Point a private chat, or a group that named this bot (/foo@bot), that sent an
    unknown command to /help."""
    message = update.effective_message
    if message is None or not message.text:
        return
    # Runs after the command handlers (a later group), so commands other modules add after
    # build_application are not shadowed: it only speaks when none of them knows the name.
    if command_name(message.text) not in command_names(context.application) and await admitted(
        context.bot_data, message
    ):
        await send_reply(context.bot_data, message, formatting.UNKNOWN_COMMAND)


async def not_text(update: Update, context: Context) -> None:
    """Say, in a private chat, that a sticker, voice note or bare photo is not a question
    (any message there is one to answer: silence would look like a broken bot)."""
    message = update.effective_message
    if message is not None and await admitted(context.bot_data, message):
        example = await example_question(context.bot_data)
        await send_reply(context.bot_data, message, formatting.text_only(example))
