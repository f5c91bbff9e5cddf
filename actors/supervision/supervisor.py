"""Supervisor: OTP supervision for contexts (and other supervisors).

A Supervisor owns an ordered list of children. Children start left to right
and stop right to left. When a child exits, its restart type decides whether
it comes back (``permanent``: always; ``transient``: only after an abnormal
exit; ``temporary``: never), and the strategy decides which siblings go down
and come back with it (``one_for_one``, ``one_for_all``, ``rest_for_one``).
More than ``max_restarts`` restarts within ``max_seconds`` make the supervisor
stop every child and exit with reason ``max_restarts``, which its own
supervisor sees as a crash.

Threading: all supervision work (starting, stopping, restarting children)
runs on the supervisor's actor (a DispatchActor, so no thread of its own);
the public methods send it a message and wait for the answer, or run inline
when called from that actor. Child exits arrive as messages too, so they are
handled one at a time, in order, never racing a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pykka

from actors._handlers import escalate, run_callback
from actors._serving import serving
from actors.dispatch import DispatchActor
from actors.errors import ActorsError
from actors.supervision import links
from actors.supervision.intensity import record_restart
from actors.supervision.spec import NORMAL_REASONS, RESTART_TYPES, ChildSpec
from actors.supervision.strategies import STRATEGIES, affected_children

__all__ = ["PoolSupervisor", "Supervisor"]

log = logging.getLogger("actors.supervisor")

ExitCallback = Callable[[Any, str, Any], None]


@dataclass
class _ChildState:
    spec: ChildSpec
    child: Any = None
    terminating: bool = False
    history: tuple[float, ...] = ()


@dataclass
class _Call:
    fn: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass
class _Raised:
    exc: BaseException


@dataclass
class _ChildExited:
    child_id: str
    child: Any
    reason: str


class _SupervisorActor(DispatchActor):
    """Runs the supervisor's work one message at a time."""

    def __init__(self, sup: Supervisor) -> None:
        super().__init__()
        self._sup = sup

    def on_receive(self, message: Any) -> Any:
        if isinstance(message, _Call):
            return message.fn(*message.args)
        if isinstance(message, _ChildExited):
            self._sup._handle_child_exit(message.child_id, message.child, message.reason)
            return None
        return super().on_receive(message)

    def on_stop(self) -> None:
        self._sup._terminate_all("shutdown")
        self._sup._mark_exited("normal" if self._sup._exit_reason is None else self._sup._exit_reason)


