"""A hostile worker process for the ``wire`` target's ``forge`` cases.

``entry`` stands in for ``actors.process.pump._worker_entry`` (the fuzz child
swaps it in before it builds its pool): the real worker (``actors.process.worker.main``)
runs behind a proxy in the same process. Frames from the pool pass through
untouched; frames to the pool are read one by one and, in the worker named
by the current plan, one of them is damaged as the plan says: smuggled
(a truncated body followed by a well-formed frame addressed to the victim
context), a header whose length lies, a forged context id, a changed kind,
flipped bits, or a cut followed by a close. The plan is a JSON file named by
``ACTORS_FUZZ_WIRE_PLAN``, re-read for every frame (each case writes its own).

This plays a worker whose JavaScript took over its process, which is what
issue 11 item 3 did with a 4 GiB reply: the pool must never deliver
anything the worker says to a context in another process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import struct
import threading
from typing import Any

import msgpack

HDR = struct.Struct("<IBQQ")
FORGED = "FORGED-BY-ANOTHER-PROCESS"


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except OSError:
            return None
        if not chunk:
            return None
        buf += chunk
    return buf


def _plan() -> dict[str, Any]:
    try:
        with open(os.environ["ACTORS_FUZZ_WIRE_PLAN"]) as f:
            plan: dict[str, Any] = json.load(f)
            return plan
    except (OSError, ValueError, KeyError):
        return {}


def _forged(victim: int) -> bytes:
    from actors import _binding as nb

    body = msgpack.packb([nb.EV_MESSAGE, victim, FORGED])
    return HDR.pack(len(body), ord("E"), 0, 0) + body


def _damage(plan: dict[str, Any], kind: int, a: int, b: int, body: bytes) -> tuple[bytes, bool]:
    """The bytes to send instead of this frame, and whether to close afterwards."""
    how = plan["how"]
    victim = int(plan["victim"])
    if how == "smuggle":
        cut = body[: max(0, len(body) - 1)]
        return HDR.pack(len(cut), kind, a, b) + cut + _forged(victim), False
    if how == "lie":
        delta = int(plan["delta"])
        return HDR.pack(max(0, len(body) + delta) & 0xFFFFFFFF, kind, a, b) + body + _forged(victim), False
    if how == "retarget":
        try:
            ev = msgpack.unpackb(body, raw=True, strict_map_key=False)
            ev[1] = victim
            body = msgpack.packb(ev)
        except Exception:
            pass
        return HDR.pack(len(body), kind, victim if kind == ord("C") else a, b) + body, False
    if how == "kind":
        return HDR.pack(len(body), int(plan["kind"]), a, b) + body, False
    if how == "flip":
        data = bytearray(body)
        for pos, bit in plan["flips"]:
            if data:
                data[pos % len(data)] ^= 1 << (bit % 8)
        return HDR.pack(len(data), kind, a, b) + bytes(data), False
    if how == "cut":
        return (HDR.pack(len(body), kind, a, b) + body)[: int(plan["keep"])], True
    return HDR.pack(0xFFFFFFFF, kind, a, b) + body, True  # "huge"


def _to_pool(worker: socket.socket, pool: socket.socket) -> None:
    me = multiprocessing.current_process().name
    seen: dict[str, int] = {}
    while True:
        head = _recv_exact(worker, HDR.size)
        if head is None:
            break
        length, kind, a, b = HDR.unpack(head)
        body = _recv_exact(worker, length)
        if body is None:
            break
        plan = _plan()
        out, close = HDR.pack(length, kind, a, b) + body, False
        if plan and me.endswith(plan["worker"]) and kind in (ord("E"), ord("C"), ord("R")):
            key = str(plan["case"])
            seen[key] = seen.get(key, 0) + 1
            if seen[key] == int(plan["at"]):
                out, close = _damage(plan, kind, a, b, body)
                if os.environ.get("ACTORS_FUZZ_WIRE_DEBUG"):
                    print(f"wire_evil: {plan['how']} frame {chr(kind)} a={a}: {out[:80]!r}", flush=True)
        try:
            pool.sendall(out)
        except OSError:
            break
        if close:
            break
    pool.close()
    os._exit(0)


def _to_worker(pool: socket.socket, worker: socket.socket) -> None:
    while True:
        try:
            chunk = pool.recv(1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            worker.shutdown(socket.SHUT_RDWR)  # the worker sees its pool go and exits
            return
        worker.sendall(chunk)


def entry(sock: socket.socket, threads: int, spare: int) -> None:
    from actors.process.worker import main

    outer, inner = socket.socketpair()
    threading.Thread(target=_to_worker, args=(sock, outer), daemon=True).start()
    threading.Thread(target=_to_pool, args=(outer, sock), daemon=True).start()
    main(inner, threads, spare)
