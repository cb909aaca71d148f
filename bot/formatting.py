"""Everything the bot shows, as Telegram HTML: answers, articles, lists, buttons, notices.

Everything from the corpus or a user is escaped (`bot.markup`); the only tags are `b`, `a`,
`code` and `blockquote`, never an `a` inside an `a` or a blockquote inside a blockquote, and
each message stays within Telegram's limit (long ones are split with `bot.markup`).

Whatever the corpus holds, a reply is bounded where its parts enter it: a quote, a title, an
outlet or an author is clipped with "…" and a list of names shows its first few and a count
(`bot.bounds`), a list of items shows its first `LIST_ITEMS` and a count, and a reply is at
most `MAX_REPLY_MESSAGES` messages (`reply`), the last of a longer one saying where the rest
is. So a stored text of any size costs the event loop and the chat about as much as a normal
one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bounds import AUTHORS_SHOWN, NAME_CHARS, QUOTE_CHARS, TITLE_CHARS, clip, some_of
from bot.markup import MAX_MESSAGE_LENGTH, escape, escape_attribute, pack, split_html
from bot.times import stored_moment
from retrieval.digest.latest import LatestStory
from retrieval.index.tokens import STOPWORDS
from retrieval.models import Attribution, Passage
from retrieval.wording import UNDATED, counted, local_time

MAX_REPLY_MESSAGES = 8  # a longer reply ends with a pointer to the rest, not a flood
LIST_ITEMS = 100  # lines of a list such as /sources
LATEST_OUTLETS_SHOWN = 3  # of a /latest story besides its newest report's, then how many more
URL_CHARS = 2048  # a longer "address" is shown unlinked
INLINE_DESCRIPTION_CHARS = 180

# Callback data of the buttons under an answer (Telegram allows 1-64 bytes).
MORE, FULL, VOTE = "more", "full", "vote"


# ----- bounds ----------------------------------------------------------------------------


def reply(blocks: Iterable[str], rest: str, separator: str = "\n\n") -> list[str]:
    """Blocks packed whole into messages (`markup.pack`), at most MAX_REPLY_MESSAGES: when
    they need more, the last message is `rest`, saying what was left out and where it is."""
    messages = pack(blocks, separator)
    if len(messages) <= MAX_REPLY_MESSAGES:
        return messages
    return [*messages[: MAX_REPLY_MESSAGES - 1], rest]


# ----- answers ---------------------------------------------------------------------------


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` escaped, with the characters of `spans` (start, end) in bold.

    Spans out of range are clipped; overlapping or touching ones are merged.
    """
    merged: list[list[int]] = []
    for start, end in sorted((max(0, a), min(len(text), b)) for a, b in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(escape(text[position:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def display_date(published: str | None, zone: tzinfo = UTC) -> str | None:
    """'2 May 2024' for an ISO date, or a datetime's date in `zone`; odd values as given."""
    if not published:
        return None
    read = stored_moment(published)
    if read is None:
        return published
    return _day_text(local_time(read, zone).date() if isinstance(read, datetime) else read)


def _day_text(day: date) -> str:
    return f"{day.day} {day:%B} {day.year:04d}"  # %Y: "1" for year 1, as glibc writes it


def _date_of(article: Attribution, zone: tzinfo) -> str | None:
    """The day an attribution gives: when the article was published, or, dated ahead of when
    it was stored, that day, labelled as a digest labels it ("stored 8 December 2026")."""
    if article.stored_ahead is not None:
        return f"stored {_day_text(local_time(article.stored_ahead, zone).date())}"
    return display_date(article.published, zone)


def _link(text: str, url: str | None) -> str:
    if url and len(url) <= URL_CHARS and url.lower().startswith(("https://", "http://")):
        return f'<a href="{escape_attribute(url)}">{escape(text)}</a>'
    return escape(text)


def link(text: str, url: str | None) -> str:
    """`text` escaped, linked to `url` when it is a web address (never javascript: and co,
    nor one too long to be a real one)."""
    return _link(text, url)


def attribution(
    article: Attribution, zone: tzinfo = UTC, rank: int | None = None, undated: str = UNDATED
) -> str:
    """'2. <a href=url>Title</a> — Outlet · Authors · 2 May 2024' (parts that exist), each
    part clipped; `undated` in place of the date of an article without one."""
    title = _link(clip(article.headline.strip() or "Untitled", TITLE_CHARS), article.url)
    details = [
        clip(article.source or "", NAME_CHARS),
        some_of(article.authors, AUTHORS_SHOWN),
        clip(_date_of(article, zone) or undated, NAME_CHARS),
    ]
    tail = " · ".join(escape(part) for part in details if part)
    number = f"{rank}. " if rank is not None else ""
    return f"{number}{title}" + (f" — {tail}" if tail else "")


def passage_html(passage: Passage, zone: tzinfo = UTC, numbered: bool = True) -> str:
    """The quote in a blockquote, question terms in bold, then its attribution."""
    shown = clip(passage.quote, QUOTE_CHARS)
    if shown == passage.quote:
        quote = highlight(shown, passage.highlights)
    else:  # the bold stops where the quote does, before the "…"
        kept = shown[:-1]
        spans = [(start, end) for start, end in passage.highlights if start < len(kept)]
        quote = highlight(kept, spans) + "…"
    source = attribution(passage.article, zone, passage.rank if numbered else None)
    return f"<blockquote>{quote}</blockquote>\n{source}"


def answer_messages(
    passages: Sequence[Passage], zone: tzinfo = UTC, notes: Sequence[str] = ()
) -> list[str]:
    """An answer as messages, split only between passages (a clipped passage always fits);
    what a reader should know of them first (`SearchResult.notes`: "As of June 2022, which
    the question names...")."""
    blocks = [passage_html(p, zone) for p in passages]
    if notes:
        blocks.insert(0, "\n".join(f"<i>{escape(note)}</i>" for note in notes))
    return reply(blocks, "More passages did not fit here.")


def linked_told(articles: Sequence[Attribution]) -> str:
    """The note over the openings of the stored articles a question of links only names
    (`SearchResult.notes`): which they are, and that the 📄 button sends one whole."""
    named = "; ".join(f"article {a.id}, “{a.headline}”" for a in articles)
    which = "That link is a stored article" if len(articles) == 1 else "Those links are stored"
    return (
        f"{which} ({named}): its opening is below, and the bot's 📄 button under it sends the "
        "whole article. Ask about the story in words to get the passages that answer you."
    )


def answer_keyboard(
    answer_id: int, articles: Sequence[tuple[int, int]], more: bool
) -> InlineKeyboardMarkup:
    """ "More" (when there is more), a "Full article" per article shown (`articles`: each
    with the rank of its first passage, the label of its button), and 👍/👎."""
    rows: list[list[InlineKeyboardButton]] = []
    if more:
        rows.append([InlineKeyboardButton("More ▸", callback_data=f"{MORE}:{answer_id}")])
    first_ranks: dict[int, int] = {}
    for article_id, rank in articles:
        first_ranks.setdefault(article_id, rank)
    if len(first_ranks) == 1:
        [article_id] = first_ranks
        rows.append(
            [InlineKeyboardButton("📄 Full article", callback_data=f"{FULL}:{article_id}")]
        )
    elif first_ranks:
        rows.append(
            [
                InlineKeyboardButton(f"📄 {rank}", callback_data=f"{FULL}:{article_id}")
                for article_id, rank in first_ranks.items()
            ]
        )
    rows.append(
        [
            InlineKeyboardButton("👍", callback_data=f"{VOTE}:{answer_id}:1"),
            InlineKeyboardButton("👎", callback_data=f"{VOTE}:{answer_id}:-1"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def passage_articles(passages: Sequence[Passage]) -> list[tuple[int, int]]:
    """Each passage's article and rank, as `answer_keyboard` takes them."""
    return [(passage.article.id, passage.rank) for passage in passages]


def inline_message(passage: Passage, zone: tzinfo = UTC) -> str:
    """The message an inline result posts: one passage with its source, within the limit."""
    return split_html(passage_html(passage, zone, numbered=False))[0]


def inline_description(passage: Passage) -> str:
    """Plain text under an inline result's title: the start of the quote."""
    start = passage.quote[: INLINE_DESCRIPTION_CHARS * 4]  # enough to fill it, never 5 MB
    return clip(" ".join(start.split()), INLINE_DESCRIPTION_CHARS)


# Above an inline query's empty results: what a chat's "Nothing ... matches" says
INLINE_NOTHING = "Nothing in the news matches that: try other words"


def inline_title(passage: Passage) -> str:
    """Plain text title of an inline result: the article's title, clipped."""
    return clip(passage.article.headline.strip() or "Untitled", TITLE_CHARS)


# ----- articles and lists ---------------------------------------------------------------


def article_messages(article: Attribution, text: str, zone: tzinfo = UTC) -> list[str]:
    """An article's whole text under its attribution; a longer one than MAX_REPLY_MESSAGES
    hold ends with a link to the rest at its source."""
    # More than the messages hold, so a cut text still ends with the pointer, but no time is
    # spent splitting what would not be sent.
    shown = text.strip()[: MAX_REPLY_MESSAGES * MAX_MESSAGE_LENGTH + 1]
    rest = "The article goes on"
    if article.url:
        rest += f": {_link('read the rest at its source', article.url)}"
    rest += " (too long to send it all here)."
    # its id, for an admin's /removearticle
    head = f"<b>{attribution(article, zone)}</b> · article {article.id}"
    return reply([f"{head}\n\n{escape(shown)}"], rest)


def sources_messages(sources: Sequence[tuple[str | None, int]]) -> list[str]:
    """Outlets with their article counts, one per line, the first LIST_ITEMS of them (the
    engine gives the most prolific first), then how many more and their articles, then the
    articles that name no outlet (None; no outlet of the count, as in `newsbot stats`)."""
    if not sources:
        return ["The corpus is empty: nothing has been ingested yet."]
    total = sum(count for _, count in sources)
    named = [(name, count) for name, count in sources if name is not None]
    lines = [f"<b>{counted(len(named), 'outlet')}, {counted(total, 'article')}</b>"]
    lines += [
        f"• {escape(clip(name, NAME_CHARS))} — {count:,}" for name, count in named[:LIST_ITEMS]
    ]
    if len(named) > LIST_ITEMS:
        rest = sum(count for _, count in named[LIST_ITEMS:])
        lines.append(f"• and {counted(len(named) - LIST_ITEMS, 'more outlet')} — {rest:,}")
    unnamed = total - sum(count for _, count in named)
    if unnamed:
        lines.append(f"• <i>no outlet named</i> — {unnamed:,}")
    return reply(lines, "More outlets did not fit here.", "\n")


def latest_messages(stories: Sequence[LatestStory], zone: tzinfo = UTC) -> list[str]:
    """The newest stories, a line each: its newest headline, linked to its article where
    it has a URL, then the other outlets that carried it ("also CNN, Fox News"), or how
    many reports it had when they are all of one outlet."""
    if not stories:
        return ["The corpus is empty: nothing has been ingested yet."]
    lines = ["<b>Latest headlines</b>"]
    lines += [f"• {_latest_line(story, zone)}" for story in stories[:LIST_ITEMS]]
    return reply(lines, "More headlines did not fit here.", "\n")


def _latest_line(story: LatestStory, zone: tzinfo) -> str:
    line = attribution(story.article, zone, undated=_undated_label(story.stored, zone))
    if story.others:
        return f"{line} · <i>also {escape(some_of(story.others, LATEST_OUTLETS_SHOWN))}</i>"
    if story.reports > 1:
        return f"{line} · <i>{counted(story.reports, 'report')}</i>"
    return line


def _undated_label(stored: float | None, zone: tzinfo) -> str:
    """An undated report's place of a date in /latest: "undated, stored 7 December 2026".
    It is listed after the dated ones, by when it was stored; that day is said as such,
    never as the day it was published."""
    if stored is None:
        return UNDATED
    day = local_time(stored, zone).date()
    return f"{UNDATED}, stored {day.day} {day:%B} {day.year:04d}"


# ----- notices ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """A command for the menu (setMyCommands) and for /help."""

    name: str
    description: str
    example: str = ""


# The example question of the bundled seed corpus, which its one article answers
SEED_QUESTION = "Where did the joint exercise begin?"
SEED_HEADLINE = "Azerbaijani and Iranian forces begin joint border exercises"
NEUTRAL_QUESTION = "What happened this week?"
# Of the newest headline, in an example question about it: the first part of a long one
EXAMPLE_WORDS = 12
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# Where a headline's subject ends: "Ireland abortion vote: Country goes to the polls",
# "Extreme weather could push food inflation higher | CNN", "... outbreak. Updates"
_HEADLINE_BREAK = re.compile(r"\s+[|–—-]\s+|:\s+|(?<=[a-z0-9]{3})\.\s+(?=[A-Z‘'\"“])")
_QUOTED = re.compile(r"(?<!\w)'([^']+)'(?!\w)")  # 'quit', not O'Driscoll's
_OPEN_QUOTE = re.compile(r"(?<!\w)'(?=\w[^']*$)")  # "sanctions for 'weaponizing..."
_CUT = re.compile(r"\s*(?:\.\.\.|…)$")  # a title cut where it was found ("sprint to ...")
_ASKS = re.compile(
    r"(?:who|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|will|would"
    r"|should|has|have)\b",
    re.IGNORECASE,
)


def example_question(newest: Attribution | None) -> str:
    """A question the corpus answers, for /help: the seed's own while its article is the
    newest, else the newest headline's when it opens with one ("Who is Elise Stefanik? Trump
    picks ..."), else one about the headline, quoted ("What do we know about ‘Losing
    yourself in online gaming’?"), its part before a break when it has one ("Ireland
    abortion vote: Country goes to polls" asks about ‘Ireland abortion vote’). Its first
    three words that are no stopwords, unquoted, read wrong for most real headlines ("What
    happened with Losing online gaming?"). With no article, or no word that is no
    stopword, one that fits any news. Made of one article: /help reads no more."""
    if newest is None:
        return NEUTRAL_QUESTION
    if newest.title == SEED_HEADLINE:
        return SEED_QUESTION
    title = " ".join(newest.headline.split())
    if not any(w.casefold() not in STOPWORDS for w in _WORD.findall(title)):
        return NEUTRAL_QUESTION
    asked = title[: title.find("?") + 1]  # its first sentence, if a question
    if asked and _ASKS.match(asked) and 3 <= len(asked.split()) <= EXAMPLE_WORDS:
        return asked
    return f"What do we know about ‘{_requoted(_subject(title))}’?"


def _requoted(subject: str) -> str:
    """A headline's own quotes in straight single marks made double inside the example's
    single ones (‘Tories urge “change at the top”’), and one its cut left open dropped."""
    paired = _QUOTED.sub(r"“\1”", subject)
    return _OPEN_QUOTE.sub("", paired)


def _subject(title: str) -> str:
    """What a headline is about, as an example question quotes it: its part before a break
    when that part has two words or more, at most EXAMPLE_WORDS, a cut one ending with "…"
    after its last word that is no stopword ("… sprint to ..." is "… sprint…")."""
    cut = _CUT.search(title)
    head = (title[: cut.start()] if cut else title).rstrip("?")  # asked outside the quote
    broken = _HEADLINE_BREAK.search(head)
    if broken and len(head[: broken.start()].split()) >= 2:
        head, cut = head[: broken.start()], None
    words = head.split()
    if len(words) > EXAMPLE_WORDS or cut:
        words = words[:EXAMPLE_WORDS]
        while len(words) > 1 and words[-1].casefold().strip(",;") in STOPWORDS:
            words.pop()
        return " ".join(words).rstrip(",;") + "…"
    return head


def help_text(
    commands: Sequence[Command],
    username: str,
    question: str = SEED_QUESTION,
    admin_commands: Sequence[Command] = (),
) -> str:
    """Every command with an example (/ask's asking `question`: `example_question`), and
    the ways to ask in groups and inline; then `admin_commands`, for an admin, under
    "Admin"."""
    lines = ["<b>Ask me about the news corpus.</b> I answer with quoted passages and sources.", ""]
    asked = f"/ask {question}"
    lines += [_help_line(c, asked if c.name == "ask" else c.example) for c in commands]
    bot = escape(username)
    lines += [
        "",
        "In a private chat, just send a question.",
        f"In groups: <code>/ask@{bot} question</code>, mention @{bot}, or reply to an answer.",
        f"In any chat: type <code>@{bot} question</code> and pick a passage.",
    ]
    if admin_commands:
        lines += ["", "<b>Admin</b> (shown to admins, in a private chat only)"]
        lines += [_help_line(c, c.example) for c in admin_commands]
    return "\n".join(lines)


def _help_line(command: Command, example: str) -> str:
    shown = f" — e.g. <code>{escape(example)}</code>" if example else ""
    return f"/{command.name} — {escape(command.description)}{shown}"


def greeting(first_name: str | None, private: bool, question: str = SEED_QUESTION) -> str:
    """Two lines: what the bot does and how to ask (`question`: `example_question`)."""
    hello = f"Hi {escape(first_name)}!" if first_name else "Hi!"
    how = "Send me a question" if private else "Use /ask with a question"
    return (
        f"{hello} I answer questions about the news corpus with quoted passages and "
        f"their sources.\n{how}, e.g. “{escape(question)}” — /help for more."
    )


def ask_usage(question: str = SEED_QUESTION) -> str:
    """What /ask without a question is told (`question`: `example_question`)."""
    return f"Ask me a question, e.g. <code>/ask {escape(question)}</code>"


def no_answer_to_continue(question: str = SEED_QUESTION) -> str:
    """What "more" is told before there is an answer to continue (`question`:
    `example_question`)."""
    return (
        "There is no answer here to continue yet. Ask me a question first, e.g. "
        f"{escape(question)}"
    )


def text_only(question: str = SEED_QUESTION) -> str:
    """What a photo, a sticker or a voice message is told (`question`: `example_question`)."""
    return f"I read text: send your question as a message, e.g. {escape(question)}"


UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."
EDITED_COMMAND = "Edits of commands are not read: send it again."
SOMETHING_WENT_WRONG = "Sorry, something went wrong while answering that. Please try again."
# a write that waited out the busy timeout: another process (an ingest, a reindex) holds
# the database's write lock
DATABASE_BUSY = "The database is busy (another process is writing to it): try again shortly."
# a vote the database did not take (bookkeeping left out: a lock held past its wait, a full
# disk; the log says which), on an answer it still keeps
VOTE_NOT_SAVED = "Sorry, your vote could not be saved just now: please try again shortly."
# a write the database refused: a full disk, a read-only or failing one (the log says which)
DATABASE_UNWRITABLE = (
    "Sorry, that was not done: the bot's database cannot be written (its disk may be full). "
    "Please try again later."
)


# "@bot more" or "/ask more" in a group, not a reply: which answer it goes on with is
# the one it replies to
MORE_IN_A_GROUP = "To go on with an answer here, reply “more” to it (or press its More ▸ button)."


def not_answered(question: str) -> str:
    """What a question a stop cut off is told at the next start, when it is older than the
    bot answers such a question (`bot.resume`)."""
    return (
        f"I was restarting when you asked “{escape(clip(question, TITLE_CHARS))}”, over an "
        "hour ago, and did not answer it: ask again if you still want to know."
    )


def plain(text: str) -> str:
    """A plain-text notice as safe HTML."""
    return escape(text)


def refusal(chat_id: int) -> str:
    """The one notice a chat that is not allowed gets: its id, so an admin can allow it."""
    return (
        f"This bot is private and not enabled for this chat (chat id <code>{chat_id}</code>)."
        " An admin can add the id to NEWSBOT_ALLOWED_CHATS."
    )


def slow_down(per_minute: int, seconds: float) -> str:
    """The reply to a sender past the per-minute limit (questions, and the commands the bot
    replies to: `access.admitted`)."""
    wait = max(1, round(seconds))
    return (
        f"You have sent me {counted(per_minute, 'question or command', 'questions and commands')}"
        f" in the last minute, the most I answer. Please wait {wait} s and try again."
    )
