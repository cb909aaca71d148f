"""Digest subscriptions and what was delivered, in SQLite (migration 4).

Never twice. Before the first message of a scheduled digest goes out, its (subscription, slot)
is claimed: one INSERT, committed on its own connection with `synchronous = FULL`, that a
UNIQUE constraint lets only one sender win. After the last message it is marked `sent`.
A claim still open when the bot starts means it stopped mid-send: some, all or none of the
messages may have reached the chat, and Telegram has no way to ask. Sending again could show
the digest twice; not sending could lose it. The issue ranks never-twice first, so such a
digest becomes `unknown`, is not sent again, and counts as delivered (the next digest starts
where it ended); the log names the chat and period so an operator can send /digest by hand.

Never lost. A failure that certainly delivered nothing and may pass (Telegram unreachable)
releases the claim, so the next tick tries again the same day. A failure that will not pass
(the bot was removed, the request was refused) is `failed`: that day is over for the chat, and
the next digest covers the failed one's articles, because `failed` does not count as
delivered.

States: claimed -> sent | empty (nothing new) | failed | unknown (interrupted).

Paused. An active subscription can be paused (its chat is not allowed to get digests any
more): kept with its settings, skipped by `due`. `resume` starts it afresh, as a restarted
subscription: its first digest covers a day, not the whole pause.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite

from retrieval.corpus.db import connect
from retrieval.digest.digest import Period
from retrieval.digest.schedule import (
    DailyTime,
    Slot,
    due_slot,
    next_run,
    period_for,
)
from retrieval.zones import parse_zone


class State(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    EMPTY = "empty"
    FAILED = "failed"
    UNKNOWN = "unknown"


def _time(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat's daily digest settings."""

    id: int
    chat_id: int
    chat_type: str
    chat_title: str | None
    at: DailyTime
    timezone: str
    keywords: tuple[str, ...]
    active: bool
    quiet_when_empty: bool
    created_by: int | None
    created: datetime
    active_since: datetime
    schedule_since: datetime
    stopped_reason: str | None
    paused_reason: str | None = None  # why an active subscription gets no digests for now
    topic_id: int | None = None  # the forum topic its digests go to (subscribed there)
    chat_username: str | None = None  # the chat's public @name when subscribed, without @

    @property
    def zone(self) -> ZoneInfo:
        return parse_zone(self.timezone)

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Subscription:
        return cls(
            id=int(row["id"]),
            chat_id=int(row["chat_id"]),
            chat_type=str(row["chat_type"]),
            chat_title=row["chat_title"],
            at=DailyTime.parse(row["send_time"]),
            timezone=str(row["timezone"]),
            keywords=tuple(json.loads(row["keywords"])),
            active=bool(row["active"]),
            quiet_when_empty=bool(row["quiet_when_empty"]),
            created_by=row["created_by"],
            created=_time(row["created_ts"]),
            active_since=_time(row["active_since"]),
            schedule_since=_time(row["schedule_since"]),
            stopped_reason=row["stopped_reason"],
            paused_reason=row["paused_reason"],
            topic_id=row["topic_id"],
            chat_username=row["chat_username"],
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One scheduled digest and how far it got."""

    id: int
    subscription_id: int
    chat_id: int
    day: date
    period: Period
    state: State
    messages: int
    items: int | None
    claimed: datetime
    finished: datetime | None
    error: str | None  # why it failed; of one that arrived, where it went otherwise than asked

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Delivery:
        return cls(
            id=int(row["id"]),
            subscription_id=int(row["subscription_id"]),
            chat_id=int(row["chat_id"]),
            day=date.fromisoformat(row["day"]),
            period=Period(
                _time(row["period_start"]),
                _time(row["period_end"]),
                _time(row["seen_until"]) if row["seen_until"] is not None else None,
                _time(row["as_of"]),
            ),
            state=State(row["state"]),
            messages=int(row["messages"]),
            items=row["items"],
            claimed=_time(row["claimed_ts"]),
            finished=_time(row["finished_ts"]) if row["finished_ts"] is not None else None,
            error=row["error"],
        )


@dataclass(frozen=True, slots=True)
class Due:
    """A digest to send now: to whom, for which day, covering what."""

    subscription: Subscription
    slot: Slot
    period: Period


# Chats whose zone `Subscriptions.zone_of` remembers: a few bytes each, and more chats than
# ask in an hour of a busy bot's.
ZONES_KEPT = 10_000


class Subscriptions:
    """Subscriptions and deliveries over a connection of their own.

    Its own connection, because a claim must be committed the moment it is made: on a
    connection shared with a task that holds a transaction open (an ingest), the claim would
    join that transaction and could be rolled back after the digest went out.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # by chat: its subscription's zone, None for no subscription (`zone_of`)
        self._zones: OrderedDict[int, ZoneInfo | None] = OrderedDict()
        self._zone_writes = 0  # zones written: a read begun before one is not remembered

    @classmethod
    async def open(cls, db_path: str | os.PathLike[str]) -> Subscriptions:
        conn = await connect(Path(db_path))
        await conn.execute("PRAGMA synchronous = FULL")  # a claim survives a power cut too
        return cls(conn)

    async def close(self) -> None:
        await self.conn.close()

    # --- subscriptions -------------------------------------------------------------------

    async def subscribe(
        self,
        chat_id: int,
        chat_type: str,
        at: DailyTime,
        timezone: str,
        now: datetime,
        keywords: Sequence[str] = (),
        quiet_when_empty: bool = False,
        chat_title: str | None = None,
        created_by: int | None = None,
        topic_id: int | None = None,
        chat_username: str | None = None,
    ) -> Subscription:
        """Create, change or restart the chat's subscription; one statement.

        Restarting a stopped or paused one starts afresh (its first digest covers 24 hours);
        changing the time or zone never fires a slot that has already passed today. Its
        digests go to the forum topic `topic_id` (where it was last subscribed), if any.
        `chat_username` is the chat's public name now (None: it has none), by which `named`
        finds the subscription once Telegram no longer does.
        """
        parse_zone(timezone)  # refuse what could never be scheduled
        ts = now.timestamp()
        self._zones_written(chat_id)
        async with self.conn.execute(
            "INSERT INTO subscriptions (chat_id, chat_type, chat_title, send_time, timezone,"
            " keywords, active, quiet_when_empty, created_by, created_ts, active_since,"
            " schedule_since, topic_id, chat_username)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET"
            " chat_type = excluded.chat_type,"
            " chat_title = coalesce(excluded.chat_title, chat_title),"
            " schedule_since = CASE WHEN active = 0 OR paused_reason IS NOT NULL"
            "   OR send_time != excluded.send_time OR timezone != excluded.timezone"
            "   THEN excluded.schedule_since ELSE schedule_since END,"
            " active_since = CASE WHEN active = 0 OR paused_reason IS NOT NULL"
            "   THEN excluded.active_since ELSE active_since END,"
            " send_time = excluded.send_time, timezone = excluded.timezone,"
            " keywords = excluded.keywords, quiet_when_empty = excluded.quiet_when_empty,"
            " created_by = excluded.created_by, active = 1, stopped_reason = NULL,"
            " stopped_ts = NULL,"
            " paused_reason = NULL, topic_id = excluded.topic_id,"
            " chat_username = excluded.chat_username"
            " RETURNING *",
            (
                chat_id,
                chat_type,
                chat_title,
                str(at),
                timezone,
                json.dumps(list(keywords)),
                int(quiet_when_empty),
                created_by,
                ts,
                ts,
                ts,
                topic_id,
                chat_username,
            ),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return Subscription.from_row(row)

    async def get(self, chat_id: int) -> Subscription | None:
        async with self.conn.execute(
            "SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return Subscription.from_row(row) if row else None

    async def zone_of(self, chat_id: int) -> ZoneInfo | None:
        """The zone of the chat's subscription, active or not; None when it has none.

        Remembered for the last ZONES_KEPT chats asked about: a bot reads it for every
        question. Only this object writes a chat's zone (`subscribe`, `move_chat`: one bot
        serves a database, `retrieval.corpus.served`), and it forgets the chats it writes,
        so a changed zone is read at the next question. Others delete subscriptions: the
        forgetting of those ended past NEWSBOT_KEEP_DAYS, `newsbot forget` in another
        process; the bot has every zone forgotten then (`forget_zones`).
        """
        if chat_id in self._zones:
            self._zones.move_to_end(chat_id)
            return self._zones[chat_id]
        writes = self._zone_writes
        found = await self.get(chat_id)
        zone = found.zone if found else None
        if writes == self._zone_writes:  # else it may be of the row before the write
            self._zones[chat_id] = zone
            if len(self._zones) > ZONES_KEPT:
                self._zones.popitem(last=False)
        return zone

    def forget_zones(self) -> None:
        """Forget every zone remembered (`zone_of`): subscriptions were deleted, not by
        this object (forgotten past NEWSBOT_KEEP_DAYS, erased by `newsbot forget`)."""
        self._zones_written()
        self._zones.clear()

    def _zones_written(self, *chat_ids: int) -> None:
        """Forget the zones of chats whose subscription is about to be written: called with
        no await between it and the write, so a later `zone_of` reads after the write."""
        self._zone_writes += 1
        for chat_id in chat_ids:
            self._zones.pop(chat_id, None)

    async def named(self, ref: int | str) -> Subscription | None:
        """The subscription of the chat `ref` names, as stored: its id, or its @username
        (any letter case, as Telegram's) when subscribed. Asks Telegram nothing, so it finds
        the digest of a chat the bot is no longer in."""
        if isinstance(ref, int):
            return await self.get(ref)
        async with self.conn.execute(
            "SELECT * FROM subscriptions WHERE chat_username = ? COLLATE NOCASE"
            " ORDER BY active DESC, id DESC LIMIT 1",
            (ref.removeprefix("@"),),
        ) as cur:
            row = await cur.fetchone()
        return Subscription.from_row(row) if row else None

    async def active(self) -> list[Subscription]:
        async with self.conn.execute(
            "SELECT * FROM subscriptions WHERE active = 1 ORDER BY id"
        ) as cur:
            return [Subscription.from_row(r) for r in await cur.fetchall()]

    async def stop(self, chat_id: int, reason: str) -> bool:
        """Deactivate the chat's subscription, dated: it is forgotten NEWSBOT_KEEP_DAYS after
        (`retention.forget_expired`); False if it had no active one."""
        cursor = await self.conn.execute(
            "UPDATE subscriptions SET active = 0, stopped_reason = ?, stopped_ts = ?"
            " WHERE chat_id = ? AND active = 1",
            (reason, time.time(), chat_id),
        )
        return cursor.rowcount == 1

    async def forget_topic(self, chat_id: int) -> None:
        """Send the chat's digests to no topic (General) from now on: theirs is gone."""
        await self.conn.execute(
            "UPDATE subscriptions SET topic_id = NULL WHERE chat_id = ?", (chat_id,)
        )

    async def pause(self, chat_id: int, reason: str) -> bool:
        """Stop sending the chat's digests for now, keeping the subscription; False if it was
        not active or paused already."""
        cursor = await self.conn.execute(
            "UPDATE subscriptions SET paused_reason = ?"
            " WHERE chat_id = ? AND active = 1 AND paused_reason IS NULL",
            (reason, chat_id),
        )
        return cursor.rowcount == 1

    async def resume(self, chat_id: int, now: datetime) -> bool:
        """Send the chat's digests again, afresh: the next at its time, covering the day
        before it (not the pause). False if it was not paused."""
        cursor = await self.conn.execute(
            "UPDATE subscriptions SET paused_reason = NULL, active_since = ?,"
            " schedule_since = ? WHERE chat_id = ? AND active = 1 AND paused_reason IS NOT NULL",
            (now.timestamp(), now.timestamp(), chat_id),
        )
        return cursor.rowcount == 1

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> Subscription | None:
        """Follow a group that became a supergroup; returns the moved subscription.

        If the new chat already has a subscription of its own, that one wins and the old one
        is stopped.
        """
        self._zones_written(old_chat_id, new_chat_id)
        try:
            async with self.conn.execute(
                "UPDATE subscriptions SET chat_id = ?, chat_type = 'supergroup'"
                " WHERE chat_id = ? RETURNING *",
                (new_chat_id, old_chat_id),
            ) as cur:
                row = await cur.fetchone()
        except sqlite3.IntegrityError:
            await self.stop(old_chat_id, f"migrated to {new_chat_id}")
            return await self.get(new_chat_id)
        return Subscription.from_row(row) if row else None

    # --- scheduling ----------------------------------------------------------------------

    async def last_day(self, subscription: Subscription) -> date | None:
        """The latest local day a digest was claimed for, whatever became of it: the date of
        its slot's moment in the subscription's zone now. (The day it was claimed for is a
        date of the zone then: from Asia/Tokyo to America/Los_Angeles, Tokyo's 5 June 08:00
        is LA's 4 June, and LA's 5 June had no digest.)"""
        async with self.conn.execute(
            "SELECT max(period_end) FROM deliveries WHERE subscription_id = ?",
            (subscription.id,),
        ) as cur:
            row = await cur.fetchone()
        if not row or row[0] is None:
            return None
        return _time(row[0]).astimezone(subscription.zone).date()

    async def next_run(self, subscription: Subscription, now: datetime) -> datetime:
        """When its next digest is due: the first slot after `now` of a local day that has
        not had one (`due`, one a day), in UTC."""
        last_day = await self.last_day(subscription)
        return next_run(subscription.at, subscription.zone, now, last_day)

    async def last_delivered(self, subscription: Subscription) -> Delivery | None:
        """The latest digest that counts as received since the subscription (re)started:
        sent, empty or unknown, not failed."""
        async with self.conn.execute(
            "SELECT * FROM deliveries WHERE subscription_id = ? AND state IN (?, ?, ?, ?)"
            " AND claimed_ts >= ? ORDER BY period_end DESC, id DESC LIMIT 1",
            (
                subscription.id,
                State.SENT,
                State.EMPTY,
                State.UNKNOWN,
                State.CLAIMED,
                subscription.active_since.timestamp(),
            ),
        ) as cur:
            row = await cur.fetchone()
        return Delivery.from_row(row) if row else None

    async def last_failed(self, subscription: Subscription) -> Delivery | None:
        """The latest digest claimed since the subscription (re)started, if it failed: none
        of it reached the chat, and nothing has since."""
        async with self.conn.execute(
            "SELECT * FROM deliveries WHERE subscription_id = ? AND claimed_ts >= ?"
            " ORDER BY claimed_ts DESC, id DESC LIMIT 1",
            (subscription.id, subscription.active_since.timestamp()),
        ) as cur:
            row = await cur.fetchone()
        latest = Delivery.from_row(row) if row else None
        return latest if latest is not None and latest.state is State.FAILED else None

    async def _first_failed_start(self, subscription: Subscription) -> datetime | None:
        async with self.conn.execute(
            "SELECT min(period_start) FROM deliveries WHERE subscription_id = ?"
            " AND state = ? AND claimed_ts >= ?",
            (subscription.id, State.FAILED, subscription.active_since.timestamp()),
        ) as cur:
            row = await cur.fetchone()
        return _time(row[0]) if row and row[0] is not None else None

    async def due(self, now: datetime) -> list[Due]:
        """The digests to send at `now`, one per active subscription (not paused) at most.
        Reads only."""
        found = []
        for subscription in await self.active():
            if subscription.paused_reason is not None:
                continue
            slot = due_slot(
                subscription.at,
                subscription.zone,
                now,
                subscription.schedule_since,
                await self.last_day(subscription),
            )
            if slot is None:
                continue
            previous = await self.last_delivered(subscription)
            start: datetime | None
            seen: datetime | None
            seen_from: datetime | None = None
            if previous is not None:
                start, seen = previous.period.end, previous.period.as_of
                seen_from = previous.period.start
            else:  # none yet, or only failed ones: from where the first failed one began
                start, seen = await self._first_failed_start(subscription), None
            period = period_for(slot.at, now, start, seen, seen_from)
            found.append(Due(subscription, slot, period))
        return found

    # --- deliveries ----------------------------------------------------------------------

    async def claim(self, due: Due, now: datetime) -> Delivery | None:
        """Claim `due` before sending it; None if it was claimed already (by anyone)."""
        p = due.period
        async with self.conn.execute(
            "INSERT INTO deliveries (subscription_id, day, chat_id, period_start, period_end,"
            " seen_until, as_of, state, claimed_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (subscription_id, period_end) DO NOTHING RETURNING *",
            (
                due.subscription.id,
                due.slot.day.isoformat(),
                due.subscription.chat_id,
                p.start.timestamp(),
                p.end.timestamp(),
                p.seen_until.timestamp() if p.seen_until else None,
                (p.as_of or now).timestamp(),
                State.CLAIMED,
                now.timestamp(),
            ),
        ) as cur:
            row = await cur.fetchone()
        return Delivery.from_row(row) if row else None

    async def progress(self, delivery_id: int, messages: int, chat_id: int) -> None:
        """Record that `messages` messages have reached `chat_id` (it may have migrated)."""
        await self.conn.execute(
            "UPDATE deliveries SET messages = ?, chat_id = ? WHERE id = ?",
            (messages, chat_id, delivery_id),
        )

    async def finish(
        self,
        delivery_id: int,
        state: State,
        now: datetime,
        items: int | None = None,
        error: str | None = None,
    ) -> None:
        await self.conn.execute(
            "UPDATE deliveries SET state = ?, items = ?, error = ?, finished_ts = ? WHERE id = ?",
            (state, items, error, now.timestamp(), delivery_id),
        )

    async def release(self, delivery_id: int) -> None:
        """Undo a claim that certainly delivered nothing, so the digest is tried again."""
        await self.conn.execute(
            "DELETE FROM deliveries WHERE id = ? AND state = ? AND messages = 0",
            (delivery_id, State.CLAIMED),
        )

    async def recover(self, now: datetime) -> list[Delivery]:
        """At start-up: digests interrupted mid-send become `unknown`, never resent."""
        async with self.conn.execute(
            "UPDATE deliveries SET state = ?, finished_ts = ?,"
            " error = 'interrupted while sending; not resent, so it is never sent twice'"
            " WHERE state = ? RETURNING *",
            (State.UNKNOWN, now.timestamp(), State.CLAIMED),
        ) as cur:
            return [Delivery.from_row(r) for r in await cur.fetchall()]
