"""Tests of the fake Bot API server, driven through the real python-telegram-bot client.

They pin the fake to what Telegram does, so later tests of the bot can trust it.
"""

import asyncio
import datetime as dtm
import re
import threading
from typing import Any

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputFile,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.transport import flood_wait
from tests.fake_telegram import TEST_TOKEN, TEST_USER_ID, FakeTelegramServer
from tests.telegram_flood import FloodClock, FloodLimits
from tests.telegram_html import TelegramTextError, check_message_text, parse_html

CANT_PARSE = "(?i)can't parse entities"  # PTB's BadRequest.message is str.capitalize()d
CHAT = 1001
GROUP = -2002


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


# ----- identity, tokens, unknown methods ------------------------------------------------------


async def test_get_me_describes_the_bot(fake_bot: Bot) -> None:
    assert fake_bot.username == "newsbot_test_bot"
    assert fake_bot.id == int(TEST_TOKEN.split(":")[0])
    assert fake_bot.bot.supports_inline_queries and fake_bot.bot.can_join_groups


@pytest.mark.parametrize("token", ["123:short", "abc:" + "a" * 35, "123456:" + "a" * 34 + "!"])
async def test_malformed_token_is_unauthorized(
    fake_telegram: FakeTelegramServer, token: str
) -> None:
    with pytest.raises(InvalidToken):
        async with Bot(token, base_url=fake_telegram.base_url):
            pass


async def test_any_well_formed_token_is_accepted(fake_telegram: FakeTelegramServer) -> None:
    async with Bot("42:" + "x" * 35, base_url=fake_telegram.base_url) as bot:
        assert bot.username == "newsbot_test_bot"


async def test_unknown_method_is_not_found(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    with pytest.raises(EndPointNotFound, match="(?i)sendTelepathy"):
        await fake_bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})
    assert len(fake_telegram.calls("sendTelepathy")) == 1  # recorded all the same


async def test_multipart_requests_are_decoded(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    document = InputFile(b"hello", filename="a.txt")
    with pytest.raises(EndPointNotFound):  # unknown methods are recorded all the same
        await fake_bot.do_api_request(
            "uploadNewsArchive",
            api_kwargs={"chat_id": CHAT, "document": document, "caption": "<b>c</b>"},
        )
    (call,) = fake_telegram.calls("uploadNewsArchive")
    assert call.params["chat_id"] == CHAT and call.params["caption"] == "<b>c</b>"
    assert call.params["document"] == {"filename": "a.txt", "size": 5}


# ----- sendMessage and HTML ---------------------------------------------------------------------


async def test_valid_html_is_accepted_and_parsed(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    html = (
        "<b>Bold</b> <i>it</i> &lt;tag&gt; &amp; &quot;q&quot; &#x1F600; "
        '<a href="https://x.org/?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> <u>u</u> <s>s</s>\n'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>quote <b>bold</b></blockquote> <code>c</code>"
    )
    message = await fake_bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    assert message.text is not None
    assert message.text.startswith(
        'Bold it <tag> & "q" \U0001f600 link s t u s\nx = 1quote bold c'
    )
    kinds = {entity.type: entity for entity in message.entities}
    assert kinds["text_link"].url == "https://x.org/?a=1&b=2"
    assert kinds["text_link"].offset == 23  # the emoji before it counts as 2 UTF-16 units
    assert kinds["pre"].language == "python"
    assert {"bold", "italic", "spoiler", "underline", "strikethrough", "code"} <= set(kinds)
    assert "expandable_blockquote" in kinds
    assert fake_telegram.sent_messages(CHAT)[0]["text"] == message.text


INVALID_HTML = {
    "unsupported tag": ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    "br tag": ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
    "unescaped <": ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    "unclosed tag": ("<b>bold", "Can't find end tag corresponding to start tag b"),
    "misnested": ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
    "stray end tag": ("x</b>", "Unexpected end tag at byte offset 1"),
    "unterminated tag": ("<b", "Unclosed start tag at byte offset 0"),
    "bare ampersand": ("Q&A", 'Unescaped "&" at byte offset 1'),
    "unknown named entity": ("a&nbsp;b", 'Unescaped "&"'),
    "entity without ;": ("a &amp b", 'Unescaped "&"'),
    "span without class": ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    "attribute without =": ("<a href>x</a>", "Expected equal sign"),
    "bad emoji id": ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier"),
    "tag in code": ("<code><b>x</b></code>", 'Tag "b" can\'t be nested in tag "code"'),
    "tag in pre": ("<pre>a<i>x</i></pre>", 'Tag "i" can\'t be nested in tag "pre"'),
    "text around code in pre": ("<pre>a<code>x</code></pre>", 'Tag "code" can\'t be nested'),
    "blockquote in blockquote": (
        "<blockquote>a<blockquote>b</blockquote></blockquote>",
        'Tag "blockquote" can\'t be nested in tag "blockquote"',
    ),
    "link in link": ('<a href="http://a">x<a href="http://b">y</a></a>', "can't be nested"),
}


@pytest.mark.parametrize(("html", "detail"), list(INVALID_HTML.values()), ids=list(INVALID_HTML))
async def test_invalid_html_is_rejected(
    fake_telegram: FakeTelegramServer, fake_bot: Bot, html: str, detail: str
) -> None:
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match=CANT_PARSE) as caught:
        await fake_bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    assert detail.lower() in caught.value.message.lower()
    assert fake_telegram.sent_messages(CHAT) == []


async def test_non_strict_mode_matches_telegram_leniency() -> None:
    with FakeTelegramServer(strict=False) as server:
        server.add_chat(CHAT)
        async with Bot(TEST_TOKEN, base_url=server.base_url) as bot:
            for html in ("Q&A", "<code><b>x</b></code>", "\U0001f600" * 4096):
                await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match=CANT_PARSE):
                await bot.send_message(CHAT, "1 < 2", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match="(?i)message is too long"):
                await bot.send_message(CHAT, "\U0001f600" * 4097)


