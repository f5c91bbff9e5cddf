"""The supervised chat rooms of ``supervised_rooms.py``, spread over a 3-node Ray cluster
started on this machine (head on 127.0.0.2, nodes on 127.0.0.3 and 127.0.0.4, each its own
raylet and worker processes): every room is a supervised context (``restart="permanent"``)
placed on the least-loaded node, found by name with ``cluster.whereis``, posted to with
``cluster.call`` and ``cluster.send``; a crashing room is restarted in place by its node's own
supervisor, and when a whole node is killed the Cluster supervisor re-spawns its rooms on the
surviving nodes (fresh state, same names) while the other rooms keep their messages. Ray's
servers listen on every interface, so the script re-runs itself in a private network namespace
with only loopback (``unshare -n``) and refuses to start without one. Needs ``pip install
'actors[ray]'``; run it with ``python examples/cluster_rooms.py``; it prints each step and exits 0.
"""

from __future__ import annotations

import sys
import time
from typing import Any

ROOMS = {"lobby": "Say hello", "python": "All things Python", "random": "Anything goes", "games": "Play"}

ROOM_JS = """\
const room = {room!r};
const topic = {topic!r};
const messages = [];  // this incarnation's state: gone when the context dies
function post(user, text) {{
    messages.push({{user, text}});
    Host.send({{room, user, count: messages.length}});
    return messages.length;
}}
function history() {{ return messages.map(m => `${{m.user}}: ${{m.text}}`); }}
Host.onMessage(msg => {{
    if (msg.type === "post") post(msg.user, msg.text);
    else if (msg.type === "crash") throw new Error(`${{room}} was told to crash`);
}});
"""


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def wait_for(what: str, predicate: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"timed out waiting for {what}")


def main() -> int:
    from actors.cluster import Cluster, ContextRef
    from actors.ray import local_cluster, start_hosts

    step("starting a 3-node Ray cluster on loopback (head + 2 nodes) and one host actor per node")
    with local_cluster(3) as ray_cluster:
        hosts = start_hosts(node_ids=[ray_cluster.node_id(i) for i in range(3)], size=2)
        names = {h.host_id: f"node{i}" for i, h in enumerate(hosts)}
        with Cluster(hosts, max_restarts=3, max_seconds=30.0) as cluster:

            def where(room: str) -> str:
                ref = cluster.whereis(room)
                return names[ref.host_id] if ref is not None else "nowhere"

            def at(room: str) -> ContextRef:
                ref = cluster.whereis(room)
                if ref is None:
                    raise RuntimeError(f"room {room!r} is not running")
                return ref

            def on_message(_ref: ContextRef, event: Any) -> None:
                print(f"   [{event['room']}] {event['user']} posted (#{event['count']})", flush=True)

            step("one supervised room per topic, placed on the least-loaded node")
            for room, topic in ROOMS.items():
                ref = cluster.spawn(
                    name=room, restart="permanent", script=ROOM_JS.format(room=room, topic=topic)
                )
                cluster.on_message(ref, on_message)
                print(f"   room {room!r} on {names[ref.host_id]} as {ref}")

            step("posting with cluster.call (answers) and cluster.send (through Host.onMessage)")
            for room in ROOMS:
                cluster.call(at(room), "post", "ada", f"hello {room}")
            cluster.send(at("python"), {"type": "post", "user": "guido", "text": "3.13 is out"})
            for room in ROOMS:
                print(f"   history of {room} ({where(room)}): {cluster.call(at(room), 'history')}")

            step("lobby crashes: its node's own supervisor restarts it in place (no network hop)")
            old = cluster.whereis("lobby")
            assert old is not None
            cluster.send(old, {"type": "crash"})
            lobby = wait_for("lobby's restart", lambda: (r := cluster.whereis("lobby")) != old and r)
            print(f"   lobby restarted on {names[lobby.host_id]} (same node: {lobby.host_id == old.host_id})")
            print(f"   history of lobby now {cluster.call(lobby, 'history')} (fresh state)")

            victim_index = max(range(1, 3), key=lambda i: sum(where(r) == f"node{i}" for r in ROOMS))
            victim = f"node{victim_index}"
            lost = [room for room in ROOMS if where(room) == victim]
            kept = [room for room in ROOMS if room not in lost]
            step(f"killing {victim} (every process of it) with rooms {lost} on it")
            refs_before = {room: cluster.whereis(room) for room in lost}
            killed = time.monotonic()
            ray_cluster.kill_node(victim_index)
            for room in lost:
                ref = refs_before[room]
                assert ref is not None
                wait_for(f"{room} elsewhere", lambda room=room: where(room) not in (victim, "nowhere"))
                print(
                    f"   {room} re-spawned on {where(room)}; the old reference is {cluster.exit_reason(ref)}"
                )
            print(f"   all rooms answering again after {time.monotonic() - killed:.1f} s")

            step("the rooms of the surviving nodes kept their messages; the moved ones start fresh")
            for room in ROOMS:
                history = cluster.call(at(room), "history")
                print(f"   history of {room} ({where(room)}): {history}")
            for room in lost:
                cluster.call(at(room), "post", "eve", "back again")
                print(f"   {room} after a post: {cluster.call(at(room), 'history')}")
            print(
                f"   kept rooms: {kept}; moved rooms: {lost}; nodes up: "
                f"{sorted(names[h] for h, s in cluster.hosts().items() if s['alive'])}"
            )

            step("shutting down: the cluster stops every room, then Ray stops every node")
    print("\ndone")
    return 0


if __name__ == "__main__":
    from actors.ray import rerun_in_loopback_namespace

    code = rerun_in_loopback_namespace()
    sys.exit(main() if code is None else code)
