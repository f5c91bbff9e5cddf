"""Target ``wire``: malformed frames on both ends of process mode's socket.

Framing (native/process/wire.c, actors/process/wire.py): a 21-byte header ``<I B Q Q``
(body length, kind, a, b) before each msgpack body.

* ``worker`` cases play the pool against a real worker process
  (``actors.process.worker.main`` on one end of a socketpair): frames of every kind
  with bodies that are real command frames bit-flipped or truncated, msgpack
  of the wrong shape, or hostile msgpack (huge claimed lengths, deep
  nesting), then a sentinel ``eval("1 + 1")``. With consistent headers the
  worker must answer the sentinel (or exit cleanly); after a header that
  lies about its length the socket is closed and the worker must exit
  without a crash.
* ``forge`` cases run a real process-mode pool whose workers sit behind a
  hostile proxy (:mod:`tests.fuzz.wire_evil`) that damages one frame the
  attacker context's worker sends (smuggled frame after a truncated body,
  lying length, forged context id, changed kind, flipped bits, cut and
  close). A victim context in the other worker process must receive nothing
  (no message, no host call) and keep answering; the attacker's call ends
  with a value or a typed error in bounded time (issue 11 item 3).
* ``pool`` cases play a hostile worker against the pool's reader
  (``actors._binding.Client``, native/process/client.c, with its own Hub): event,
  host-call and reply frames with garbage bodies, unknown kinds, replies to
  tokens nobody asked for or to a pending request, lying lengths, while a
  request is pending. The pending caller must get an answer or a typed
  error, the reader must notice the socket closing, and every frame it
  queued must decode to a value or a typed error.

Properties: no crash or sanitizer report on either side, bounded time.
"""

# ruff: noqa: E501 (JavaScript and frame templates read best one per line)

from __future__ import annotations

import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import msgpack

from actors import _binding as nb
from actors import codec
from actors.backend import ContextSpec
from actors.context import Context, handle_of
from actors.process import wire as w
from tests.fuzz.core import Finding, short, typed

NEEDS_ENV = False
HDR = struct.Struct("<IBQQ")
SYNC = 1 << 62
_HOSTILE = [
    "ddffffffff", "dbffffffff", "c6ffffffff", "dfffffffff", "93" * 3, "91" * 20000, "d4ff00", "c7ff00",
    "c1", "", "90", "80", "dc0003010203", "a3616263", "cf" + "ff" * 8, "d3" + "80" + "00" * 7,
]  # fmt: skip


def _body(rng: random.Random, event: bool) -> bytes:
    r = rng.random()
    if r < 0.4:
        if event:
            raw = codec.encode([rng.choice([nb.EV_MESSAGE, nb.EV_RESULT, nb.EV_EXIT, nb.EV_HOST_CALL, 99]),
                                rng.choice([0, 1, 2**64 - 1]), rng.choice(["x", b"y", [1] * 3, None, {"a": 1}])])  # fmt: skip
        else:
            op = rng.choice(
                [nb.OP_EVAL, nb.OP_CALL, nb.OP_GET_GLOBAL, nb.OP_SET_GLOBAL, nb.OP_SEND, nb.OP_MEMORY]
            )
            raw = Context._frame(op, rng.choice([0, 1]), rng.choice([None, 0.5]), "1 + 1", "<f>")
        data = bytearray(raw)
        for _ in range(rng.randint(0, 4)):
            if data:
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        if rng.random() < 0.3 and data:
            del data[rng.randrange(len(data)) :]
        return bytes(data)
    if r < 0.7:
        shape = [
            rng.choice([0, 1, 2, 7, 255, -1, 2**40, "s", None, b"b", [], {}])
            for _ in range(rng.randint(0, 6))
        ]
        return bytes(msgpack.packb(shape))
    if r < 0.9:
        return bytes.fromhex(rng.choice(_HOSTILE))
    return rng.randbytes(rng.randint(0, 64))


