"""A worker process of a process-mode pool: one native pump behind a socket.

The worker lives exactly as long as the pool's end of its socket: when the
pool's process dies for any reason, the socket closes and the worker exits
(no parent-death signal, whose "parent" would be the forkserver).

Started by :mod:`actors.process.pump` through multiprocessing (``forkserver``,
so no process with live threads is ever forked). The main thread serves
the socket in C (``native/process/serve.c``: commands go straight into the
contexts' mailboxes, answers, events and host calls are written back by
the threads that produce them) and handles only spawns, stats, faults and
quit itself. No handler, no
service and no policy runs here: host calls go to the parent, where the
pool's handlers, locks, channels and storage live, so a crash here loses
nothing but the contexts of this process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import threading

import msgpack

from actors.process import wire as w

__all__ = ["main"]


def _fault(kind: str, data: bytes, server: object) -> None:
    """The test-only fault hook (see ``actors.testing``)."""
    if kind == "raw":
        # the socket gets bytes as a compromised worker would write them
        server.write_raw(data)  # type: ignore[attr-defined]
    elif kind == "segfault":
        # a real invalid access, as an engine bug would make
        ctypes.string_at(1, 1)
    elif kind == "abort":
        os.abort()
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "exit":
        os._exit(3)


def _malloc_trim() -> None:
    """Give glibc's free heap pages back to the OS (a no-op elsewhere)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc


def main(sock: socket.socket, threads: int, spare_threads: int) -> None:
    """Serve one pool until it says ``Q`` or goes away.

    The hot path (commands in, events and host calls out) is native
    (``native/process/serve.c``); this loop sees only spawns, stats, trims, faults and quit.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from actors import _binding as nb
    from actors import codec
    from actors.backend import ContextSpec

    native = nb.NativePool(threads, spare_threads)
    server = nb.Server(native, sock.fileno())
    server.send(w.HELLO, os.getpid(), 0)
    quit_asked = False
    try:
        while (msg := server.read()) is not None:
            kind, a, _b, body = msg
            if kind == w.NEW:
                try:
                    spec = ContextSpec.from_list(msgpack.unpackb(body))
                    ctx = native.new_context(spec)
                    server.add(spec.id, ctx)
                except Exception as exc:
                    server.send(w.REPLY, a, 0, codec.encode([1, f"{type(exc).__name__}: {exc}"]))
                else:
                    server.send(w.REPLY, a, 0, codec.encode([0, None]))
            elif kind == w.STATS:
                server.send(w.REPLY, a, 0, codec.encode(native.stats()))
            elif kind == w.FAULT:
                name, _, data = body.partition(b"\0")
                if a:
                    threading.Timer(a / 1000, _fault, (name.decode(), data, server)).start()
                else:
                    _fault(name.decode(), data, server)
            elif kind == w.TRIM:
                _malloc_trim()
            elif kind == w.QUIT:
                quit_asked = True
                break
    finally:
        if not quit_asked:
            # The pool's end of the socket closed without a word: its process
            # died (or was killed). Nobody is left to answer: go at once, even
            # if a context is stuck in a loop.
            os._exit(0)
        native.free()  # before the server: the pump's threads write through it
        server.free()
        try:
            sock.close()
        except OSError:
            pass