class Supervisor:
    """An OTP-style supervisor (see the module docstring).

    Args:
        strategy: ``"one_for_one"``, ``"one_for_all"`` or ``"rest_for_one"``.
        max_restarts: restarts allowed within ``max_seconds`` before giving up.
        max_seconds: the window of the restart intensity.
        name: a label for logs.
        clock: monotonic clock in seconds (tests inject a fake one).
    """

    stops_on_any_link_exit = False
    # restart intensity counted per child (PoolSupervisor) or for all (OTP)
    _per_child = False

    def __init__(
        self,
        strategy: str = "one_for_one",
        max_restarts: int = 3,
        max_seconds: float = 5.0,
        *,
        name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
        if isinstance(max_restarts, bool) or not isinstance(max_restarts, int) or max_restarts < 0:
            raise ValueError("max_restarts must be an int >= 0")
        if not max_seconds > 0:
            raise ValueError("max_seconds must be > 0")
        self.strategy = strategy
        self.max_restarts = max_restarts
        self.max_seconds = float(max_seconds)
        self.name = name
        self._clock = clock
        self._children: dict[str, _ChildState] = {}
        self._history: tuple[float, ...] = ()
        self._lock = threading.Lock()
        self._exited = threading.Event()
        self._exit_reason: str | None = None
        self._exit_callbacks: list[ExitCallback] = []
        self._actor_ref: pykka.ActorRef[Any] = _SupervisorActor.start(self)
        self._actor_thread: threading.Thread | None = None

    # ---- running work on the supervisor's actor ------------------------------------------

    def _on_actor(self) -> bool:
        return getattr(_current, "sup", None) is self

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._on_actor():
            return fn(*args)
        if serving.event_thread:
            raise ActorsError(
                f"supervisor {self._label}: cannot start children from a pool's event thread "
                "(an exit or message callback); do it from another thread"
            )
        if self._exited.is_set():
            raise ActorsError(f"supervisor {self._label} has exited ({self._exit_reason})")

        def on_actor(*a: Any) -> Any:
            _current.sup = self
            try:
                return fn(*a)
            except Exception:
                raise
            except BaseException as exc:
                # A factory's KeyboardInterrupt or SystemExit would stop the
                # supervisor's actor: hand it to the caller instead.
                return _Raised(exc)
            finally:
                _current.sup = None

        try:
            result = self._actor_ref.ask(_Call(on_actor, args))
        except pykka.ActorDeadError:
            raise ActorsError(f"supervisor {self._label} has exited ({self._exit_reason})") from None
        if isinstance(result, _Raised):
            raise result.exc
        return result

    @property
    def _label(self) -> str:
        return repr(self.name) if self.name else f"@{id(self):x}"

    # ---- public API ------------------------------------------------------------------------

    @property
    def actor_ref(self) -> pykka.ActorRef[Any]:
        """The Pykka ActorRef of the supervisor's actor (usable in links)."""
        return self._actor_ref

    @property
    def alive(self) -> bool:
        return not self._exited.is_set()

    @property
    def exit_reason(self) -> str | None:
        return self._exit_reason

    def start_child(self, child_id: str, start: Callable[[], Any], restart: str = "permanent") -> Any:
        """Start a child (``start()`` returns it) and supervise it; returns the child.

        Raises:
            ValueError: the id is taken or the restart type is unknown.
            Exception: whatever ``start()`` raised (the child is not added).
        """
        if restart not in RESTART_TYPES:
            raise ValueError(f"unknown restart type {restart!r}; use one of {', '.join(RESTART_TYPES)}")
        spec = ChildSpec(id=child_id, start=start, restart=restart)  # type: ignore[arg-type]
        return self._run(self._do_start_child, spec)

    def child(self, child_id: str) -> Any:
        """The current incarnation of ``child_id`` (None while it is not running).

        Answered by the supervisor's actor, after the exits it was told about
        before the call: once ``ctx.wait()`` has returned for a crashed child,
        this returns its replacement.
        """
        return self._read(lambda: self._children[child_id].child if child_id in self._children else None)

    def which_children(self) -> list[tuple[str, Any, str]]:
        """``[(id, child, restart), ...]`` in start order (child is None when not running)."""
        children: list[tuple[str, Any, str]] = self._read(
            lambda: [(cid, st.child, st.spec.restart) for cid, st in self._children.items()]
        )
        return children

    def count_children(self) -> dict[str, int]:
        """``{"specs": n, "active": n}`` like OTP's count_children."""

        def count() -> dict[str, int]:
            active = sum(1 for st in self._children.values() if st.child is not None and st.child.alive)
            return {"specs": len(self._children), "active": active}

        counts: dict[str, int] = self._read(count)
        return counts

    def _read(self, fn: Callable[[], Any]) -> Any:
        # From a pool's event thread (an exit callback), asking the actor could
        # wait on a restart that waits on that very thread: read directly.
        if not self._on_actor() and not self._exited.is_set() and not serving.event_thread:
            try:
                return self._run(fn)
            except ActorsError:
                pass  # exited meanwhile: read the final state directly
        with self._lock:
            return fn()

    def terminate_child(self, child_id: str) -> None:
        """Stop a child without restarting it; its spec stays (``restart_child`` brings it back).

        From a pool's event thread (an exit callback) this only queues the
        work: waiting there would wait on the thread that reports exits.
        """
        if serving.event_thread and not self._on_actor():
            self._tell(self._do_terminate_child, child_id)
            return
        self._run(self._do_terminate_child, child_id)

    def restart_child(self, child_id: str) -> Any:
        """Start a terminated child again from its spec; returns the new incarnation."""
        return self._run(self._do_restart_child, child_id)

    def delete_child(self, child_id: str) -> None:
        """Forget a terminated child's spec (queued when called from an exit callback)."""
        if serving.event_thread and not self._on_actor():
            self._tell(self._do_delete_child, child_id)
            return
        self._run(self._do_delete_child, child_id)

    def _tell(self, fn: Callable[..., Any], *args: Any) -> None:
        def on_actor(*a: Any) -> None:
            _current.sup = self
            try:
                fn(*a)
            except Exception as exc:
                log.warning("supervisor %s: %s failed: %s", self._label, fn.__name__, exc)
            except BaseException as exc:
                escalate(exc, f"supervisor {self._label}: {fn.__name__}")
            finally:
                _current.sup = None

        try:
            self._actor_ref.tell(_Call(on_actor, args))
        except pykka.ActorDeadError:
            pass

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every child (reverse start order), then the supervisor (reason ``normal``)."""
        if self._exited.is_set():
            return
        if serving.event_thread:
            # an exit callback: stopping children needs this thread to report
            # their exits, so the stop finishes after the callback returns
            self._actor_ref.stop(block=False)
            return
        if self._on_actor():
            self._terminate_all("shutdown")
            self._mark_exited("normal")
            self._actor_ref.stop(block=False)
            return
        try:
            self._actor_ref.stop(block=True, timeout=timeout)
        except pykka.ActorDeadError:
            pass
        self._exited.wait(timeout)

    def kill(self, timeout: float = 10.0) -> None:
        """Stop abnormally (reason ``killed``): a parent supervisor restarts it."""
        with self._lock:
            if self._exited.is_set():
                return
            self._exit_reason = self._exit_reason or "killed"
        self.stop(timeout)

    def on_exit(self, callback: ExitCallback) -> ExitCallback:
        """Register ``callback(supervisor, reason, None)`` run once when the supervisor exits."""
        with self._lock:
            if not self._exited.is_set():
                self._exit_callbacks.append(callback)
                return callback
        callback(self, self._exit_reason or "normal", None)
        return callback

    def link(self, other: Any) -> None:
        """Link to a Context, Supervisor or ActorRef (bidirectional)."""
        links.link(self, other)

    def unlink(self, other: Any) -> None:
        links.unlink(self, other)

    def wait(self, timeout: float | None = None) -> bool:
        return self._exited.wait(timeout)

    def __repr__(self) -> str:
        state = "alive" if self.alive else f"exited:{self._exit_reason}"
        return f"<actors.Supervisor {self._label} {self.strategy} {len(self._children)} children {state}>"

    def _stop_linked(self) -> None:
        self._exit_reason = "linked"
        threading.Thread(target=self.stop, daemon=True).start()

    # ---- work done on the actor ----------------------------------------------------------

    def _watch(self, child_id: str, child: Any) -> None:
        ref = self._actor_ref

        def exited(_c: Any, reason: str, _detail: Any) -> None:
            try:
                ref.tell(_ChildExited(child_id, child, reason))
            except pykka.ActorDeadError:
                pass

        child.on_exit(exited)

    def _do_start_child(self, spec: ChildSpec) -> Any:
        with self._lock:
            if spec.id in self._children:
                raise ValueError(f"a child with id {spec.id!r} already exists")
        child = spec.start()
        with self._lock:
            self._children[spec.id] = _ChildState(spec=spec, child=child)
        self._watch(spec.id, child)
        return child

    def _do_terminate_child(self, child_id: str) -> None:
        st = self._get(child_id)
        self._terminate(st)
        if st.spec.restart == "temporary":
            with self._lock:
                self._children.pop(child_id, None)

    def _do_restart_child(self, child_id: str) -> Any:
        st = self._get(child_id)
        if st.child is not None and st.child.alive:
            raise ActorsError(f"child {child_id!r} is running")
        return self._start(st)

    def _do_delete_child(self, child_id: str) -> None:
        st = self._get(child_id)
        if st.child is not None and st.child.alive:
            raise ActorsError(f"child {child_id!r} is running; terminate it first")
        with self._lock:
            self._children.pop(child_id, None)

    def _get(self, child_id: str) -> _ChildState:
        with self._lock:
            st = self._children.get(child_id)
        if st is None:
            raise KeyError(f"no child with id {child_id!r}")
        return st

    def _start(self, st: _ChildState) -> Any:
        child = st.spec.start()
        st.child = child
        st.terminating = False
        self._watch(st.spec.id, child)
        return child

    def _terminate(self, st: _ChildState) -> None:
        child = st.child
        if child is None:
            return
        st.terminating = True
        try:
            child.stop(st.spec.shutdown_timeout)
        except Exception:
            log.exception("stopping child %r of supervisor %s failed", st.spec.id, self._label)
        st.child = None

    def _terminate_all(self, _why: str) -> None:
        with self._lock:
            states = list(self._children.values())
        for st in reversed(states):
            self._terminate(st)

    def _mark_exited(self, reason: str) -> None:
        with self._lock:
            if self._exited.is_set():
                return
            self._exit_reason = self._exit_reason or reason
            self._exited.set()
            callbacks = list(self._exit_callbacks)
            self._exit_callbacks.clear()
        interrupt: BaseException | None = None
        for cb in callbacks:
            where = f"exit callback of supervisor {self._label}"
            raised = run_callback(where, cb, self, self._exit_reason, None)
            interrupt = interrupt or raised
        if interrupt is not None:
            raise interrupt  # only on the main thread: see run_callback

    def _handle_child_exit(self, child_id: str, child: Any, reason: str) -> None:
        _current.sup = self
        try:
            self._child_exit(child_id, child, reason)
        finally:
            _current.sup = None

    def _child_exit(self, child_id: str, child: Any, reason: str) -> None:
        with self._lock:
            st = self._children.get(child_id)
        if st is None or st.child is not child or st.terminating or self._exited.is_set():
            return  # an old incarnation, or one we are stopping ourselves
        st.child = None
        restart = st.spec.restart
        if restart == "temporary":
            with self._lock:
                self._children.pop(child_id, None)
            return
        if restart == "transient" and reason in NORMAL_REASONS:
            return
        log.info("supervisor %s: child %r exited (%s), restarting", self._label, child_id, reason)
        order = list(self._children)
        ids = affected_children(self.strategy, order, child_id)
        for other in reversed(ids):
            if other != child_id:
                self._terminate(self._children[other])
        # as in OTP, a temporary sibling taken down by a group restart is gone
        for other in [i for i in ids if i != child_id and self._children[i].spec.restart == "temporary"]:
            with self._lock:
                self._children.pop(other, None)
            ids.remove(other)
        # One restart per failure, as OTP counts it (a one_for_all restart of
        # N children is one restart); a child whose start fails counts again.
        if not self._allow_restart(st if self._per_child else None):
            self._intensity_exceeded(child_id)
            return
        pending = list(ids)
        while pending:
            cid = pending[0]
            try:
                self._start(self._children[cid])
            except BaseException as exc:  # a factory's KeyboardInterrupt is a failed start too
                if isinstance(exc, Exception):
                    log.error("supervisor %s: restarting child %r failed: %s", self._label, cid, exc)
                else:
                    escalate(exc, f"supervisor {self._label}: the factory of child {cid!r}")
                if not self._allow_restart(self._children[cid] if self._per_child else None):
                    self._intensity_exceeded(cid)
                    return
                continue
            pending.pop(0)

    def _intensity_exceeded(self, child_id: str) -> None:
        if self._per_child:
            log.error("supervisor %s: child %r restarted too often, giving up on it", self._label, child_id)
            with self._lock:
                self._children.pop(child_id, None)
            return
        log.error(
            "supervisor %s: more than %d restarts in %.1f s, shutting down",
            self._label,
            self.max_restarts,
            self.max_seconds,
        )
        self._give_up()

    def _allow_restart(self, st: _ChildState | None) -> bool:
        now = self._clock()
        if st is not None:
            ok, st.history = record_restart(st.history, now, self.max_restarts, self.max_seconds)
            return ok
        ok, self._history = record_restart(self._history, now, self.max_restarts, self.max_seconds)
        return ok

    def _give_up(self) -> None:
        self._terminate_all("shutdown")
        self._exit_reason = "max_restarts"
        self._mark_exited("max_restarts")
        self._actor_ref.stop(block=False)


_current = threading.local()


class PoolSupervisor(Supervisor):
    """The supervisor of a pool's ``spawn(restart=...)`` contexts.

    ``one_for_one`` with the restart intensity (3 in 5 s) counted per
    context: one crash-looping context exhausts its own restarts and is
    dropped, instead of taking its healthy siblings down with the
    supervisor as a shared OTP intensity would.
    """

    _per_child = True

    def __init__(self, *, name: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__("one_for_one", max_restarts=3, max_seconds=5.0, name=name, clock=clock)
