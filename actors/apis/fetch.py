"""The ``fetch`` group: fetch, Request, Response, Headers and FormData over httpx.

The HTTP work is done on the Python side by `httpx <https://www.python-httpx.org>`_,
chosen because it is:

- async: one ``httpx.AsyncClient`` serves every in-flight request of a pool
  from one event loop, so a slow server costs no thread;
- connection pooling: keep-alive connections are shared by the pool's contexts;
- streaming: ``client.send(..., stream=True)`` hands the body over as it
  arrives, so a response body is read chunk by chunk and never loaded whole;
- redirects with history: ``response.next_request`` lets this module follow
  redirects hop by hop (``follow``/``manual``/``error``) and ask the
  ``fetch_policy`` about every hop;
- typed: it ships type hints (``mypy --strict`` clean here).

One pool service (:class:`FetchService`) owns the client and its own event
loop thread (so the client can be closed on the loop that made it at
``pool.stop()``). The polyfill (``polyfills/fetch.js``) picks a request id,
then calls ``fetch.start`` (answered with the status line and headers),
``fetch.read`` (the next body chunk, at most :data:`CHUNK` bytes, or None at
the end) and ``fetch.abort`` (cancels the request or closes the body). When a
context exits, its requests are cancelled.

Policy: ``ctx.fetch_policy`` (the spawn option, else the pool's), when not None, is
called as ``policy(ctx, method, url) -> bool`` before every request and every
redirect hop; a refusal fails the fetch with ``TypeError: fetch failed``
(cause ``Error: blocked by fetch_policy``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import httpx

from actors._handlers import LoopThread
from actors.apis import Group, register

__all__ = ["CHUNK", "MAX_REDIRECTS", "FetchError", "FetchService"]

# Largest body chunk handed to JS by one fetch.read call.
CHUNK = 64 * 1024
# Most redirects followed by one fetch (as in browsers).
MAX_REDIRECTS = 20
# Most requests (with open bodies) one context may hold at once.
MAX_OPEN = 1024

_T = TypeVar("_T")


class FetchError(Exception):
    """A network-level failure; the polyfill turns it into ``TypeError: fetch failed``."""


class _Request:
    """One fetch of one context: its task while starting, then its open response."""

    __slots__ = ("aborted", "body", "pending", "response", "task")

    def __init__(self) -> None:
        self.aborted = False
        self.task: asyncio.Task[Any] | None = None
        self.response: httpx.Response | None = None
        self.body: AsyncIterator[bytes] | None = None
        self.pending = b""


class FetchService:
    """The pool-wide HTTP client, on its own event loop thread."""

    def __init__(self) -> None:
        self._runner = LoopThread("actors-fetch")
        self._loop = self._runner.loop
        self._client: httpx.AsyncClient | None = None
        self._lock = threading.Lock()
        self._closed = False
        # per context id: request id -> request
        self._requests: dict[int, dict[int, _Request]] = {}

    # ---- running on the service loop -----------------------------------------------------------

    async def run(self, coro: Awaitable[_T]) -> _T:
        """Await ``coro`` on the service loop from another loop."""

        async def wrap() -> _T:
            return await coro

        fut = asyncio.run_coroutine_threadsafe(wrap(), self._loop)
        return await asyncio.wrap_future(fut)

    def _client_(self) -> httpx.AsyncClient:
        # on the service loop only
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(None, connect=30.0),
                limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
            )
        return self._client

    # ---- per-context table ---------------------------------------------------------------------

    def _table(self, ctx: Any) -> dict[int, _Request]:
        with self._lock:
            if self._closed:
                raise FetchError("the pool is stopped")
            table = self._requests.get(ctx.id)
            if table is None:
                table = self._requests[ctx.id] = {}
                ctx.on_exit(self._context_exited)
            return table

    def _context_exited(self, ctx: Any, _reason: Any, _detail: Any) -> None:
        with self._lock:
            table = self._requests.pop(ctx.id, None)
        for req in (table or {}).values():
            try:
                self._loop.call_soon_threadsafe(self._discard, req)
            except RuntimeError:
                return  # the loop is closed: close() cancelled everything

    def _discard(self, req: _Request) -> None:
        # on the service loop: cancel a start in progress, close an open body
        req.aborted = True
        if req.task is not None and not req.task.done():
            req.task.cancel()
        if req.response is not None:
            response, req.response = req.response, None
            self._loop.create_task(response.aclose())

    def abort(self, ctx: Any, rid: int) -> None:
        with self._lock:
            table = self._requests.get(ctx.id)
            req = table.pop(rid, None) if table is not None else None
        if req is not None:
            try:
                self._loop.call_soon_threadsafe(self._discard, req)
            except RuntimeError:
                pass  # the loop is closed

    # ---- requests ------------------------------------------------------------------------------

    async def start(
        self,
        ctx: Any,
        rid: int,
        method: str,
        url: str,
        headers: list[list[str]],
        body: bytes | None,
        redirect: str,
    ) -> list[Any]:
        table = self._table(ctx)
        if len(table) >= MAX_OPEN:
            raise FetchError(f"too many open fetches (at most {MAX_OPEN} per context)")
        req = _Request()
        with self._lock:
            table[rid] = req

        async def go() -> list[Any]:
            req.task = asyncio.current_task()
            try:
                if req.aborted:
                    raise asyncio.CancelledError
                result = await self._start(ctx, req, method, url, headers, body, redirect)
                if req.aborted:
                    self._discard(req)
                    raise asyncio.CancelledError
                return result
            except BaseException:
                with self._lock:
                    table.pop(rid, None)
                raise

        try:
            return await self.run(go())
        except asyncio.CancelledError:
            raise FetchError("the request was aborted") from None

    async def _start(
        self,
        ctx: Any,
        req: _Request,
        method: str,
        url: str,
        headers: list[list[str]],
        body: bytes | None,
        redirect: str,
    ) -> list[Any]:
        policy: Callable[[Any, str, str], bool] | None = ctx.fetch_policy
        client = self._client_()
        try:
            request = client.build_request(method, url, headers=[(k, v) for k, v in headers], content=body)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise FetchError(f"invalid request: {exc}") from None
        redirected = False
        for _hop in range(MAX_REDIRECTS + 1):
            if policy is not None and not policy(ctx, request.method, str(request.url)):
                raise FetchError("blocked by fetch_policy")
            try:
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchError(describe_http_error(exc)) from None
            next_request = response.next_request if response.is_redirect else None
            if next_request is None or redirect == "manual":
                break
            await response.aclose()
            if redirect == "error":
                raise FetchError(f"unexpected redirect to {next_request.url}")
            request = next_request
            redirected = True
        else:
            await response.aclose()
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
        req.response = response
        req.body = response.aiter_bytes()
        return [
            response.status_code,
            response.reason_phrase,
            [[k.decode("latin-1"), v.decode("latin-1")] for k, v in response.headers.raw],
            str(response.url),
            redirected,
        ]

    async def read(self, ctx: Any, rid: int) -> bytes | None:
        with self._lock:
            table = self._requests.get(ctx.id)
            req = table.get(rid) if table is not None else None
        if req is None:
            raise FetchError("the response body is closed")

        async def step() -> bytes | None:
            assert req is not None
            if req.pending:
                out, req.pending = req.pending[:CHUNK], req.pending[CHUNK:]
                return out
            if req.body is None:
                return None
            try:
                while True:
                    chunk = await req.body.__anext__()
                    if chunk:
                        break
            except StopAsyncIteration:
                req.body = None
                if req.response is not None:
                    await req.response.aclose()
                return None
            except httpx.HTTPError as exc:
                req.body = None
                raise FetchError(describe_http_error(exc)) from None
            out, req.pending = chunk[:CHUNK], chunk[CHUNK:]
            return out

        try:
            data = await self.run(step())
        except BaseException:
            self.abort(ctx, rid)
            raise
        if data is None:
            with self._lock:
                if table is not None:
                    table.pop(rid, None)
        return data

    # ---- shutdown ------------------------------------------------------------------------------

    def close(self) -> None:
        """Cancel every request, close the client, stop the loop (at ``pool.stop()``)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            tables, self._requests = list(self._requests.values()), {}

        async def shutdown() -> None:
            for table in tables:
                for req in table.values():
                    self._discard(req)
            if self._client is not None:
                await self._client.aclose()

        self._runner.stop(shutdown(), timeout=5.0)


def describe_http_error(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _service(ctx: Any) -> FetchService:
    svc: FetchService = ctx.pool.service("fetch", lambda _pool: FetchService())
    return svc


async def _start(
    ctx: Any, rid: int, method: str, url: str, headers: list[list[str]], body: bytes | None, redirect: str
) -> list[Any]:
    return await _service(ctx).start(ctx, int(rid), str(method), str(url), headers, body, str(redirect))


async def _read(ctx: Any, rid: int) -> bytes | None:
    return await _service(ctx).read(ctx, int(rid))


def _abort(ctx: Any, rid: int) -> None:
    _service(ctx).abort(ctx, int(rid))


register(
    Group(
        "fetch",
        globals=("fetch", "Headers", "Request", "Response", "FormData"),
        requires=("events", "url", "encoding", "_streams", "buffer"),
        polyfill="fetch.js",
        handlers={"start": _start, "read": _read, "abort": _abort},
    )
)
