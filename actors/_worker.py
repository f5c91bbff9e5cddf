"""A worker process of a process-mode pool: one native pump behind a socket.

Started by :mod:`actors._procpool` through multiprocessing (``forkserver``,
so no process with live threads is ever forked). The main thread reads
commands off the socket and hands them to the native pump; two threads
forward what the pump produces (events, host calls) back. No handler, no
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
from typing import Any

import msgpack

from actors import _wire as w

__all__ = ["main"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # If the parent is killed outright (no chance to stop us), the kernel
    # kills this process too: no orphans holding contexts.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() == 1:  # pragma: no cover - the parent died before prctl
        os._exit(1)


def _fault(kind: str) -> None:
    """The test-only fault hook (see ``actors.testing``)."""
    if kind == "segfault":
        # a real invalid access, as an engine bug would make
        ctypes.string_at(1, 1)
    elif kind == "abort":
        os.abort()
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "exit":
        os._exit(3)


def _dead_answer(ctx_id: int, frame: bytes, token: int, out: w.Writer, why: str) -> None:
    """Answer a command whose context is gone, as the native side would have."""
    from actors import _binding as nb
    from actors import codec

    if token:
        out.send(w.REPLY, token, 0, codec.encode([nb.R_DEAD, why]))
        return
    try:
        req_id = w.peek_uint(frame, 2)[0]
    except (ValueError, IndexError):
        return
    if req_id:
        out.send(w.EVENT, 0, 0, codec.encode([nb.EV_RESULT, ctx_id, req_id, nb.R_DEAD, why]))


def _forward(poll: Any, kind: int, out: w.Writer, contexts: dict[int, Any]) -> None:
    """Drain one native queue onto the socket.

    One message per frame: asking the queue for more (a zero-timeout poll)
    costs more than the system call it would save."""
    hdr = w.HEADER.pack
    while True:
        frame = poll(1.0)
        if frame is False:
            return
        if frame is None:
            continue
        assert isinstance(frame, bytes)
        try:
            out.send_many([_message(frame, kind, hdr, contexts)])
        except OSError:
            return


def _message(frame: bytes, kind: int, hdr: Any, contexts: dict[int, Any]) -> list[bytes | memoryview]:
    if kind == w.EVENT and len(frame) > 2:
        if frame[0] == 0x95 and frame[1] == 1:  # [EV_RESULT, ctx, req_id, status, payload]
            _ctx, pos = w.peek_uint(frame, 2)
            req_id, pos = w.peek_uint(frame, pos)
            if req_id & w.SYNC_BIT:
                body = memoryview(frame)[pos:]
                return [hdr(len(body) + 1, w.REPLY, req_id, 0), b"\x92", body]
        elif frame[0] == 0x94 and frame[1] == 5:  # [EV_EXIT, ctx, reason, detail]
            contexts.pop(w.peek_uint(frame, 2)[0], None)
    return [hdr(len(frame), kind, 0, 0), frame]


def main(sock: socket.socket, threads: int, spare_threads: int) -> None:
    """Serve one pool until it says ``Q`` or goes away."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from actors import _binding as nb
    from actors import codec
    from actors.apis.loader import lazy_spec
    from actors.errors import ActorsError

    native = nb.NativePool(threads, spare_threads)
    out = w.Writer(sock)
    contexts: dict[int, nb.NativeContext] = {}
    pumps = [
        threading.Thread(target=_forward, args=(native.poll, w.EVENT, out, contexts), daemon=True),
        threading.Thread(target=_forward, args=(native.poll_calls, w.CALL, out, contexts), daemon=True),
    ]
    for t in pumps:
        t.start()
    out.send(w.HELLO, os.getpid())
    try:
        for kind, a, b, body in w.Reader(sock).messages():
            if kind == w.SEND:
                ctx = contexts.get(a)
                frame = body
                if b:
                    frame = body[:2] + b"\xcf" + b.to_bytes(8, "big") + body[3:]
                if ctx is None:
                    _dead_answer(a, frame, b, out, "the context is stopped")
                    continue
                try:
                    ctx.post(frame)
                except ActorsError as exc:
                    _dead_answer(a, frame, b, out, str(exc))
            elif kind == w.RESOLVE:
                ctx = contexts.get(a)
                if ctx is not None:
                    ctx.resolve(b, body)
            elif kind == w.NEW:
                ctx_id, mem, red, tmo, stack, unc, bits, apis = msgpack.unpackb(body)
                try:
                    ctx = native.new_context(ctx_id, mem, red, tmo, stack, unc, bits, lazy_spec(tuple(apis)))
                except Exception as exc:
                    out.send(w.REPLY, a, 0, codec.encode([1, f"{type(exc).__name__}: {exc}"]))
                else:
                    contexts[ctx_id] = ctx
                    out.send(w.REPLY, a, 0, codec.encode([0, None]))
            elif kind == w.STOP:
                ctx = contexts.get(a)
                if ctx is not None:
                    ctx.stop(bool(b))
            elif kind == w.STATS:
                out.send(w.REPLY, a, 0, codec.encode(native.stats()))
            elif kind == w.FAULT:
                if a:
                    threading.Timer(a / 1000, _fault, (body.decode(),)).start()
                else:
                    _fault(body.decode())
            elif kind == w.QUIT:
                break
    finally:
        native.close_events()
        native.free()
        for t in pumps:
            t.join(2.0)
        try:
            sock.close()
        except OSError:
            pass
