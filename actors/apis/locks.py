"""The ``locks`` group: ``navigator.locks`` (the Web Locks API) across a pool.

One pool service (:class:`LockManager`) holds every lock of the pool: a FIFO
queue per lock name with shared/exclusive semantics, guarded by a
:class:`threading.Lock` (host handlers run on several threads). Lock names are
pool-wide: all contexts of the pool share them, whatever their origin.

The JS side (``polyfills/locks.js``) asks with a synchronous host call
(``locks.request``), which answers ``granted``, ``queued`` or ``unavailable``
(for ``ifAvailable``). A queued request is granted later with
``post_internal(ctx, "locks", {"grant": id})``; a stolen lock is announced
with ``{"stolen": id}``. The polyfill releases a lock (``locks.release``) when
the promise of its callback settles, and withdraws an aborted queued request
with ``locks.abort``.

When a context exits, the locks it holds are released and its queued requests
dropped (an ``on_exit`` callback registered on its first request).
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from actors.apis import Group, register
from actors.context import post_internal
from actors.errors import ContextDeadError

if TYPE_CHECKING:
    from actors.context import Context
    from actors.pool import ContextPool

__all__ = ["LockManager"]

_MODES = ("exclusive", "shared")


@dataclass
class _Request:
    id: int
    name: str
    mode: str
    ctx: Context


class LockManager:
    """The pool-wide lock manager behind ``navigator.locks``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._held: dict[str, list[_Request]] = {}
        self._queues: dict[str, deque[_Request]] = {}
        self._requests: dict[int, _Request] = {}  # held or queued, by id
        self._watched: set[int] = set()  # ids of the contexts with an on_exit callback

    # ---- under _lock --------------------------------------------------------------------------

    def _grantable(self, name: str, mode: str) -> bool:
        held = self._held.get(name)
        if not held:
            return True
        return mode == "shared" and all(r.mode == "shared" for r in held)

    def _hold(self, req: _Request) -> None:
        self._held.setdefault(req.name, []).append(req)

    def _unhold(self, req: _Request) -> bool:
        held = self._held.get(req.name)
        if held is None or req not in held:
            return False
        held.remove(req)
        if not held:
            del self._held[req.name]
        return True

    def _process(self, name: str) -> list[_Request]:
        """Grant what the head of ``name``'s queue allows; the grants, to notify."""
        queue = self._queues.get(name)
        granted: list[_Request] = []
        while queue and self._grantable(name, queue[0].mode):
            req = queue.popleft()
            self._hold(req)
            granted.append(req)
        if queue is not None and not queue:
            del self._queues[name]
        return granted

    # ---- notifications (outside _lock) ----------------------------------------------------------

    def _notify(self, grants: list[_Request], stolen: list[_Request] | None = None) -> None:
        for req in stolen or ():
            try:
                post_internal(req.ctx, "locks", {"stolen": req.id})
            except ContextDeadError:
                pass
        while grants:
            req = grants.pop()
            try:
                post_internal(req.ctx, "locks", {"grant": req.id})
            except ContextDeadError:
                grants.extend(self._release(req.id))  # granted to a dead context: pass it on

    def _release(self, lock_id: int, owner: Context | None = None) -> list[_Request]:
        with self._lock:
            req = self._requests.get(lock_id)
            if req is None or (owner is not None and req.ctx is not owner) or not self._unhold(req):
                return []
            del self._requests[lock_id]
            return self._process(req.name)

    # ---- the operations -----------------------------------------------------------------------

    def _watch(self, ctx: Context) -> None:
        with self._lock:
            if ctx.id in self._watched:
                return
            self._watched.add(ctx.id)
        ctx.on_exit(self._context_exited)

    def request(self, ctx: Context, name: str, mode: str, if_available: bool, steal: bool) -> list[Any]:
        """Ask for ``name``: ``[id, "granted" | "queued" | "unavailable"]``."""
        if mode not in _MODES:
            raise TypeError(f"mode must be 'exclusive' or 'shared', not {mode!r}")
        self._watch(ctx)
        stolen: list[_Request] = []
        with self._lock:
            if not ctx.alive:
                raise ContextDeadError(f"context #{ctx.id} has exited")
            req = _Request(next(self._ids), name, mode, ctx)
            if steal:
                stolen = self._held.pop(name, [])
                for old in stolen:
                    self._requests.pop(old.id, None)
                self._hold(req)
                status = "granted"
            elif not self._queues.get(name) and self._grantable(name, mode):
                self._hold(req)
                status = "granted"
            elif if_available:
                return [req.id, "unavailable"]
            else:
                self._queues.setdefault(name, deque()).append(req)
                status = "queued"
            self._requests[req.id] = req
        if stolen:
            self._notify([], stolen)
        return [req.id, status]

    def release(self, ctx: Context, lock_id: int) -> None:
        """Release a lock ``ctx`` holds (a no-op for a lock stolen or already released)."""
        self._notify(self._release(lock_id, ctx))

    def abort(self, ctx: Context, lock_id: int) -> bool:
        """Withdraw a queued request of ``ctx``; False when it is not queued (granted already)."""
        with self._lock:
            req = self._requests.get(lock_id)
            queue = None if req is None or req.ctx is not ctx else self._queues.get(req.name)
            if req is None or queue is None or req not in queue:
                return False
            queue.remove(req)
            del self._requests[lock_id]
            grants = self._process(req.name)
        self._notify(grants)
        return True

    def query(self) -> dict[str, list[dict[str, str]]]:
        """``{"held": [...], "pending": [...]}`` of ``{name, mode, clientId}``."""

        def info(r: _Request) -> dict[str, str]:
            return {"name": r.name, "mode": r.mode, "clientId": str(r.ctx.id)}

        with self._lock:
            held = [info(r) for reqs in self._held.values() for r in reqs]
            pending = [info(r) for q in self._queues.values() for r in q]
        return {"held": held, "pending": pending}

    def _context_exited(self, ctx: Context, _reason: Any, _detail: Any) -> None:
        grants: list[_Request] = []
        with self._lock:
            self._watched.discard(ctx.id)
            names: set[str] = set()
            for req in [r for r in self._requests.values() if r.ctx is ctx]:
                del self._requests[req.id]
                names.add(req.name)
                if not self._unhold(req):
                    queue = self._queues.get(req.name)
                    if queue is not None and req in queue:
                        queue.remove(req)
            for name in names:
                grants.extend(self._process(name))
        self._notify(grants)


def _make_manager(_pool: ContextPool) -> LockManager:
    return LockManager()


def manager(ctx: Context) -> LockManager:
    """The lock manager of ``ctx``'s pool."""
    mgr: LockManager = ctx.pool.service("locks", _make_manager)
    return mgr


def _request(ctx: Context, name: Any, mode: Any, if_available: Any, steal: Any) -> list[Any]:
    if not isinstance(name, str) or not isinstance(mode, str):
        raise TypeError("the lock name and mode must be strings")
    return manager(ctx).request(ctx, name, mode, bool(if_available), bool(steal))


def _id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a lock id is an integer")
    return value


def _release(ctx: Context, lock_id: Any) -> None:
    manager(ctx).release(ctx, _id(lock_id))


def _abort(ctx: Context, lock_id: Any) -> bool:
    return manager(ctx).abort(ctx, _id(lock_id))


def _query(ctx: Context) -> dict[str, list[dict[str, str]]]:
    return manager(ctx).query()


register(
    Group(
        "locks",
        globals=("navigator", "LockManager", "Lock"),
        polyfill="locks.js",
        handlers={"request": _request, "release": _release, "abort": _abort, "query": _query},
    )
)
