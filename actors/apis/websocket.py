"""The ``websocket`` group: the browser ``WebSocket`` and ``CloseEvent`` over ``websockets``.

The network work is done on the Python side by the asyncio client of
`websockets <https://websockets.readthedocs.io>`_ (version 12 or later). One
pool service (:class:`WebSocketService`) owns its own event loop thread and
runs one task per socket: policy check, connect (subprotocol negotiation),
a receive loop posting every message in order, a writer draining the socket's
send queue, and the close handshake.

The polyfill (``polyfills/websocket.js``) picks a socket id and calls
``websocket.open`` (returns at once), ``websocket.send`` (queues one text or
binary message) and ``websocket.close`` (starts the close handshake, or fails
the connection). Everything that happens afterwards reaches the context
through ``post_internal(ctx, "websocket", event)`` with ``event`` one of::

    {"id": n, "type": "open", "protocol": str, "extensions": str}
    {"id": n, "type": "message", "data": str | bytes}
    {"id": n, "type": "sent", "n": bytes written}      # bufferedAmount bookkeeping
    {"id": n, "type": "error", "message": str}
    {"id": n, "type": "close", "code": int, "reason": str, "wasClean": bool}

Policy: ``ctx.fetch_policy`` (when not None) is asked ``policy(ctx, "GET", url)``
before connecting; a refusal fires ``error`` then ``close`` with code 1006.
When a context exits, its sockets are closed (code 1001, "going away").
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from actors._handlers import LoopThread
from actors.apis import Group, register
from actors.context import post_internal

__all__ = ["MAX_MESSAGE", "MAX_OPEN", "WebSocketError", "WebSocketService"]

# Largest message accepted from a server (bytes).
MAX_MESSAGE = 16 * 1024 * 1024
# Most sockets one context may hold at once.
MAX_OPEN = 1024
# Seconds allowed for the opening and for the closing handshake.
OPEN_TIMEOUT = 30.0
CLOSE_TIMEOUT = 3.0


class WebSocketError(Exception):
    """A misuse reported to JS (unknown socket, too many sockets, stopped pool)."""


class _Socket:
    """One WebSocket of one context."""

    __slots__ = ("conn", "ctx", "dead", "fail", "protocols", "queue", "sid", "started", "task", "url")

    def __init__(self, ctx: Any, sid: int, url: str, protocols: list[str]) -> None:
        self.ctx = ctx
        self.sid = sid
        self.url = url
        self.protocols = protocols
        self.queue: asyncio.Queue[tuple[str, Any, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.conn: ClientConnection | None = None
        self.fail = False  # the page asked to fail the connection (close() while connecting)
        self.dead = False  # the context is gone: post nothing more
        self.started = False  # its task has begun to run (only then may it be cancelled)


class WebSocketService:
    """The pool-wide WebSocket client, on its own event loop thread."""

    def __init__(self) -> None:
        self._runner = LoopThread("actors-websocket")
        self._loop = self._runner.loop
        self._lock = threading.Lock()
        self._closed = False
        # per context id: socket id -> socket
        self._sockets: dict[int, dict[int, _Socket]] = {}
        # every socket task still running (on the service loop only)
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- per-context table ---------------------------------------------------------------------

    def _table(self, ctx: Any) -> dict[int, _Socket]:
        # under self._lock
        if self._closed:
            raise WebSocketError("the pool is stopped")
        table = self._sockets.get(ctx.id)
        if table is None:
            table = self._sockets[ctx.id] = {}
            ctx.on_exit(self._context_exited)
        return table

    def _get(self, ctx: Any, sid: int) -> _Socket | None:
        with self._lock:
            table = self._sockets.get(ctx.id)
            return table.get(sid) if table is not None else None

    def _forget(self, sock: _Socket) -> None:
        with self._lock:
            table = self._sockets.get(sock.ctx.id)
            if table is not None and table.get(sock.sid) is sock:
                del table[sock.sid]

    def _context_exited(self, ctx: Any, _reason: Any, _detail: Any) -> None:
        with self._lock:
            table = self._sockets.pop(ctx.id, None)
        for sock in (table or {}).values():
            sock.dead = True
            try:
                self._loop.call_soon_threadsafe(self._cancel, sock)
            except RuntimeError:
                return  # the loop is closed: close() cancelled everything

    @staticmethod
    def _cancel(sock: _Socket) -> None:
        # on the service loop; a task not yet started sees sock.fail / sock.dead when it starts
        if sock.started and sock.task is not None and not sock.task.done():
            sock.task.cancel()

    # ---- from the polyfill ---------------------------------------------------------------------

    def open(self, ctx: Any, sid: int, url: str, protocols: list[str]) -> None:
        sock = _Socket(ctx, sid, url, protocols)
        with self._lock:
            table = self._table(ctx)
            if len(table) >= MAX_OPEN:
                raise WebSocketError(f"too many open WebSockets (at most {MAX_OPEN} per context)")
            if sid in table:
                raise WebSocketError(f"WebSocket #{sid} already exists")
            table[sid] = sock

        def start() -> None:
            sock.task = self._loop.create_task(self._main(sock))
            self._tasks.add(sock.task)
            sock.task.add_done_callback(self._tasks.discard)

        self._loop.call_soon_threadsafe(start)

    def send(self, ctx: Any, sid: int, data: str | bytes) -> None:
        sock = self._get(ctx, sid)
        if sock is None:
            return  # closed meanwhile: the data is dropped, as in browsers
        n = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        self._loop.call_soon_threadsafe(sock.queue.put_nowait, ("data", data, n))

    def close_socket(self, ctx: Any, sid: int, code: int | None, reason: str, fail: bool) -> None:
        sock = self._get(ctx, sid)
        if sock is None:
            return
        if fail:

            def do_fail() -> None:
                sock.fail = True
                self._cancel(sock)

            self._loop.call_soon_threadsafe(do_fail)
        else:
            self._loop.call_soon_threadsafe(sock.queue.put_nowait, ("close", code, reason))

    # ---- on the service loop -------------------------------------------------------------------

    def _post(self, sock: _Socket, event: dict[str, Any]) -> None:
        if sock.dead:
            return
        event["id"] = sock.sid
        try:
            post_internal(sock.ctx, "websocket", event)
        except Exception:  # the context is gone
            sock.dead = True

    def _post_failure(self, sock: _Socket, message: str) -> None:
        self._post(sock, {"type": "error", "message": message})
        self._post(sock, {"type": "close", "code": 1006, "reason": "", "wasClean": False})

    async def _main(self, sock: _Socket) -> None:
        conn: ClientConnection | None = None
        sock.started = True
        try:
            if sock.fail:
                self._post_failure(sock, "the connection was failed by close()")
                return
            if sock.dead:
                return
            policy: Callable[[Any, str, str], bool] | None = sock.ctx.fetch_policy
            if policy is not None and not policy(sock.ctx, "GET", sock.url):
                self._post_failure(sock, "blocked by fetch_policy")
                return
            try:
                conn = await connect(
                    sock.url,
                    subprotocols=[Subprotocol(p) for p in sock.protocols] or None,
                    open_timeout=OPEN_TIMEOUT,
                    close_timeout=CLOSE_TIMEOUT,
                    max_size=MAX_MESSAGE,
                    ping_interval=None,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._post_failure(sock, f"{type(exc).__name__}: {exc}")
                return
            sock.conn = conn
            self._post(
                sock,
                {
                    "type": "open",
                    "protocol": conn.subprotocol or "",
                    "extensions": conn.response.headers.get("Sec-WebSocket-Extensions", "")
                    if conn.response is not None
                    else "",
                },
            )
            writer = asyncio.create_task(self._writer(sock, conn))
            try:
                async for message in conn:
                    self._post(sock, {"type": "message", "data": message})
            except ConnectionClosed:
                pass
            finally:
                writer.cancel()
            await conn.wait_closed()
            rcvd, sent = conn.protocol.close_rcvd, conn.protocol.close_sent
            clean = rcvd is not None and sent is not None
            if not clean:
                self._post(sock, {"type": "error", "message": "the connection was closed abnormally"})
            self._post(
                sock,
                {
                    "type": "close",
                    "code": rcvd.code if clean and rcvd is not None else 1006,
                    "reason": rcvd.reason if clean and rcvd is not None else "",
                    "wasClean": clean,
                },
            )
        except asyncio.CancelledError:
            # the context exited, the pool stops, or close() was called while connecting
            if conn is not None:
                try:
                    await conn.close(1001, "going away")
                except BaseException:
                    conn.transport.abort()
            if sock.fail:
                self._post_failure(sock, "the connection was failed by close()")
        finally:
            self._forget(sock)

    async def _writer(self, sock: _Socket, conn: ClientConnection) -> None:
        try:
            while True:
                kind, a, b = await sock.queue.get()
                if kind == "data":
                    await conn.send(a)
                    self._post(sock, {"type": "sent", "n": b})
                else:
                    await conn.close(1000 if a is None else a, b)
                    return
        except ConnectionClosed:
            pass

    # ---- shutdown ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close every socket and stop the loop (at ``pool.stop()``)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            tables, self._sockets = list(self._sockets.values()), {}

        async def stop_all() -> None:
            for table in tables:
                for sock in table.values():
                    sock.dead = True
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()  # a task already closing (its context exited) finishes its handshake
            if tasks:
                await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT + 1)

        self._runner.stop(stop_all(), timeout=CLOSE_TIMEOUT + 2)


def _service(ctx: Any) -> WebSocketService:
    svc: WebSocketService = ctx.pool.service("websocket", lambda _pool: WebSocketService())
    return svc


def _open(ctx: Any, sid: int, url: str, protocols: list[str] | None) -> None:
    _service(ctx).open(ctx, int(sid), str(url), [str(p) for p in protocols or []])


def _send(ctx: Any, sid: int, data: str | bytes) -> None:
    if not isinstance(data, (str, bytes)):
        data = bytes(data)
    _service(ctx).send(ctx, int(sid), data)


def _close(ctx: Any, sid: int, code: int | None, reason: str | None, fail: bool) -> None:
    _service(ctx).close_socket(
        ctx, int(sid), None if code is None else int(code), str(reason or ""), bool(fail)
    )


register(
    Group(
        "websocket",
        globals=("WebSocket", "CloseEvent"),
        requires=("events", "url", "encoding", "buffer"),
        polyfill="websocket.js",
        handlers={"open": _open, "send": _send, "close": _close},
    )
)
