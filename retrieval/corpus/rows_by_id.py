"""Rows read by id, any number of ids: in IN lists cut at SQLite's cap on a statement's
parameters (`in_lists`, the one place a long IN list is cut), or as ranges of consecutive
ids (`tuples_for_id_runs_blocking`). On aiosqlite's connection or, in a worker thread, on a
plain sqlite3 one (`read_connections.ReadConnections`). Each reads only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import aiosqlite

IN_LIMIT = 500  # values per IN list: SQLite caps the parameters of one statement


def in_lists(sql: str, ids: Iterable[int | str]) -> Iterator[tuple[str, list[int | str]]]:
    """(statement, its ids) for every IN_LIMIT of the distinct `ids`: `sql` with its `{ids}`
    made an IN list of that many parameters. The one place a long IN list is cut."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), IN_LIMIT):
        chunk = wanted[start : start + IN_LIMIT]
        yield sql.format(ids=",".join("?" * len(chunk))), chunk


async def rows_for_ids(
    conn: aiosqlite.Connection, sql: str, ids: Iterable[int | str], *params: object
) -> list[aiosqlite.Row]:
    """The rows of `sql` for any number of `ids` (see `in_lists`); `params` follow the ids in
    each statement. Rows of different statements come in no particular order. Reads only."""
    rows: list[aiosqlite.Row] = []
    for statement, chunk in in_lists(sql, ids):
        async with conn.execute(statement, [*chunk, *params]) as cur:
            rows.extend(await cur.fetchall())
    return rows


def rows_for_ids_blocking(
    conn: sqlite3.Connection, sql: str, ids: Iterable[int | str], *params: object
) -> list[sqlite3.Row]:
    """`rows_for_ids` on a plain sqlite3 connection, in a worker thread. Reads only."""
    return [
        row
        for statement, chunk in in_lists(sql, ids)
        for row in conn.execute(statement, [*chunk, *params])
    ]


def tuples_for_ids_blocking(
    conn: sqlite3.Connection, sql: str, ids: Iterable[int | str], *params: object
) -> list[tuple[Any, ...]]:
    """`rows_for_ids_blocking` as plain tuples, whatever the connection's row factory: for
    reads of many rows, where making a `sqlite3.Row` of each costs more than reading it."""
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return [
            row
            for statement, chunk in in_lists(sql, ids)
            for row in cursor.execute(statement, [*chunk, *params])
        ]
    finally:
        cursor.close()


def id_runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """The distinct `ids` as runs of consecutive ids, (first, last) each, ascending."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def tuples_for_id_runs_blocking(
    conn: sqlite3.Connection, columns: str, table: str, ids: Iterable[int]
) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `table` whose rowid `id` is one of `ids`, as plain tuples
    (missing ids are simply absent; rows in no particular order), read a run of consecutive
    ids at a time: a question's pool asks for its windows' sentences, stored together, and
    a range is one descent of the table's B-tree where an IN list is one a row (on news-1m
    a pool's read asks some 72 ids in 16 runs; docs/performance.md)."""
    runs = id_runs(ids)
    cursor = conn.cursor()
    cursor.row_factory = None
    rows: list[tuple[Any, ...]] = []
    try:
        for start in range(0, len(runs), IN_LIMIT // 2):
            chunk = runs[start : start + IN_LIMIT // 2]
            ranges = ",".join(["(?,?)"] * len(chunk))
            rows.extend(
                cursor.execute(
                    f"WITH wanted(first, last) AS (VALUES {ranges}) SELECT {columns} FROM wanted"
                    f" JOIN {table} ON {table}.id BETWEEN wanted.first AND wanted.last",
                    [i for run in chunk for i in run],
                )
            )
    finally:
        cursor.close()
    return rows
