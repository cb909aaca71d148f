"""Exceptions raised by the retrieval core.

NewsbotError
 ├── ParseError       a file or record that cannot be read as an article
 ├── StoreError       the database cannot be opened, is newer than this code, or refuses a write
 └── IndexFileError   a persisted index that is missing, stale or corrupt (rebuilt, never trusted)
"""


class NewsbotError(Exception):
    """Base class of every error the core raises on purpose."""


class ParseError(NewsbotError):
    """An input file or record that is not an article we can read.

    The message names the reason; the ingest report adds the file name (and line).
    """


class StoreError(NewsbotError):
    """The database cannot be used as asked."""


class IndexFileError(NewsbotError):
    """A persisted index that does not match its database or fails its checksum."""
