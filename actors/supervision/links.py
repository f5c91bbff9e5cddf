"""Links: bidirectional exit propagation between contexts, supervisors and Pykka actors.

Rules (DESIGN.md in the repository, contract):
- A context never outlives what it is linked to: when the other side exits
  for any reason, the context stops with reason ``linked``.
- When a context (or supervisor) exits abnormally, every actor linked to it
  is stopped too, unless that actor traps exits by defining
  ``on_link_exit(ref, reason)``, which is then called instead (on the
  actor's own thread, as a proxy call).
- A normal exit is only reported to trapping actors.

Contexts and supervisors report their exits through ``on_exit`` callbacks.
A Pykka actor reports its own stop: every way a threading actor stops (a
stop message, ``ActorRegistry.stop_all``, a failure) ends in
``actor_stopped.set()``, and a linked actor's ``actor_stopped`` event is
given a subclass whose ``set`` reports the exit (reason ``normal``) right
there, on the stopping actor's thread, before ``stop(block=True)`` returns.
Only an actor whose event is some other type (another Pykka runtime) is
polled, every 20 ms, by one watcher thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import pykka
from pykka.messages import ProxyCall

from actors._handlers import escalate
from actors.supervision.spec import NORMAL_REASONS

__all__ = ["link", "linked", "unlink"]

log = logging.getLogger("actors.links")

_POLL_SECONDS = 0.02


def _is_ref(obj: Any) -> bool:
    return isinstance(obj, pykka.ActorRef)


def _key(obj: Any) -> Any:
    return obj.actor_urn if _is_ref(obj) else id(obj)


def _ref_of(obj: Any) -> Any:
    """What an ``on_link_exit`` receives for ``obj``: its ActorRef when it has one."""
    if _is_ref(obj):
        return obj
    return getattr(obj, "actor_ref", obj)


class _ReportingEvent(threading.Event):
    """A threading.Event that calls ``_on_set`` (once) when it is set.

    An actor's existing ``actor_stopped`` event becomes one by ``__class__``
    assignment, in place: Pykka's loop and every ref keep reading the same
    object, so no stop can slip between an old event and a new one.
    """

    def set(self) -> None:
        super().set()
        _take_report(self)


def _take_report(event: threading.Event) -> None:
    # dict.pop is atomic under the GIL: of the stopping thread (set) and the
    # linking thread (a set that ran before the class changed), one reports
    report: Callable[[], None] | None = event.__dict__.pop("_on_set", None)
    if report is not None:
        try:
            report()
        except BaseException as exc:  # never out of Pykka's stop path
            escalate(exc, "reporting a linked actor's stop")


def _report_on_stop(ref: Any, report: Callable[[], None]) -> bool:
    """Make ``ref``'s stop call ``report`` (at once if it already stopped); False when its
    ``actor_stopped`` is not a plain threading.Event (then it must be polled)."""
    event = ref.actor_stopped
    if type(event) is not threading.Event and type(event) is not _ReportingEvent:
        return False
    event.__dict__["_on_set"] = report  # before the class: set() must find it once it is the subclass
    event.__class__ = _ReportingEvent
    if event.is_set():
        _take_report(event)  # stopped before the class changed: the plain set() reported nothing
    return True


def _traps(obj: Any) -> bool:
    if _is_ref(obj):
        return callable(getattr(obj.actor_class, "on_link_exit", None))
    return False


class _LinkTable:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._links: dict[Any, dict[Any, Any]] = {}  # key -> {other key: other}
        self._hooked: set[Any] = set()
        self._watched: dict[Any, Any] = {}  # refs polled by the watcher (not threading actors)
        self._watcher: threading.Thread | None = None

    def link(self, a: Any, b: Any) -> None:
        if a is b or _key(a) == _key(b):
            raise ValueError("cannot link an actor to itself")
        for obj in (a, b):
            if _is_ref(obj) and not obj.is_alive():
                # linking to something already gone: it exits at once
                self._deliver(other=b if obj is a else a, source=obj, reason="noproc")
                return
        with self._lock:
            ka, kb = _key(a), _key(b)
            self._links.setdefault(ka, {})[kb] = b
            self._links.setdefault(kb, {})[ka] = a
        self._hook(a)
        self._hook(b)

    def unlink(self, a: Any, b: Any) -> None:
        with self._lock:
            ka, kb = _key(a), _key(b)
            self._links.get(ka, {}).pop(kb, None)
            self._links.get(kb, {}).pop(ka, None)

    def linked(self, obj: Any) -> list[Any]:
        with self._lock:
            return list(self._links.get(_key(obj), {}).values())

    def _hook(self, obj: Any) -> None:
        key = _key(obj)
        with self._lock:
            if key in self._hooked:
                return
            self._hooked.add(key)
        if _is_ref(obj):
            if _report_on_stop(obj, lambda: self.exited(obj, "normal")):
                return
            with self._lock:
                self._watched[key] = obj
                if self._watcher is None:
                    self._watcher = threading.Thread(
                        target=self._watch, name="actors-link-watcher", daemon=True
                    )
                    self._watcher.start()
                return
        obj.on_exit(lambda _o, reason, _detail: self.exited(obj, reason))

    def _watch(self) -> None:
        while True:
            threading.Event().wait(_POLL_SECONDS)
            with self._lock:
                gone = [(k, r) for k, r in self._watched.items() if not r.is_alive()]
                for k, _ in gone:
                    del self._watched[k]
            for _k, ref in gone:
                self.exited(ref, "normal")

    def exited(self, obj: Any, reason: str) -> None:
        """``obj`` exited with ``reason``: tell or stop everything linked to it."""
        key = _key(obj)
        with self._lock:
            others = list(self._links.pop(key, {}).values())
            for other in others:
                self._links.get(_key(other), {}).pop(key, None)
            self._hooked.discard(key)
        for other in others:
            self._deliver(other, obj, reason)

    def _deliver(self, other: Any, source: Any, reason: str) -> None:
        try:
            if _traps(other):
                other.tell(ProxyCall(attr_path=("on_link_exit",), args=(_ref_of(source), reason), kwargs={}))
                return
            stop_linked: Callable[[], None] | None = getattr(other, "_stop_linked", None)
            if stop_linked is not None and getattr(other, "stops_on_any_link_exit", False):
                stop_linked()  # a context: never outlives its link
            elif reason not in NORMAL_REASONS:
                if stop_linked is not None:
                    stop_linked()  # a supervisor
                elif _is_ref(other):
                    other.stop(block=False)
        except pykka.ActorDeadError:
            pass
        except BaseException as exc:
            escalate(exc, f"propagating the exit of {source!r} to {other!r}")


_table = _LinkTable()


def _reset_after_fork() -> None:
    # the watcher thread is the parent's; links of objects made in the child start afresh
    global _table
    _table = _LinkTable()


os.register_at_fork(after_in_child=_reset_after_fork)


def link(a: Any, b: Any) -> None:
    """Link ``a`` and ``b`` (Context, Supervisor or ``pykka.ActorRef``) both ways."""
    _table.link(a, b)


def unlink(a: Any, b: Any) -> None:
    """Remove the link between ``a`` and ``b`` (no error if there is none)."""
    _table.unlink(a, b)


def linked(obj: Any) -> list[Any]:
    """What ``obj`` is linked to now."""
    return _table.linked(obj)
