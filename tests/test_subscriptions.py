"""Subscriptions and deliveries in a real SQLite file: claims, crashes, catch-up, migrations."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from retrieval.corpus.db import connect
from retrieval.corpus.schema import MIGRATIONS
from retrieval.digest.schedule import DailyTime
from retrieval.digest.subscriptions import Delivery, State, Subscriptions
from retrieval.errors import ScheduleError

EIGHT = DailyTime(8, 0)
MONDAY = datetime(2024, 6, 3, tzinfo=UTC)  # Europe/Berlin is UTC+2 in June


def utc(hours: float, day: datetime = MONDAY) -> datetime:
    return day + timedelta(hours=hours)


async def deliveries(subs: Subscriptions, subscription_id: int) -> list[Delivery]:
    """Every digest claimed for the subscription, oldest first."""
    async with subs.conn.execute(
        "SELECT * FROM deliveries WHERE subscription_id = ? ORDER BY day, id", (subscription_id,)
    ) as cur:
        return [Delivery.from_row(r) for r in await cur.fetchall()]


@pytest.fixture
async def subs(db_path: Path) -> AsyncIterator[Subscriptions]:
    opened = await Subscriptions.open(db_path)
    yield opened
    await opened.close()


async def test_migration_4_creates_the_tables(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        async with conn.execute("SELECT max(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN"
            " ('subscriptions', 'deliveries') ORDER BY name"
        ) as cur:
            tables = [r[0] for r in await cur.fetchall()]
    finally:
        await conn.close()
    assert 4 in [m.version for m in MIGRATIONS]
    assert row is not None and row[0] == MIGRATIONS[-1].version
    assert tables == ["deliveries", "subscriptions"]


async def test_subscribe_change_stop_and_restart(subs: Subscriptions) -> None:
    created = await subs.subscribe(
        -100123,
        "supergroup",
        EIGHT,
        "Europe/Berlin",
        utc(0),
        keywords=["oil", "opec"],
        chat_title="Energy desk",
        created_by=42,
    )
    assert (created.at, created.timezone, created.keywords, created.active) == (
        EIGHT,
        "Europe/Berlin",
        ("oil", "opec"),
        True,
    )
    assert created.schedule_since == created.active_since == utc(0)
    # New keywords only: the schedule and the "since the last digest" stay.
    changed = await subs.subscribe(
        -100123,
        "supergroup",
        EIGHT,
        "Europe/Berlin",
        utc(1),
        keywords=["gas"],
        quiet_when_empty=True,
    )
    assert (changed.id, changed.keywords, changed.quiet_when_empty) == (created.id, ("gas",), True)
    assert changed.schedule_since == utc(0) and changed.chat_title == "Energy desk"
    # A new time restarts the schedule (a passed slot does not fire), not the history.
    moved = await subs.subscribe(-100123, "supergroup", DailyTime(9, 0), "Europe/Berlin", utc(2))
    assert (moved.schedule_since, moved.active_since) == (utc(2), utc(0))
    assert await subs.stop(-100123, "unsubscribed") is True
    assert await subs.stop(-100123, "unsubscribed") is False
    stopped = await subs.get(-100123)
    assert stopped is not None and not stopped.active and stopped.stopped_reason == "unsubscribed"
    assert await subs.active() == []
    restarted = await subs.subscribe(-100123, "supergroup", EIGHT, "Europe/Berlin", utc(3))
    assert restarted.active and restarted.active_since == utc(3)
    assert restarted.stopped_reason is None and restarted.id == created.id
    with pytest.raises(ScheduleError, match="unknown time zone"):
        await subs.subscribe(7, "private", EIGHT, "Mars/Olympus", utc(0))


async def test_a_subscription_is_found_by_its_chats_id_or_stored_name(
    subs: Subscriptions,
) -> None:
    """A channel the bot was removed from is found by Telegram no more, by id or by name."""
    await subs.subscribe(-100777, "channel", EIGHT, "UTC", utc(0), chat_username="MorningBrief")
    await subs.subscribe(-100888, "channel", EIGHT, "UTC", utc(0))  # private: no name
    for ref in (-100777, "@morningbrief", "@MORNINGBRIEF"):
        found = await subs.named(ref)
        assert found is not None and found.chat_id == -100777, ref
    assert await subs.named("@eveningbrief") is None and await subs.named(-100999) is None
    # the channel's name given up: it is no longer found by it
    await subs.subscribe(-100777, "channel", EIGHT, "UTC", utc(1))
    assert await subs.named("@morningbrief") is None


async def test_a_digest_is_due_once_per_day_and_claimed_once(
    subs: Subscriptions, db_path: Path
) -> None:
    sub = await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
    assert await subs.due(utc(5, MONDAY)) == []  # 07:00 in Berlin
    [due] = await subs.due(utc(6))
    assert (due.slot.day, due.slot.at) == (date(2024, 6, 3), utc(6))
    assert (due.period.start, due.period.end, due.period.seen_until) == (utc(-18), utc(6), None)
    delivery = await subs.claim(due, utc(6, MONDAY) + timedelta(seconds=3))
    assert delivery is not None and delivery.state is State.CLAIMED
    assert await subs.claim(due, utc(6)) is None  # a second sender loses
    # The claim is committed the moment it is made: another process sees it.
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT state FROM deliveries").fetchall() == [("claimed",)]
    other.close()
    assert await subs.due(utc(7)) == []
    await subs.progress(delivery.id, 2, 7)
    await subs.finish(delivery.id, State.SENT, utc(6.01), items=8)
    assert await subs.due(utc(20)) == []
    # Tuesday's digest runs from Monday's end; articles stored after Monday's was built
    # (as of when it was found due) but dated before its end are Tuesday's.
    [tuesday] = await subs.due(utc(30))
    assert (tuesday.period.start, tuesday.period.seen_until) == (utc(6), utc(6))
    [sent] = await deliveries(subs, sub.id)
    assert (sent.state, sent.messages, sent.items) == (State.SENT, 2, 8)


async def test_catch_up_after_downtime_is_same_day_and_covers_the_gap(
    subs: Subscriptions,
) -> None:
    await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
    [monday] = await subs.due(utc(6))
    claimed = await subs.claim(monday, utc(6))
    assert claimed is not None
    await subs.finish(claimed.id, State.SENT, utc(6))
    # Down from Monday noon to Wednesday 23:00 Berlin: Tuesday's is gone, Wednesday's
    # is sent late, once, and covers everything since Monday's.
    [wednesday] = await subs.due(utc(21, MONDAY + timedelta(days=2)))
    assert wednesday.slot.day == date(2024, 6, 5)
    assert wednesday.period.start == utc(6) and wednesday.period.end == utc(54)
    # Back only after midnight: Wednesday's is not sent on Thursday.
    assert await subs.due(utc(22.5, MONDAY + timedelta(days=2))) == []


async def test_a_zone_moved_across_the_date_line_keeps_the_next_local_day(
    subs: Subscriptions,
) -> None:
    """Tokyo's Wednesday 08:00 is Tuesday in Los Angeles: moved there after it, the chat
    missed Wednesday's digest in Los Angeles (a day skipped, 40 hours without one), since the
    last day claimed was told in Tokyo's dates, and its claim took Wednesday's date."""
    sub = await subs.subscribe(7, "group", EIGHT, "Asia/Tokyo", utc(-48))
    tokyo_wednesday = utc(23, MONDAY + timedelta(days=1))  # Wed 5 Jun 08:00 JST
    [due] = await subs.due(tokyo_wednesday)
    assert due.slot.day == date(2024, 6, 5)
    claimed = await subs.claim(due, tokyo_wednesday)
    assert claimed is not None
    await subs.finish(claimed.id, State.SENT, tokyo_wednesday)
    moved = utc(1, MONDAY + timedelta(days=2))  # Wed 01:00 UTC, Tue 18:00 in LA
    sub = await subs.subscribe(7, "group", EIGHT, "America/Los_Angeles", moved)
    la_wednesday = utc(15, MONDAY + timedelta(days=2))  # Wed 5 Jun 08:00 PDT
    assert await subs.next_run(sub, moved) == la_wednesday
    [due] = await subs.due(la_wednesday)
    assert due.slot.day == date(2024, 6, 5) and due.period.start == tokyo_wednesday
    assert await subs.claim(due, la_wednesday) is not None
    # back to Tokyo: LA's digest fell on Tokyo's Thursday (00:00 JST), so the next is
    # Friday's, not a second one that Thursday
    back = utc(16, MONDAY + timedelta(days=2))
    sub = await subs.subscribe(7, "group", EIGHT, "Asia/Tokyo", back)
    assert await subs.next_run(sub, back) == utc(23, MONDAY + timedelta(days=3))


async def test_migration_19_keeps_every_delivery_and_claims_by_slot(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.corpus.db

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:18])
    await (await connect(db_path)).close()
    slot = utc(23).timestamp()  # Tue 4 Jun 08:00 JST
    with closing(sqlite3.connect(db_path)) as conn, conn:  # subscribed, claimed and sent as before
        sub_id = conn.execute(
            "INSERT INTO subscriptions (chat_id, chat_type, send_time, timezone, keywords,"
            " active, quiet_when_empty, created_ts, active_since, schedule_since)"
            " VALUES (7, 'group', '08:00', 'Asia/Tokyo', '[]', 1, 0, ?, ?, ?)",
            (utc(-48).timestamp(),) * 3,
        ).lastrowid
        conn.execute(
            "INSERT INTO deliveries (subscription_id, day, chat_id, period_start, period_end,"
            " as_of, state, items, claimed_ts) VALUES (?, '2024-06-04', 7, ?, ?, ?, 'sent',"
            " 3, ?)",
            (sub_id, utc(-1).timestamp(), slot, slot, slot),
        )
    conn.close()
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    subs = await Subscriptions.open(db_path)
    try:
        assert sub_id is not None
        [kept] = await deliveries(subs, sub_id)
        assert (kept.day, kept.state, kept.items) == (date(2024, 6, 4), State.SENT, 3)
        assert await subs.due(utc(23.5)) == []  # the same slot: claimed already
        [wednesday] = await subs.due(utc(47))
        assert wednesday.period.start == utc(23)
    finally:
        await subs.close()


async def test_failures_release_or_end_the_day(subs: Subscriptions) -> None:
    await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
    [due] = await subs.due(utc(6))
    first = await subs.claim(due, utc(6))
    assert first is not None
    await subs.release(first.id)  # Telegram unreachable: nothing went out
    [again] = await subs.due(utc(6.5))
    second = await subs.claim(again, utc(6.5))
    assert second is not None
    await subs.finish(second.id, State.FAILED, utc(6.5), error="Bad Request: chat not found")
    assert await subs.due(utc(7)) == []  # that day is over for the chat...
    [tuesday] = await subs.due(utc(30))
    assert tuesday.period.start == utc(-18)  # ...and its articles are not lost


async def test_a_claim_that_sent_a_message_is_never_released(subs: Subscriptions) -> None:
    """Released, the digest would be sent again from its first message."""
    sub = await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
    [due] = await subs.due(utc(6))
    claimed = await subs.claim(due, utc(6))
    assert claimed is not None
    await subs.progress(claimed.id, 1, 7)
    await subs.release(claimed.id)
    assert [d.id for d in await deliveries(subs, sub.id)] == [claimed.id]
    assert await subs.due(utc(6.5)) == []


SEND_AND_DIE = """
import asyncio, os, signal, sys
from datetime import datetime, UTC
from retrieval.digest.subscriptions import Subscriptions

