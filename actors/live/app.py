"""The ASGI application of a live component: first page, client script, WebSocket sessions."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from actors.live import render
from actors.live.gcfreeze import GcFreezer
from actors.live.session import Session

if TYPE_CHECKING:
    from actors.context import Context
    from actors.pool import ContextPool

__all__ = ["LiveApp"]

# The completion value of the component is discarded (it may be a function).
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _package_text(name: str) -> str:
    return resources.files("actors.live").joinpath(name).read_text(encoding="utf-8")


class LiveApp:
    """Serve one live component (plain JS using the ``dom`` group) as an ASGI app.

    ``GET /`` is the first page, rendered on the server; ``GET /live.js`` the client;
    ``/ws`` the WebSocket of a session. Each session gets its own context on ``pool``
    with the limits given here, linked to the session's owner actor: closing the socket
    stops it; a crash (or an event that throws or hits a limit) restarts it from the
    component's initial state or from what it kept with ``live.keep(value)`` (read back
    as ``live.restored``). More than ``max_restarts`` restarts in ``restart_window``
    seconds closes the session with a message to the page. Mount it anywhere (its URLs
    follow the ASGI ``root_path``).

    Args:
        pool: the ContextPool sessions run on (thread or process mode).
        component: path of the component's JS file, or its source when
            ``component_name`` is given.
        title: the page title (escaped).
        head: extra markup for ``<head>`` (trusted: written as is).
        apis: API groups of the session contexts; ``dom`` is always added.
        handlers: Python handlers the component may ``Host.call``.
        memory_limit, max_reductions, timeout: per session context (per event for the
            last two).
        outbox_messages, outbox_bytes: the per-session queue towards the page; a page
            that reads slower than patches come gets one full re-render instead.
        send_timeout: seconds one message may wait for the page before the session is
            closed.
        max_message_bytes: the largest message a page may send.
        max_sessions: sessions served at once; a socket past it is told "the server is
            full" and closed (1013) before a context is spawned.
        max_renders: first pages rendered at once (each in a short-lived context).
        hibernate_after: seconds without events after which a session's context is
            stopped (its page and socket stay); the next event starts a new one from
            ``live.restored``. Only for components that keep everything they need with
            ``live.keep`` and run nothing in the background (timers, channels).
        freeze_gc: keep open sessions' Python objects out of CPython's collections
            (``gc.freeze()`` as sessions open, short young passes every 50 ms, a full
            pass after many closed or every 10 minutes; see ``actors.live.gcfreeze``).
            Process-wide, so off by default; it removes the collector's pauses that
            set the latency tail at thousands of sessions.
    """

    def __init__(
        self,
        pool: ContextPool,
        component: str | os.PathLike[str],
        *,
        component_name: str | None = None,
        title: str = "",
        head: str = "",
        apis: Iterable[str] = ("dom",),
        handlers: Mapping[str, Callable[..., Any]] | None = None,
        memory_limit: int | None = 8 << 20,
        max_reductions: int | None = 200_000,
        timeout: float | None = 5.0,
        max_restarts: int = 3,
        restart_window: float = 10.0,
        outbox_messages: int = 64,
        outbox_bytes: int = 1 << 20,
        send_timeout: float = 10.0,
        max_message_bytes: int = 65_536,
        max_rejected: int = 20,
        max_kept_bytes: int = 1 << 20,
        url: str | None = None,
        hibernate_after: float | None = None,
        max_sessions: int | None = None,
        max_renders: int = 4,
        freeze_gc: bool = False,
    ) -> None:
        if component_name is None:
            path = Path(component)
            self.component_js = path.read_text(encoding="utf-8")
            self.component_name = path.name
        else:
            self.component_js = str(component)
            self.component_name = component_name
        self.pool = pool
        self.title = title
        self.head = head
        groups = list(apis)
        self.apis = groups if "dom" in groups else [*groups, "dom"]
        self.handlers = dict(handlers or {})
        self.memory_limit = memory_limit
        self.max_reductions = max_reductions
        self.timeout = timeout
        self.max_restarts = max_restarts
        self.restart_window = restart_window
        self.outbox_messages = outbox_messages
        self.outbox_bytes = outbox_bytes
        self.send_timeout = send_timeout
        self.max_message_bytes = max_message_bytes
        self.max_rejected = max_rejected
        self.max_kept_bytes = max_kept_bytes
        self.url = url
        self.hibernate_after = hibernate_after
        self.max_sessions = max_sessions
        self.max_renders = max_renders
        self._renders: asyncio.Semaphore | None = None  # made on the server's loop
        self._admitted = 0  # sockets past the max_sessions check, sessions or not yet
        self.runtime_js = _package_text("runtime.js")
        # Compiled once: every session loads bytecode, without the source
        # text (about 1/3 less to build per session; a component that does
        # not compile raises its SyntaxError here, with the location).
        self.runtime_script = pool.compile(self.runtime_js, filename="live-runtime.js")
        self.component_script = pool.compile(self.component_js, filename=self.component_name)
        self.client_js = _package_text("client.js").encode()
        self.sessions: set[Session] = set()
        self._gc = GcFreezer() if freeze_gc else None

    # ---- ASGI --------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        root = scope.get("root_path", "") or ""
        path = scope.get("path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if kind == "websocket":
            if path == "/ws" and _same_origin(scope):
                await self._websocket(receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008, "reason": "not a live endpoint"})
            return
        if kind != "http":
            return
        method = scope.get("method", "GET")
        if path in ("", "/") and method in ("GET", "HEAD"):
            body = (await self.render_page(root)).encode()
            await _respond(send, 200, "text/html; charset=utf-8", body, method)
        elif path == "/live.js" and method in ("GET", "HEAD"):
            await _respond(send, 200, "text/javascript; charset=utf-8", self.client_js, method)
        else:
            await _respond(send, 404, "text/plain; charset=utf-8", b"not found", method)

    async def render_page(self, root: str = "") -> str:
        """The first page as HTML: the component's initial tree, rendered on the host."""
        if self._renders is None:
            self._renders = asyncio.Semaphore(self.max_renders)
        async with self._renders:  # a flood of page loads waits; it never holds N contexts
            tree = await asyncio.to_thread(self._initial_tree)
        return render.page(
            tree, title=self.title, head=self.head, ws_path=f"{root}/ws", client_path=f"{root}/live.js"
        )

    def spawn_context(self, on_uncaught: str | None = None) -> Context:
        """A context with the app's API groups, handlers, limits and URL (not yet set up)."""
        ctx: Context = self.pool.spawn(
            apis=self.apis,
            handlers=self.handlers,
            memory_limit=self.memory_limit,
            max_reductions=self.max_reductions,
            timeout=self.timeout,
            url=self.url,
            on_uncaught=on_uncaught,
        )
        return ctx

    def _initial_tree(self) -> Any:
        ctx = self.spawn_context()
        try:
            ctx.run(self.runtime_script)
            ctx.run(self.component_script)
            return ctx.call("__live_tree")["tree"]
        finally:
            ctx.stop(timeout=0)

    async def _websocket(self, receive: Receive, send: Send) -> None:
        first = await receive()
        if first["type"] != "websocket.connect":
            return
        if self.max_sessions is not None and self._admitted >= self.max_sessions:
            # Refused before anything is built: no context, no actor, no task.
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": '{"t": "closed", "message": "the server is full"}'})
            await send({"type": "websocket.close", "code": 1013, "reason": "the server is full"})
            return
        self._admitted += 1  # counted with no await since the check: concurrent connects see it
        try:
            await self._serve_session(receive, send)
        finally:
            self._admitted -= 1

    async def _serve_session(self, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.accept"})

        async def send_text(text: str) -> None:
            await send({"type": "websocket.send", "text": text})

        async def close(code: int, reason: str) -> None:
            await send({"type": "websocket.close", "code": code, "reason": reason})

        async def receive_text() -> Any:
            while True:
                msg = await receive()
                if msg["type"] == "websocket.disconnect":
                    return None
                if msg["type"] == "websocket.receive":
                    text = msg.get("text")
                    return text if text is not None else b""  # bytes: rejected by the protocol

        session = Session(self, send_text, close)
        self.sessions.add(session)
        if self._gc is not None:
            self._gc.session_opened()
        try:
            await session.run(receive_text)
        finally:
            self.sessions.discard(session)
            if self._gc is not None:
                self._gc.session_closed()


def _same_origin(scope: Scope) -> bool:
    """A browser sends Origin with every WebSocket; one from another site is refused
    (cross-site WebSocket hijacking). Clients that send none (tests, tools) are allowed."""
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = headers.get(b"host", b"").decode("latin-1")
    return bool(urlsplit(origin.decode("latin-1")).netloc == host)


async def _respond(send: Send, status: int, ctype: str, body: bytes, method: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        msg = await receive()
        if msg["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif msg["type"] == "lifespan.shutdown":
            with contextlib.suppress(Exception):
                await send({"type": "lifespan.shutdown.complete"})
            return
