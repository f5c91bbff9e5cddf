"""The one module that touches the compiled extension (``actors._native``).

Everything else in the package goes through here: it checks the ABI stamp at
import, owns every ``ffi.new``, and turns native status codes into exceptions.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from actors.errors import ActorsError, ContextDeadError, ConversionError, MailboxFullError

if TYPE_CHECKING:
    from actors.backend import ContextSpec

try:
    from actors._native import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the build
    raise ImportError(
        "actors' native module is not built. Install the package with "
        "`pip install -e .` (it compiles native/ and fetches the pinned QuickJS-NG sources)."
    ) from exc

ABI_VERSION = 14

if lib.act_abi_version() != ABI_VERSION:  # pragma: no cover - build mismatch
    raise ImportError(
        f"actors._native has ABI {lib.act_abi_version()}, this package expects {ABI_VERSION}: rebuild it"
    )

OK = lib.ACT_OK
EDEAD = lib.ACT_EDEAD
EFULL = lib.ACT_EFULL
MAILBOX_MAX_CMDS = lib.ACT_MAILBOX_MAX_CMDS
MAILBOX_MAX_BYTES = lib.ACT_MAILBOX_MAX_BYTES

OP_EVAL = lib.ACT_OP_EVAL
OP_CALL = lib.ACT_OP_CALL
OP_GET_GLOBAL = lib.ACT_OP_GET_GLOBAL
OP_SET_GLOBAL = lib.ACT_OP_SET_GLOBAL
OP_SEND = lib.ACT_OP_SEND
OP_RESET = lib.ACT_OP_RESET
OP_MEMORY = lib.ACT_OP_MEMORY
OP_GC = lib.ACT_OP_GC
OP_EVAL_BYTECODE = lib.ACT_OP_EVAL_BYTECODE
OP_INTERNAL = lib.ACT_OP_INTERNAL
OP_DOM = lib.ACT_OP_DOM
OP_ASK = lib.ACT_OP_ASK
OP_GLOBALS = lib.ACT_OP_GLOBALS

R_OK = lib.ACT_R_OK
R_JSERROR = lib.ACT_R_JSERROR
R_MEMORY = lib.ACT_R_MEMORY
R_REDUCTIONS = lib.ACT_R_REDUCTIONS
R_TIMEOUT = lib.ACT_R_TIMEOUT
R_DEAD = lib.ACT_R_DEAD
R_CONVERSION = lib.ACT_R_CONVERSION
R_BADREQ = lib.ACT_R_BADREQ
R_TOO_LARGE = lib.ACT_R_TOO_LARGE
R_CANCELLED = lib.ACT_R_CANCELLED

EV_RESULT = lib.ACT_EV_RESULT
EV_HOST_CALL = lib.ACT_EV_HOST_CALL
EV_MESSAGE = lib.ACT_EV_MESSAGE
EV_LOG = lib.ACT_EV_LOG
EV_EXIT = lib.ACT_EV_EXIT
EV_UNCAUGHT = lib.ACT_EV_UNCAUGHT

CALL_SYNC = lib.ACT_CALL_SYNC
CALL_INTERNAL = lib.ACT_CALL_INTERNAL

EXT_CODES = {"bigint": lib.ACT_EXT_BIGINT, "date": lib.ACT_EXT_DATE, "error": lib.ACT_EXT_ERROR}


def engine_version() -> str:
    """The QuickJS-NG version compiled in."""
    return str(ffi.string(lib.act_engine_version()).decode())


def check(status: int, what: str) -> None:
    """Raise the exception matching a native status code."""
    if status == OK:
        return
    message = ffi.string(lib.act_strerror(status)).decode()
    if status == EDEAD:
        raise ContextDeadError(f"{what}: {message}")
    if status == lib.ACT_ENOMEM:
        raise MemoryError(f"{what}: {message}")
    if status == lib.ACT_EFULL:
        raise MailboxFullError(
            f"{what}: {message} ({lib.ACT_MAILBOX_MAX_CMDS} commands or "
            f"{lib.ACT_MAILBOX_MAX_BYTES >> 20} MiB waiting); nothing was queued, retry once it catches up"
        )
    raise ActorsError(f"{what}: {message}")


class _EventQueues:
    """The event and host-call queues of a native handle, polled by Python threads.

    Pollers may be inside a poll when the handle is freed: :meth:`_release`
    closes the queues and waits for them (they return at once once closed).
    """

    _poll_events: Any
    _poll_calls: Any
    _close: Any

    def __init__(self, handle: Any) -> None:
        self._h: Any = handle
        self._cond = threading.Condition()
        self._polling = 0
        self._buf = threading.local()

    @property
    def handle(self) -> Any:
        return self._h

    def poll(self, timeout: float) -> bytes | Literal[False] | None:
        """Next event frame; None on timeout; False once the queues are closed."""
        return self._poll(self._poll_events, timeout)

    def poll_calls(self, timeout: float) -> bytes | Literal[False] | None:
        """Next host call frame; None on timeout; False once the queues are closed."""
        return self._poll(self._poll_calls, timeout)

    def _poll(self, fn: Any, timeout: float) -> bytes | Literal[False] | None:
        b = getattr(self._buf, "v", None)
        if b is None:
            b = self._buf.v = (ffi.new("uint8_t **"), ffi.new("size_t *"))
        with self._cond:
            h = self._h
            if h is None:
                return False
            self._polling += 1
        try:
            rc = fn(h, timeout, b[0], b[1])
        finally:
            with self._cond:
                self._polling -= 1
                if self._polling == 0:
                    self._cond.notify_all()
        if rc == 0:
            return None
        if rc < 0:
            return False
        try:
            return bytes(ffi.buffer(b[0][0], b[1][0]))
        finally:
            lib.act_buf_free(b[0][0])

    def close_events(self) -> None:
        with self._cond:
            if self._h is not None:
                self._close(self._h)

    def _release(self) -> Any:
        """Close the queues, wait for the pollers, hand over the handle (None if done already)."""
        with self._cond:
            if self._h is None:
                return None
            h, self._h = self._h, None
            self._close(h)
            while self._polling:
                self._cond.wait()
        return h


class NativePool(_EventQueues):
    """Owner of one ``act_pool``. Freed exactly once, by :meth:`free`."""

    _poll_events = staticmethod(lib.act_poll)
    _poll_calls = staticmethod(lib.act_poll_calls)
    _close = staticmethod(lib.act_pool_close_events)

    def __init__(self, threads: int, spare_threads: int) -> None:
        handle = lib.act_pool_new(threads, spare_threads)
        if handle == ffi.NULL:
            raise ActorsError(f"could not start a native pool of {threads} threads")
        super().__init__(handle)

    def new_context(self, spec: ContextSpec) -> NativeContext:
        from actors.apis.loader import lazy_spec

        groups = lazy_spec(spec.groups)
        opts = ffi.new("act_ctx_opts *")
        opts.max_result_bytes = spec.max_result_bytes
        opts.id = spec.id
        opts.memory_limit = spec.memory_limit
        opts.max_reductions = spec.max_reductions
        opts.timeout = spec.timeout
        opts.max_stack_size = spec.max_stack_size
        opts.on_uncaught = spec.on_uncaught
        keep = ffi.from_buffer(groups) if groups else ffi.NULL
        opts.groups = keep
        opts.groups_len = len(groups)
        out = ffi.new("act_ctx **")
        check(lib.act_ctx_new(self._h, opts, out), "creating a context")
        return NativeContext(ffi.gc(out[0], lib.act_ctx_release))

    def context_exited(self, ctx_id: int) -> None:
        pass  # the native side frees a context with its last reference

    def pids(self) -> list[int]:
        return []

    def after_fork_in_child(self) -> None:
        pass  # the threads are the parent's; nothing here is waited on

    def stats(self) -> dict[str, int]:
        s = ffi.new("act_pool_stats *")
        with self._cond:
            if self._h is None:
                return {"threads": 0, "slots": 0, "contexts": 0, "slices": 0, "handoffs": 0}
            lib.act_pool_get_stats(self._h, s)
        return {
            "threads": s.threads,
            "slots": s.slots,
            "contexts": s.contexts,
            "slices": s.slices,
            "handoffs": s.handoffs,
        }

    def free(self) -> None:
        h = self._release()
        if h is not None:
            lib.act_pool_free(h)  # releases the GIL while contexts wind down


class Hub(_EventQueues):
    """The event and host-call queues of a process-mode pool (``native/process/client.c``),
    polled like a :class:`NativePool`'s; fed by each worker's :class:`Client`."""

    _poll_events = staticmethod(lib.act_hub_poll)
    _poll_calls = staticmethod(lib.act_hub_poll_calls)
    _close = staticmethod(lib.act_hub_close)

    def __init__(self) -> None:
        h = lib.act_hub_new()
        if h == ffi.NULL:
            raise MemoryError("could not allocate the event hub")
        super().__init__(h)

    def push(self, frame: bytes) -> None:
        """Queue an event frame made here (the exits of a crashed worker's contexts)."""
        with self._cond:
            if self._h is not None:
                check(lib.act_hub_push(self._h, frame, len(frame)), "queueing an event")

    def free(self) -> None:
        h = self._release()
        if h is not None:
            lib.act_hub_free(h)


class Client:
    """The pool's end of one worker process's socket (``native/process/client.c``).

    Owns a native reader thread; ``fd`` must stay open until :meth:`free`.
    """

    def __init__(self, fd: int, hub: Hub) -> None:
        h = lib.act_client_new(fd, hub.handle)
        if h == ffi.NULL:
            raise MemoryError("could not start the worker connection")
        self._h: Any = h
        self._fd = fd
        # A worker can die while other threads spawn on it or call it: free()
        # must never release the native client under a call still using it,
        # and a call after free() gets a typed error, not a NULL handle.
        self._lock = threading.Condition(threading.Lock())
        self._users = 0

    @contextlib.contextmanager
    def _using(self) -> Iterator[Any]:
        with self._lock:
            h = self._h
            if h is None:
                raise ContextDeadError("the worker process is gone", reason="crashed")
            self._users += 1
        try:
            yield h
        finally:
            with self._lock:
                self._users -= 1
                if not self._users:
                    self._lock.notify_all()

    def request(self, kind: int, ctx_id: int, body: bytes, slice_seconds: float, on_wait: Any) -> bytes:
        """Send a request and block this thread (GIL released) until its reply.

        ``on_wait`` runs between wait slices and may raise to abandon the wait.
        Raises ContextDeadError if the connection is closed.
        """
        w = _waiter()
        with self._using() as h:
            status = lib.act_client_request(h, kind, ctx_id, body, len(body), w.h)
        if status != OK:
            check(status, "sending to a worker process")
        try:
            while not lib.act_waiter_wait(w.h, slice_seconds, w.buf, w.len):
                on_wait()
        except BaseException:
            _local.w = None  # its reply may still land in it: never reuse it
            try:
                with self._using() as h:
                    lib.act_client_abandon(h, w.h)
            except ContextDeadError:
                pass  # freed: free() already failed every waiter
            raise
        data = bytes(ffi.buffer(w.buf[0], w.len[0]))
        if not lib.act_waiter_reset(w.h):
            _local.w = None
        return data

    def send(self, kind: int, a: int, b: int, body: bytes = b"") -> bool:
        """A message without a reply; False if the connection is gone."""
        try:
            with self._using() as h:
                return bool(lib.act_client_send(h, kind, a, b, body, len(body)) == OK)
        except ContextDeadError:
            return False

    def fail_pending(self, payload: bytes) -> None:
        """Answer every blocked caller with ``payload`` and refuse new requests."""
        try:
            with self._using() as h:
                lib.act_client_fail_pending(h, payload, len(payload))
        except ContextDeadError:
            pass  # freed: free() failed them

    def wait_hello(self, timeout: float) -> int:
        """The worker's pid once it said hello; 0 on timeout or if it closed first."""
        try:
            with self._using() as h:
                return int(lib.act_client_wait_hello(h, timeout))
        except ContextDeadError:
            return 0

    def wait_closed(self, timeout: float) -> bool:
        """True once the worker's end of the socket closed (or it was cut off)."""
        try:
            with self._using() as h:
                return bool(lib.act_client_wait_closed(h, timeout))
        except ContextDeadError:
            return True

    def own(self, ctx_id: int, owned: bool = True) -> None:
        """Context ``ctx_id`` lives in this worker (events for any other id are forged).

        Raises ContextDeadError when the worker is already gone (registering);
        unregistering from a gone worker does nothing.
        """
        try:
            with self._using() as h:
                check(lib.act_client_own(h, ctx_id, 1 if owned else 0), "registering a context")
        except ContextDeadError:
            if owned:
                raise

    def violation(self) -> str:
        """Why the reader stopped trusting the worker ("" if it did not, or if freed)."""
        try:
            with self._using() as h:
                return str(ffi.string(lib.act_client_violation(h)).decode("utf-8", "replace"))
        except ContextDeadError:
            return ""

    def free(self) -> None:
        """Shut the socket down, join the reader, fail whoever still waits.

        Waits for calls in progress on other threads (each is short: none
        holds the client while it waits for a reply).
        """
        with self._lock:
            h, self._h = self._h, None
            if h is not None and self._users:
                # end the blocking waits (wait_closed, wait_hello) in progress:
                # the reader sees end of file and marks the client closed
                _shutdown_socket(self._fd)
            while self._users:
                self._lock.wait()
        if h is not None:
            lib.act_client_free(h)


def _shutdown_socket(fd: int) -> None:
    """shutdown(2) the socket behind ``fd`` without closing ``fd`` (its owner does)."""
    try:
        dup = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


class _Waiter:
    """A reusable native waiter plus the out-parameters of a wait."""

    __slots__ = ("buf", "h", "len")

    def __init__(self) -> None:
        w = lib.act_waiter_new()
        if w == ffi.NULL:
            raise MemoryError("could not allocate a waiter")
        self.h = ffi.gc(w, lib.act_waiter_release)
        self.buf = ffi.new("uint8_t **")
        self.len = ffi.new("size_t *")


_local = threading.local()


def _waiter() -> _Waiter:
    w: _Waiter | None = getattr(_local, "w", None)
    if w is None:
        w = _local.w = _Waiter()
    return w


class NativeContext:
    """One ``act_ctx`` reference; the request paths of a context."""

    __slots__ = ("_h",)

    def __init__(self, handle: Any) -> None:
        self._h = handle

    @staticmethod
    def _send_failed(status: int, frame: bytes) -> None:
        if status == lib.ACT_EINVAL:
            check_frame(frame)
        check(status, "sending a command")

    def request(self, frame: bytes, slice_seconds: float, on_wait: Any) -> bytes:
        """Send ``frame`` and block this thread until its answer arrives.

        ``on_wait`` is called between wait slices (signals get a chance to run
        in between); it may raise to abandon the wait.
        """
        w = _waiter()
        status = lib.act_ctx_send(self._h, frame, len(frame), w.h)
        if status != OK:
            self._send_failed(status, frame)
        try:
            while not lib.act_waiter_wait(w.h, slice_seconds, w.buf, w.len):
                on_wait()
        except BaseException:
            _local.w = None  # its answer may still land in it: never reuse it
            raise
        data = bytes(ffi.buffer(w.buf[0], w.len[0]))
        if not lib.act_waiter_reset(w.h):
            _local.w = None  # still referenced by a stopped context: use a new one
        return data

    def post(self, frame: bytes) -> None:
        """Queue ``frame``; its answer (if it has a req_id) arrives as an event."""
        status = lib.act_ctx_send(self._h, frame, len(frame), ffi.NULL)
        if status != OK:
            self._send_failed(status, frame)

    def resolve(self, call_id: int, payload: bytes) -> int:
        return int(lib.act_ctx_resolve(self._h, call_id, payload, len(payload)))

    def cancel(self, req_id: int) -> None:
        """Interrupt (or unqueue) the operation of request ``req_id``; the context lives on."""
        status = lib.act_ctx_cancel(self._h, req_id)
        if status not in (OK, EDEAD):
            check(status, "cancelling an operation")

    def stop(self, killed: bool) -> bool:
        """Ask the context to stop; False if it was stopping or stopped already."""
        return bool(lib.act_ctx_stop(self._h, 1 if killed else 0) == OK)

    def alive(self) -> bool:
        return bool(lib.act_ctx_alive(self._h))

    @property
    def pid(self) -> int:
        return os.getpid()

    def inject_fault(self, how: str, delay: float, data: bytes = b"") -> None:
        raise ActorsError("the context does not live in a worker process (the pool has processes=0)")


class Server:
    """The worker-process end of process mode (``native/process/serve.c``) on socket ``fd``."""

    def __init__(self, pool: NativePool, fd: int) -> None:
        h = lib.act_server_new(pool.handle, fd)
        if h == ffi.NULL:
            raise MemoryError("could not allocate the worker server")
        self._h: Any = h
        self._pool = pool  # freed after this server

    def add(self, ctx_id: int, ctx: NativeContext) -> None:
        """Route commands for ``ctx_id`` to ``ctx`` (until its exit event)."""
        check(lib.act_server_add(self._h, ctx_id, ctx._h), "registering a context")

    def read(self) -> tuple[int, int, int, bytes] | None:
        """Serve the socket until a message Python must handle arrives (None at EOF)."""
        kind, a, b = ffi.new("int *"), ffi.new("uint64_t *"), ffi.new("uint64_t *")
        body, n = ffi.new("uint8_t **"), ffi.new("size_t *")
        rc = lib.act_server_read(self._h, kind, a, b, body, n)
        if rc == 0:
            return None
        check(rc if rc < 0 else OK, "reading the pool's socket")
        try:
            return kind[0], a[0], b[0], bytes(ffi.buffer(body[0], n[0]))
        finally:
            lib.act_buf_free(body[0])

    def send(self, kind: int, a: int, b: int, body: bytes = b"") -> None:
        check(lib.act_server_send(self._h, kind, a, b, body, len(body)), "writing to the pool's socket")

    def write_raw(self, data: bytes) -> None:
        """Test hook: ``data`` goes to the socket as it is (forged frames)."""
        check(lib.act_server_write_raw(self._h, data, len(data)), "writing to the pool's socket")

    def free(self) -> None:
        if self._h is not None:
            h, self._h = self._h, None
            lib.act_server_free(h)


def check_frame(frame: bytes) -> None:
    """Raise ConversionError (saying where) if ``frame`` is not a valid command frame."""
    err = ffi.new("char[]", 512)
    if lib.act_check_frame(frame, len(frame), err, 512) != OK:
        raise ConversionError(ffi.string(err).decode("utf-8", "replace") or "malformed command frame")


def register_group(group_id: int, bytecode: bytes) -> None:
    """Hand a polyfill group's bytecode to the native side (once per process)."""
    check(lib.act_register_group(group_id, bytecode, len(bytecode)), "registering an API group")


COMPILE_STRIP_DEBUG = lib.ACT_COMPILE_STRIP_DEBUG
COMPILE_DETECT = lib.ACT_COMPILE_DETECT
COMPILE_MODULE = lib.ACT_COMPILE_MODULE
KIND_SCRIPT = lib.ACT_KIND_SCRIPT
KIND_ASYNC = lib.ACT_KIND_ASYNC
KIND_MODULE = lib.ACT_KIND_MODULE


def compile_script(source: str, filename: str) -> bytes:
    """Compile a polyfill to QuickJS bytecode, without source or line numbers."""
    return compile_code(source, filename, COMPILE_STRIP_DEBUG)[0]


def compile_code(source: str, filename: str, flags: int) -> tuple[bytes, int]:
    """Compile JS source to QuickJS bytecode and its kind (``KIND_*``).

    Raises a SyntaxError-like JSError when it does not compile.
    """
    from actors import codec
    from actors.errors import JSError

    src = source.encode("utf-8", "surrogatepass")
    buf = ffi.new("uint8_t **")
    n = ffi.new("size_t *")
    err = ffi.new("uint8_t **")
    en = ffi.new("size_t *")
    kind = ffi.new("int *")
    rc = lib.act_compile(src, len(src), filename.encode(), flags, kind, buf, n, err, en)
    try:
        if rc == lib.ACT_EINVAL and err[0] != ffi.NULL:
            name, message, stack = codec.decode(bytes(ffi.buffer(err[0], en[0])))
            raise JSError(name, message, stack)
        check(rc, f"compiling {filename}")
        return bytes(ffi.buffer(buf[0], n[0])), int(kind[0])
    finally:
        lib.act_buf_free(buf[0])
        lib.act_buf_free(err[0])
