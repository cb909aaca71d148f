"""What the bot read in a message, kept so that an edit changing nothing is not acted on again,
and an edited command told that it is not read.

Apart because questions and commands alike are edited, and Telegram sends an edit for a
reaction or formatting alone.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import formatting
from bot.access import admitted
from bot.addressing import command_name, text_of
from bot.help_commands import command_names
from bot.logs import redact
from bot.replies import send_reply
from bot.runtime import BotData, Context


def as_kept(message: Message) -> str:
    """What `message` says as the bot keeps it to tell an edit that changes nothing
    (`record_replies`, `unchanged`): the credentials of the addresses it quotes masked, as
    in the logs (`redact`). An admin's `/addfeed https://user:password@…/rss?token=…` was
    kept whole, for NEWSBOT_KEEP_DAYS and in every backup."""
    return redact(text_of(message))


async def unchanged(shared: BotData, message: Message) -> bool:
    """Whether an edited message says what the bot read in it: the question its replies
    answered, or a command's text (`note_command`)."""
    answered = await shared.conversations.answered_text(message.chat.id, message.message_id)
    return answered == as_kept(message)


async def edited_command(update: Update, context: Context) -> None:
    """Say that an edited command (but /ask, whose edits are asked again) is not read: an
    edited "/subscribe 08:30" left the digest at 07:30, without a word."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not message.text:
        return
    if command_name(message.text) not in command_names(context.application):
        return
    if await unchanged(shared, message):
        return  # Telegram sends an edit for a reaction or formatting alone: nothing to tell
    if await admitted(shared, message):
        await send_reply(shared, message, formatting.EDITED_COMMAND)
    await _note_text(shared, message)  # a reaction to the edited command is no edit either


async def note_command(update: Update, context: Context) -> None:
    """Keep the text of a command (but /ask, which keeps its own with its answer), so that
    an edit leaving it as it was is not told it is not read (`edited_command`). Writes one
    row, after the command's reply."""
    message = update.message
    if message is not None and message.text and command_name(message.text) != "ask":
        await _note_text(context.bot_data, message)


async def _note_text(shared: BotData, message: Message) -> None:
    """Record what `message` says as the text the bot read (`unchanged`), with no replies
    of its own: an edit of it into /ask is answered in a new message."""
    sender = message.from_user.id if message.from_user else None
    await shared.conversations.record_replies(
        message.chat.id, message.message_id, (), as_kept(message), sender
    )
