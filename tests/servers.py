"""A real HTTP server on loopback for the network groups' tests (fetch, EventSource).

Each test module brings its own request handler (its routes); this module
holds what they share: binding to a free port on 127.0.0.1, serving from a
thread, flags a handler sets when the client goes away, and noticing that
it did.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

S = TypeVar("S", bound="LoopbackServer")


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 and a free port."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.lock = threading.Lock()
        self.disconnected: dict[str, threading.Event] = {}

    @property
    def base(self) -> str:
        """The server's URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def flag(self, name: str) -> threading.Event:
        """The event named ``name`` (made on first use): set by handlers, waited on by tests."""
        with self.lock:
            return self.disconnected.setdefault(name, threading.Event())


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and can tell when its client has gone."""

    def log_message(self, *args: Any) -> None:
        pass

    def client_gone(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True as soon as the client closes the connection."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.connection], [], [], 0.05)
            if r:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
        return False


@contextmanager
def serving(server: S) -> Iterator[S]:
    """``server`` serving from a daemon thread; shut down and closed on exit."""
    thread = threading.Thread(target=server.serve_forever, name="loopback-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
