"""Process mode: the native pump in worker processes, behind the same interface.

:class:`ProcessPump` stands where :class:`actors._binding.NativePool` stands in
thread mode, and :class:`RemoteContext` where ``NativeContext`` does: the pool
and its contexts cannot tell them apart. Command frames go to a worker as
they are, events come back as the worker's pump wrote them (protocol in
:mod:`actors.process.wire`).

Each worker has a native client (``native/process/client.c``) whose reader thread
completes blocked callers' waiters and feeds the hub's event and call queues,
and a monitor thread here. When a worker dies (segfault, abort, the OS
killer), the monitor sees its socket close: every blocking call into that
process fails at once, every context that lived there exits with reason ``crashed`` (through
the ordinary exit event, so supervisors restart them as for any crash), the
process is reaped, its socket closed, and a replacement started.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.process
import multiprocessing.util
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

import msgpack

from actors import _binding as nb
from actors import codec
from actors.backend import ContextSpec
from actors.errors import ActorsError, ContextDeadError, ConversionError
from actors.process import wire as w

__all__ = ["ProcessPump", "RemoteContext"]

log = logging.getLogger("actors")

_START_TIMEOUT = 30.0
_REPLACE_WAIT = 2.0
_mp_lock = threading.Lock()
_mp_context: Any = None


def _mp() -> Any:
    """The multiprocessing context: forkserver (preloaded with the worker
    module), so every worker starts from a clean single-threaded parent."""
    global _mp_context
    with _mp_lock:
        if _mp_context is None:
            methods = multiprocessing.get_all_start_methods()
            ctx: Any
            if "forkserver" in methods:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["actors.process.worker"])
            else:  # pragma: no cover - platforms without forkserver
                ctx = multiprocessing.get_context("spawn")
            _mp_context = ctx
        return _mp_context


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Starts a worker without multiprocessing re-running the user's main module in it.

    multiprocessing records ``__main__``'s spec or file in the data a new
    process starts from and imports it there, which runs an unguarded script
    again in every worker, and fails outright for a script read from standard
    input (``python - <<EOF``: its ``__file__`` is ``<stdin>``). A worker runs
    only ``actors`` code (its target and arguments are ours), so for the
    instant of ``Process.start()`` the main module shows neither.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    with _main_lock:
        spec = main.__dict__.get("__spec__")
        had_file = "__file__" in main.__dict__
        path = main.__dict__.get("__file__")
        main.__spec__ = None
        if had_file:
            del main.__file__
        try:
            yield
        finally:
            main.__spec__ = spec
            if had_file:
                main.__file__ = path


_main_lock = threading.Lock()


_TRIM_AFTER_EXITS = 256  # at most this many contexts stopped in a worker between two malloc_trim there


class _Worker:
    """One worker process, its socket, its native client and a monitor thread."""

    def __init__(self, pump: ProcessPump, index: int, threads: int, spare: int) -> None:
        self.pump = pump
        self.index = index
        self.threads = threads
        self.spare = spare
        self.contexts: dict[int, RemoteContext] = {}
        self.lock = threading.Lock()
        self.exits_since_trim = 0
        self.alive = False
        self.quitting = False
        self.pid = 0
        mine, theirs = socket.socketpair()
        self.sock = mine
        mp = _mp()
        self.proc = mp.Process(
            target=_worker_entry,
            args=(theirs, threads, spare),
            name=f"actors-pool-{pump.pool_id}-worker-{index}",
            daemon=True,
        )
        try:
            with _main_module_hidden():
                self.proc.start()
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        self.client = nb.Client(mine.fileno(), pump.hub)
        self.alive = True
        self.monitor = threading.Thread(
            target=self._watch, name=f"actors-pool-{pump.pool_id}-worker-{index}", daemon=True
        )
        self.monitor.start()

    @property
    def load(self) -> int:
        return len(self.contexts)

    def wait_ready(self, timeout: float) -> bool:
        self.pid = self.client.wait_hello(timeout)
        return self.pid != 0

    # ---- requests ----------------------------------------------------------------------

    def call(self, kind: int, body: bytes, timeout: float = _START_TIMEOUT) -> bytes:
        """A request answered by the worker's Python side (spawn, stats)."""

        def too_late() -> None:
            if time.monotonic() > deadline:
                raise ActorsError(f"worker process {self.index} did not answer in {timeout} s")

        deadline = time.monotonic() + timeout
        return self.client.request(kind, 0, body, 0.25, too_late)

    def call_for(self, kind: int, ctx_id: int, timeout: float) -> bytes:
        """A request about one context answered natively by the worker (``M``)."""

        def too_late() -> None:
            if time.monotonic() > deadline:
                raise ActorsError(f"worker process {self.index} did not answer in {timeout} s")

        deadline = time.monotonic() + timeout
        return self.client.request(kind, ctx_id, b"", 0.25, too_late)

    def send(self, kind: int, a: int, b: int, body: bytes = b"") -> bool:
        return self.alive and self.client.send(kind, a, b, body)

    def send_fault(self, kind: str, delay: float, data: bytes = b"") -> None:
        """Test hook (``actors.testing``): the process fails on purpose."""
        self.send(w.FAULT, int(delay * 1000), 0, kind.encode() + b"\0" + data)

    # ---- the monitor thread ------------------------------------------------------------

    def _watch(self) -> None:
        while not self.client.wait_closed(1.0):
            pass
        self._gone()

    def _gone(self) -> None:
        """The socket closed: a crash, unless we asked the process to quit.

        A worker that sent a bad frame (the client stopped reading it) is
        killed at once, quitting or not: it may be running an exploit, and
        is never trusted again.
        """
        violation = self.client.violation()
        with self.lock:
            self.alive = False
            crashed = not self.quitting or bool(violation)
            contexts, self.contexts = self.contexts, {}
        if violation:
            try:
                self.proc.kill()
            except ValueError:  # pragma: no cover - already closed
                pass
        self.proc.join(5.0)
        if self.proc.is_alive():  # pragma: no cover - closed its socket but lives on
            self.proc.kill()
            self.proc.join(5.0)
        code = self.proc.exitcode
        try:
            self.proc.close()
        except ValueError:  # pragma: no cover - still running after kill
            pass
        why = f"{violation} and was killed" if violation else _describe_exit(code)
        if crashed:
            log.error(
                "actors: worker process %d (pid %d) %s; %d contexts lost",
                self.index,
                self.pid,
                why,
                len(contexts),
            )
            for rc in contexts.values():
                rc.dead = True
            # first the reason, then the callers: they must see "crashed"
            self.pump.on_crash(list(contexts), why)
        self.client.fail_pending(codec.encode([nb.R_DEAD, f"the worker process {why}"]))
        self.client.free()
        self.sock.close()
        if not crashed:
            return
        self.pump.expect_replacement(self)
        for ctx_id in contexts:
            self.pump.hub.push(codec.encode([nb.EV_EXIT, ctx_id, "crashed", None]))
        self.pump.replace(self)

    def context_exited(self, ctx_id: int) -> None:
        with self.lock:
            rc = self.contexts.pop(ctx_id, None)
            if rc is not None:
                self.exits_since_trim += 1
            # every 256 exits, sooner when few contexts remain (their heap is then most
            # of what the worker holds), and at the last one
            threshold = min(_TRIM_AFTER_EXITS, max(16, len(self.contexts) // 8))
            trim = self.exits_since_trim >= threshold or (not self.contexts and self.exits_since_trim > 0)
            if trim:
                self.exits_since_trim = 0
        if rc is not None:
            rc.dead = True
        if trim:
            # glibc keeps a stopped context's heap pages in the worker's arenas: after a
            # burst of exits (or the last one) the worker returns them (measured in the
            # README's live section)
            self.send(w.TRIM, 0, 0)

    def quit(self, timeout: float) -> None:
        with self.lock:
            self.quitting = True
        self.send(w.QUIT, 0, 0)
        self.monitor.join(timeout)
        if self.monitor.is_alive():  # the process did not stop in time: make it
            try:
                self.proc.kill()
            except ValueError:
                pass
            self.monitor.join(5.0)


def _worker_entry(sock: socket.socket, threads: int, spare: int) -> None:
    from actors.process.worker import main

    main(sock, threads, spare)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "vanished"
    if code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"crashed ({name})"
    return f"exited with status {code}"


class ProcessPump:
    """P worker processes standing in for one native pool."""

    def __init__(
        self,
        threads: int,
        spare_threads: int,
        processes: int,
        pool_id: int,
        on_crash: Callable[[list[int], str], None],
    ) -> None:
        self.pool_id = pool_id
        self.hub = nb.Hub()
        self._on_crash = on_crash
        self._closed = False
        self._lock = threading.Condition()
        self._threads = threads
        share = [threads // processes + (1 if i < threads % processes else 0) for i in range(processes)]
        self._shares = [max(1, s) for s in share]
        self._spare = spare_threads
        self.workers: list[_Worker | None] = [None] * processes
        self._replacing: set[int] = set()  # indexes of crashed workers being replaced
        self.crashes = 0
        try:
            for i in range(processes):
                self.workers[i] = _Worker(self, i, self._shares[i], spare_threads)
            for wk in self.workers:
                assert wk is not None
                if not wk.wait_ready(_START_TIMEOUT) or not wk.alive:
                    raise ActorsError(f"worker process {wk.index} did not start")
        except BaseException:
            self.free()
            raise

    # ---- the Backend interface (actors.backend) ------------------------------------------

    def new_context(self, spec: ContextSpec) -> RemoteContext:
        body = msgpack.packb(spec.to_list())
        ctx_id = spec.id
        wk = self._least_loaded()
        rc = RemoteContext(wk, ctx_id)
        with wk.lock:
            wk.contexts[ctx_id] = rc  # before the reply: its first events may come with it
        wk.client.own(ctx_id)  # events for ids not owned by a worker are forged
        try:
            status, message = codec.decode(wk.call(w.NEW, body))
        except BaseException:
            with wk.lock:
                wk.contexts.pop(ctx_id, None)
            wk.client.own(ctx_id, False)
            raise
        if status != 0:
            with wk.lock:
                wk.contexts.pop(ctx_id, None)
            wk.client.own(ctx_id, False)
            raise ActorsError(f"creating a context in worker process {wk.index}: {message}")
        return rc

    def context_exited(self, ctx_id: int) -> None:
        for wk in list(self.workers):
            if wk is not None and ctx_id in wk.contexts:
                wk.context_exited(ctx_id)

    def after_fork_in_child(self) -> None:
        # multiprocessing's exit hook in the child would terminate the
        # parent's (daemon) worker processes
        children = getattr(multiprocessing.process, "_children", None)
        if not isinstance(children, set):
            return
        for wk in self.workers:
            if wk is not None:
                children.discard(wk.proc)

    def _least_loaded(self) -> _Worker:
        # While a crashed worker's replacement starts (~0.1 s), spawns (the
        # restarts of its contexts, mostly) wait for it, up to _REPLACE_WAIT:
        # placed on the survivors instead, they would stay there for good.
        now = time.monotonic()
        deadline, patience = now + _START_TIMEOUT, now + _REPLACE_WAIT
        with self._lock:
            while True:
                if self._closed:
                    raise ContextDeadError("the pool is stopped")
                live = [wk for wk in self.workers if wk is not None and wk.alive and wk.pid]
                now = time.monotonic()
                if live and (not self._replacing or now >= patience):
                    return min(live, key=lambda wk: wk.load)
                if now >= deadline:
                    raise ActorsError("no worker process is running (they keep crashing?)")
                self._lock.wait((patience if live else deadline) - now)

    def poll(self, timeout: float) -> bytes | Literal[False] | None:
        return self.hub.poll(timeout)

    def poll_calls(self, timeout: float) -> bytes | Literal[False] | None:
        return self.hub.poll_calls(timeout)

    def close_events(self) -> None:
        self.hub.close_events()

    def stats(self) -> dict[str, int]:
        total = {"threads": 0, "slots": 0, "contexts": 0, "slices": 0, "handoffs": 0}
        for wk in list(self.workers):
            if wk is None or not wk.alive:
                continue
            try:
                part = codec.decode(wk.call(w.STATS, b"", timeout=5.0))
            except ActorsError:
                continue
            for k in total:
                total[k] += int(part.get(k, 0))
        total["processes"] = sum(1 for wk in self.workers if wk is not None and wk.alive)
        total["crashes"] = self.crashes
        return total

    def free(self) -> None:
        """Stop every worker process (their contexts with them) and reap them."""
        with self._lock:
            self._closed = True
            workers = [wk for wk in self.workers if wk is not None]
            self._lock.notify_all()
        for wk in workers:
            with wk.lock:
                wk.quitting = True
        for wk in workers:
            if wk.alive:
                wk.send(w.QUIT, 0, 0)
        for wk in workers:
            wk.quit(5.0)
        self.hub.free()

    # ---- crashes -----------------------------------------------------------------------

    def on_crash(self, ctx_ids: list[int], why: str) -> None:
        self.crashes += 1
        try:
            self._on_crash(ctx_ids, why)
        except Exception:  # pragma: no cover - the pool's callback failing
            log.exception("actors: handling a worker crash failed")

    def expect_replacement(self, dead: _Worker) -> None:
        """Before a crashed worker's contexts are reported: spawns wait for its successor."""
        with self._lock:
            if not self._closed and self.workers[dead.index] is dead:
                self._replacing.add(dead.index)

    def replace(self, dead: _Worker) -> None:
        """On the dead worker's monitor thread: start its successor."""
        try:
            with self._lock:
                if self._closed or self.workers[dead.index] is not dead:
                    return
            try:
                fresh = _Worker(self, dead.index, dead.threads, dead.spare)
            except Exception:
                log.exception("actors: could not start a replacement worker process")
                return
            if not fresh.wait_ready(_START_TIMEOUT):
                log.error("actors: replacement worker process %d did not start", dead.index)
            with self._lock:
                closing = self._closed
                if not closing:
                    self.workers[dead.index] = fresh
            if closing:
                fresh.quit(5.0)
        finally:
            with self._lock:
                self._replacing.discard(dead.index)
                self._lock.notify_all()

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [wk.pid for wk in self.workers if wk is not None and wk.alive]


def _check_size(body: bytes) -> None:
    if len(body) > w.MAX_BODY:
        raise ConversionError(
            f"a command of {len(body)} bytes is larger than a process-mode frame ({w.MAX_BODY} bytes)"
        )


class _Mailbox:
    """The pool's side of a remote context's mailbox bound.

    The worker's pump does not refuse commands (a refused fire-and-forget
    frame could only be dropped there): the bound is kept here, before a
    frame leaves. ``sent`` counts every command frame written (and its
    bytes); the last answer to an ``M`` query says how much was still
    queued once everything sent before it had arrived (frames are taken in
    order), so ``queued + (sent now - sent then)`` bounds the worker's queue
    from above. Only when that estimate says full does a sender ask again,
    one round trip, so the common path costs two additions.
    """

    __slots__ = (
        "asked_bytes",
        "asked_cmds",
        "lock",
        "queued_bytes",
        "queued_cmds",
        "sent_bytes",
        "sent_cmds",
    )

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent_cmds = self.sent_bytes = 0
        self.asked_cmds = self.asked_bytes = 0
        self.queued_cmds = self.queued_bytes = 0

    def room(self, size: int) -> bool:
        cmds = self.queued_cmds + self.sent_cmds - self.asked_cmds
        size_now = self.queued_bytes + self.sent_bytes - self.asked_bytes
        return cmds < nb.MAILBOX_MAX_CMDS and (cmds == 0 or size_now + size <= nb.MAILBOX_MAX_BYTES)


class RemoteContext:
    """A context living in a worker process; the ``NativeContext`` interface."""

    __slots__ = ("box", "dead", "id", "stopping", "worker")

    def __init__(self, worker: _Worker, ctx_id: int) -> None:
        self.worker = worker
        self.id = ctx_id
        self.dead = False
        self.stopping = False
        self.box = _Mailbox()

    def _admit(self, frame: bytes) -> None:
        """Counts ``frame`` in, or raises MailboxFullError as thread mode does."""
        box = self.box
        with box.lock:
            if box.room(len(frame)):
                box.sent_cmds += 1
                box.sent_bytes += len(frame)
                return
        self._ask_queue()
        with box.lock:
            if box.room(len(frame)):
                box.sent_cmds += 1
                box.sent_bytes += len(frame)
                return
        nb.check(nb.EFULL, f"sending to context #{self.id}")

    def _ask_queue(self) -> None:
        box = self.box
        with box.lock:
            cmds, size = box.sent_cmds, box.sent_bytes
        try:
            answer = self.worker.call_for(w.MAILBOX, self.id, timeout=5.0)
            queued = msgpack.unpackb(answer)
        except ActorsError:
            return  # the worker is gone or slow: the estimate stands
        except ValueError:
            queued = None
        if not (
            isinstance(queued, list) and len(queued) == 2 and all(type(v) is int and v >= 0 for v in queued)
        ):
            return  # (the client validated the msgpack; a worker that lies only hurts itself)
        with box.lock:
            if cmds >= box.asked_cmds:
                box.asked_cmds, box.asked_bytes = cmds, size
                box.queued_cmds, box.queued_bytes = queued

    def _unadmit(self, frame: bytes) -> None:
        with self.box.lock:
            self.box.sent_cmds -= 1
            self.box.sent_bytes -= len(frame)

    def request(self, frame: bytes, slice_seconds: float, on_wait: Any) -> bytes:
        _check_size(frame)
        nb.check_frame(frame)
        if self.dead:
            raise ContextDeadError(f"context #{self.id} is stopped")
        self._admit(frame)
        return self.worker.client.request(w.SEND, self.id, frame, slice_seconds, on_wait)

    def post(self, frame: bytes) -> None:
        _check_size(frame)
        nb.check_frame(frame)
        if self.dead:
            raise ContextDeadError(f"context #{self.id} is stopped")
        self._admit(frame)
        if not self.worker.send(w.SEND, self.id, 0, frame):
            self._unadmit(frame)
            raise ContextDeadError(f"context #{self.id} is stopped")

    def resolve(self, call_id: int, payload: bytes) -> int:
        if len(payload) > w.MAX_BODY:  # the JS side still gets its one answer
            payload = codec.encode(
                [
                    False,
                    [
                        "ConversionError",
                        f"the handler's answer ({len(payload)} bytes) is larger than a process-mode frame",
                    ],
                ]
            )
        if self.dead or not self.worker.send(w.RESOLVE, self.id, call_id, payload):
            return int(nb.EDEAD)
        return int(nb.OK)

    # (native helper) cancellation of one operation: see act_ctx_cancel
    def cancel(self, req_id: int) -> None:
        if not self.dead:
            self.worker.send(w.CANCEL, self.id, req_id)

    def stop(self, killed: bool) -> bool:
        if self.stopping or self.dead:
            return False
        self.stopping = True
        self.worker.send(w.STOP, self.id, 1 if killed else 0)
        return True

    def alive(self) -> bool:
        return not (self.dead or self.stopping)

    @property
    def pid(self) -> int:
        return self.worker.pid

    def inject_fault(self, how: str, delay: float, data: bytes = b"") -> None:
        self.worker.send_fault(how, delay, data)