def test_html_parser_reports_byte_offsets_like_tdlib() -> None:
    with pytest.raises(TelegramTextError, match='(?i)start tag "x" at byte offset 3'):
        parse_html("é <x>")  # "é " is 3 bytes of UTF-8
    assert parse_html("<b>\U0001f600</b>x").entities == [
        {"type": "bold", "offset": 0, "length": 2}
    ]


# ----- length limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("a" * 4096, None, None),
        ("a" * 4097, None, "message is too long"),
        ("<b>" + "a" * 4096 + "</b>", "HTML", None),  # markup does not count
        ("&lt;" * 4096, "HTML", None),  # entities count once decoded
        ("&lt;" * 4097, "HTML", "message is too long"),
        ("\U0001f600" * 2048, None, None),  # 4096 UTF-16 code units
        ("\U0001f600" * 2049, None, "message is too long"),  # 4098 UTF-16 code units
        ("", None, "message text is empty"),
        (" \n ", None, "message text is empty"),
        ("<b></b>", "HTML", "message text is empty"),
    ],
    ids=[
        "4096",
        "4097",
        "tags",
        "entities",
        "entities+1",
        "2048 emoji",
        "2049 emoji",
        "empty",
        "whitespace",
        "empty tags",
    ],
)
async def test_text_length_limits(
    fake_telegram: FakeTelegramServer,
    fake_bot: Bot,
    text: str,
    parse_mode: str | None,
    error: str | None,
) -> None:
    fake_telegram.add_chat(CHAT)
    if error is None:
        await fake_bot.send_message(CHAT, text, parse_mode=parse_mode)
        assert fake_telegram.sent_messages(CHAT)
    else:
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await fake_bot.send_message(CHAT, text, parse_mode=parse_mode)


def test_check_message_text_is_usable_without_a_server() -> None:
    parsed = check_message_text("<b>Top</b> story", "HTML")
    assert parsed.text == "Top story"
    with pytest.raises(TelegramTextError, match="(?i)message is too long"):
        check_message_text("x" * 4097)


# ----- keyboards, edits, deletes -------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    await fake_bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    for data in ("x" * 65, "é" * 33):  # 66 bytes in UTF-8
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await fake_bot.send_message(CHAT, "too long", reply_markup=keyboard(data))


