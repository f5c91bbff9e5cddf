"""The ``channel`` group: ``BroadcastChannel`` between the contexts of a pool.

Each pool has one :class:`ChannelHub` (a pool service) mapping a channel name
to the open ``BroadcastChannel`` objects of that name, as ``(context, id)``
pairs. ``postMessage`` reaches the hub through ``channel.post`` (one batch per
context at a time, so a sender's messages keep their order) and the hub hands
each message to every other subscriber with ``actors.context.post_internal``. A
context's subscriptions are dropped when it exits; a subscriber whose context
died meanwhile is skipped, never an error for the sender.

The group also defines ``MessageEvent`` (the ``events`` group has none);
the ``worker`` group uses it from here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from actors.apis import Group, register
from actors.context import post_internal
from actors.errors import ContextDeadError

if TYPE_CHECKING:
    from actors.context import Context
    from actors.pool import ContextPool

__all__ = ["ChannelHub", "hub"]


class ChannelHub:
    """The pool-wide registry of open BroadcastChannels."""

    def __init__(self, pool: ContextPool | None = None) -> None:
        self._lock = threading.Lock()
        # name -> {(context id, channel id): context}
        self._by_name: dict[str, dict[tuple[int, int], Context]] = {}
        # (context id, channel id) -> name
        self._names: dict[tuple[int, int], str] = {}
        self._watched: set[int] = set()
        self._closed = False

    def open(self, ctx: Context, channel_id: int, name: str) -> None:
        """Subscribe channel ``channel_id`` of ``ctx`` to ``name``."""
        key = (ctx.id, channel_id)
        watch = False
        with self._lock:
            if self._closed:
                return
            self._by_name.setdefault(name, {})[key] = ctx
            self._names[key] = name
            if ctx.id not in self._watched:
                self._watched.add(ctx.id)
                watch = True
        if watch:
            ctx.on_exit(self._context_exited)

    def close_channel(self, ctx: Context, channel_id: int) -> None:
        """Unsubscribe one channel."""
        key = (ctx.id, channel_id)
        with self._lock:
            name = self._names.pop(key, None)
            if name is None:
                return
            subs = self._by_name.get(name)
            if subs is not None:
                subs.pop(key, None)
                if not subs:
                    del self._by_name[name]

    def post(self, ctx: Context, batch: list[Any]) -> None:
        """Deliver ``batch`` (``[[channel id, data], ...]`` in post order) from ``ctx``."""
        # per receiving context: [[receiver channel id, data], ...], in order
        out: dict[int, tuple[Context, list[list[Any]]]] = {}
        with self._lock:
            for item in batch:
                channel_id, data = int(item[0]), item[1]
                sender = (ctx.id, channel_id)
                name = self._names.get(sender)
                if name is None:
                    continue
                for key, target in self._by_name.get(name, {}).items():
                    if key == sender:
                        continue
                    out.setdefault(key[0], (target, []))[1].append([key[1], data])
        for target, messages in out.values():
            try:
                post_internal(target, "channel", messages)
            except ContextDeadError:
                pass  # exited meanwhile: its subscriptions go with its exit callback

    def _context_exited(self, ctx: Context, reason: str, detail: Any) -> None:
        with self._lock:
            self._watched.discard(ctx.id)
            for key in [k for k in self._names if k[0] == ctx.id]:
                name = self._names.pop(key)
                subs = self._by_name.get(name)
                if subs is not None:
                    subs.pop(key, None)
                    if not subs:
                        del self._by_name[name]

    def subscribers(self, name: str) -> int:
        """How many open channels are subscribed to ``name`` (for tests and stats)."""
        with self._lock:
            return len(self._by_name.get(name, {}))

    def close(self) -> None:
        """Drop every subscription (at pool stop)."""
        with self._lock:
            self._closed = True
            self._by_name.clear()
            self._names.clear()


def hub(pool: ContextPool) -> ChannelHub:
    """The pool's channel hub."""
    result: ChannelHub = pool.service("channel", ChannelHub)
    return result


def _open(ctx: Context, channel_id: int, name: str) -> None:
    hub(ctx.pool).open(ctx, int(channel_id), str(name))


def _close(ctx: Context, channel_id: int) -> None:
    hub(ctx.pool).close_channel(ctx, int(channel_id))


def _post(ctx: Context, batch: list[Any]) -> None:
    hub(ctx.pool).post(ctx, batch)


register(
    Group(
        "channel",
        globals=("BroadcastChannel", "MessageEvent"),
        requires=("events",),
        polyfill="channel.js",
        handlers={"open": _open, "close": _close, "post": _post},
    )
)
