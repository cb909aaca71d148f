"""Where the bot's messages go: to the chat and forum topic of what they answer, or to the
supergroup that chat became on the way.

A group upgraded to a supergroup has a new chat id, and Telegram refuses a message to the
old one (ChatMigrated). Every message the bot sends into a chat goes through
`transport.send_following`, with `following` to say whether it may go on to the supergroup;
a run of them (`send_in_order`) goes on there from the one that moved: the pages of an
answer (`answers`), the replies to commands and the apology for a failure (`send`,
`send_reply`). Digests follow with a policy of their own (`digest_delivery`), and a chat's
refusal does not (`gate.check_access`: it names the old chat's id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.transport import Follow, send_following

if TYPE_CHECKING:  # bot.runtime imports bot.access, which replies through this module
    from bot.runtime import BotData

log = logging.getLogger(__name__)

# How Telegram refuses a message to a forum topic: deleted (for good), or closed (until an
# admin reopens it; the bot may post there only if it may manage topics)
TOPIC_DELETED = ("message thread not found", "topic_deleted")
TOPIC_CLOSED = "topic_closed"


def topic_deleted(error: BaseException) -> bool:
    """Whether Telegram refused a message because its forum topic was deleted."""
    said = error.message.lower() if isinstance(error, BadRequest) else ""
    return any(gone in said for gone in TOPIC_DELETED)


def topic_closed(error: BaseException) -> bool:
    """Whether Telegram refused a message because its forum topic is closed."""
    return isinstance(error, BadRequest) and TOPIC_CLOSED in error.message.lower()


def topic_of(message: object) -> int | None:
    """The forum topic `message` was sent in, None outside topics: a message the bot sends
    about it goes there too, not to the group's General topic (which may be closed)."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


def following(shared: BotData, user_id: int | None) -> Follow:
    """Whether a reply follows a group that became a supergroup while it was on its way:
    where `check_access` would let the message through, had it been sent there."""

    async def follow(old: int, new: int) -> bool:
        if shared.access.allows_chat(new, user_id):
            log.info("chat %s became supergroup %s: the reply goes there", old, new)
            return True
        log.warning(
            "chat %s became supergroup %s, which NEWSBOT_ALLOWED_CHATS does not name: "
            "no reply there until it does",
            old,
            new,
        )
        return False

    return follow


class Outgoing(NamedTuple):
    """One message of a run `send_in_order` sends: its text, the buttons under it and the
    message it replies to."""

    text: str
    buttons: InlineKeyboardMarkup | None = None
    reply: ReplyParameters | None = None


async def send_in_order(
    bot: Bot, chat_id: int, messages: Iterable[Outgoing], follow: Follow, topic: int | None
) -> list[Message]:
    """Send `messages` in order to `chat_id` (in the forum topic `topic`); if the chat's
    group became a supergroup, to that supergroup where `follow` agrees (else ChatMigrated
    is raised), and the messages after it there too, in no topic and replying to nothing:
    the group's topics and messages are not the supergroup's. Returns the messages sent."""
    sent = []
    moved = False
    for outgoing in messages:
        message = await send_following(
            bot,
            chat_id,
            outgoing.text,
            follow,
            reply_markup=outgoing.buttons,
            reply_parameters=None if moved else outgoing.reply,
            message_thread_id=topic,
        )
        if message.chat_id != chat_id:
            chat_id, topic, moved = message.chat_id, None, True
        sent.append(message)
    return sent


async def send(
    bot: Bot,
    shared: BotData,
    chat_id: int,
    texts: Iterable[str],
    user_id: int | None,
    topic: int | None = None,
    reply_parameters: ReplyParameters | None = None,
) -> list[Message]:
    """Send `texts` in order to `chat_id` (in the forum topic `topic`, each replying as
    `reply_parameters` say) as the reply to `user_id`, following the chat's group into the
    supergroup it became where `following` lets it (`send_in_order`). Returns the messages
    sent."""
    messages = (Outgoing(text, reply=reply_parameters) for text in texts)
    return await send_in_order(bot, chat_id, messages, following(shared, user_id), topic)


async def send_reply(shared: BotData, message: Message, *texts: str) -> list[Message]:
    """Reply to `message` with `texts` as `Message.reply_html` does (in its chat and forum
    topic, each quoting it in a group: there, a reply not attached to its command is lost
    among the members' messages; a private chat has no one else's), following its group
    into the supergroup it became (`send`). Returns the messages sent."""
    quoted = (
        ReplyParameters(message.message_id, allow_sending_without_reply=True)
        if message.chat.type != ChatType.PRIVATE
        else None
    )
    user = message.from_user
    return await send(
        message.get_bot(),
        shared,
        message.chat_id,
        texts,
        user.id if user else None,
        topic_of(message),
        quoted,
    )
