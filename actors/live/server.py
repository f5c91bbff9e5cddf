"""Running a live app with uvicorn: in the foreground, or in a thread (tests, notebooks, scripts)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

__all__ = ["ServerThread", "serve"]


def _uvicorn_config(app: Any, options: dict[str, Any]) -> Any:
    import uvicorn

    # The server's own frame limit: a page cannot make it buffer more than this for one
    # message before the session's checks run.
    options.setdefault("ws_max_size", 65_536)
    # permessage-deflate keeps zlib state per connection and direction (tens of KB each)
    # to shrink messages of a few dozen bytes: memory per session matters more here.
    options.setdefault("ws_per_message_deflate", False)
    options.setdefault("log_level", "warning")
    return uvicorn.Config(app, **options)


def serve(app: Any, host: str = "127.0.0.1", port: int = 8000, **uvicorn_options: Any) -> None:
    """Run ``app`` (a LiveApp or any ASGI app holding one) with uvicorn until interrupted."""
    import uvicorn

    uvicorn.Server(_uvicorn_config(app, {"host": host, "port": port, **uvicorn_options})).run()


class ServerThread:
    """``app`` served by uvicorn on a thread, on ``127.0.0.1`` and a free port by default.

    ``with ServerThread(app) as server:`` waits (at most ``start_timeout`` seconds) until it
    listens; ``server.url`` is its ``http://`` address, ``server.ws_url(path)`` a ``ws://``
    one. Leaving the block stops it.
    """

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 30.0, **options: Any
    ) -> None:
        import uvicorn

        # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only on sockets that say
        # they are TCP; without it small messages wait for delayed ACKs (~40 ms).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind((host, port))
        self._sock.listen(int(options.get("backlog", 2048)))
        self.host, self.port = self._sock.getsockname()[:2]
        self._server = uvicorn.Server(_uvicorn_config(app, options))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="live-uvicorn", daemon=True
        )
        self._start_timeout = start_timeout

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def ws_url(self, path: str = "/ws") -> str:
        return f"ws://{self.host}:{self.port}{path}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        started = threading.Event()
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            started.wait(0.01)  # uvicorn has no start event: poll its flag with a deadline
        if not self._server.started:
            self.stop()
            raise RuntimeError("the live server did not start (see the uvicorn log)")
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
