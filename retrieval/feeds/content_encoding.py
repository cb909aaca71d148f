"""A response body's Content-Encoding undone as it arrives, to at most a cap.

Apart from the client (`fetch.Fetcher`), which reads every body through it, because undoing a
compression safely is a concern of its own: httpx inflates each chunk whole (a 7 KB gzip of a
gzip would take 8 GB); here a body is decompressed a chunk at a time to at most the cap, only
gzip or deflate (zlib-wrapped or raw), and once.
"""

from __future__ import annotations

import zlib

from retrieval.errors import FetchError, TooLargeError

ENCODINGS = "gzip, deflate"  # what `Inflater` reads; asked for, so no other should come
_READ = frozenset({"gzip", "x-gzip", "deflate"})  # the compressions `Inflater` undoes
_UNREAD = frozenset({"br", "zstd", "compress", "x-compress"})  # compressions it refuses


class Inflater:
    """A body's Content-Encoding undone as it arrives, to at most `cap` bytes.

    One layer of gzip or deflate: two layers (a "gzip, gzip" bomb) or a compression it does
    not read (br, zstd) are refused, as a FetchError saying so. zlib's `max_length` bounds
    each step's output, so a chunk that would inflate past the cap costs the cap and no more.
    """

    def __init__(self, encoding: str | None, cap: int, url: str) -> None:
        # What no server should send and some do ("UTF-8", "none", "binary") is passed over,
        # as httpx and browsers do: the body is as it came.
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c in _READ or c in _UNREAD]
        if len(codings) > 1:
            raise FetchError(f"compressed {len(codings)} times ({encoding}): refused", url)
        self.coding = codings[0] if codings else None
        if self.coding in _UNREAD:
            raise FetchError(f"{self.coding} compression, not asked for: refused", url)
        self.cap, self.url = cap, url
        self.size = 0
        self._wbits = zlib.MAX_WBITS | 16 if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        # deflate comes zlib-wrapped or raw, as some servers send it: its first two bytes say
        # which, and a first chunk may be one byte, so they are held until both have come
        self._head: bytes | None = b"" if self.coding == "deflate" else None

    def feed(self, raw: bytes) -> list[bytes]:
        """The body bytes `raw` brings; FetchError past the cap or on a broken stream."""
        if self.coding is None:
            return self._counted([raw])
        try:
            if self._head is not None:
                raw, self._head = self._head + raw, None
                if len(raw) < 2:
                    self._head = raw
                    return []
                if not _zlib_header(raw):
                    self._wbits = -zlib.MAX_WBITS
                    self._zlib = zlib.decompressobj(self._wbits)
            return self._inflate(raw)
        except zlib.error as exc:
            raise FetchError(f"broken {self.coding} body: {exc}", self.url) from None

    def _inflate(self, data: bytes) -> list[bytes]:
        out = []
        while data:
            if self._zlib.eof:
                # gzip may hold several members one after another (RFC 1952), which read
                # as one body, as gzip.decompress reads them; anything else after the end
                # of the stream is trailing junk, passed over
                if self.coding == "deflate" or not _GZIP_MAGIC.startswith(data[:2]):
                    break
                self._zlib = zlib.decompressobj(self._wbits)
            out.append(self._zlib.decompress(data, self.cap - self.size + 1))
            self.size += len(out[-1])
            if self.size > self.cap:
                raise TooLargeError(f"response is over the {self.cap}-byte cap", self.url)
            data = self._zlib.unconsumed_tail or self._zlib.unused_data
        return out

    def _counted(self, chunks: list[bytes]) -> list[bytes]:
        self.size += sum(map(len, chunks))
        if self.size > self.cap:
            raise TooLargeError(f"response is over the {self.cap}-byte cap", self.url)
        return chunks


_GZIP_MAGIC = b"\x1f\x8b"


def _zlib_header(head: bytes) -> bool:
    """Whether two bytes open a zlib stream (RFC 1950: deflate, a window of at most 32 KB,
    a check that makes the pair a multiple of 31); raw deflate data rarely passes."""
    return head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0
