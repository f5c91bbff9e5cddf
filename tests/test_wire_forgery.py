"""Process mode: a worker process is trusted with nothing.

These tests play a worker that native code has taken over (the attacker
read our source): through the test-only ``forge_frames`` hook it writes
bytes of its choosing to the pool's socket. Whatever it writes, no other
process's context hears of it; the pool stops reading that worker at the
first bad frame, kills it, and its own contexts exit ``crashed`` as after
any crash.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import msgpack
import pytest
from waiting import wait_until
from workers import on_other_process

import actors
from actors import _binding as nb
from actors.testing import forge_frames, frame, worker_pid

pytestmark = pytest.mark.mode_independent


class Victim:
    """A context in the other worker process whose handler records every call."""

    def __init__(self, pool: actors.ContextPool, attacker: actors.Context) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.messages: list[object] = []
        self.lock = threading.Lock()
        ctx = on_other_process(pool, attacker, apis=None, handlers={"transfer": self.transfer})
        ctx.on_message(self.messages.append)
        self.ctx = ctx

    def transfer(self, *args: object) -> str:
        with self.lock:
            self.calls.append(args)
        return "ok"


def _event(*items: object) -> bytes:
    return msgpack.packb(list(items))  # type: ignore[no-any-return]


def _uint(n: int) -> bytes:
    return msgpack.packb(n)  # type: ignore[no-any-return]


def _assert_cut_off(pool: actors.ContextPool, attacker: actors.Context, victim: Victim) -> None:
    # the attacker's worker is handled as a crash: its contexts exit crashed
    assert attacker.wait(10), "the forging worker was not cut off"
    assert attacker.exit_reason == "crashed"
    assert wait_until(lambda: pool.stats()["crashes"] == 1, timeout=10)
    # the victim in the other process heard nothing of it and keeps working
    assert victim.ctx.eval("Host.callSync('transfer', 'legit')") == "ok"
    assert victim.calls == [("legit",)]
    assert victim.messages == []
    assert victim.ctx.alive


def test_a_forged_host_call_for_a_context_in_another_process_never_reaches_it(
    ppool: actors.ContextPool,
) -> None:
    attacker = ppool.spawn(apis=None)
    victim = Victim(ppool, attacker)
    forged = _event(nb.EV_HOST_CALL, victim.ctx.id, 1, 0, "transfer", ["attacker", 10**6])
    forge_frames(attacker, frame("C", body=forged))
    _assert_cut_off(ppool, attacker, victim)


def test_a_forged_message_for_a_context_in_another_process_never_reaches_it(
    ppool: actors.ContextPool,
) -> None:
    attacker = ppool.spawn(apis=None)
    victim = Victim(ppool, attacker)
    forge_frames(attacker, frame("E", body=_event(nb.EV_MESSAGE, victim.ctx.id, "forged")))
    _assert_cut_off(ppool, attacker, victim)


def test_a_desynchronized_stream_cannot_smuggle_frames(ppool: actors.ContextPool) -> None:
    # What a body longer than its 32-bit length field did before frames were
    # bounded: a header announcing less than what follows, so the reader
    # takes JS-chosen bytes for the next frame. The first frame is harmless
    # and well formed; the smuggled one targets the victim.
    attacker = ppool.spawn(apis=None)
    victim = Victim(ppool, attacker)
    smuggled = frame("C", body=_event(nb.EV_HOST_CALL, victim.ctx.id, 1, 0, "transfer", ["smuggled"]))
    honest = _event(nb.EV_LOG, attacker.id, 1, "x")
    forge_frames(attacker, frame("E", body=honest) + smuggled)
    _assert_cut_off(ppool, attacker, victim)


# frames a worker must not send; {me} is the id of a context of its own
BAD_FRAMES: dict[str, Callable[[int], bytes]] = {
    "a length past the protocol's maximum": lambda me: frame("E", length=0xFFFFFFFF),
    "an unknown kind": lambda me: frame("Z", body=b"\x90"),
    "a body that is not msgpack": lambda me: frame("E", body=b"\xc1\xc1\xc1"),
    "a truncated body": lambda me: frame("E", body=b"\x95\x01"),
    "trailing bytes": lambda me: frame("E", body=_event(nb.EV_LOG, me, 1, "x") + b"\x00"),
    "a string that is not UTF-8": lambda me: frame("E", body=b"\x94\x04" + _uint(me) + b"\x01\xa2\xed\xa0"),
    "an unknown extension": lambda me: frame("E", body=b"\x93\x03" + _uint(me) + b"\xd4\x09\x00"),
    "a malformed BigInt": lambda me: frame("E", body=b"\x93\x03" + _uint(me) + b"\xc7\x02\x01zz"),
    "an unknown event kind": lambda me: frame("E", body=_event(99, me, "x")),
    "a host call on the event channel": lambda me: frame(
        "E", body=_event(nb.EV_HOST_CALL, me, 1, 0, "transfer", [])
    ),
    "an event of the wrong length": lambda me: frame("E", body=_event(nb.EV_MESSAGE, me)),
    "a reply for a token it was not given": lambda me: frame("R", a=(1 << 62) | 12345, body=b"\x92\x00\xc0"),
    "a second hello": lambda me: frame("H", a=1),
    # a header that promises more than ever comes: the pool must not wait
    # for the rest forever (WIRE_STALL_MS), nor its callers with it
    "a frame begun and never finished": lambda me: frame("E", length=4096, body=b"\x94\x04"),
}


@pytest.mark.parametrize("bad", list(BAD_FRAMES))
def test_a_worker_that_sends_a_bad_frame_is_killed_and_replaced(ppool: actors.ContextPool, bad: str) -> None:
    attacker = ppool.spawn(apis=None)
    victim = Victim(ppool, attacker)
    data = BAD_FRAMES[bad](attacker.id)
    old = worker_pid(attacker)
    forge_frames(attacker, data)
    _assert_cut_off(ppool, attacker, victim)
    assert wait_until(lambda: ppool.stats()["processes"] == 2, timeout=10)
    fresh = [worker_pid(ppool.spawn(apis=None)) for _ in range(4)]
    assert old not in fresh


def test_an_event_for_a_context_of_its_own_passes(ppool: actors.ContextPool) -> None:
    # the check is about where a context lives, not about the frame kind: a
    # well-formed event for a context of that worker is delivered
    ctx = ppool.spawn(apis=None)
    got: list[object] = []
    ready = threading.Event()

    def on_message(m: object) -> None:
        got.append(m)
        ready.set()

    ctx.on_message(on_message)
    forge_frames(ctx, frame("E", body=_event(nb.EV_MESSAGE, ctx.id, "from the worker")))
    assert ready.wait(5)
    assert got == ["from the worker"]
    assert ctx.eval("1 + 1") == 2 and ppool.stats()["crashes"] == 0
