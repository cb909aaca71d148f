"""A loopback HTTP server for feed tests: fixture feeds and pages, and misbehaving routes;
and `poll_all`, the poll of every feed those tests make.

Runs the standard library's ThreadingHTTPServer on 127.0.0.1 (port 0) in a thread. Tests
change `routes` between polls and read `requests` to see what the client asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from retrieval.feeds.outcomes import FeedOutcome, PollReport
from retrieval.feeds.poll import FeedPoller

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
WAIT = 30  # seconds a test waits for the client, or holds an answer, at most
_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".html": "text/html; charset=utf-8",
}


async def poll_all(
    poller: FeedPoller, on_feed: Callable[[FeedOutcome], None] | None = None
) -> PollReport:
    """Poll every feed that is not paused, due or not: a test's next poll, whenever it is
    (the bot and `newsbot feeds poll` choose the feeds through the engine)."""
    return await poller.poll(await poller.registry.active(), on_feed)


@dataclass
class Route:
    status: int = 200
    reason: str | None = None  # the status line's reason phrase: the standard one if None
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 to a matching If-None-Match
    last_modified: str | None = None  # answer 304 to a matching If-Modified-Since
    delay: float = 0.0  # seconds to wait before answering
    hold: threading.Event | None = None  # answer only once the test sets it
    drip: float = 0.0  # seconds between single bytes of the body
    send_length: bool = True  # False: the body ends when the connection closes


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 -- the stdlib's name
                with server._lock:
                    server.requests.append(
                        Recorded(self.path, {k.lower(): v for k, v in self.headers.items()})
                    )
                    route = server.routes.get(self.path) or server.routes.get(
                        self.path.split("?", 1)[0]
                    )
                # The client may give up first (timeouts, size caps): expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(route)

            def _answer(self, route: Route | None) -> None:
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.hold is not None:
                    route.hold.wait(WAIT)
                if self._not_modified(route):
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status, route.reason)
                self.send_header("Content-Type", route.content_type)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if route.drip:
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.drip)
                else:
                    self.wfile.write(route.body)

            def _not_modified(self, route: Route) -> bool:
                # RFC 9110: If-None-Match, when sent, decides alone.
                if (tag := self.headers.get("If-None-Match")) is not None:
                    return route.etag is not None and tag == route.etag
                since = self.headers.get("If-Modified-Since")
                return route.last_modified is not None and since == route.last_modified

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def fixture(self, name: str) -> bytes:
        """A fixture file with `{BASE}` replaced by this server's address."""
        return (FIXTURES / name).read_bytes().replace(b"{BASE}", self.base.encode())

    def serve(self, path: str, fixture: str, **route: object) -> str:
        """Serve a fixture file at `path`, with an ETag and Last-Modified; returns its URL."""
        body = self.fixture(fixture)
        suffix = Path(fixture).suffix
        defaults: dict[str, object] = {
            "body": body,
            "content_type": _TYPES.get(suffix, "application/octet-stream"),
            "etag": f'"{hashlib.sha1(body).hexdigest()[:16]}"',
            "last_modified": "Thu, 08 Oct 2026 18:00:00 GMT",
        }
        self.routes[path] = Route(**{**defaults, **route})  # type: ignore[arg-type]
        return self.url(path)

    def serve_pages(self) -> None:
        """Every fixture page at /pages/NAME (the windows-1252 one says so in its header)."""
        for page in sorted((FIXTURES / "pages").glob("*.html")):
            content_type = (
                "text/html; charset=windows-1252"
                if "1252" in page.name
                else "text/html; charset=utf-8"
            )
            self.routes[f"/pages/{page.name}"] = Route(
                body=page.read_bytes(), content_type=content_type
            )

    def hits(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    async def requested(self, path: str) -> None:
        """Wait until the client has asked for `path` (polled, never slept blindly)."""
        deadline = time.monotonic() + WAIT
        while not self.hits(path):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {WAIT}s waiting for a request of {path}")
            await asyncio.sleep(0.02)

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]
