"""Pykka actors whose mailboxes are served by a small shared pool of threads.

Pykka's :class:`pykka.ThreadingActor` gives every actor its own OS thread;
ten thousand contexts would mean ten thousand threads. :class:`DispatchActor`
is a Pykka actor type built on Pykka's actor hooks (``_create_actor_inbox``,
``_create_future``, ``_start_actor_loop``): its inbox is a plain queue, and an
actor with pending messages sits in the run queue of a :class:`Dispatcher`,
a few daemon worker threads shared by every actor on it.

Threads, per hook (compare Pykka's notes on ``ThreadingActor``):

* ``__init__()`` runs in the thread that calls ``start()``.
* ``on_start()``, ``on_receive()``, proxied methods and attributes,
  ``on_stop()`` and ``on_failure()`` run on a dispatcher worker thread, one
  at a time: an actor is scheduled at most once (a Waiting/Running flag, as in
  isolated-vm), so it never runs on two threads at once, but consecutive
  messages may run on different threads. Do not use thread-locals in actors.
* ``on_start()`` runs before any message, including messages sent from
  ``__init__()``.

Semantics are Pykka's: ``tell``/``ask``/proxies, messages handled in the order
received, ``ActorRef.stop()`` handled in order with other messages, messages
left when the actor stops answered with :class:`pykka.ActorDeadError`, an
exception in ``ask`` returned to the caller, an exception in ``tell`` logged,
``on_failure()`` called and the actor stopped. Futures are
:class:`pykka.ThreadingFuture`, so any thread, including a plain
``ThreadingActor``, can wait on them. The differences, all deliberate:

* A :class:`BaseException` that is not an :class:`Exception`
  (``KeyboardInterrupt``, ``SystemExit``) raised while handling a message
  stops only that actor (logged, ``on_stop()`` called as in Pykka), never
  ``ActorRegistry.stop_all()``: on a shared thread such an exception says
  nothing about the process. If the message was an ``ask``, the caller gets an
  :class:`pykka.ActorDeadError` caused by it, instead of waiting forever.
* A message that reaches a stopped actor's inbox after the actor has drained
  it (the ``is_alive()`` check in ``tell``/``ask`` raced with the stop) is
  answered with :class:`pykka.ActorDeadError` at once rather than never.

Fairness: a worker handles at most :attr:`Dispatcher.batch` messages for one
actor, then puts the actor back at the end of the run queue, so a busy actor
holds at most one thread.

Compensation: a handler may block, e.g. ``other.ask(...)`` on another actor of
the same dispatcher. If every worker blocks, the actors they wait for would
never run. A monitor thread watches the run queue: when an actor has waited
in it for :attr:`Dispatcher.stall_interval` (50 ms) and no worker has picked
up anything for that long, it adds one worker, and again after each further
stall interval, up to :attr:`Dispatcher.max_size` (64). Workers above
:attr:`Dispatcher.size` exit after :attr:`Dispatcher.keep_alive` seconds idle.
The monitor is parked while the queue is empty or a worker is free, so it
costs nothing when nothing is stuck. A true cycle (A waits for B, B for A)
deadlocks as it does in Pykka.
"""

from __future__ import annotations

import collections
import itertools
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pykka
from pykka import messages

if TYPE_CHECKING:
    from pykka._actor import ActorInbox
    from pykka._envelope import Envelope

__all__ = ["DispatchActor", "Dispatcher"]

log = logging.getLogger("actors.dispatch")
# Messages replicated from Pykka's actor loop go to Pykka's own logger.
_pykka_log = logging.getLogger("pykka")

Task = Callable[[], object]


def _default_size() -> int:
    return min(8, (os.cpu_count() or 1) * 2)


