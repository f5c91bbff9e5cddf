"""The ``eventsource`` group: EventSource (HTML Standard, "Server-sent events").

The connection is driven from the Python side, on a pool-wide service
(:class:`EventSourceService`) that owns its own event loop thread and
``httpx.AsyncClient``, like the ``fetch`` group's (a separate one, so the two
can be closed independently at ``pool.stop()``). The polyfill
(``polyfills/eventsource.js``) picks a stream id and calls
``eventsource.open`` (sync: it only schedules the connection task) and
``eventsource.close``. The task connects, checks the response, reads the
body chunk by chunk, parses the ``text/event-stream`` format here (see
:class:`EventStreamParser`) and reconnects after the ``retry`` delay with a
``Last-Event-ID`` header when the stream ends or fails. Everything it has to
tell the context goes through ``post_internal(ctx, "eventsource", msg)`` from
that one task, so the context sees it in order:

- ``["open", sid, origin]``: the connection is established (readyState OPEN);
- ``["events", sid, [[type, data, lastEventId], ...]]``: the events parsed
  from one body chunk;
- ``["error", sid, True, why]``: the stream ended or failed, reconnecting
  (readyState CONNECTING);
- ``["error", sid, False, why]``: the connection failed for good (non-200
  status, wrong content type, refused by the policy; readyState CLOSED).

When a context exits, or ``close()`` is called, its tasks are cancelled
(which closes the response, so the server sees the client go away).

Policy: ``ctx.fetch_policy``, when not None, is called as
``policy(ctx, "GET", url)`` before every connection and redirect hop; a
refusal fails the connection.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

import httpx

from actors._handlers import LoopThread
from actors.apis import Group, register
from actors.apis.fetch import describe_http_error
from actors.context import post_internal

__all__ = ["DEFAULT_RETRY_MS", "MAX_OPEN", "MAX_REDIRECTS", "EventSourceService", "EventStreamParser"]

# Reconnection delay (ms) until the server sends a ``retry`` field.
DEFAULT_RETRY_MS = 3000
# Most redirects followed by one connection attempt.
MAX_REDIRECTS = 20
# Most EventSources one context may hold open at once.
MAX_OPEN = 256


class _Fail(Exception):
    """The connection fails for good (no reconnection)."""


class EventStreamParser:
    """An incremental ``text/event-stream`` parser (HTML Standard 9.2.6).

    Feed it the body bytes as they come with :meth:`feed`; it returns the
    events completed so far as ``(type, data, last_event_id)``.
    ``last_event_id`` and ``retry`` (the last valid reconnection time in ms,
    or None) survive across :meth:`reset`, which starts a new stream.
    """

    def __init__(self, last_event_id: str = "") -> None:
        self.last_event_id = last_event_id
        self.retry: int | None = None
        self.reset()

    def reset(self) -> None:
        """Start a new stream (a reconnection): drop any partial line or event."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._first = True  # a leading BOM is still to be skipped
        self._buf = ""
        self._skip_lf = False  # the previous chunk ended in CR
        self._data: list[str] = []
        self._event = ""
        self._id_buf = self.last_event_id

    def feed(self, chunk: bytes) -> list[tuple[str, str, str]]:
        text = self._decoder.decode(chunk)
        if self._first and text:
            self._first = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf and text:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        buf = self._buf + text
        out: list[tuple[str, str, str]] = []
        start = 0
        n = len(buf)
        while True:
            cr = buf.find("\r", start)
            lf = buf.find("\n", start)
            if cr < 0 and lf < 0:
                break
            end = lf if cr < 0 else cr if lf < 0 else min(cr, lf)
            line = buf[start:end]
            if buf[end] == "\r":
                if end + 1 < n:
                    start = end + 2 if buf[end + 1] == "\n" else end + 1
                else:
                    start = end + 1
                    self._skip_lf = True  # a CRLF may be split across chunks
            else:
                start = end + 1
            self._line(line, out)
        self._buf = buf[start:]
        return out

    def _line(self, line: str, out: list[tuple[str, str, str]]) -> None:
        if not line:
            self._dispatch(out)
            return
        if line[0] == ":":
            return  # a comment
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id":
            if "\0" not in value:
                self._id_buf = value
        elif field == "retry":
            if value and value.isascii() and value.isdigit():
                self.retry = int(value)
        # other fields are ignored

    def _dispatch(self, out: list[tuple[str, str, str]]) -> None:
        self.last_event_id = self._id_buf
        data, self._data = self._data, []
        event, self._event = self._event, ""
        if not data:
            return
        out.append((event or "message", "\n".join(data), self.last_event_id))


