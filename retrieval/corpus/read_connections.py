"""Read-only sqlite3 connections, one per thread, for the reads that answer a question off
the event loop (`ReadConnections`).

Apart from the database's opening and its transactions (`db`) because these are plain
sqlite3, not aiosqlite, and only read: each worker thread gets its own connection, opened
read-only as the engine's was (`db.read_only_uri`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from retrieval.corpus.db import busy_timeout, read_only_uri
from retrieval.errors import StoreError


class ReadConnections:
    """One read-only sqlite3 connection per thread that asks, for reads off the event loop.

    A question is answered in one worker thread with plain sqlite3: through aiosqlite, each
    of its reads would be a hop to aiosqlite's own thread and back, tenths of a millisecond
    apiece. A sqlite3 connection must not be used by two threads at once, so each thread
    gets its own, opened read-only (`mode=ro`: it cannot write), and WAL lets it read while
    another connection writes. `close` closes them all; call it once no thread reads any
    more (the engine's close).
    """

    def __init__(self, path: str | os.PathLike[str], uri: str | None = None) -> None:
        # `uri`: the one the engine's connection was opened read-only with (`open_database`),
        # immutable where it is: a read-only connection to a WAL database still needs a -shm
        # file it can make
        self._uri = uri or read_only_uri(Path(path)) or f"{Path(path).resolve().as_uri()}?mode=ro"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self._closed = False

    def get(self) -> sqlite3.Connection:
        """The calling thread's connection, opened at its first read."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and not self._closed:
            return conn
        with self._lock:
            if self._closed:
                raise StoreError("the database was closed")
            # check_same_thread=False only so that `close` may close it from another thread.
            conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            self._opened.append(conn)
        conn.row_factory = sqlite3.Row
        conn.execute(busy_timeout())
        self._local.conn = conn
        return conn

    def close(self) -> None:
        with self._lock:
            self._closed = True
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
