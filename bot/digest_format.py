"""Digests and subscription notices as Telegram HTML, on `bot.markup`'s rules.

A digest is a heading and one block per story: the headline linked to its article, the
extract, the outlets that carried it and when (`times.story_times`: that article's time, and
the latest report's). Blocks are packed whole into as few messages as fit
(`formatting.reply`), so a story is never cut between two messages; headlines, extracts and
outlets are clipped as in answers, so a digest is a few messages whatever it quotes.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.bounds import KEYWORDS_SHOWN, OUTLETS_SHOWN, QUOTE_CHARS, TITLE_CHARS, clip, some_of
from bot.formatting import link, reply
from bot.logs import redact
from bot.markup import escape
from bot.subscribe_words import QUIET
from bot.times import story_times, when
from retrieval.digest.digest import Digest, keyword_labels
from retrieval.digest.subscriptions import Delivery, State, Subscription
from retrieval.wording import counted
from retrieval.zones import zone_label

SUBSCRIBE_EXAMPLE = "/subscribe 07:30 Europe/London oil opec"


def command(name: str, ref: str | None = None) -> str:
    """A digest command as the sender types it: a channel's, managed from a private chat,
    names the channel (`ref`, "@channel" or "-100..."), since the bare command there is about
    the sender's own digest."""
    return f"/{name} {ref}" if ref else f"/{name}"


def subscribe_example(ref: str | None = None) -> str:
    """`SUBSCRIBE_EXAMPLE` for the chat `ref` names (this chat when None)."""
    return SUBSCRIBE_EXAMPLE.replace("/subscribe", command("subscribe", ref), 1)


def resubscribe(subscription: Subscription, ref: str | None = None) -> str:
    """The /subscribe that starts a stopped digest again as it was (its time, zone, keywords
    and quiet), not the example: someone whose group removed the bot was shown "07:30
    Europe/London oil opec" for a digest of theirs at 06:45 about shipping."""
    words = [command("subscribe", ref), str(subscription.at), subscription.timezone]
    words += keyword_labels(subscription.keywords)
    return " ".join(words + [QUIET] if subscription.quiet_when_empty else words)


def _zone_name(zone: tzinfo) -> str:
    return zone_label(str(getattr(zone, "key", None) or zone))


def _about(keywords: tuple[str, ...]) -> str:
    shown = some_of(keyword_labels(keywords), KEYWORDS_SHOWN)
    return f" about {escape(shown)}" if keywords else ""


def digest_messages(digest: Digest, zone: tzinfo) -> list[str]:
    """The digest as messages: a heading, then the stories, best first."""
    since = f"since {when(digest.period_start, zone, 'weekday')} ({escape(_zone_name(zone))})"
    if not digest.items:
        return [nothing_new(digest, zone)]
    count = counted(digest.stories, "story", "stories")
    head = f"<b>News digest</b>{_about(digest.keywords)}: {count} {since}"
    if digest.stories > len(digest.items):
        head += f", the top {len(digest.items)}"
    blocks = [head]
    for number, item in enumerate(digest.items, start=1):
        headline = clip(item.headline.strip() or "Untitled", TITLE_CHARS)
        lines = [f"{number}. <b>{link(headline, item.url)}</b>"]
        if item.extract:
            lines.append(escape(clip(item.extract, QUOTE_CHARS)))
        outlets = (
            escape(some_of(item.outlets, OUTLETS_SHOWN)) if item.outlets else "unknown outlet"
        )
        lines.append(f"<i>{outlets}</i> · {story_times(item, zone, 'weekday')}")
        blocks.append("\n".join(lines))
    return reply(blocks, "More stories did not fit here.")


def nothing_new(digest: Digest, zone: tzinfo) -> str:
    """The short notice of a digest with no articles."""
    since = f"{when(digest.period_start, zone, 'weekday')} ({escape(_zone_name(zone))})"
    return f"No new articles{_about(digest.keywords)} since {since}."