def raw(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An inline keyboard as JSON, past python-telegram-bot's own classes."""
    return {"inline_keyboard": list(rows)}


async def send_raw(bot: Bot, chat_id: int | str, text: str, **params: Any) -> Message:
    """sendMessage with ``params`` sent as they are, as JSON."""
    return await bot.send_message(chat_id, text, api_kwargs=params)


BAD_BUTTONS = {
    "no label": ({"callback_data": "a"}, 'Can\'t find field "text"'),
    "empty label": ({"text": " ", "callback_data": "a"}, "BUTTON_TEXT_INVALID"),
    "no action": ({"text": "Go"}, "Text buttons are unallowed in the inline keyboard"),
    "empty data": ({"text": "Go", "callback_data": ""}, "Text buttons are unallowed"),
    "two actions": (
        {"text": "Go", "callback_data": "a", "url": "https://example.org"},
        "exactly one of the fields url, callback_data must be used",
    ),
    "ftp url": ({"text": "Go", "url": "ftp://example.org"}, "Unsupported URL protocol"),
    "no url": ({"text": "Go", "url": "not-a-url"}, "URL 'not-a-url' is invalid: Wrong HTTP URL"),
    "no domain": ({"text": "Go", "url": "http://localhost:8080/x"}, "Wrong HTTP URL"),
    "no host": ({"text": "Go", "url": "https://"}, "URL host is empty"),
}


@pytest.mark.parametrize(("button", "error"), BAD_BUTTONS.values(), ids=BAD_BUTTONS)
async def test_inline_buttons_need_a_label_and_one_valid_action(
    fake_telegram: FakeTelegramServer, fake_bot: Bot, button: dict[str, Any], error: str
) -> None:
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match=f"(?i){re.escape(error)}"):
        await send_raw(fake_bot, CHAT, text="pick", reply_markup=raw([button]))
    assert fake_telegram.sent_messages(CHAT) == []


async def test_valid_inline_buttons_are_accepted(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    buttons = [
        {"text": "Page", "url": "https://example.org/a?b=1#c"},
        {"text": "Profile", "url": "tg://resolve?domain=newsbot_test_bot"},
        {"text": "Ask", "switch_inline_query_current_chat": ""},  # may be empty
        {"text": "More", "callback_data": "é" * 32},  # 64 bytes
    ]
    await send_raw(fake_bot, CHAT, text="pick", reply_markup=raw(buttons))
    assert fake_telegram.sent_messages(CHAT)[0]["reply_markup"] == raw(buttons)


async def test_an_inline_keyboard_holds_8_buttons_a_row_and_100_in_all(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)

    def row(count: int) -> list[dict[str, Any]]:
        return [{"text": str(n), "callback_data": str(n)} for n in range(count)]

    await send_raw(fake_bot, CHAT, text="ok", reply_markup=raw(*[row(8)] * 12, row(4)))
    for rows in ([row(9)], [*[row(8)] * 12, row(5)]):
        with pytest.raises(BadRequest, match="(?i)reply markup is too long"):
            await send_raw(fake_bot, CHAT, text="too many", reply_markup=raw(*rows))


async def test_every_method_that_takes_markup_checks_it(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    sent = await fake_bot.send_message(CHAT, "pick", reply_markup=keyboard("a"))
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("Go", url="ftp://example.org")]])
    with pytest.raises(BadRequest, match="(?i)Unsupported URL protocol"):
        await fake_bot.edit_message_text("new", CHAT, sent.message_id, reply_markup=bad)
    with pytest.raises(BadRequest, match="(?i)Unsupported URL protocol"):
        await fake_bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=bad)
    query_id = fake_telegram.inline_query(CHAT, "news")["inline_query"]["id"]
    content = InputTextMessageContent("x")
    result = InlineQueryResultArticle("1", "One", content, reply_markup=bad)
    with pytest.raises(BadRequest, match="(?i)Unsupported URL protocol"):
        await fake_bot.answer_inline_query(query_id, [result])
    assert fake_telegram.sent_messages(CHAT)[0]["text"] == "pick"


