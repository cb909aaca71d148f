"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the bot.

The real python-telegram-bot stack (httpx, request encoding, error mapping) talks to it over
HTTP, so tests exercise exactly what production does. It enforces Telegram's rules that a bot
can get wrong (HTML markup and text length, tests/telegram_html.py; inline keyboards, reply
parameters, link previews, forum topics, callback answers and commands,
tests/telegram_rules.py; not-modified edits) and can inject the failures a bot must survive
(flood limits, blocked users, migrated groups, an outage of 5xx answers, an answer that comes
too late). Stdlib only.
"""

from __future__ import annotations

import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.telegram_flood import MESSAGE_METHODS, TELEGRAMS_LIMITS, FloodControl, FloodLimits
from tests.telegram_html import TelegramTextError, check_message_text, utf16_len
from tests.telegram_rules import (
    TelegramRuleError,
    check_callback_answer_text,
    check_commands,
    check_link_preview_options,
    check_reply_markup,
    check_reply_parameters,
)

JSON = dict[str, Any]
TEST_TOKEN = "123456789:AAFakeTokenForNewsbotTests_012345-x"
"""A token in Telegram's format (``<bot id>:<35 characters>``); the fake accepts any such."""
TEST_USER_ID = 424242
"""Default sender of injected updates outside private chats."""
ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: the sender of an anonymous admin's message
TELEGRAM_SERVICE_ID = 777000  # "Telegram": the sender of a channel post forwarded by itself

