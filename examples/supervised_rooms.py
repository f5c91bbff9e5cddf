"""A chat service where every room is a supervised JavaScript context: each room
runs its own script (written to a temporary file and given as ``script=``) in
its own context with its own ``memory_limit``: it keeps a message list,
answers ``post`` and ``history`` calls from Python, and takes messages sent
with ``ctx.send`` through ``Host.onMessage``. A
``Supervisor(strategy="one_for_one")`` owns the rooms. Two rooms are then made
to crash: one throws an uncaught error in its message handler, the other
allocates past its memory limit. The supervisor replaces each crashed room
with a fresh incarnation (empty history, script run again) while the other
rooms keep serving with their messages intact. Run it with ``python
examples/supervised_rooms.py``; it prints each step and exits 0.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import actors

ROOMS = {  # room id -> (topic, memory limit in bytes)
    "lobby": ("Say hello", 2 * 1024 * 1024),
    "python": ("All things Python", 4 * 1024 * 1024),
    "random": ("Anything goes", 1024 * 1024),
}

ROOM_JS = """\
// Room {room!r}: runs at start and again on every restart.
const room = {room!r};
const topic = {topic!r};
const messages = [];  // this incarnation's state: gone when the context dies

function post(user, text) {{
    if (typeof text !== "string" || text.length === 0) throw new TypeError("empty message");
    messages.push({{user, text}});
    Host.send({{room, event: "posted", user, count: messages.length}});
    return messages.length;
}}

function history() {{
    return messages.map(m => `${{m.user}}: ${{m.text}}`);
}}

function info() {{
    return {{room, topic, messages: messages.length}};
}}

Host.onMessage(msg => {{
    if (msg.type === "post") post(msg.user, msg.text);
    else if (msg.type === "crash") throw new Error(`${{room}} was told to crash`);
    else if (msg.type === "hog") {{
        const hoard = [];
        for (;;) hoard.push("x".repeat(4096) + hoard.length);  // past memory_limit
    }}
}});
"""


def step(text: str) -> None:
    print(f"\n== {text}")


def wait_for_restart(sup: actors.Supervisor, room: str, old: actors.Context, timeout: float = 5.0) -> Any:
    """The next incarnation of ``room`` once the supervisor has started it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = sup.child(room)
        if current is not None and current is not old and current.alive:
            return current
        time.sleep(0.005)
    raise RuntimeError(f"room {room!r} was not restarted within {timeout} s")


def room_starter(
    pool: actors.ContextPool, room: str, script: Path, memory_limit: int
) -> Callable[[], actors.Context]:
    """How the supervisor starts (and restarts) one room: spawn, then wire its outbox."""

    def start() -> actors.Context:
        ctx = pool.spawn(apis=None, script=script, memory_limit=memory_limit, name=room)
        ctx.on_message(lambda ev: print(f"   [{ev['room']}] {ev['user']} posted (#{ev['count']})"))
        ctx.on_exit(lambda c, reason, _detail: print(f"   room {room!r} (context #{c.id}) exited: {reason}"))
        print(f"   started room {room!r} as context #{ctx.id} (memory_limit={memory_limit // 1024} KB)")
        return ctx

    return start


def show_rooms(sup: actors.Supervisor) -> None:
    for room, ctx, restart in sup.which_children():
        info = ctx.call("info")
        print(f"   {room:<7} #{ctx.id:<3} {restart}: {info['messages']} message(s), topic {info['topic']!r}")


def main() -> int:
    # The library reports crashes on logging (actors.context, actors.supervisor).
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="   (log) %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="rooms-") as tmp, actors.ContextPool(size=2) as pool:
        scripts = Path(tmp)
        sup = actors.Supervisor(strategy="one_for_one", max_restarts=3, max_seconds=5.0, name="rooms")

        step("starting one supervised context per room, each with its own script")
        for room, (topic, memory_limit) in ROOMS.items():
            script = scripts / f"{room}.js"
            script.write_text(ROOM_JS.format(room=room, topic=topic), encoding="utf-8")
            sup.start_child(room, room_starter(pool, room, script, memory_limit), restart="permanent")

        step("posting: ctx.call('post', ...) answers, ctx.send(...) goes through Host.onMessage")
        sup.child("lobby").call("post", "ada", "hello everyone")
        sup.child("lobby").send({"type": "post", "user": "bob", "text": "hi ada"})
        sup.child("python").call("post", "guido", "3.13 is out")
        sup.child("random").send({"type": "post", "user": "eve", "text": "anyone here?"})
        for room in ROOMS:
            print(f"   history of {room}: {sup.child(room).call('history')}")
        show_rooms(sup)

        step("lobby gets a message that makes its handler throw (uncaught: the context crashes)")
        old_lobby = sup.child("lobby")
        old_lobby.send({"type": "crash"})
        old_lobby.wait(5.0)
        print(f"   old lobby #{old_lobby.id} exited: reason={old_lobby.exit_reason}, {old_lobby.exit_detail}")
        lobby = wait_for_restart(sup, "lobby", old_lobby)
        print(f"   lobby restarted as #{lobby.id}; history now {lobby.call('history')} (fresh state)")
        try:
            old_lobby.call("history")
        except actors.ContextDeadError as exc:
            print(f"   the old incarnation refuses calls: ContextDeadError ({exc.reason})")

        step("meanwhile the other rooms kept serving, their messages intact")
        sup.child("python").call("post", "tim", "beautiful is better than ugly")
        print(f"   history of python: {sup.child('python').call('history')}")
        print(f"   history of random: {sup.child('random').call('history')}")

        step("random gets a message that allocates past its 1 MB memory_limit")
        old_random = sup.child("random")
        old_random.send({"type": "hog"})
        old_random.wait(5.0)
        print(f"   old random #{old_random.id} exited: reason={old_random.exit_reason}")
        random_room = wait_for_restart(sup, "random", old_random)
        print(f"   random restarted as #{random_room.id}; history now {random_room.call('history')}")

        step("the restarted rooms serve again; the supervisor is still up")
        lobby.call("post", "ada", "back again")
        random_room.send({"type": "post", "user": "eve", "text": "still here"})
        print(f"   history of lobby: {lobby.call('history')}")
        print(f"   history of random: {random_room.call('history')}")
        show_rooms(sup)
        counts = sup.count_children()
        print(f"   supervisor alive={sup.alive}, {counts['active']}/{counts['specs']} rooms running")

        step("shutting down: rooms stop in reverse start order")
        children = [ctx for _room, ctx, _restart in sup.which_children()]
        sup.stop()
        print(f"   supervisor exit_reason={sup.exit_reason}; rooms alive: {[c.alive for c in children]}")
    print("\ndone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
