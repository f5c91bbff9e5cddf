"""Per-(sender, context) sequence numbers: operations applied in the order sent.

Transports may reorder fire-and-forget messages (Ray does, to async actors:
hundreds of inversions per 5,000). Every operation a sender addresses to a
context carries the next number of that (sender, context) pair; the node
holds early arrivals and releases them in order.

The node's buffer is bounded per pair, and a gap that stays open longer than
``gap_timeout`` is skipped (an operation lost with a transient transport
failure must not wedge every later one forever).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Resequencer", "SequenceOverflow", "Sequencer"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Sequencer(Generic[K]):
    """The sender side: the next number for each key (thread-safe; numbers start at 1)."""

    def __init__(self) -> None:
        self._next: dict[K, itertools.count[int]] = {}
        self._lock = threading.Lock()

    def next(self, key: K) -> int:
        with self._lock:
            counter = self._next.get(key)
            if counter is None:
                counter = self._next[key] = itertools.count(1)
            return next(counter)

    def forget(self, key: K) -> None:
        with self._lock:
            self._next.pop(key, None)


class SequenceOverflow(Exception):
    """More early arrivals held for one key than the bound allows."""


class _Stream(Generic[T]):
    __slots__ = ("expected", "gap_since", "held")

    def __init__(self) -> None:
        self.expected = 1
        self.held: dict[int, T] = {}
        self.gap_since = 0.0


class Resequencer(Generic[K, T]):
    """The receiver side: ``push(key, seq, item)`` returns the items now in order.

    Duplicates and numbers already passed are dropped. Not thread-safe: one
    owner (the node's event loop).
    """

    def __init__(
        self,
        max_held: int = 10_000,
        gap_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._streams: dict[K, _Stream[T]] = {}
        self._max_held = max_held
        self._gap_timeout = gap_timeout
        self._clock = clock
        self.skipped = 0  # gaps given up on

    def push(self, key: K, seq: int, item: T) -> list[T]:
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream()
        if seq < stream.expected or seq in stream.held:
            return []
        if seq != stream.expected:
            if len(stream.held) >= self._max_held:
                raise SequenceOverflow(f"{len(stream.held)} operations held waiting for #{stream.expected}")
            if not stream.held:
                stream.gap_since = self._clock()
            stream.held[seq] = item
            return self._expire(stream)
        stream.expected += 1
        return [item, *self._drain(stream)]

    def expire(self) -> list[T]:
        """Items released by skipping gaps open longer than ``gap_timeout`` (call now and then)."""
        out: list[T] = []
        for stream in self._streams.values():
            if stream.held:
                out.extend(self._expire(stream))
        return out

    def held(self) -> int:
        return sum(len(s.held) for s in self._streams.values())

    def forget(self, match: Callable[[K], bool]) -> list[Any]:
        """Drop the streams whose key matches; their held items are returned."""
        dropped: list[Any] = []
        for key in [k for k in self._streams if match(k)]:
            dropped.extend(self._streams.pop(key).held.values())
        return dropped

    def _expire(self, stream: _Stream[T]) -> list[T]:
        if not stream.held or self._clock() - stream.gap_since < self._gap_timeout:
            return []
        self.skipped += 1
        stream.expected = min(stream.held)
        return self._drain(stream)

    def _drain(self, stream: _Stream[T]) -> list[T]:
        out: list[T] = []
        while stream.expected in stream.held:
            out.append(stream.held.pop(stream.expected))
            stream.expected += 1
        if stream.held:
            stream.gap_since = self._clock()
        return out