def _frame(rng: random.Random, kinds: list[int], event: bool) -> dict[str, Any]:
    kind = rng.choice(kinds) if rng.random() < 0.9 else rng.randrange(256)
    if kind == w.FAULT:  # the test hook crashes the worker on purpose
        kind = w.SEND
    a = rng.choice([1, 0, 2, 2**64 - 1, SYNC | 1, SYNC | 2])
    b = rng.choice([0, 1, SYNC | 1, SYNC | 2, 2**64 - 1])
    body = _body(rng, event)
    return {"kind": kind, "a": a, "b": b, "body": body.hex(), "lie": None}


def _forge_case(rng: random.Random) -> dict[str, Any]:
    how = rng.choice(["smuggle", "lie", "retarget", "kind", "flip", "cut", "huge"])
    plan: dict[str, Any] = {"how": how, "at": rng.randint(1, 5)}
    plan["delta"] = rng.choice([-3, -1, 1, 21, 4096])
    plan["kind"] = rng.choice([ord(c) for c in "ECRHXZ"])
    plan["flips"] = [[rng.randrange(64), rng.randrange(8)] for _ in range(rng.randint(1, 4))]
    plan["keep"] = rng.randint(0, 30)
    return {"side": "forge", "plan": plan}


def generate(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.3:
        return _forge_case(rng)
    side = rng.choice(["worker", "pool"])
    kinds = (
        [w.SEND, w.RESOLVE, w.STOP, w.STATS, w.NEW]
        if side == "worker"
        else [w.EVENT, w.CALL, w.REPLY, w.HELLO]
    )
    frames = [_frame(rng, kinds, side == "pool") for _ in range(rng.randint(1, 8))]
    if rng.random() < 0.25:
        frames[-1]["lie"] = rng.choice([0, 1, 20, 2**20, 2**32 - 1])
    return {"side": side, "frames": frames}


def _pack(f: dict[str, Any]) -> bytes:
    body = bytes.fromhex(f["body"])
    length = len(body) if f["lie"] is None else f["lie"]
    return HDR.pack(length, f["kind"], f["a"], f["b"]) + body


def _read_frame(sock: socket.socket, deadline: float) -> tuple[int, int, int, bytes] | None:
    buf = b""
    need = HDR.size
    header = None
    while True:
        while len(buf) < need:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536 if header else need - len(buf))
            except (TimeoutError, OSError):
                return None
            if not chunk:
                return None
            buf += chunk
        if header is None:
            header = HDR.unpack(buf[: HDR.size])
            need = HDR.size + header[0]
            continue
        return header[1], header[2], header[3], buf[HDR.size : need]