class EventSourceService:
    """The pool-wide EventSource connections, on their own event loop thread."""

    def __init__(self) -> None:
        self._runner = LoopThread("actors-eventsource")
        self._loop = self._runner.loop
        self._client: httpx.AsyncClient | None = None
        self._lock = threading.Lock()
        self._closed = False
        # per context id: stream id -> its task (None until it starts on the loop)
        self._streams: dict[int, dict[int, concurrent.futures.Future[None]]] = {}

    def _client_(self) -> httpx.AsyncClient:
        # on the service loop only
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(None, connect=30.0),
                limits=httpx.Limits(max_connections=512, max_keepalive_connections=16),
            )
        return self._client

    # ---- open / close --------------------------------------------------------------------------

    def open(self, ctx: Any, sid: int, url: str) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is stopped")
            table = self._streams.get(ctx.id)
            new_table = table is None
            if table is None:
                table = self._streams[ctx.id] = {}
            if len(table) >= MAX_OPEN:
                raise RuntimeError(f"too many open EventSources (at most {MAX_OPEN} per context)")
            if sid in table:
                raise RuntimeError(f"EventSource id {sid} is in use")
            fut = asyncio.run_coroutine_threadsafe(self._run(ctx, sid, url), self._loop)
            table[sid] = fut
        if new_table:
            ctx.on_exit(self._context_exited)

        def done(_f: concurrent.futures.Future[None]) -> None:
            with self._lock:
                t = self._streams.get(ctx.id)
                if t is not None and t.get(sid) is fut:
                    del t[sid]

        fut.add_done_callback(done)

    def close_stream(self, ctx: Any, sid: int) -> None:
        with self._lock:
            table = self._streams.get(ctx.id)
            fut = table.pop(sid, None) if table is not None else None
        if fut is not None:
            fut.cancel()

    def _context_exited(self, ctx: Any, _reason: Any, _detail: Any) -> None:
        with self._lock:
            table = self._streams.pop(ctx.id, None)
        for fut in (table or {}).values():
            fut.cancel()

    # ---- one EventSource -----------------------------------------------------------------------

    async def _run(self, ctx: Any, sid: int, url: str) -> None:
        parser = EventStreamParser()

        def post(msg: list[Any]) -> None:
            post_internal(ctx, "eventsource", msg)  # raises ContextDeadError once it has exited

        try:
            while True:
                try:
                    why = await self._connect(ctx, sid, url, parser, post)
                except _Fail as exc:
                    post(["error", sid, False, str(exc)])
                    return
                post(["error", sid, True, why])
                delay = parser.retry if parser.retry is not None else DEFAULT_RETRY_MS
                await asyncio.sleep(delay / 1000)
        except asyncio.CancelledError:
            raise
        except Exception:  # the context is gone (or the pool is stopping): just stop
            return

    async def _connect(
        self, ctx: Any, sid: int, url: str, parser: EventStreamParser, post: Callable[[list[Any]], None]
    ) -> str:
        """One connection; returns why it ended (to reconnect) or raises _Fail."""
        policy: Callable[[Any, str, str], bool] | None = ctx.fetch_policy
        client = self._client_()
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        if parser.last_event_id:
            headers["Last-Event-ID"] = parser.last_event_id
        try:
            request = client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise _Fail(f"invalid request: {exc}") from None
        response: httpx.Response | None = None
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                if policy is not None and not policy(ctx, "GET", str(request.url)):
                    raise _Fail("blocked by fetch_policy")
                try:
                    response = await client.send(request, stream=True)
                except httpx.UnsupportedProtocol as exc:
                    raise _Fail(describe_http_error(exc)) from None
                except httpx.HTTPError as exc:
                    return describe_http_error(exc)  # a network error: reconnect
                next_request = response.next_request if response.is_redirect else None
                if next_request is None:
                    break
                await response.aclose()
                response = None
                request = next_request
            else:
                raise _Fail(f"too many redirects (more than {MAX_REDIRECTS})")
            assert response is not None
            if response.status_code != 200:
                raise _Fail(f"HTTP status {response.status_code}")
            ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if ctype != "text/event-stream":
                raise _Fail(f"wrong content type {ctype or '(none)'!r}, not 'text/event-stream'")
            parser.reset()
            u = response.url
            origin = f"{u.scheme}://{u.netloc.decode('ascii')}"
            post(["open", sid, origin])
            try:
                async for chunk in response.aiter_bytes():
                    events = parser.feed(chunk)
                    if events:
                        post(["events", sid, [list(e) for e in events]])
            except httpx.HTTPError as exc:
                return describe_http_error(exc)
            return "the stream ended"
        finally:
            if response is not None:
                await response.aclose()

    # ---- shutdown ------------------------------------------------------------------------------

    def close(self) -> None:
        """Cancel every connection, close the client, stop the loop (at ``pool.stop()``)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            tables, self._streams = list(self._streams.values()), {}
        futs = [f for t in tables for f in t.values()]
        for f in futs:
            f.cancel()

        async def shutdown() -> None:
            # let the cancelled tasks run their cleanup, then close the client
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if pending:
                await asyncio.wait(pending, timeout=2.0)
            if self._client is not None:
                await self._client.aclose()

        self._runner.stop(shutdown(), timeout=5.0)


def _service(ctx: Any) -> EventSourceService:
    svc: EventSourceService = ctx.pool.service("eventsource", lambda _pool: EventSourceService())
    return svc


def _open(ctx: Any, sid: int, url: str) -> None:
    _service(ctx).open(ctx, int(sid), str(url))


def _close(ctx: Any, sid: int) -> None:
    _service(ctx).close_stream(ctx, int(sid))


register(
    Group(
        "eventsource",
        globals=("EventSource",),
        requires=("events", "url", "encoding"),
        polyfill="eventsource.js",
        handlers={"open": _open, "close": _close},
    )
)
