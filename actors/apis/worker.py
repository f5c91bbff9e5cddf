"""The ``worker`` group: ``Worker`` as a sibling context on the same pool.

``new Worker(source)`` in a context (the parent) calls ``worker.create``,
which spawns a context (the worker) with the parent's API groups and limits,
evaluates :data:`SCOPE_INIT` there (it installs ``self``, ``postMessage``,
``onmessage``, ``addEventListener``, ``close``) and then ``source``: a plain
script string or a ``data:`` URL (percent-encoded or ``;base64``; other URLs
are refused). Messages travel through ``actors.context.post_internal(ctx, "worker", ...)``
both ways; what the parent posts before the worker's script has run is queued.

Lifetimes: the worker is stopped by ``terminate()``, by ``self.close()``, and
when its parent exits. It is *not* linked to the parent with
:meth:`Context.link`, because links go both ways and a worker that crashes
(an uncaught error, a timeout, its memory limit) must not take its parent
down: the parent only sees an ``error`` event on the Worker object.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from actors.apis import Group, register
from actors.context import post_internal, spawn_options, stop_linked
from actors.errors import ActorsError, ContextDeadError

if TYPE_CHECKING:
    from actors.context import Context
    from actors.pool import ContextPool

__all__ = ["SCOPE_INIT", "WorkerHub", "decode_source", "hub"]

# Evaluated in the worker context before its source: installs the worker scope.
SCOPE_INIT = """(() => {
  'use strict';
  const scope = Worker[Symbol.for('actors.worker.scope')]();
  const value = (v) => ({ value: v, writable: true, configurable: true, enumerable: true });
  delete globalThis.window; // a worker scope has self and location, not window
  Object.defineProperties(globalThis, {
    self: value(globalThis),
    postMessage: value(scope.postMessage),
    close: value(scope.close),
    addEventListener: value(scope.addEventListener),
    removeEventListener: value(scope.removeEventListener),
    dispatchEvent: value(scope.dispatchEvent),
    onmessage: { get: scope.getOnmessage, set: scope.setOnmessage, configurable: true, enumerable: true },
  });
})(); undefined"""


def decode_source(source: str) -> tuple[str, str]:
    """``(code, filename)`` of a Worker source: a ``data:`` URL or script text.

    Raises:
        ValueError: a URL this implementation does not load (http:, blob:, ...).
    """
    head = source[:16].lower()
    if head.startswith("data:"):
        meta, sep, payload = source[5:].partition(",")
        if not sep:
            raise ValueError("malformed data: URL")
        if meta.lower().endswith(";base64"):
            raw = base64.b64decode(urllib.parse.unquote(payload), validate=False)
            return raw.decode("utf-8", errors="replace"), "data:"
        return urllib.parse.unquote(payload), "data:"
    for scheme in ("http:", "https:", "blob:", "file:"):
        if head.startswith(scheme):
            raise ValueError(f"Worker: {scheme} URLs are not supported; pass the script text or a data: URL")
    return source, "worker"


@dataclass
class _Worker:
    parent: Context
    wid: int
    child: Context | None = None
    ready: bool = False
    ended: bool = False  # terminated by the parent or exited
    pending: list[Any] = field(default_factory=list)


class WorkerHub:
    """The pool-wide table of workers: parent (context id, worker id) and child id."""

    def __init__(self, pool: ContextPool | None = None) -> None:
        self._lock = threading.Lock()
        self._by_parent: dict[tuple[int, int], _Worker] = {}
        self._by_child: dict[int, _Worker] = {}
        self._watched: set[int] = set()
        self._tasks: set[asyncio.Future[None]] = set()

    # ---- parent side ---------------------------------------------------------------------------

    def create(self, parent: Context, wid: int, source: str, name: str) -> None:
        """Spawn worker ``wid`` of ``parent`` and start its script (in the background)."""
        rec = _Worker(parent, wid)
        with self._lock:
            self._by_parent[(parent.id, wid)] = rec
            watch = parent.id not in self._watched
            self._watched.add(parent.id)
        if watch:
            parent.on_exit(self._parent_exited)
        try:
            code, filename = decode_source(source)
            opts = spawn_options(parent)
            apis = [a for a in opts.apis if not a.startswith("_")]
            if "worker" not in apis:
                apis.append("worker")
            child = parent.pool.spawn(
                apis=apis,
                memory_limit=opts.memory_limit,
                max_reductions=opts.max_reductions,
                timeout=opts.timeout,
                max_stack_size=opts.max_stack_size,
                on_uncaught="crash",
                origin=opts.origin,
                url=opts.url,
            )
        except Exception as exc:
            self._to_parent(rec, {"t": "error", "message": f"{type(exc).__name__}: {exc}"})
            self._end(rec)
            self._to_parent(rec, {"t": "exit"}, force=True)
            return
        with self._lock:
            rec.child = child
            self._by_child[child.id] = rec
        child.on_exit(self._child_exited)
        task = asyncio.ensure_future(self._run(rec, child, code, filename))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, rec: _Worker, child: Context, code: str, filename: str) -> None:
        try:
            await child.eval_async(SCOPE_INIT, filename="<worker scope>")
            await child.eval_async(code + "\n;undefined", filename=filename)
        except ContextDeadError:
            return  # terminated meanwhile, or it crashed: _child_exited reports it
        except ActorsError as exc:
            self._to_parent(rec, {"t": "error", "message": str(exc), "filename": filename})
            self._end(rec)
            self._to_parent(rec, {"t": "exit"}, force=True)
            child.stop(0)
            return
        with self._lock:
            rec.ready = True
            pending, rec.pending = rec.pending, []
        if pending:
            self._to_child(rec, pending)

    def ops(self, parent: Context, batch: list[Any]) -> None:
        """The parent's Worker operations, in the order they were made."""
        for op in batch:
            kind = op[0]
            if kind == "create":
                self.create(parent, int(op[1]), str(op[2]), str(op[3]))
            elif kind == "send":
                self.send(parent, [[op[1], op[2]]])
            elif kind == "terminate":
                self.terminate(parent, int(op[1]))

    def send(self, parent: Context, batch: list[Any]) -> None:
        """Messages from the parent: ``[[worker id, data], ...]`` in order."""
        out: dict[int, tuple[_Worker, list[Any]]] = {}
        with self._lock:
            for wid, data in batch:
                rec = self._by_parent.get((parent.id, int(wid)))
                if rec is None or rec.ended:
                    continue
                if not rec.ready:
                    rec.pending.append(data)
                else:
                    out.setdefault(rec.wid, (rec, []))[1].append(data)
        for rec, messages in out.values():
            self._to_child(rec, messages)

    def terminate(self, parent: Context, wid: int) -> None:
        with self._lock:
            rec = self._by_parent.get((parent.id, int(wid)))
        if rec is not None:
            self._end(rec)
            if rec.child is not None:
                rec.child.stop(0)

    # ---- worker side ---------------------------------------------------------------------------

    def is_worker(self, child: Context) -> bool:
        with self._lock:
            return child.id in self._by_child

    def post(self, child: Context, batch: list[Any]) -> None:
        """Messages from the worker to its Worker object, in order."""
        with self._lock:
            rec = self._by_child.get(child.id)
        if rec is not None and not rec.ended:
            self._to_parent(rec, {"t": "message", "data": batch})

    def error(self, child: Context, info: Any) -> None:
        """An error a worker's message listener threw (the worker goes on)."""
        with self._lock:
            rec = self._by_child.get(child.id)
        if rec is not None and not rec.ended:
            message = str(info.get("message", "")) if isinstance(info, dict) else str(info)
            self._to_parent(rec, {"t": "error", "message": message})

    def close_self(self, child: Context) -> None:
        """``self.close()`` in the worker."""
        with self._lock:
            rec = self._by_child.get(child.id)
        if rec is not None:
            self._end(rec)
            self._to_parent(rec, {"t": "exit"}, force=True)
        child.stop(0)

    # ---- plumbing ------------------------------------------------------------------------------

    def _end(self, rec: _Worker) -> None:
        with self._lock:
            rec.ended = True
            rec.pending = []
            self._by_parent.pop((rec.parent.id, rec.wid), None)

    def _to_child(self, rec: _Worker, messages: list[Any]) -> None:
        child = rec.child
        if child is None:
            return
        try:
            post_internal(child, "worker", {"to": "scope", "data": messages})
        except ContextDeadError:
            pass

    def _to_parent(self, rec: _Worker, msg: dict[str, Any], force: bool = False) -> None:
        if rec.ended and not force and msg.get("t") != "error":
            return
        msg["to"] = "worker"
        msg["id"] = rec.wid
        try:
            post_internal(rec.parent, "worker", msg)
        except ContextDeadError:
            pass

    def _child_exited(self, child: Context, reason: str, detail: Any) -> None:
        with self._lock:
            rec = self._by_child.pop(child.id, None)
        if rec is None:
            return
        was_ended = rec.ended
        self._end(rec)
        if was_ended:
            return
        if reason not in ("normal", "killed", "linked", "shutdown"):
            message = str(detail) if detail is not None else f"the worker exited ({reason})"
            self._to_parent(rec, {"t": "error", "message": message})
        self._to_parent(rec, {"t": "exit"}, force=True)

    def _parent_exited(self, parent: Context, reason: str, detail: Any) -> None:
        with self._lock:
            self._watched.discard(parent.id)
            recs = [r for r in self._by_child.values() if r.parent is parent]
            recs += [r for k, r in self._by_parent.items() if k[0] == parent.id and r.child is None]
        for rec in recs:
            self._end(rec)
            if rec.child is not None:
                stop_linked(rec.child)

    def close(self) -> None:
        with self._lock:
            self._by_parent.clear()
            self._by_child.clear()


def hub(pool: ContextPool) -> WorkerHub:
    """The pool's worker table."""
    result: WorkerHub = pool.service("worker", WorkerHub)
    return result


async def _ops(ctx: Context, batch: list[Any]) -> None:
    hub(ctx.pool).ops(ctx, batch)


def _is_worker(ctx: Context) -> bool:
    return hub(ctx.pool).is_worker(ctx)


def _post(ctx: Context, batch: list[Any]) -> None:
    hub(ctx.pool).post(ctx, batch)


def _error(ctx: Context, info: Any) -> None:
    hub(ctx.pool).error(ctx, info)


def _close(ctx: Context) -> None:
    hub(ctx.pool).close_self(ctx)


register(
    Group(
        "worker",
        globals=("Worker", "ErrorEvent"),
        requires=("events", "channel"),
        polyfill="worker.js",
        handlers={
            "ops": _ops,
            "isWorker": _is_worker,
            "post": _post,
            "error": _error,
            "close": _close,
        },
    )
)