def subscription_text(
    subscription: Subscription,
    next_run: datetime | None,
    last: Delivery | None,
    failed: Delivery | None = None,
    ref: str | None = None,
    *,
    forum: bool = False,
    asked_in: int | None = None,
) -> str:
    """The settings of a subscription, when it runs next, how the last digest went, and why
    the latest one failed if it did (`failed`): a channel the bot may no longer post in
    would otherwise look as if all were well. The commands it names take `ref`, the
    channel as the sender named it, if any. Asked in a `forum`, in its topic `asked_in`
    (None: General), it says which topic the digest goes to."""
    zone = subscription.zone
    where = (
        ""
        if subscription.chat_type != "channel"
        else (f" for {escape(subscription.chat_title or str(subscription.chat_id))}")
    )
    if not subscription.active:
        # Telegram's words ("Telegram refused: ..."), redacted when stored, and again here:
        # a row stored by a release before redaction holds them as they came
        stopped = subscription.stopped_reason
        reason = f" ({escape(redact(stopped))})" if stopped else ""
        return (
            f"The daily digest{where} is stopped{reason}. Start it again with "
            f"<code>{escape(resubscribe(subscription, ref))}</code>."
        )
    news = f"news{_about(subscription.keywords)}" if subscription.keywords else "all news"
    zone_shown = escape(zone_label(subscription.timezone))
    if subscription.paused_reason:
        return (
            f"The daily digest{where} ({subscription.at} {zone_shown}, "
            f"{news}) is paused: {escape(subscription.paused_reason)}. It resumes by itself "
            "once that changes."
        )
    place = _forum_place(subscription.topic_id, asked_in) if forum else ""
    lines = [
        f"<b>Daily digest{where}</b>: {subscription.at} {zone_shown}, {news}{place}.",
    ]
    if subscription.quiet_when_empty:
        lines.append("Days without news send nothing.")
    if next_run is not None:
        lines.append(f"Next: {when(next_run, zone, 'weekday')}.")
    if last is not None:
        lines.append(f"Last: {when(last.period.end, zone, 'weekday')}, {_delivery_state(last)}.")
    if failed is not None:
        why = redact(failed.error or "no reason given")  # Telegram's words, never the token
        lines.append(
            f"The digest of {when(failed.claimed, zone, 'weekday')} failed: {escape(why)}. "
            "The next one tries again."
        )
    lines.append(
        f"Change it with {escape(command('subscribe', ref))}, "
        f"stop it with {escape(command('unsubscribe', ref))}."
    )
    return "\n".join(lines)


def _forum_place(topic_id: int | None, asked_in: int | None) -> str:
    """Which topic of a forum the digest goes to, said to someone in topic `asked_in`: the
    same reply in General and in the topic left them to guess."""
    if topic_id is None:
        return ", in General"
    if topic_id == asked_in:
        return ", in this topic"
    return f", in another topic (id {topic_id})"


def _delivery_state(delivery: Delivery) -> str:
    # a digest that arrived keeps a note of where it went otherwise than asked (its forum
    # topic deleted: to General), not an error
    arrived = delivery.state in (State.SENT, State.EMPTY)
    note = f"; {escape(delivery.error)}" if arrived and delivery.error else ""
    if delivery.state is State.SENT:
        stories = delivery.items or 0
        return f"sent, {counted(stories, 'story', 'stories')}{note}"
    if delivery.state is State.EMPTY:
        return f"nothing new{note}"
    return {
        State.CLAIMED: "being sent",
        State.FAILED: "failed",
        State.UNKNOWN: "interrupted while sending",
    }.get(delivery.state, str(delivery.state))


def subscribed(subscription: Subscription, next_run: datetime, ref: str | None = None) -> str:
    """The reply to a successful /subscribe; `ref` is the channel as the sender named it."""
    news = f"news{_about(subscription.keywords)}" if subscription.keywords else "all news"
    where = (
        ""
        if subscription.chat_type != "channel"
        else (f" to {escape(subscription.chat_title or str(subscription.chat_id))}")
    )
    quiet = " Days without news send nothing." if subscription.quiet_when_empty else ""
    first = when(next_run, subscription.zone, "weekday")
    return (
        f"Subscribed{where}: a daily digest of {news} at {subscription.at} "
        f"{escape(zone_label(subscription.timezone))}, first on {first}."
        f"{quiet} {escape(command('unsubscribe', ref))} stops it."
    )


def not_allowed(chat_id: int) -> str:
    """The reply to /subscribe for a chat that may not get digests."""
    return (
        "Daily digests go only to chats in NEWSBOT_ALLOWED_CHATS, and this one is not: add "
        f"its id <code>{chat_id}</code> there and restart the bot, then /subscribe again."
    )


def usage(problem: str, example: str = SUBSCRIBE_EXAMPLE) -> str:
    """A refused /subscribe: what was wrong, and an example that works."""
    return (
        f"{escape(problem)}\nExample: <code>{escape(example)}</code> — time (18:30 or 6:30 pm), "
        "an Area/City time zone and keywords are each optional; add the word "
        "<code>quiet</code> to get nothing on days without news."
    )


def digest_usage(problem: str) -> str:
    """A refused /digest: what was wrong, and what it takes (keywords alone)."""
    return (
        f"{escape(problem)}\nExample: <code>/digest oil opec</code> — the news since this "
        "chat's last digest (or of the last day), about any of the keywords (optional)."
    )