class Dispatcher:
    """A shared pool of daemon worker threads running tasks from a FIFO run queue.

    Workers start lazily, up to ``size``; compensation (see the module
    docstring) adds more, up to ``max_size``, while the run queue is stuck.
    Threads are daemons, so an actor stuck in a handler cannot block
    interpreter exit.

    Args:
        size: core worker threads (default ``min(8, 2 * cpu_count)``).
        max_size: upper bound on workers, compensation included.
        batch: messages one actor handles before yielding its worker.
        stall_interval: seconds the run queue may make no progress before a
            worker is added.
        keep_alive: seconds an idle worker above ``size`` waits before exiting.
        name: prefix of the thread names.
    """

    _default: ClassVar[Dispatcher | None] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        size: int | None = None,
        *,
        max_size: int = 64,
        batch: int = 16,
        stall_interval: float = 0.05,
        keep_alive: float = 1.0,
        name: str = "actors-dispatch",
    ) -> None:
        size = _default_size() if size is None else size
        if size < 1 or max_size < size or batch < 1 or stall_interval <= 0 or keep_alive <= 0:
            msg = (
                f"invalid dispatcher settings: size={size} max_size={max_size} batch={batch} "
                f"stall_interval={stall_interval} keep_alive={keep_alive}"
            )
            raise ValueError(msg)
        self.size = size
        self.max_size = max_size
        self.batch = batch
        self.stall_interval = stall_interval
        self.keep_alive = keep_alive
        self.name = name

        # One lock guards everything below; workers wait on _work_cv, the
        # monitor on _monitor_cv.
        self._lock = threading.Lock()
        self._work_cv = threading.Condition(self._lock)
        self._monitor_cv = threading.Condition(self._lock)
        self._run_queue: collections.deque[tuple[float, Task]] = collections.deque()
        self._threads = 0  # live workers, counted from before they start
        self._idle = 0  # workers waiting for a task
        self._workers: set[threading.Thread] = set()
        self._monitor: threading.Thread | None = None
        self._monitor_parked = False
        self._last_dequeue = 0.0
        self._last_growth = 0.0
        self._warned_max = False
        self._stopping = False
        self._counter = itertools.count(1)

    @classmethod
    def default(cls) -> Dispatcher:
        """The process-wide dispatcher, created on first use (again after a ``stop()``)."""
        current = cls._default
        if current is not None and not current._stopping:
            return current
        with cls._default_lock:
            if cls._default is None or cls._default._stopping:
                cls._default = cls()
            return cls._default

    def __repr__(self) -> str:
        # Lock-free: the repr is used in messages formatted under the lock.
        return (
            f"<Dispatcher {self.name!r} threads={self._threads} size={self.size} "
            f"max_size={self.max_size}{' stopped' if self._stopping else ''}>"
        )

    @property
    def thread_count(self) -> int:
        """Live worker threads (the monitor thread not included)."""
        with self._lock:
            return self._threads

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` has been called."""
        return self._stopping

    def submit(self, task: Task) -> None:
        """Run ``task`` on a worker thread, after every task submitted before it.

        ``task`` should not raise; if it does, the exception is logged and the
        worker carries on.

        Raises:
            RuntimeError: if the dispatcher has been stopped.
        """
        new_worker = False
        new_monitor = False
        with self._lock:
            if self._stopping:
                msg = f"{self!r} is stopped"
                raise RuntimeError(msg)
            self._run_queue.append((time.monotonic(), task))
            if self._idle:
                self._work_cv.notify()
            # More queued tasks than waiting workers: someone will wait.
            if len(self._run_queue) > self._idle:
                if self._threads < self.size:
                    self._threads += 1
                    new_worker = True
                elif self._monitor_parked:
                    self._monitor_parked = False
                    self._monitor_cv.notify()
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name=f"{self.name}-monitor", daemon=True)
                new_monitor = True
        if new_worker:
            self._start_worker()
        if new_monitor:
            assert self._monitor is not None
            self._monitor.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the workers after their current task; tasks still queued never run.

        Stop the actors first: an actor scheduled on a stopped dispatcher is
        never run, and sending it a message raises :class:`RuntimeError`.

        Returns:
            ``True`` if every thread exited within ``timeout`` seconds.
        """
        with self._lock:
            self._stopping = True
            self._run_queue.clear()
            self._work_cv.notify_all()
            self._monitor_cv.notify_all()
            threads = [*self._workers, *([self._monitor] if self._monitor else [])]
        deadline = time.monotonic() + timeout
        me = threading.current_thread()
        for thread in threads:
            if thread is not me and thread.ident is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads if t is not me)

    def _start_worker(self) -> None:
        # Called without the lock, _threads already counting this worker.
        with self._lock:
            thread = self._new_worker()
        thread.start()

    def _new_worker(self) -> threading.Thread:
        # Lock held.
        thread = threading.Thread(target=self._work, name=f"{self.name}-{next(self._counter)}", daemon=True)
        self._workers.add(thread)
        return thread

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                self._idle += 1
                try:
                    while not self._run_queue or self._stopping:
                        if self._stopping:
                            self._retire(me)
                            return
                        if self._threads <= self.size:
                            self._work_cv.wait()
                        elif (
                            not self._work_cv.wait(self.keep_alive)
                            and not self._run_queue
                            and self._threads > self.size
                        ):
                            self._retire(me)
                            return
                    _, task = self._run_queue.popleft()
                    self._last_dequeue = time.monotonic()
                finally:
                    self._idle -= 1
            try:
                task()
            except BaseException:
                log.exception("Dispatcher task %r raised", task)
            del task

    def _retire(self, thread: threading.Thread) -> None:
        # Lock held.
        self._threads -= 1
        self._workers.discard(thread)

    def _watch(self) -> None:
        # The compensation monitor. Progress is measured from the newest of:
        # when the oldest queued task was queued, the last dequeue, the last
        # worker added. A long queue drained steadily by busy workers is not
        # a stall; a queue nobody has touched for stall_interval is.
        with self._lock:
            while not self._stopping:
                if not self._run_queue or len(self._run_queue) <= self._idle:
                    self._monitor_parked = True
                    self._monitor_cv.wait()
                    continue
                if self._threads >= self.max_size:
                    if not self._warned_max:
                        self._warned_max = True
                        log.warning("%r: every worker is busy at max_size; actors are waiting", self)
                    self._monitor_parked = True
                    self._monitor_cv.wait()
                    continue
                now = time.monotonic()
                since = max(self._run_queue[0][0], self._last_dequeue, self._last_growth)
                remaining = since + self.stall_interval - now
                if remaining > 0:
                    self._monitor_cv.wait(remaining)
                    continue
                self._last_growth = now
                self._threads += 1
                log.debug("%r: run queue stalled, adding a worker", self)
                # Safe under the lock: start() only waits for the thread to
                # be born, not for it to run.
                self._new_worker().start()


def _reset_after_fork() -> None:
    # In a forked child the default dispatcher's workers do not exist (and
    # its lock may be held for good): actors started there get a new one.
    Dispatcher._default = None
    Dispatcher._default_lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def _reject(envelope: Envelope[Any], who: str) -> None:
    """Answer a message the actor will never handle, as Pykka's teardown does."""
    if envelope.reply_to is None:
        return
    if isinstance(envelope.message, messages._ActorStop):
        envelope.reply_to.set(None)
    else:
        error = pykka.ActorDeadError(f"{who} stopped before handling the message")
        envelope.reply_to.set_exception(exc_info=(pykka.ActorDeadError, error, None))


class _Mailbox:
    """The inbox of one :class:`DispatchActor`, and its place in the run queue.

    ``put`` may be called from any thread; everything else runs on the worker
    that currently owns the actor. ``_scheduled`` is the Waiting/Running
    flag: it is set by the ``put`` (or the start) that submits the actor and
    cleared only by the worker that finds the inbox empty, both under
    ``_lock``, so the actor is in the run queue or on a worker at most once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: collections.deque[Envelope[Any]] = collections.deque()
        self._actor: DispatchActor | None = None
        self._dispatcher: Dispatcher | None = None
        self._scheduled = False
        self._closed = False
        self._started = False
        self._name = "actor"

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)

    def put(self, envelope: Envelope[Any], /) -> None:
        """Queue ``envelope``; schedule the actor if it is not scheduled yet. Any thread."""
        with self._lock:
            if self._closed:
                dispatcher = None
            else:
                self._queue.append(envelope)
                # Before start the message just waits, as in a Pykka queue.
                if self._scheduled or self._dispatcher is None:
                    return
                self._scheduled = True
                dispatcher = self._dispatcher
        if dispatcher is None:
            _reject(envelope, self._name)
        else:
            dispatcher.submit(self._run)

    def get(self) -> Envelope[Any]:
        """Take the next envelope; never blocks (raises :class:`queue.Empty`)."""
        with self._lock:
            if not self._queue:
                raise queue.Empty
            return self._queue.popleft()

    def empty(self) -> bool:
        with self._lock:
            return not self._queue

    def _start(self, actor: DispatchActor, dispatcher: Dispatcher) -> None:
        with self._lock:
            self._actor = actor
            self._name = str(actor.actor_ref)
            self._dispatcher = dispatcher
            self._scheduled = True
        dispatcher.submit(self._run)

    def _run(self) -> None:
        # Worker thread; we own the actor until we clear _scheduled or requeue.
        actor = self._actor
        dispatcher = self._dispatcher
        assert actor is not None
        assert dispatcher is not None
        try:
            if not self._started:
                self._started = True
                actor._actor_loop_setup()
            for _ in range(dispatcher.batch):
                if actor.actor_stopped.is_set():
                    break
                with self._lock:
                    if not self._queue:
                        break
                    envelope = self._queue.popleft()
                actor._process_one(envelope)
                del envelope
        except BaseException as exc:
            # Only reached if on_start, on_stop or on_failure raised a
            # BaseException; the handler's own exceptions are dealt with in
            # _process_one.
            actor._abort(exc)
        if actor.actor_stopped.is_set():
            self._close(actor)
            return
        with self._lock:
            if not self._queue:
                self._scheduled = False
                return
        dispatcher.submit(self._run)

    def _close(self, actor: DispatchActor) -> None:
        with self._lock:
            self._closed = True  # from now on put() rejects at once
        actor._actor_loop_teardown()
        self._actor = None  # the actor may be collected once nobody else holds it


class DispatchActor(pykka.Actor):
    """A Pykka actor run on a shared :class:`Dispatcher` instead of its own thread.

    Subclass it as you would :class:`pykka.ThreadingActor`. Set the
    ``dispatcher`` class attribute to run the class on a given dispatcher;
    ``None`` means :meth:`Dispatcher.default`. It is read when the actor starts.
    """

    dispatcher: ClassVar[Dispatcher | None] = None

    @staticmethod
    def _create_actor_inbox() -> ActorInbox:
        return _Mailbox()

    @staticmethod
    def _create_future() -> pykka.Future[Any]:
        return pykka.ThreadingFuture()

    def _start_actor_loop(self) -> None:
        inbox = self.actor_inbox
        if not isinstance(inbox, _Mailbox):
            msg = f"{type(self).__name__}._create_actor_inbox() must return the dispatch inbox"
            raise TypeError(msg)
        dispatcher = type(self).dispatcher
        inbox._start(self, Dispatcher.default() if dispatcher is None else dispatcher)

    def _process_one(self, envelope: Envelope[Any]) -> None:
        """Handle one message: one turn of Pykka's ``_actor_loop_running``. Worker thread."""
        try:
            response = self._handle_receive(envelope.message)
            if envelope.reply_to is not None:
                envelope.reply_to.set(response)
        except Exception:
            if envelope.reply_to is not None:
                _pykka_log.info(f"Exception returned from {self} to caller:", exc_info=sys.exc_info())
                envelope.reply_to.set_exception()
            else:
                self._handle_failure(*sys.exc_info())
                try:
                    self.on_failure(*sys.exc_info())
                except Exception:
                    self._handle_failure(*sys.exc_info())
        except BaseException as exc:
            # Pykka stops every actor here; on a shared thread we stop this one.
            log.error("%r in %s; stopping this actor", exc, self, exc_info=True)
            try:
                if not self.actor_stopped.is_set():
                    self._stop()
            finally:
                if envelope.reply_to is not None:
                    error = pykka.ActorDeadError(f"{self.actor_ref} stopped by {exc!r}")
                    error.__cause__ = exc
                    envelope.reply_to.set_exception(exc_info=(pykka.ActorDeadError, error, None))

    def _abort(self, exc: BaseException) -> None:
        """Stop without further hooks after a hook raised a BaseException. Worker thread."""
        log.error("%r in a hook of %s; stopping this actor", exc, self, exc_info=exc)
        pykka.ActorRegistry.unregister(self.actor_ref)
        self.actor_stopped.set()