_TOKEN_PATH = re.compile(r"^/bot(\d+:[A-Za-z0-9_-]{35})/([A-Za-z]+)$")
_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{5,32}(?!\w)")
# Form-encoded values are JSON-decoded unless the parameter is a plain string in the API.
_STRING_PARAMS = frozenset(
    ("text", "parse_mode", "callback_query_id", "inline_query_id", "action")
    + ("url", "next_offset", "language_code", "inline_message_id", "message_text")
    + ("caption",)
)
_CHAT_ACTIONS = frozenset(
    ("typing", "upload_photo", "record_video", "upload_video", "record_voice")
    + ("upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note")
    + ("upload_video_note",)
)
_KICKED = {
    "private": "Forbidden: bot was blocked by the user",
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot was kicked from the channel chat",
}
# The fields PTB requires in a ChatMemberAdministrator: an ordinary admin, as a bot usually is.
_ADMIN_RIGHTS = dict.fromkeys(
    ("can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_invite_users")
    + ("can_restrict_members", "can_change_info"),
    True,
) | dict.fromkeys(
    ("can_be_edited", "is_anonymous", "can_promote_members", "can_post_stories")
    + ("can_edit_stories", "can_delete_stories"),
    False,
)
# A restricted member's permissions (ChatMemberRestricted), all withheld; "is_member" says
# whether the user is in the chat at all
_RESTRICTIONS = {"is_member": True, "until_date": 0} | dict.fromkeys(
    ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos")
    + ("can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls")
    + ("can_send_other_messages", "can_add_web_page_previews", "can_change_info")
    + ("can_invite_users", "can_pin_messages", "can_manage_topics", "can_edit_tag")
    + ("can_react_to_messages",),
    False,
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
"""What Telegram answers to answerCallbackQuery for a press some 15 seconds old, or unknown."""
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(self, error_code: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.error_code, self.description, self.parameters = error_code, description, parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        return body | ({"parameters": self.parameters} if self.parameters else {})


@dataclass(frozen=True)
class RecordedCall:
    """One API request as the bot made it: parameters decoded, ``time`` from time.monotonic."""

    method: str
    params: JSON
    time: float


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _check_results_button(button: JSON) -> None:
    """answerInlineQuery's `button` (InlineQueryResultsButton): a label, and a deep-linking
    start parameter of 1-64 characters of A-Z, a-z, 0-9, _ and - unless it opens a Web App."""
    if not button.get("text"):
        raise _bad("SWITCH_PM_TEXT_EMPTY")
    start = button.get("start_parameter")
    if start is None and "web_app" not in button or start == "":
        raise _bad("START_PARAM_EMPTY")
    if start is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", start):
        raise _bad("START_PARAM_INVALID")


def _chat_member(user: JSON, status: str, **rights: bool) -> JSON:
    """A ChatMember object as the API sends it, with the fields PTB requires per status;
    ``rights`` override an administrator's or a restricted member's (``is_member=False``:
    restricted, and out of the chat)."""
    member: JSON = {"status": status, "user": user}
    if status == "administrator":
        member |= _ADMIN_RIGHTS | rights
    elif status == "restricted":
        member |= _RESTRICTIONS | rights
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unsupported chat member status {status!r}")
    return member


class FakeTelegramServer:
    """The fake Bot API. Use as a context manager or call start()/stop().

    All state is guarded by one condition variable: handler threads and the test thread (or
    event loop) read and write it, and long polls and wait_for wait on it.
    """

    def __init__(
        self,
        *,
        token: str = TEST_TOKEN,
        username: str = "newsbot_test_bot",
        strict: bool = True,
        flood: FloodLimits | None = None,
    ) -> None:
        """``flood``: answer 429 past these flood limits (`limit_floods`); None, never."""
        self.token, self.strict = token, strict
        self.bot_user: JSON = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Newsbot Test",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self._cond = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._poll_generation = 0
        self._long_polls: list[bool] = []
        self._chats: dict[int, JSON] = {}
        self._messages: dict[int, dict[int, JSON]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._rights: dict[tuple[int, int], JSON] = {}
        self._open_queries: set[str] = set()
        self._commands: dict[str, list[JSON]] = {}
        self._failures: list[tuple[str, ApiError, list[int]]] = []
        self._outages: list[tuple[frozenset[str] | None, float, ApiError]] = []
        self._refused_in_outages: list[RecordedCall] = []
        self._delays: list[tuple[str, float, list[int]]] = []
        self._drops: list[tuple[str, list[int]]] = []
        self._chat_errors: dict[int, ApiError] = {}
        self._topics: dict[int, set[int]] = {}  # forum topics members wrote in, by chat
        self._flood = FloodControl(flood) if flood is not None else None
        self._floods: list[RecordedCall] = []
        # the seconds flood mode counts in: a test sets a `FloodClock` to check a retry_after
        # or a window's end exactly, not as the wall's time between its requests made them
        self.flood_clock: Callable[[], float] = time.monotonic
        self._stopping = False
        self.internal_errors: list[BaseException] = []
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` or ``ApplicationBuilder().base_url()``; PTB adds the token."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/bot"

    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = _HttpServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), name="fake-telegram"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending long polls, then join every thread and close every socket."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._httpd is not None and self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._httpd.server_close()  # joins the request threads
            self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ----- inspection ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Calls so far, oldest first, optionally only of one method (e.g. "sendMessage")."""
        with self._cond:
            return [call for call in self._calls if method in (None, call.method)]

    def messages(self, chat_id: int) -> list[JSON]:
        """Messages currently in a chat (users' and the bot's), edits applied, oldest first."""
        with self._cond:
            return copy.deepcopy(list(self._messages.get(chat_id, {}).values()))

    def sent_messages(self, chat_id: int) -> list[JSON]:
        """Messages the bot sent to a chat that still exist, in their current (edited) state."""
        bot_id = self.bot_user["id"]
        return [m for m in self.messages(chat_id) if m.get("from", {}).get("id") == bot_id]

    def outage_refusals(self) -> list[RecordedCall]:
        """The calls an outage answered with its 5xx error (`outage`), oldest first."""
        with self._cond:
            return list(self._refused_in_outages)

    def floods(self) -> list[RecordedCall]:
        """The calls flood mode answered with 429, oldest first."""
        with self._cond:
            return list(self._floods)

    def long_polls(self) -> list[bool]:
        """For each getUpdates that waited for updates, oldest first: whether something
        ended its wait before its timeout (an update, the fake stopping)."""
        with self._cond:
            return list(self._long_polls)

    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._cond:
            return list(self._updates)

    def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedCall]:
        """Block until the bot made ``count`` calls of ``method``; thread-safe, not for async."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._matching(method)) >= count, timeout):
                raise TimeoutError(self._timeout_message(method, count, timeout))
            return self._matching(method)

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> Coroutine[Any, Any, list[RecordedCall]]:
        """``await`` until the bot made ``count`` calls of ``method``; polls the recorded calls
        so it never blocks the event loop the bot runs on."""
        return self._wait_async(method, count, time.monotonic() + timeout, timeout)

    async def _wait_async(
        self, method: str, count: int, deadline: float, seconds: float
    ) -> list[RecordedCall]:
        while len(calls := self.calls(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(self._timeout_message(method, count, seconds))
            await asyncio.sleep(0.01)
        return calls

    def _matching(self, method: str) -> list[RecordedCall]:
        return [call for call in self._calls if call.method == method]

    def _timeout_message(self, method: str, count: int, timeout: float) -> str:
        seen = [call.method for call in self.calls()]
        return f"expected {count} {method} call(s) within {timeout}s; calls so far: {seen}"

    # ----- failure injection -----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with an error instead of handling them.

        429 defaults to ``retry_after=1`` (PTB raises RetryAfter); ``migrate_to_chat_id`` makes a
        400 that PTB raises as ChatMigrated; 403 defaults to "bot was blocked by the user".
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        parameters = {"retry_after": retry_after, "migrate_to_chat_id": migrate_to_chat_id}
        defaults = {
            429: f"Too Many Requests: retry after {retry_after}",
            403: _KICKED["private"],
            400: "Bad Request",
            500: "Internal Server Error",
        }
        if migrate_to_chat_id is not None:
            defaults[400] = "Bad Request: group chat was upgraded to a supergroup chat"
        description = description or defaults.get(error_code, f"Error {error_code}")
        params = {key: value for key, value in parameters.items() if value is not None}
        with self._cond:
            self._failures.append((method, ApiError(error_code, description, **params), [count]))

    def limit_floods(self, limits: FloodLimits | None = TELEGRAMS_LIMITS) -> None:
        """From now on answer a message past Telegram's flood limits (``limits``: its own by
        default, `FloodLimits`) with 429 and a retry_after, as Telegram does; None: never
        (the default, so tests that do not look at floods keep their speed)."""
        with self._cond:
            self._flood = FloodControl(limits) if limits is not None else None

    def outage(
        self,
        seconds: float,
        error_code: int = 502,
        methods: tuple[str, ...] | None = ("sendMessage",),
    ) -> None:
        """For the next ``seconds``, answer every call of ``methods`` (all if None) with a
        5xx error, as Telegram's front does while its backend is away. Calls are recorded,
        those refused in `outage_refusals` too."""
        description = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
        error = ApiError(error_code, description.get(error_code, f"Error {error_code}"))
        until = time.monotonic() + seconds
        with self._cond:
            self._outages.append((frozenset(methods) if methods else None, until, error))

    def delay_answer(self, method: str, seconds: float, count: int = 1) -> None:
        """Carry out the next ``count`` calls of ``method``, then wait ``seconds`` before
        answering: a client whose read timeout is shorter never learns that they succeeded."""
        with self._cond:
            self._delays.append((method, seconds, [count]))

    def drop_answer(self, method: str, count: int = 1) -> None:
        """Carry out the next ``count`` calls of ``method``, then close the connection
        without answering: the client sees it lost (reset, or closed mid-exchange)."""
        with self._cond:
            self._drops.append((method, [count]))

    def answer_dropped(self, method: str) -> bool:
        """Whether the answer to a call of ``method`` just carried out is to be dropped."""
        with self._cond:
            for name, remaining in self._drops:
                if name == method and remaining[0] > 0:
                    remaining[0] -= 1
                    return True
        return False

    def answer_delay(self, method: str) -> float:
        """Seconds to hold back the answer of a call of ``method`` just carried out."""
        with self._cond:
            for name, seconds, remaining in self._delays:
                if name == method and remaining[0] > 0:
                    remaining[0] -= 1
                    return seconds
        return 0.0

    def block_chat(
        self, chat_id: int, description: str | None = None, error_code: int = 403
    ) -> None:
        """Fail every call addressed to ``chat_id``, by default as Telegram does once the bot
        was blocked (private chat) or kicked (groups, channels)."""
        with self._cond:
            chat_type = self._chats.get(chat_id, {}).get("type", "private")
            self._chat_errors[chat_id] = ApiError(error_code, description or _KICKED[chat_type])

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """Make ``chat_id`` a group that was upgraded to supergroup ``new_chat_id``."""
        self.add_chat(new_chat_id, "supergroup", title=self._title(chat_id))
        with self._cond:
            self._chat_errors[chat_id] = ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=new_chat_id,
            )

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._chat_errors.pop(chat_id, None)

    # ----- world state and update injection --------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
        forum: bool = False,
    ) -> JSON:
        """Make a chat known (the API answers "chat not found" for others); returns it.
        ``forum``: a supergroup with topics (``is_forum``)."""
        with self._cond:
            if chat_id not in self._chats:
                chat: JSON = {"id": chat_id, "type": chat_type}
                if chat_type == "private":
                    chat["first_name"] = title or f"User {chat_id}"
                else:
                    chat["title"] = title or f"Chat {chat_id}"
                chat |= {"username": username} if username else {}
                self._chats[chat_id] = chat | ({"is_forum": True} if forum else {})
            return dict(self._chats[chat_id])

    def set_member_status(self, chat_id: int, user_id: int, status: str, **rights: bool) -> None:
        """Status getChatMember/getChatAdministrators report ("creator", "administrator", ...);
        ``rights`` add or override an administrator's, e.g. ``can_post_messages=True`` for a
        channel admin that may post, or a restricted member's, e.g. ``is_member=False``."""
        _chat_member({}, status)  # refuse statuses the fake cannot describe
        with self._cond:
            self._members[(chat_id, user_id)] = status
            self._rights[(chat_id, user_id)] = rights

    def enqueue_update(self, update: JSON) -> JSON:
        """Queue a raw update (``update_id`` is assigned) for the next getUpdates."""
        with self._cond:
            update = {"update_id": next(self._update_ids)} | update
            self._updates.append(update)
            self._cond.notify_all()
            return update

    def user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
        username: str | None = None,
        date: int | None = None,
        topic: int | None = None,
        anonymous: bool = False,
        via_bot: bool = False,
        photo: bool = False,
        forwarded_from_channel: int | None = None,
    ) -> JSON:
        """Queue a user's text message and return the update; in channels a ``channel_post``.
        With ``photo``, a photo whose caption is ``text`` (its entities ``caption_entities``).

        ``entities=None`` adds bot_command and mention entities as Telegram does; ``date``
        (Unix seconds) is when it was sent, now by default; ``topic``: the forum topic of a
        supergroup it was sent in; ``anonymous``: sent by an anonymous administrator of the
        group, as Telegram sends it (from GroupAnonymousBot, on behalf of the group);
        ``via_bot``: posted through this bot's inline mode; ``forwarded_from_channel``: a post
        of that channel, which Telegram forwards by itself into the channel's discussion group
        (``is_automatic_forward``, from the "Telegram" service account, 777000).
        """
        chat = self.add_chat(chat_id, chat_type)
        user = self._user(
            user_id or (chat_id if chat_type == "private" else TEST_USER_ID), username
        )
        entities = _detect_entities(text) if entities is None else entities
        sent = int(time.time()) if date is None else date
        message: JSON = {"chat": chat, "date": sent}
        if photo:
            size = {"file_id": "photo", "file_unique_id": "photo1", "width": 90, "height": 60}
            message |= {"photo": [size], "caption": text}
            message |= {"caption_entities": entities} if entities else {}
        else:
            message |= {"text": text}
            message |= {"entities": entities} if entities else {}
        if anonymous:
            user = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group"}
        message |= {"sender_chat": chat} if chat_type == "channel" or anonymous else {}
        if forwarded_from_channel is not None:
            channel = self.add_chat(forwarded_from_channel, "channel")
            user = {"id": TELEGRAM_SERVICE_ID, "is_bot": False, "first_name": "Telegram"}
            origin = {"type": "channel", "chat": channel, "message_id": 1, "date": sent}
            message |= {"sender_chat": channel, "is_automatic_forward": True}
            message |= {"forward_origin": origin}
        message |= {} if chat_type == "channel" else {"from": user}
        message |= {"message_thread_id": topic, "is_topic_message": True} if topic else {}
        message |= {"via_bot": self.bot_user} if via_bot else {}
        with self._cond:
            if topic:
                self._topics.setdefault(chat_id, set()).add(topic)
            if reply_to_message_id is not None:
                if reply_to_message_id not in self._messages.get(chat_id, {}):
                    raise ValueError(f"no message {reply_to_message_id} in chat {chat_id}")
                message["reply_to_message"] = self._quoted(chat_id, reply_to_message_id)
            message = self._store_message(chat_id, message)
        return self.enqueue_update(
            {"channel_post" if chat_type == "channel" else "message": message}
        )

    def edit_user_message(self, chat_id: int, message_id: int, text: str) -> JSON:
        """Edit a user's message as the user would, and queue the ``edited_message`` update
        Telegram sends for it (its ``date`` the original's, ``edit_date`` now)."""
        with self._cond:
            message = self._find_message(chat_id, message_id, "message to edit not found")
            if message.get("from", {}).get("id") == self.bot_user["id"]:
                raise ValueError("the bot's own messages are edited through the API")
            message.pop("entities", None)
            entities = _detect_entities(text)
            message |= {"text": text, "edit_date": int(time.time())}
            message |= {"entities": entities} if entities else {}
            edited = dict(message)
        return self.enqueue_update({"edited_message": edited})

    def callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str | None,
        *,
        user_id: int | None = None,
        forged: bool = False,
    ) -> JSON:
        """Queue a press of the inline button with callback ``data`` on a bot message.

        ``forged``: any ``data``, as a modified client may send (Telegram passes it on: "the
        message originated the query can contain no callback buttons with this data"), or
        none (None)."""
        with self._cond:
            if message_id not in self._messages.get(chat_id, {}):
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            message = copy.deepcopy(self._messages[chat_id][message_id])
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            buttons = [button.get("callback_data") for row in rows for button in row]
            if not forged and data not in buttons:
                raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
        sender = self._user(user_id or (chat_id if chat_id > 0 else TEST_USER_ID))
        return self.enqueue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender,
                    "message": message,
                    "chat_instance": str(chat_id),
                    **({} if data is None else {"data": data}),
                }
            }
        )

    def inline_callback_query(self, inline_message_id: str, data: str, *, user_id: int) -> JSON:
        """Queue a press of a button with callback ``data`` on a message sent in inline mode:
        Telegram names no chat and no message then, only ``inline_message_id``. Those
        messages are not tracked here, so ``data`` is whatever the test (or a modified
        client) says."""
        with self._cond:
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
        return self.enqueue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "inline_message_id": inline_message_id,
                    "chat_instance": f"inline-{inline_message_id}",
                    "data": data,
                }
            }
        )

    def inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str = "private"
    ) -> JSON:
        """Queue an inline query ``@bot query`` typed by ``user_id``."""
        with self._cond:
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
        return self.enqueue_update(
            {
                "inline_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "query": query,
                    "offset": offset,
                    "chat_type": chat_type,
                }
            }
        )

    def my_chat_member(
        self,
        chat_id: int,
        new_status: str,
        *,
        old_status: str | None = None,
        chat_type: str = "group",
        user_id: int | None = None,
        is_member: bool = True,
    ) -> JSON:
        """Queue a change of the bot's own membership ("member", "administrator", "left",
        "kicked", "restricted", ...); ``is_member`` of a "restricted" one: whether it is still
        in the chat. Like Telegram, calls to the chat then fail while the bot is out of it."""
        chat = self.add_chat(chat_id, chat_type)
        if old_status is None:
            old_status = "left" if new_status in ("member", "administrator") else "member"
        bot_id = self.bot_user["id"]
        rights = {"is_member": is_member} if new_status == "restricted" else {}
        self.set_member_status(chat_id, bot_id, new_status, **rights)
        if new_status in ("left", "kicked") or not rights.get("is_member", True):
            not_member = f"Forbidden: bot is not a member of the {chat['type']} chat"
            self.block_chat(chat_id, None if new_status == "kicked" else not_member)
        else:
            self.unblock_chat(chat_id)
        return self.enqueue_update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": self._user(user_id or TEST_USER_ID),
                    "date": int(time.time()),
                    "old_chat_member": _chat_member(self.bot_user, old_status),
                    "new_chat_member": _chat_member(self.bot_user, new_status, **rights),
                }
            }
        )

    def _user(self, user_id: int, username: str | None = None) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        return user | {"language_code": "en"} | ({"username": username} if username else {})

    def _chat_by_username(self, name: str) -> int:
        wanted = name.removeprefix("@").lower()
        for chat_id, chat in self._chats.items():
            if chat.get("username", "").lower() == wanted and chat["type"] != "private":
                return chat_id
        raise _bad("chat not found")

    def _title(self, chat_id: int) -> str | None:
        with self._cond:
            return self._chats.get(chat_id, {}).get("title")

    def _store_message(self, chat_id: int, message: JSON) -> JSON:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = {"message_id": next(counter)} | message
        self._messages.setdefault(chat_id, {})[message["message_id"]] = message
        return dict(message)

    def _find_message(self, chat_id: int, message_id: int, missing: str) -> JSON:
        """The stored message; ``missing`` is the API's description when there is none."""
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise _bad(missing)
        return message

    def _quoted(self, chat_id: int, message_id: int) -> JSON:
        """A copy of a message for ``reply_to_message``, which Telegram never nests deeper."""
        message = dict(self._messages[chat_id][message_id])
        message.pop("reply_to_message", None)
        return message

    # ----- request handling (called from handler threads) ------------------------------------

    def handle(self, method: str, params: JSON) -> Any:
        """Record the call, apply injected failures, then run the method."""
        with self._cond:
            self._calls.append(RecordedCall(method, params, time.monotonic()))
            self._cond.notify_all()
            for name, error, remaining in self._failures:
                if name == method and remaining[0] > 0:
                    remaining[0] -= 1
                    raise error
            for methods, until, error in self._outages:
                if (methods is None or method in methods) and time.monotonic() < until:
                    self._refused_in_outages.append(self._calls[-1])
                    raise error
            for key in ("chat_id", "user_id", "message_id"):  # the API takes "123" as 123
                if isinstance(params.get(key), str) and re.fullmatch(r"-?\d+", params[key]):
                    params[key] = int(params[key])
            if params.get("chat_id") == "":
                raise _bad("chat_id is empty")
            if isinstance(params.get("chat_id"), str):  # "@channelusername" names a chat
                params["chat_id"] = self._chat_by_username(params["chat_id"])
            if "chat_id" in params and not _is_integer(params["chat_id"]):
                raise _bad("chat not found")  # the API takes an Integer or a String
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            chat_id = params.get("chat_id")
            if chat_id in self._chat_errors:
                raise self._chat_errors[chat_id]
            if chat_id is not None and chat_id not in self._chats:
                raise _bad("chat not found")
            try:
                self._check_fields(params)
                self._check_flood(method, params)
                result = handler(params)
            except TelegramRuleError as error:
                raise ApiError(400, error.description) from None
            except KeyError as error:  # a required parameter is missing
                if not isinstance(error.args[0], str) or error.args[0] in params:
                    raise  # a bug in the fake, not in the request
                raise _bad(f"{error.args[0]} is empty") from None
            if self._flood is not None and method in MESSAGE_METHODS:
                self._flood.sent(params["chat_id"], self.flood_clock())
            return copy.deepcopy(result)  # serialized after the lock is released

    def _check_flood(self, method: str, params: JSON) -> None:
        """In flood mode, answer a message past the limits with 429 (recorded in floods)."""
        if self._flood is None or method not in MESSAGE_METHODS:
            return
        chat_id = params["chat_id"]
        group = self._chats[chat_id]["type"] in ("group", "supergroup")
        wait = self._flood.wait(chat_id, group, self.flood_clock())
        if wait is not None:
            self._floods.append(self._calls[-1])
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

    def _check_fields(self, params: JSON) -> None:
        """The rules on the fields many methods share, whichever method carries them."""
        check_reply_markup(params.get("reply_markup"))
        check_reply_parameters(params.get("reply_parameters"))
        check_link_preview_options(params.get("link_preview_options"))
        thread = params.get("message_thread_id")
        if thread is not None and "chat_id" in params:
            chat = self._chats[params["chat_id"]]
            # a forum's topics, and since Bot API 9.4 a private chat's (a bot may turn topics
            # on there), are those written in (a non-forum supergroup's threads are any
            # message's replies: not tracked)
            topics = chat.get("is_forum") or chat["type"] == "private"
            unknown_topic = topics and thread not in self._topics.get(chat["id"], ())
            if not _is_integer(thread) or unknown_topic:
                raise _bad("message thread not found")

    def _api_getUpdates(self, params: JSON) -> list[JSON]:
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
        if offset < 0:
            del self._updates[: max(0, len(self._updates) + offset)]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + float(params.get("timeout", 0))
        waited = False
        while not self._updates and not self._stopping and time.monotonic() < deadline:
            waited = True
            self._cond.wait(deadline - time.monotonic())
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                )
        if waited:
            self._long_polls.append(time.monotonic() < deadline)
        return self._updates[: max(1, min(limit, 100))]

    def _api_getMe(self, params: JSON) -> JSON:
        return self.bot_user

    def _api_deleteWebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _check_text(self, text: Any, params: JSON) -> tuple[str, list[JSON]]:
        try:
            parsed = check_message_text(
                text, params.get("parse_mode"), params.get("entities"), strict=self.strict
            )
        except TelegramTextError as error:
            raise ApiError(400, error.description) from None
        return parsed.text, parsed.entities

    def _api_sendMessage(self, params: JSON) -> JSON:
        text, entities = self._check_text(params.get("text"), params)
        markup = params.get("reply_markup")
        chat_id = params["chat_id"]
        message: JSON = {
            "from": self.bot_user,
            "chat": self._chats[chat_id],
            "date": int(time.time()),
            "text": text,
        }
        message |= {"entities": entities} if entities else {}
        message |= {"reply_markup": markup} if isinstance(markup, dict) else {}
        if params.get("message_thread_id"):  # sent to a forum topic
            message |= {"message_thread_id": params["message_thread_id"], "is_topic_message": True}
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_id in self._messages.get(chat_id, {}):
            message["reply_to_message"] = self._quoted(chat_id, reply_id)
        elif reply_id is not None and not reply.get("allow_sending_without_reply"):
            raise _bad("message to be replied not found")
        return self._store_message(chat_id, message)

    def _editable(self, params: JSON) -> JSON | None:
        if "inline_message_id" in params:
            return None  # messages sent via inline mode are not tracked
        message = self._find_message(
            params["chat_id"], params["message_id"], "message to edit not found"
        )
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad("message can't be edited")
        return message

    def _api_editMessageText(self, params: JSON) -> JSON | bool:
        text, entities = self._check_text(params.get("text"), params)
        markup = params.get("reply_markup")
        message = self._editable(params)
        if message is None:
            return True
        new = {"text": text, "entities": entities, "reply_markup": markup}
        if all(message.get(key) == (value or None) for key, value in new.items()):
            raise ApiError(400, _NOT_MODIFIED)
        for key, value in new.items():
            message.pop(key, None)
            message |= {key: value} if value else {}
        message["edit_date"] = int(time.time())
        return dict(message)

    def _api_editMessageReplyMarkup(self, params: JSON) -> JSON | bool:
        markup = params.get("reply_markup")
        message = self._editable(params)
        if message is None:
            return True
        if message.get("reply_markup") == (markup or None):
            raise ApiError(400, _NOT_MODIFIED)
        message.pop("reply_markup", None)
        message |= {"reply_markup": markup} if markup else {}
        message["edit_date"] = int(time.time())
        return dict(message)

    def _answer_query(self, query_id: Any) -> None:
        if str(query_id) not in self._open_queries:
            raise ApiError(400, QUERY_TOO_OLD)
        self._open_queries.discard(str(query_id))

    def _api_answerCallbackQuery(self, params: JSON) -> bool:
        check_callback_answer_text(params.get("text"))
        self._answer_query(params.get("callback_query_id"))
        return True

    def _api_answerInlineQuery(self, params: JSON) -> bool:
        results = params.get("results") or []
        if len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH")
        if len({result.get("id") for result in results}) != len(results):
            raise _bad("RESULT_ID_DUPLICATE")
        for result in results:
            content = result.get("input_message_content") or {}
            check_reply_markup(result.get("reply_markup"))
            check_link_preview_options(content.get("link_preview_options"))
            if "message_text" in content:
                self._check_text(content["message_text"], content)
        if params.get("button") is not None:
            _check_results_button(params["button"])
        self._answer_query(params.get("inline_query_id"))
        return True

    def _commands_key(self, params: JSON) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def _api_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands") or []
        check_commands(commands)
        self._commands[self._commands_key(params)] = commands
        return True

    def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        return self._commands.get(self._commands_key(params), [])

    def _api_sendChatAction(self, params: JSON) -> bool:
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _api_deleteMessage(self, params: JSON) -> bool:
        self._find_message(params["chat_id"], params["message_id"], "message to delete not found")
        del self._messages[params["chat_id"]][params["message_id"]]
        return True

    def _api_getChat(self, params: JSON) -> JSON:
        gift_types = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return self._chats[params["chat_id"]] | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(gift_types + ("gifts_from_channels",), False),
        }

    def _api_getChatMember(self, params: JSON) -> JSON:
        chat_id, user_id = params["chat_id"], params["user_id"]
        user = self.bot_user if user_id == self.bot_user["id"] else self._user(user_id)
        status = self._members.get((chat_id, user_id), "member")
        return _chat_member(user, status, **self._rights.get((chat_id, user_id), {}))

    def _api_getChatAdministrators(self, params: JSON) -> list[JSON]:
        chat_id = params["chat_id"]
        if self._chats[chat_id]["type"] == "private":
            raise _bad("there are no administrators in the private chat")
        admins = [
            (user_id, status)
            for (chat, user_id), status in self._members.items()
            if chat == chat_id and status in ("creator", "administrator")
        ]
        return [self._api_getChatMember({"chat_id": chat_id, "user_id": u}) for u, _ in admins]


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _detect_entities(text: str) -> list[JSON]:
    """The bot_command and mention entities Telegram adds to a user's plain text."""
    found = [
        {"type": kind, "offset": utf16_len(text[: match.start()]), "length": utf16_len(match[0])}
        for kind, pattern in (("bot_command", _COMMAND), ("mention", _MENTION))
        for match in pattern.finditer(text)
    ]
    return sorted(found, key=lambda entity: entity["offset"])


def _decode_form_value(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class _HttpServer(ThreadingHTTPServer):
    """Request threads are not daemons, so server_close() joins them: no leaked threads."""

    daemon_threads = False


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into FakeTelegramServer.handle calls and answers as the API does."""

    fake: FakeTelegramServer
    timeout = 10  # a stuck client must not keep a handler thread (and stop()) waiting long

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; failures show up in test assertions instead."""

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        match = _TOKEN_PATH.match(url.path)
        try:
            if match is None:
                raise ApiError(401, "Unauthorized")
            params = self._params(url.query)
            body: JSON = {"ok": True, "result": self.fake.handle(match.group(2), params)}
            status = 200
            time.sleep(self.fake.answer_delay(match.group(2)))  # done, but the answer is late
            if self.fake.answer_dropped(match.group(2)):  # done, and the connection lost
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        except ApiError as error:
            body, status = error.body(), error.error_code
        except Exception as error:  # noqa: BLE001 - a bug in the fake: the fixture reports it
            self.fake.internal_errors.append(error)
            body, status = ApiError(500, f"Internal Server Error: {error!r}").body(), 500
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, e.g. PTB cancelled a long poll while stopping

    def _params(self, query: str) -> JSON:
        """Decode query string plus JSON, url-encoded or multipart bodies into typed values."""
        params: JSON = {k: _decode_form_value(k, v) for k, v in parse_qsl(query)}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and body:
            params |= json.loads(body)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            params |= {k: _decode_form_value(k, v) for k, v in parse_qsl(body.decode())}
        elif content_type.startswith("multipart/form-data"):
            head = f"Content-Type: {content_type}\r\n\r\n".encode()
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True)
                assert isinstance(data, bytes)  # parts of a form are never nested
                if part.get_filename() is not None:
                    params[str(name)] = {"filename": part.get_filename(), "size": len(data)}
                else:
                    params[str(name)] = _decode_form_value(str(name), data.decode())
        return params
