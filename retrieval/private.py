"""Files newsbot makes for its database: this user's alone, whatever the umask.

The database holds feed credentials, the query log with its askers' ids and the chats' titles;
its index files hold the words of every article; a backup holds all of it. Each is made 0600
(a folder 0700) when newsbot makes it, as ssh keeps its keys. A file there already keeps the
mode it has: an operator's chmod (0640 for a backup group) is theirs to choose. SQLite makes a
database's -wal and -shm files with the database's own mode.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def create_private(path: Path) -> None:
    """Make `path` an empty file of FILE_MODE unless it is there: SQLite takes an empty file
    for an empty database, and would make a new one readable by all (0644 under umask 022)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def private_opener(path: str, flags: int) -> int:
    """An `opener` for `open`: a file it creates has FILE_MODE."""
    return os.open(path, flags | os.O_CLOEXEC, FILE_MODE)


def make_private_folder(folder: Path) -> None:
    """Make `folder` (FOLDER_MODE) unless it is there; its parents as usual."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