async def main():
    subs = await Subscriptions.open(sys.argv[1])
    now = datetime.fromisoformat(sys.argv[2])
    [due] = await subs.due(now)
    delivery = await subs.claim(due, now)
    await subs.progress(delivery.id, 1, due.subscription.chat_id)  # first message out
    os.kill(os.getpid(), signal.SIGKILL)  # the bot dies before the second

asyncio.run(main())
"""


def test_a_digest_interrupted_by_a_crash_is_never_sent_twice(db_path: Path) -> None:
    """kill -9 in the middle of sending; the next start marks it unknown and moves on."""

    async def prepare() -> None:
        subs = await Subscriptions.open(db_path)
        await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
        await subs.close()

    async def restart() -> None:
        subs = await Subscriptions.open(db_path)
        try:
            [interrupted] = await subs.recover(utc(7))
            assert (interrupted.state, interrupted.messages, interrupted.chat_id) == (
                State.UNKNOWN,
                1,
                7,
            )
            assert "never sent twice" in (interrupted.error or "")
            assert await subs.due(utc(7)) == []  # not resent today
            assert await subs.recover(utc(8)) == []
            [tuesday] = await subs.due(utc(30))  # and tomorrow's does not repeat it
            assert tuesday.period.start == utc(6)
        finally:
            await subs.close()

    asyncio.run(prepare())
    died = subprocess.run(
        [sys.executable, "-c", SEND_AND_DIE, str(db_path), utc(6).isoformat()],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        check=False,
    )
    assert died.returncode == -9, died.stderr
    asyncio.run(restart())


async def test_a_migrated_group_keeps_its_subscription(subs: Subscriptions) -> None:
    sub = await subs.subscribe(-4001, "group", EIGHT, "UTC", utc(-48))
    [due] = await subs.due(utc(8))
    delivery = await subs.claim(due, utc(8))
    assert delivery is not None
    moved = await subs.move_chat(-4001, -1004001)
    assert moved is not None and (moved.id, moved.chat_id, moved.chat_type) == (
        sub.id,
        -1004001,
        "supergroup",
    )
    assert await subs.get(-4001) is None
    assert await subs.due(utc(9)) == []  # the day's claim moved with it
    assert await subs.move_chat(-4001, -1004001) is None
    # If the supergroup has a subscription of its own, that one wins.
    await subs.subscribe(-4002, "group", EIGHT, "UTC", utc(0))
    await subs.subscribe(-1004002, "supergroup", DailyTime(9, 0), "UTC", utc(0))
    kept = await subs.move_chat(-4002, -1004002)
    assert kept is not None and kept.at == DailyTime(9, 0)
    old = await subs.get(-4002)
    assert old is not None and not old.active and old.stopped_reason == "migrated to -1004002"


async def test_a_resumed_subscription_waits_for_its_next_time(subs: Subscriptions) -> None:
    """Resumed afresh, as a restarted subscription: a chat allowed again at noon (the
    allowlist is read at start-up) does not get the 08:00 digest at noon."""
    await subs.subscribe(7, "private", EIGHT, "Europe/Berlin", utc(-48))
    assert await subs.pause(7, "not allowed")
    assert await subs.resume(7, utc(10))  # Monday 12:00 in Berlin: 08:00 has passed
    assert await subs.due(utc(10.5)) == []
    [tuesday] = await subs.due(utc(30))
    assert tuesday.period.start == utc(6)  # a day's news, not since the pause


async def test_a_chats_zone_is_read_once_till_its_subscription_changes(
    subs: Subscriptions,
) -> None:
    """The bot read the chat's subscription from SQLite for every question (its zone):
    it is remembered per chat, and read anew once /subscribe, or a group's move to a
    supergroup, writes it."""
    reads: list[str] = []
    await subs.conn.set_trace_callback(reads.append)

    async def zone(chat_id: int) -> str | None:
        found = await subs.zone_of(chat_id)
        return None if found is None else found.key

    def selects() -> int:
        return sum(statement.startswith("SELECT") for statement in reads)

    assert [await zone(-4001) for _ in range(3)] == [None] * 3
    assert selects() == 1
    await subs.subscribe(-4001, "group", EIGHT, "America/Los_Angeles", utc(0))
    assert [await zone(-4001) for _ in range(3)] == ["America/Los_Angeles"] * 3
    await subs.subscribe(-4001, "group", EIGHT, "Asia/Tokyo", utc(0))
    assert await zone(-4001) == "Asia/Tokyo"
    assert await zone(-1004001) is None
    await subs.move_chat(-4001, -1004001)
    assert (await zone(-4001), await zone(-1004001)) == (None, "Asia/Tokyo")
    assert selects() == 6  # each chat once, and again after each write of it
