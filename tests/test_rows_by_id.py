"""Rows read by any number of ids: IN lists cut within SQLite's limit, and runs of ids."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.rows_by_id import (
    IN_LIMIT,
    id_runs,
    in_lists,
    rows_for_ids,
    tuples_for_id_runs_blocking,
    tuples_for_ids_blocking,
)


async def test_rows_for_ids_reads_any_number_of_ids_with_extra_parameters(
    conn: aiosqlite.Connection,
) -> None:
    await conn.executemany(
        "INSERT INTO t (id, tag) VALUES (?, ?)",
        [(i, "even" if i % 2 == 0 else "odd") for i in range(1, 2 * IN_LIMIT + 100)],
    )
    wanted = [*range(1, 2 * IN_LIMIT + 50), 5, 7, 99_999]  # repeats and a missing id
    rows = await rows_for_ids(
        conn, "SELECT id FROM t WHERE id IN ({ids}) AND tag = ?", wanted, "odd"
    )
    assert sorted(row[0] for row in rows) == list(range(1, 2 * IN_LIMIT + 50, 2))


async def test_tuples_for_ids_are_plain_tuples_whatever_the_row_factory(
    conn: aiosqlite.Connection, db_path: Path
) -> None:
    await conn.executemany(
        "INSERT INTO t (id, tag) VALUES (?, ?)", [(i, f"tag {i}") for i in range(1, 1300)]
    )
    await conn.commit()
    reads = ReadConnections(db_path)  # its connections make sqlite3.Row objects
    try:
        rows = tuples_for_ids_blocking(
            reads.get(), "SELECT id, tag FROM t WHERE id IN ({ids}) AND id > ?", range(1299), 5
        )
        assert sorted(rows) == [(i, f"tag {i}") for i in range(6, 1299)]
        assert {type(row) for row in rows} == {tuple}
        assert isinstance(reads.get().execute("SELECT id FROM t").fetchone(), sqlite3.Row)
    finally:
        reads.close()


def test_id_runs_are_the_distinct_ids_as_runs_of_consecutive_ones() -> None:
    assert id_runs([9, 3, 4, 5, 3, 12, 10, 1]) == [(1, 1), (3, 5), (9, 10), (12, 12)]
    assert id_runs([]) == []


async def test_rows_read_by_runs_of_ids_are_those_an_in_list_reads(
    conn: aiosqlite.Connection, db_path: Path
) -> None:
    """Runs past one statement's parameters, ids missing from the table (a gap inside a
    run, one before and after the table), repeats: the same rows as `id IN (...)`."""
    stored = [i for i in range(1, 3000) if i % 7 != 3]
    await conn.executemany(
        "INSERT INTO t (id, tag) VALUES (?, ?)", [(i, f"tag {i}") for i in stored]
    )
    await conn.commit()
    asked = [0, *range(1, 1600, 2), *range(2000, 2020), 2005, 4000]
    reads = ReadConnections(db_path)  # its connections make sqlite3.Row objects
    try:
        rows = tuples_for_id_runs_blocking(reads.get(), "id, tag", "t", asked)
        listed = tuples_for_ids_blocking(
            reads.get(), "SELECT id, tag FROM t WHERE id IN ({ids})", asked
        )
        assert len(id_runs(asked)) > IN_LIMIT // 2  # more than one statement
        assert (
            sorted(rows)
            == sorted(listed)
            == [(i, f"tag {i}") for i in sorted(set(asked)) if i in stored]
        )
        assert {type(row) for row in rows} == {tuple}
        assert tuples_for_id_runs_blocking(reads.get(), "id, tag", "t", []) == []
    finally:
        reads.close()


def test_in_lists_cuts_distinct_ids_into_statements_within_the_limit() -> None:
    statements = list(in_lists("SELECT x FROM t WHERE id IN ({ids})", [*range(1201), 3, 3]))
    assert [len(ids) for _, ids in statements] == [IN_LIMIT, IN_LIMIT, 201]
    assert statements[-1][0].count("?") == 201
    assert [i for _, ids in statements for i in ids] == list(range(1201))
