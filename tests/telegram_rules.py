"""Telegram's rules for what a bot sends besides its text: reply markup and the other fields.

Pure checks for the fake Bot API server (tests/fake_telegram.py); each raises
TelegramRuleError with the description the real Bot API answers, with HTTP status 400.

What they rest on:

* The Bot API reference, https://core.telegram.org/bots/api: InlineKeyboardButton ("Exactly
  one of the optional fields must be used"; callback_data "1-64 bytes"; url "HTTP or tg://
  URL"), ReplyParameters (message_id required), LinkPreviewOptions (its flags are Booleans),
  answerCallbackQuery (text "0-200 characters"), BotCommand (command "1-32 characters. Can
  contain only lowercase English letters, digits and underscores"; description "1-256
  characters") and setMyCommands ("At most 100 commands can be specified").
* python-telegram-bot's ``telegram.constants``: InlineKeyboardMarkupLimit (8 buttons a row,
  100 a message, "undocumented and might be changed by Telegram"), CallbackQueryLimit and
  BotCommandLimit, the same figures as the reference.
* The descriptions the real API answers, as bots met them: "Text buttons are unallowed in the
  inline keyboard" (also for an empty callback_data; kotlin-telegram-bot#113, python-telegram-
  bot#277), BUTTON_DATA_INVALID, "inline keyboard button URL '…' is invalid: Wrong HTTP URL" /
  "Unsupported URL protocol" (laravel-notification-channels/telegram#112 and later forms),
  BUTTON_TEXT_INVALID (MTProto's error for a label it refuses), "reply markup is too long"
  (rubenlagus/TelegramBots#218, pyTelegramBotAPI#511), MESSAGE_TOO_LONG for a callback answer
  (pyTelegramBotAPI#500), BOT_COMMAND_INVALID (tdlib/telegram-bot-api#98),
  BOT_COMMAND_DESCRIPTION_INVALID and BOT_COMMANDS_TOO_MUCH (Telethon's errors.csv, Telethon#4700),
  WEBPAGE_URL_INVALID and 'field "is_disabled" must be of type Boolean' for link previews.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import urlsplit

BUTTONS_PER_ROW = 8  # InlineKeyboardMarkupLimit.BUTTONS_PER_ROW
BUTTONS_PER_MESSAGE = 100  # InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER
CALLBACK_DATA_BYTES = 64
CALLBACK_ANSWER_CHARS = 200
MAX_COMMANDS = 100
BUTTON_ACTIONS = (
    ("url", "callback_data", "web_app", "login_url", "copy_text", "callback_game", "pay")
    + ("switch_inline_query", "switch_inline_query_current_chat")
    + ("switch_inline_query_chosen_chat",)
)
_LINK_PREVIEW_FLAGS = (
    "is_disabled",
    "prefer_small_media",
    "prefer_large_media",
    "show_above_text",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_HOST = re.compile(r"[\w-]+(\.[\w-]+)+\.?")


class TelegramRuleError(ValueError):
    """A request the Bot API refuses; ``description`` is the API's error description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _bad(description: str) -> TelegramRuleError:
    return TelegramRuleError(f"Bad Request: {description}")


def check_reply_markup(markup: Any) -> None:
    """An inline keyboard's size and each of its buttons; other markup passes unchecked."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad("object expected as reply markup")
    if "inline_keyboard" not in markup:
        return  # a reply keyboard, ForceReply or ReplyKeyboardRemove: the bot sends none
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" must be of type Array')
    too_wide = any(len(row) > BUTTONS_PER_ROW for row in rows)
    if too_wide or sum(map(len, rows)) > BUTTONS_PER_MESSAGE:
        raise _bad("reply markup is too long")
    for button in itertools.chain.from_iterable(rows):
        check_inline_button(button)


def check_inline_button(button: Any) -> None:
    """One InlineKeyboardButton: a label and exactly one action, each action valid."""
    unparsable = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise _bad(unparsable + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise _bad(unparsable + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise _bad(unparsable + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise _bad("BUTTON_TEXT_INVALID")
    # the real API reads an empty callback_data as none at all
    actions = [a for a in BUTTON_ACTIONS if a in button and button[a] is not None]
    if button.get("callback_data") == "":
        actions.remove("callback_data")
    if not actions:
        raise _bad(unparsable + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram's reference: "Exactly one of the optional fields must be used"; which of
        # them the real API would obey is not documented, so the fake refuses the button
        raise _bad(unparsable + f"exactly one of the fields {', '.join(actions)} must be used")
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str) or len(data.encode()) > CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    if "url" in actions:
        check_button_url(button["url"])


def check_button_url(url: Any) -> None:
    """A URL button opens an http(s) page or a tg:// link, nothing else."""
    if not isinstance(url, str):
        raise _bad('can\'t parse inline keyboard button: Field "url" must be of type String')
    problem = _url_problem(url, ("http", "https", "tg"))
    if problem:
        raise _bad(f"inline keyboard button URL '{url}' is invalid: {problem}")


def _url_problem(url: str, schemes: tuple[str, ...]) -> str | None:
    """Why Telegram refuses ``url`` (its words), or None. A bare host is taken as http."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "Wrong HTTP URL"
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return "Unsupported URL protocol"
    if scheme == "tg":
        return None if parts.netloc else "Wrong HTTP URL"
    if not host:
        return "URL host is empty"
    # a host needs a top-level domain: "not-a-url" and "http://localhost" are refused
    if any(c.isspace() for c in url) or not _HOST.fullmatch(host):
        return "Wrong HTTP URL"
    return None


def check_reply_parameters(reply: Any) -> None:
    """ReplyParameters: an object naming the message replied to."""
    if reply is None:
        return
    if not isinstance(reply, dict):
        raise _bad("object expected as reply parameters")
    if "message_id" not in reply:
        raise _bad('can\'t find field "message_id"')
    if not isinstance(reply["message_id"], int) or isinstance(reply["message_id"], bool):
        raise _bad('field "message_id" must be of type Number')
    flag = reply.get("allow_sending_without_reply")
    if flag is not None and not isinstance(flag, bool):
        raise _bad('field "allow_sending_without_reply" must be of type Boolean')


def check_link_preview_options(options: Any) -> None:
    """LinkPreviewOptions: Boolean flags, and an http(s) page for ``url``."""
    if options is None:
        return
    if not isinstance(options, dict):
        raise _bad("object expected as link preview options")
    for flag in _LINK_PREVIEW_FLAGS:
        if flag in options and not isinstance(options[flag], bool):
            raise _bad(f'field "{flag}" must be of type Boolean')
    url = options.get("url")
    if url is not None and (not isinstance(url, str) or _url_problem(url, ("http", "https"))):
        raise _bad("WEBPAGE_URL_INVALID")


def check_callback_answer_text(text: Any) -> None:
    """answerCallbackQuery's notification: at most 200 characters."""
    if text is not None and len(str(text)) > CALLBACK_ANSWER_CHARS:
        raise _bad("MESSAGE_TOO_LONG")


def check_commands(commands: Any) -> None:
    """setMyCommands: at most 100 commands, each named and described within the limits."""
    if not isinstance(commands, list):
        raise _bad('field "commands" must be of type Array')
    if len(commands) > MAX_COMMANDS:
        raise _bad("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        if not isinstance(name, str) or not _COMMAND.fullmatch(name):
            raise _bad("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not description.strip() or len(description) > 256:
            raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