async def test_reply_parameters_and_link_previews_are_checked(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    for params, error in (
        ({"reply_parameters": {"allow_sending_without_reply": True}}, 'find field "message_id"'),
        (
            {"link_preview_options": {"is_disabled": "yes"}},
            '"is_disabled" must be of type Boolean',
        ),
        ({"link_preview_options": {"url": "not-a-url"}}, "WEBPAGE_URL_INVALID"),
    ):
        with pytest.raises(BadRequest, match=f"(?i){re.escape(error)}"):
            await send_raw(fake_bot, CHAT, text="hi", **params)
    preview = LinkPreviewOptions(is_disabled=True)
    await fake_bot.send_message(CHAT, "https://example.org", link_preview_options=preview)
    message = await fake_bot.send_message(CHAT, "hi")
    with pytest.raises(BadRequest, match='(?i)"show_above_text" must be of type Boolean'):
        await fake_bot.edit_message_text(
            "edited",
            CHAT,
            message.message_id,
            api_kwargs={"link_preview_options": {"show_above_text": 1}},
        )


async def test_parse_mode_is_one_telegram_knows(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match="(?i)unsupported parse_mode"):
        await fake_bot.send_message(CHAT, "<b>hi</b>", parse_mode="HTML5")
    message = await fake_bot.send_message(CHAT, "<b>hi</b>", parse_mode="html")  # any case
    assert message.text == "hi"


async def test_chat_id_is_an_integer_or_a_username(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match="(?i)chat_id is empty"):
        await send_raw(fake_bot, "", text="hi")
    # a form drops an empty value (the method then misses it); a file's upload, multipart,
    # keeps it: empty there too, not a username looked up
    with pytest.raises(BadRequest, match="(?i)chat_id is empty"):
        await fake_bot.send_document("", InputFile(b"hello", filename="a.txt"))
    for chat_id in ("not_a_chat", "1001.0"):
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await send_raw(fake_bot, chat_id, text="hi")
    await send_raw(fake_bot, str(CHAT), text="hi")  # "1001" names chat 1001


async def test_a_message_thread_is_a_forum_topic_of_the_chat(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    fake_telegram.add_chat(GROUP, "supergroup", forum=True)
    fake_telegram.user_message(GROUP, "in topic 5", chat_type="supergroup", topic=5)
    for chat_id, topic in ((CHAT, 5), (GROUP, 6)):
        with pytest.raises(BadRequest, match="(?i)message thread not found"):
            await fake_bot.send_message(chat_id, "hi", message_thread_id=topic)
        with pytest.raises(BadRequest, match="(?i)message thread not found"):
            await fake_bot.send_chat_action(chat_id, "typing", message_thread_id=topic)
    sent = await fake_bot.send_message(GROUP, "hi", message_thread_id=5)
    assert sent.message_thread_id == 5 and sent.is_topic_message
    # Bot API 9.4: a private chat has the topics its user wrote in, once the bot turns them on
    fake_telegram.user_message(CHAT, "in my topic 7", topic=7)
    sent = await fake_bot.send_message(CHAT, "hi", message_thread_id=7)
    assert sent.message_thread_id == 7


async def test_edit_message_text(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    fake_telegram.add_chat(CHAT)
    sent = await fake_bot.send_message(
        CHAT, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await fake_bot.edit_message_text(
            "<b>v1</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
    edited = await fake_bot.edit_message_text(
        "<i>v1</i>", CHAT, sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    assert [entity.type for entity in edited.entities] == ["italic"]
    assert edited.reply_markup is None  # like Telegram: omitting reply_markup removes it
    with pytest.raises(BadRequest, match=CANT_PARSE):
        await fake_bot.edit_message_text("<b>x", CHAT, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await fake_bot.edit_message_text("x" * 4097, CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await fake_bot.edit_message_text("new", CHAT, 999)


async def test_edit_reply_markup_and_delete(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    sent = await fake_bot.send_message(CHAT, "pick", reply_markup=keyboard("a"))
    await fake_bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("b"))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await fake_bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("b"))
    assert await fake_bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await fake_bot.delete_message(CHAT, sent.message_id)
    assert fake_telegram.sent_messages(CHAT) == []


async def test_bot_cannot_edit_user_messages(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    update = fake_telegram.user_message(CHAT, "hello")
    with pytest.raises(BadRequest, match="(?i)message can't be edited"):
        await fake_bot.edit_message_text("changed", CHAT, update["message"]["message_id"])


async def test_reply_to_unknown_message(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await fake_bot.send_message(CHAT, "re", reply_to_message_id=77)
    question = fake_telegram.user_message(CHAT, "question")["message"]
    answer = await fake_bot.send_message(
        CHAT, "answer", reply_to_message_id=question["message_id"]
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "question"


# ----- failures ---------------------------------------------------------------------------------


async def test_429_raises_retry_after(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    fake_telegram.add_chat(CHAT)
    fake_telegram.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(CHAT, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)  # PTB_TIMEDELTA, see fixture
    await fake_bot.send_message(CHAT, "hi")  # only the next call failed


async def test_fail_next_counts_and_only_hits_its_method(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    fake_telegram.fail_next("sendMessage", 403, count=2)
    await fake_bot.send_chat_action(CHAT, "typing")
    for _ in range(2):
        with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
            await fake_bot.send_message(CHAT, "hi")
    await fake_bot.send_message(CHAT, "hi")


async def test_flood_mode_is_off_unless_asked_for(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    for n in range(5):
        await fake_bot.send_message(CHAT, f"message {n}")
    assert fake_telegram.floods() == []


@pytest.mark.telegram_flood(chat_seconds=60)  # one message a minute to a chat
async def test_flood_mode_limits_each_chat(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    clock = fake_telegram.flood_clock = FloodClock()
    fake_telegram.add_chat(CHAT)
    fake_telegram.add_chat(CHAT + 1)
    first = await fake_bot.send_message(CHAT, "first")
    clock.now = 45.5
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(CHAT, "second")
    assert flood_wait(caught.value) == 15  # until "first" leaves the minute, in whole seconds
    await fake_bot.send_message(CHAT + 1, "another chat")  # each chat has its own limit
    # what is no message is not counted: "typing…", edits, deletes
    await fake_bot.send_chat_action(CHAT, "typing")
    await fake_bot.edit_message_text("first, edited", CHAT, first.message_id)
    assert [m["text"] for m in fake_telegram.sent_messages(CHAT)] == ["first, edited"]
    [flooded] = fake_telegram.floods()
    assert (flooded.method, flooded.params["text"]) == ("sendMessage", "second")
    clock.now = 60.0  # "first" has left the minute
    await fake_bot.send_message(CHAT, "second")


async def test_flood_mode_limits_a_group_by_the_minute_and_all_chats_by_the_second(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    clock = fake_telegram.flood_clock = FloodClock()
    fake_telegram.add_chat(GROUP, "supergroup")
    for chat_id in range(CHAT, CHAT + 5):
        fake_telegram.add_chat(chat_id)
    fake_telegram.limit_floods(FloodLimits(per_chat=10, per_group=2, overall=4))
    for n in range(2):  # at 0 s and 10 s
        clock.now = 10.0 * n
        await fake_bot.send_message(GROUP, f"group {n}")
    clock.now = 20.0
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(GROUP, "group 2")
    assert flood_wait(caught.value) == 40  # until "group 0" leaves the minute
    clock.now = 59.5
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(GROUP, "group 2")
    assert flood_wait(caught.value) == 1  # half a second, in whole seconds
    clock.now = 60.0  # "group 0" has left the minute
    await fake_bot.send_message(GROUP, "group 2")
    for n in range(4):  # four chats, in a second
        clock.now = 70.0 + n / 4
        await fake_bot.send_message(CHAT + n, "private")
    clock.now = 70.9
    with pytest.raises(RetryAfter) as caught:  # the 5th message this second, whichever the chat
        await fake_bot.send_message(CHAT + 4, "private")
    assert flood_wait(caught.value) == 1
    clock.now = 71.0  # the message at 70 s has left the second
    await fake_bot.send_message(CHAT + 4, "private")
    for n in range(2):  # a private chat is no group: a third message in its minute
        clock.now = 72.0 + n
        await fake_bot.send_message(CHAT, "private")
    fake_telegram.limit_floods(FloodLimits(chat_seconds=60, retry_after=7))
    await fake_bot.send_message(CHAT + 3, "private")
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(CHAT + 3, "private")
    assert flood_wait(caught.value) == 7  # as configured, not the 60 s computed
    assert len(fake_telegram.floods()) == 4


async def test_flood_mode_past_two_limits_at_once_waits_out_the_longer(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    """A message past two limits at once is to wait until it is within both: the longer
    wait (retry_after is "the number of seconds left to wait before the request can be
    repeated"); the shorter told a bot to retry into another 429."""
    clock = fake_telegram.flood_clock = FloodClock()
    fake_telegram.add_chat(GROUP, "supergroup")
    fake_telegram.limit_floods(FloodLimits(per_chat=1, chat_seconds=10, per_group=2))
    for now in (0.0, 55.0):  # the second past the first's ten seconds, within its minute
        clock.now = now
        await fake_bot.send_message(GROUP, f"at {now:.0f} s")
    clock.now = 56.0  # 9 s until the chat's ten seconds end, 4 s until the group's minute
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(GROUP, "at 56 s")
    assert flood_wait(caught.value) == 9
    clock.now = 60.0  # within the group's limit again, still past the chat's
    with pytest.raises(RetryAfter) as caught:
        await fake_bot.send_message(GROUP, "at 60 s")
    assert flood_wait(caught.value) == 5
    clock.now = 65.0
    await fake_bot.send_message(GROUP, "at 65 s")


async def test_an_outage_refuses_its_methods_and_records_what_it_refused(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    fake_telegram.outage(3600.0, 502)  # sendMessage only, longer than the test
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await fake_bot.send_message(CHAT, "during")
    await fake_bot.send_chat_action(CHAT, "typing")  # another method: answered
    [refused] = fake_telegram.outage_refusals()
    assert (refused.method, refused.params["text"]) == ("sendMessage", "during")
    assert fake_telegram.calls("sendMessage") == [refused]


async def test_migrated_group_raises_chat_migrated(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(GROUP, "group")
    fake_telegram.migrate_chat(GROUP, -1001234567890)
    with pytest.raises(ChatMigrated) as caught:
        await fake_bot.send_message(GROUP, "hi")
    assert caught.value.new_chat_id == -1001234567890
    await fake_bot.send_message(-1001234567890, "hi")
    fake_telegram.fail_next("sendMessage", 400, migrate_to_chat_id=-100777)
    with pytest.raises(ChatMigrated, match="(?i)-100777"):
        await fake_bot.send_message(-1001234567890, "hi")


async def test_blocked_chat_fails_while_others_work(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(CHAT)
    fake_telegram.add_chat(CHAT + 1)
    fake_telegram.add_chat(GROUP, "group")
    fake_telegram.block_chat(CHAT)
    fake_telegram.block_chat(GROUP)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await fake_bot.send_message(CHAT, "hi")
    with pytest.raises(Forbidden, match="(?i)bot was kicked from the group chat"):
        await fake_bot.send_chat_action(GROUP, "typing")
    await fake_bot.send_message(CHAT + 1, "hi")
    fake_telegram.unblock_chat(CHAT)
    await fake_bot.send_message(CHAT, "hi")


async def test_unknown_chat_is_not_found(fake_bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await fake_bot.send_message(555, "hi")


async def test_kicking_the_bot_blocks_the_chat(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    update = fake_telegram.my_chat_member(GROUP, "kicked")
    parsed = Update.de_json(update, fake_bot)
    assert parsed.my_chat_member is not None
    assert parsed.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="(?i)kicked from the group chat"):
        await fake_bot.send_message(GROUP, "hi")
    fake_telegram.my_chat_member(GROUP, "administrator")
    await fake_bot.send_message(GROUP, "back")
    admins = await fake_bot.get_chat_administrators(GROUP)
    assert [admin.user.id for admin in admins] == [fake_bot.id]


# ----- chats, members, commands, actions --------------------------------------------------------


async def test_chat_info_and_members(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    fake_telegram.add_chat(GROUP, "supergroup", title="News fans")
    fake_telegram.set_member_status(GROUP, 7, "creator")
    chat = await fake_bot.get_chat(GROUP)
    assert (chat.type, chat.title) == ("supergroup", "News fans")
    assert (await fake_bot.get_chat_member(GROUP, 7)).status == "creator"
    assert (await fake_bot.get_chat_member(GROUP, 8)).status == "member"
    assert [m.user.id for m in await fake_bot.get_chat_administrators(GROUP)] == [7]
    fake_telegram.add_chat(CHAT)
    with pytest.raises(BadRequest, match="(?i)no administrators in the private chat"):
        await fake_bot.get_chat_administrators(CHAT)


async def test_channels_by_username_and_admin_rights(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(-1007, "channel", title="Morning brief", username="morningbrief")
    fake_telegram.set_member_status(-1007, fake_bot.id, "administrator", can_post_messages=True)
    chat = await fake_bot.get_chat("@MorningBrief")
    assert (chat.id, chat.type) == (-1007, "channel")
    member = await fake_bot.get_chat_member("@morningbrief", fake_bot.id)
    assert member.status == "administrator"
    assert member.can_post_messages is True  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await fake_bot.get_chat("@nosuchchannel")


async def test_commands_and_chat_actions(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    await fake_bot.set_my_commands([("ask", "Ask about the news"), ("help", "Show help")])
    assert [c.command for c in await fake_bot.get_my_commands()] == ["ask", "help"]
    for commands, error in (
        ([("Ask!", "bad name")], "BOT_COMMAND_INVALID"),
        ([("a" * 33, "too long a name")], "BOT_COMMAND_INVALID"),
        ([("ask", "")], "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([("ask", "d" * 257)], "BOT_COMMAND_DESCRIPTION_INVALID"),
        ([(f"c{n}", "a command") for n in range(101)], "BOT_COMMANDS_TOO_MUCH"),
    ):
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await fake_bot.set_my_commands(commands)
    limits = [("a" * 32, "d" * 256), *((f"c{n}", "a command") for n in range(99))]
    await fake_bot.set_my_commands(limits)
    assert len(await fake_bot.get_my_commands()) == 100
    fake_telegram.add_chat(CHAT)
    assert await fake_bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
        await fake_bot.send_chat_action(CHAT, "dancing")


# ----- inline and callback queries ---------------------------------------------------------------


def article(index: int, text: str, parse_mode: str | None = "HTML") -> InlineQueryResultArticle:
    content = InputTextMessageContent(text, parse_mode=parse_mode)
    return InlineQueryResultArticle(str(index), f"Result {index}", content)


async def test_answer_inline_query(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    def query_id() -> str:
        return str(fake_telegram.inline_query(CHAT, "election")["inline_query"]["id"])

    with pytest.raises(BadRequest, match="(?i)RESULTS_TOO_MUCH"):
        await fake_bot.answer_inline_query(query_id(), [article(i, "x") for i in range(51)])
    with pytest.raises(BadRequest, match=CANT_PARSE):
        await fake_bot.answer_inline_query(query_id(), [article(1, "<b>unclosed")])
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await fake_bot.answer_inline_query(query_id(), [article(1, "x" * 4097, None)])
    answered = query_id()
    assert await fake_bot.answer_inline_query(
        answered, [article(i, "<b>ok</b>") for i in range(50)]
    )
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await fake_bot.answer_inline_query(answered, [])
    for button, problem in (
        (InlineQueryResultsButton("", start_parameter="go"), "SWITCH_PM_TEXT_EMPTY"),
        (InlineQueryResultsButton("Go"), "START_PARAM_EMPTY"),
        (InlineQueryResultsButton("Go", start_parameter="no match"), "START_PARAM_INVALID"),
        (InlineQueryResultsButton("Go", start_parameter="x" * 65), "START_PARAM_INVALID"),
    ):
        with pytest.raises(BadRequest, match=f"(?i){problem}"):
            await fake_bot.answer_inline_query(query_id(), [], button=button)
    button = InlineQueryResultsButton("Nothing matches", start_parameter="nothing-0_A")
    assert await fake_bot.answer_inline_query(query_id(), [], button=button)


async def test_callback_query_update(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    fake_telegram.add_chat(CHAT)
    sent = await fake_bot.send_message(CHAT, "pick", reply_markup=keyboard("more:1"))
    update = Update.de_json(
        fake_telegram.callback_query(CHAT, sent.message_id, "more:1"), fake_bot
    )
    assert update.callback_query is not None and update.callback_query.data == "more:1"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    with pytest.raises(ValueError, match="(?i)no button"):
        fake_telegram.callback_query(CHAT, sent.message_id, "nope")
    with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
        await update.callback_query.answer("x" * 201)
    assert await update.callback_query.answer("x" * 200)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await update.callback_query.answer("again")


def test_user_message_entities(fake_telegram: FakeTelegramServer) -> None:
    text = "\U0001f600 /ask@newsbot_test_bot about @someone_else now"
    message = fake_telegram.user_message(GROUP, text, chat_type="supergroup")["message"]
    assert message["from"]["id"] == TEST_USER_ID
    assert message["entities"] == [
        {"type": "bot_command", "offset": 3, "length": 21},
        {"type": "mention", "offset": 31, "length": 13},
    ]
    post = fake_telegram.user_message(-100999, "/start", chat_type="channel")
    assert "from" not in post["channel_post"] and post["channel_post"]["sender_chat"]["id"]


# ----- getUpdates ---------------------------------------------------------------------------


async def test_get_updates_offsets_confirm_updates(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    for text in ("one", "two", "three"):
        fake_telegram.user_message(CHAT, text)
    first = await fake_bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await fake_bot.get_updates()  # nothing confirmed yet
    assert len(again) == 3
    rest = await fake_bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert len(fake_telegram.pending_updates()) == 1
    assert await fake_bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert fake_telegram.pending_updates() == []


async def test_get_updates_long_polls(fake_telegram: FakeTelegramServer, fake_bot: Bot) -> None:
    assert await fake_bot.get_updates(timeout=dtm.timedelta(seconds=0.3)) == ()
    assert fake_telegram.long_polls() == [False]  # waited out its timeout
    asyncio.get_running_loop().call_later(0.2, fake_telegram.user_message, CHAT, "late")
    updates = await fake_bot.get_updates(timeout=30)
    assert [u.message.text for u in updates if u.message] == ["late"]
    assert fake_telegram.long_polls() == [False, True]  # answered once the update came


async def test_second_poller_terminates_the_first(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    first = asyncio.create_task(fake_bot.get_updates(timeout=10))
    await fake_telegram.wait_for("getUpdates")
    # A second bot instance: one Bot never polls twice at once (its getUpdates pool has size 1).
    async with Bot(TEST_TOKEN, base_url=fake_telegram.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=dtm.timedelta(seconds=0.1)) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates request"):
        await first


async def test_stop_releases_a_pending_long_poll() -> None:
    threads_before = threading.active_count()
    server = FakeTelegramServer().start()
    async with Bot(TEST_TOKEN, base_url=server.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await server.wait_for("getUpdates")
        server.stop()  # answers the poll and joins every thread
        assert await asyncio.wait_for(poll, 5) == ()
    assert threading.active_count() == threads_before


async def test_wait_for_times_out_with_the_calls_seen(fake_telegram: FakeTelegramServer) -> None:
    with pytest.raises(TimeoutError, match="(?i)sendMessage"):
        await fake_telegram.wait_for("sendMessage", timeout=0.05)
    with pytest.raises(TimeoutError):
        fake_telegram.wait_for_calls("sendMessage", timeout=0.05)


# ----- a real Application polling the fake ----------------------------------------------------


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def start_app(
    server: FakeTelegramServer, *handlers: BaseHandler[Any, Any, Any]
) -> AnyApplication:
    """Start an Application polling the fake, as the bot's entry point will."""
    application = ApplicationBuilder().token(TEST_TOKEN).base_url(server.base_url).build()
    application.add_handlers(handlers)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


async def stop_app(application: AnyApplication) -> None:
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_application_answers_messages_and_buttons(fake_telegram: FakeTelegramServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>Welcome</b>", reply_markup=keyboard("more"))

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(f"You said: {update.effective_message.text}")

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("More news")

    application = await start_app(
        fake_telegram,
        CommandHandler("start", start),
        MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
        CallbackQueryHandler(more),
    )
    try:
        fake_telegram.user_message(CHAT, "/start")
        (welcome,) = await fake_telegram.wait_for("sendMessage")
        assert welcome.params["parse_mode"] == "HTML"
        fake_telegram.user_message(CHAT, "hello")
        await fake_telegram.wait_for("sendMessage", count=2)
        bot_message = fake_telegram.sent_messages(CHAT)[0]
        fake_telegram.callback_query(CHAT, bot_message["message_id"], "more")
        await fake_telegram.wait_for("editMessageText")
        await fake_telegram.wait_for("answerCallbackQuery")
    finally:
        await stop_app(application)
    texts = [message["text"] for message in fake_telegram.sent_messages(CHAT)]
    assert texts == ["More news", "You said: hello"]
    assert fake_telegram.pending_updates() == []  # PTB confirmed everything on stop