class _Worker:
    """A real worker process on a socketpair; its stderr is the slice's (sanitizer reports land there)."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        self.sock = mine
        code = "import socket, sys\nfrom actors.process.worker import main\nmain(socket.socket(fileno=int(sys.argv[1])), 1, 1)"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno())], pass_fds=[theirs.fileno()]
        )
        theirs.close()
        deadline = time.monotonic() + 60
        hello = _read_frame(mine, deadline)
        if hello is None or hello[0] != w.HELLO:
            raise RuntimeError(f"the worker did not say hello: {hello!r}")
        # the worker's NEW body: a ContextSpec (actors.backend) as a list
        new = msgpack.packb(
            ContextSpec(1, 16 << 20, 100000, 2.0, 0, on_uncaught=1, max_result_bytes=32 << 20).to_list()
        )
        self.sock.sendall(HDR.pack(len(new), w.NEW, 7, 0) + new)
        reply = self._until(lambda m: m[0] == w.REPLY and m[1] == 7, time.monotonic() + 30)
        if reply is None:
            raise RuntimeError("the worker did not create the context")
        self.token = SYNC | 1000

    def _until(self, pred: Any, deadline: float) -> tuple[int, int, int, bytes] | None:
        while True:
            m = _read_frame(self.sock, deadline)
            if m is None or pred(m):
                return m

    def gone(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        self.sock.close()
        if self.gone(10) is None:
            self.proc.kill()
            self.proc.wait()


_state: dict[str, Any] = {}


def _check_exit(rc: int | None, what: str) -> None:
    if rc is not None and rc < 0:
        raise Finding("worker-crashed-on-frame", f"{what}: the worker process died of signal {-rc}")


def _run_worker(case: dict[str, Any]) -> None:
    wk = _state.get("worker")
    if wk is None or wk.proc.poll() is not None:
        wk = _state["worker"] = _Worker()
    lied = False
    try:
        for f in case["frames"]:
            wk.sock.sendall(_pack(f))
            lied = lied or f["lie"] is not None
    except OSError:
        pass  # the worker closed its end (a clean exit is allowed)
    if lied:
        del _state["worker"]
        wk.sock.close()
        rc = wk.gone(15)
        if rc is None:
            wk.proc.kill()
            wk.proc.wait()
            raise Finding("worker-outlived-its-socket", "the worker kept running after its socket closed")
        _check_exit(rc, "after a lying header")
        return
    wk.token += 1
    token = wk.token
    sentinel = Context._frame(nb.OP_EVAL, 1, None, "1 + 1", "<sentinel>")
    try:
        wk.sock.sendall(HDR.pack(len(sentinel), w.SEND, 1, token) + sentinel)
    except OSError:
        pass
    answer = wk._until(lambda m: m[0] == w.REPLY and m[1] == token, time.monotonic() + 15)
    if answer is None:
        del _state["worker"]
        wk.sock.close()
        rc = wk.gone(15)
        _check_exit(rc, "after well-framed garbage")
        if rc is None:
            wk.proc.kill()
            wk.proc.wait()
            raise Finding("worker-stopped-answering", "well-framed garbage wedged the worker")


def _run_pool(case: dict[str, Any]) -> None:
    mine, theirs = socket.socketpair()
    hub = nb.Hub()
    client = nb.Client(mine.fileno(), hub)
    outcome: list[Any] = []
    t0 = time.monotonic()

    def give_up() -> None:
        if time.monotonic() - t0 > 20:
            raise TimeoutError("no answer")

    def caller() -> None:
        frame = Context._frame(nb.OP_EVAL, 1, None, "1 + 1", "<f>")
        try:
            outcome.append(typed(lambda: client.request(w.SEND, 1, frame, 0.25, give_up), "request"))
        except BaseException as exc:
            outcome.append((None, exc))

    try:
        theirs.sendall(HDR.pack(0, w.HELLO, os.getpid(), 0))
        th = threading.Thread(target=caller, daemon=True)
        th.start()
        try:
            for f in case["frames"]:
                theirs.sendall(_pack(f))
        except OSError:
            pass
        theirs.close()
        if not client.wait_closed(15):
            raise Finding("reader-missed-close", "the pool's reader did not notice the socket closing")
        client.fail_pending(codec.encode([nb.R_DEAD, "the worker went away"]))
        th.join(25)
        if th.is_alive():
            raise Finding("caller-never-answered", "a pending request outlived its connection")
        got, exc = outcome[0]
        if isinstance(exc, TimeoutError):
            raise Finding("caller-never-answered", "a pending request was not answered in 20 s")
        if isinstance(exc, Finding):
            raise exc
        if got is not None:
            typed(lambda: codec.decode(got), "decoding a reply")
        for poll in (hub.poll, hub.poll_calls):
            for _ in range(10000):
                ev = poll(0)
                if not isinstance(ev, bytes):
                    break
                # the pool's event loop catches any Exception from decoding
                # (pool._undecodable): only a crash or a BaseException counts
                try:
                    codec.decode(ev)
                except Exception:
                    pass
    finally:
        client.free()
        hub.free()
        mine.close()


_ATTACK = (
    "Host.send('a'); Host.send({k: [1, 2, 'three']}); const r = await Host.call('h', 'x'); "
    "Host.send(r); Host.callSync('h', 'y'); 7"
)


class _Forge:
    """A process-mode pool (2 workers behind the hostile proxy) and a victim context."""

    def __init__(self) -> None:
        import actors
        import actors.process.pump as procpool
        from tests.fuzz import wire_evil

        self.plan = Path(os.getcwd()) / f"wire-plan-{os.getpid()}.json"
        self.plan.write_text("{}")
        os.environ["ACTORS_FUZZ_WIRE_PLAN"] = str(self.plan)  # before the forkserver starts
        procpool._worker_entry = wire_evil.entry  # type: ignore[assignment]
        self.pool = actors.ContextPool(size=2, processes=2)
        self.victim_got: list[Any] = []
        self.victim = self.pool.spawn(
            apis=None, timeout=10.0, handlers={"h": lambda *a: self.victim_got.append(("call", a))}
        )
        self.victim.on_message(lambda m: self.victim_got.append(("message", m)))

    def close(self) -> None:
        self.pool.stop()


def _run_forge(case: dict[str, Any]) -> None:
    import actors
    from tests.fuzz import wire_evil

    fg = _state.get("forge")
    if fg is None or not fg.victim.alive:
        if fg is not None:
            fg.close()
        fg = _state["forge"] = _Forge()  # type: ignore[assignment]
    assert isinstance(fg, _Forge)
    try:
        attacker = fg.pool.spawn(apis=None, timeout=3.0, on_uncaught="log", handlers={"h": lambda x: x})
    except actors.ActorsError:
        return  # the worker killed after the last case was still being replaced
    attacker.on_message(lambda m: None)
    where, victim_at = handle_of(attacker).worker, handle_of(fg.victim).worker  # type: ignore[attr-defined]
    if where is victim_at:
        attacker.kill()
        return  # placed beside the victim: this case tests nothing
    plan = dict(case["plan"], case=case["index"], worker=f"-worker-{where.index}", victim=fg.victim.id)
    fg.plan.write_text(json.dumps(plan))
    outcome: list[Any] = []

    def attack() -> None:
        try:
            outcome.append(typed(lambda: attacker.eval(_ATTACK), "attacker eval"))
            outcome.append(typed(lambda: attacker.eval("1 + 1"), "attacker eval after"))
        except Finding as f:
            outcome.append(f)

    th = threading.Thread(target=attack, daemon=True)
    th.start()
    th.join(12.0)
    hung = th.is_alive()
    try:
        if hung:
            # killing the worker below must release the caller (the crash path)
            raise Finding("caller-hangs-after-bad-frame", f"{case['plan']['how']}: no answer in 12 s")
        for item in outcome:
            if isinstance(item, Finding):
                raise item
    finally:
        fg.plan.write_text("{}")
        pid = where.pid
        try:
            attacker.kill(timeout=5.0)
        except actors.ActorsError:
            pass
        if pid and where.alive:  # a desynchronized worker is not reused: the next case gets a fresh one
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        th.join(12.0)
        if hung and th.is_alive():
            raise Finding("caller-hangs-after-worker-died", f"{case['plan']['how']}: still waiting")
    forged = [g for g in fg.victim_got if wire_evil.FORGED in repr(g)] or list(fg.victim_got)
    fg.victim_got.clear()
    if forged:
        raise Finding("forged-message-delivered", f"the victim in another process received {short(forged)}")
    got, exc = typed(lambda: fg.victim.eval("1 + 1", timeout=10.0), "victim eval")
    if got != 2:
        raise Finding("victim-stopped-answering", f"victim eval gave {got!r} / {exc!r}")


def run(case: dict[str, Any], env: Any) -> None:
    if case["side"] == "forge":
        _run_forge(case)
    elif case["side"] == "worker":
        _run_worker(case)
    else:
        _run_pool(case)
