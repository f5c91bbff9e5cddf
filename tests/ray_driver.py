"""The Ray suite's driver: one loopback cluster (head + 2 nodes), every scenario in turn.

Run by tests/test_ray.py inside a network namespace with only ``lo``. Each
scenario prints one line ``CHECK <name> <json>``; the tests assert on them.
The last lines name every process the cluster started, so the test can
check that none is left once this script has exited.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import psutil

import actors
from actors.cluster import Cluster
from actors.ray import local_cluster, rerun_in_loopback_namespace, start_hosts

T0 = time.monotonic()


def check(name: str, fn: Callable[[], Any]) -> None:
    print(f"# {name} at {time.monotonic() - T0:.1f}", flush=True)
    try:
        value = fn()
    except BaseException as exc:
        value = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
    print(f"CHECK {name} {json.dumps(value, default=repr)}", flush=True)


def wait(predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise TimeoutError("condition not met in time")


def main() -> None:
    assert rerun_in_loopback_namespace() is None, "run me inside a network namespace (tests/test_ray.py does)"
    started = time.monotonic()
    with local_cluster(3, cpus_per_node=1) as rc:
        print(f"CHECK startup {json.dumps(round(time.monotonic() - started, 1))}", flush=True)
        hosts = start_hosts(node_ids=[rc.node_id(i) for i in range(3)], size=2)
        ids = [h.host_id for h in hosts]  # head (127.0.0.2), then 127.0.0.3, 127.0.0.4
        head, node1, node2 = ids
        cluster = Cluster(hosts, max_restarts=3, max_seconds=60.0)
        scenarios(cluster, rc, hosts, head, node1, node2)
        print(f"# close at {time.monotonic() - T0:.1f}", flush=True)
        cluster.close()
        print(f"# closed at {time.monotonic() - T0:.1f}", flush=True)
        session = ray_session_dir()
        pids = sorted(p.pid for p in psutil.Process().children(recursive=True))
        print(f"CHECK session {json.dumps(session)}", flush=True)
        print(f"CHECK cluster_pids {json.dumps(pids)}", flush=True)
    print(f"CHECK total {json.dumps(round(time.monotonic() - started, 1))}", flush=True)


def ray_session_dir() -> str:
    import ray

    return str(ray._private.worker._global_node.get_session_dir_path())


def scenarios(cluster: Cluster, rc: Any, hosts: list[Any], head: str, node1: str, node2: str) -> None:
    script = "const got = []; Host.onMessage(m => got.push(m)); function add(a, b) { return a + b }"

    def remote_ops() -> Any:
        out = {}
        for host in (head, node1, node2):
            ref = cluster.spawn(host=host, script=script)
            cluster.send(ref, {"to": host})
            out[host] = [cluster.eval(ref, "6 * 7"), cluster.call(ref, "add", 2, 3), cluster.eval(ref, "got")]
        try:
            cluster.eval(cluster.spawn(host=node2), "throw new TypeError('remote')")
        except actors.JSError as exc:
            out["js_error"] = [exc.name, exc.message]
        return out

    check("remote_ops", remote_ops)

    def ordering() -> Any:
        ref = cluster.spawn(host=node1, script=script)
        for i in range(3000):
            cluster.send(ref, i)
        got = cluster.eval(ref, "got")
        return {"in_order": got == list(range(3000)), "count": len(got)}

    check("ordering", ordering)

    def placement() -> Any:
        before = {h: v["contexts"] for h, v in cluster.hosts().items()}
        refs = cluster.spawn_many(9)
        spread = {h: sum(r.host_id == h for r in refs) for h in before}
        grouped = {cluster.spawn(group="room-7").host_id for _ in range(6)}
        origin = {cluster.spawn(origin="https://tenant.example").host_id for _ in range(4)}
        for r in refs:
            cluster.stop(r)
        return {"before": before, "spread": spread, "group_hosts": len(grouped), "origin_hosts": len(origin)}

    check("placement", placement)

    def batching() -> Any:
        refs = cluster.spawn_many(3)
        batch = cluster.batch()
        for i in range(100):
            batch.eval(refs[i % 3], f"{i} * 2")
        t = time.monotonic()
        results = batch.run()
        return {"ok": results == [i * 2 for i in range(100)], "seconds": round(time.monotonic() - t, 3)}

    check("batching", batching)

    def async_control() -> Any:
        busy = cluster.spawn(host=node1)
        other = cluster.spawn(host=node1)
        slow = threading.Thread(
            target=lambda: _swallow(lambda: cluster.eval(busy, "for (;;) {}", timeout=1.5))
        )
        slow.start()
        time.sleep(0.2)
        t = time.monotonic()
        value = cluster.eval(other, "'quick'")
        quick = time.monotonic() - t
        slow.join()
        return {"value": value, "seconds_while_sibling_busy": round(quick, 3)}

    check("async_control", async_control)

    def whereis() -> Any:
        ref = cluster.spawn(name="registry", host=node2, script="globalThis.kind = 'registry'")
        found = cluster.whereis("registry")
        return {
            "same": found == ref,
            "host": found.host_id if found else None,
            "kind": cluster.eval(found, "kind"),
        }

    check("whereis", whereis)

    def handlers_on_node() -> Any:
        ref = cluster.spawn(host=node2, handlers="cluster_handlers:HANDLERS")
        return {
            "double": cluster.eval(ref, "Host.call('double', 21)"),
            "ran_elsewhere": cluster.eval(ref, "Host.call('where')") != os.getpid(),
        }

    check("handlers_on_node", handlers_on_node)

    def driver_handlers() -> Any:
        async def lookup(key: str) -> Any:
            return {"key": key, "pid": os.getpid()}

        ref = cluster.spawn(host=node2, driver_handlers={"lookup": lookup})
        got = cluster.eval(ref, "Host.call('lookup', 'k')")
        return {"key": got["key"], "ran_on_driver": got["pid"] == os.getpid()}

    check("driver_handlers", driver_handlers)

    # --- the driver's death: its (non-detached) host actors and contexts die with it -------
    def driver_death() -> Any:
        code = (
            "import logging, time, ray\n"
            f"ray.init(address={rc.address!r}, logging_level=logging.WARNING, log_to_driver=False)\n"
            "from actors.cluster import Cluster\n"
            "from actors.ray import start_hosts\n"
            "c = Cluster(start_hosts(size=2))\n"
            "c.spawn_many(6)\n"
            "pids = [load['pid'] for load in c.load().values()]\n"
            "print(' '.join(map(str, pids)), flush=True)\n"
            "time.sleep(600)\n"
        )
        other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        try:
            assert other.stdout is not None
            pids = [int(p) for p in other.stdout.readline().split()]
            assert len(pids) == 3, pids
            alive_before = all(psutil.pid_exists(p) for p in pids)
            t = time.monotonic()
            other.send_signal(signal.SIGKILL)
            other.wait()
            wait(lambda: not any(_running(p) for p in pids), 30)
            return {
                "hosts": len(pids),
                "alive_before": alive_before,
                "gone_after": round(time.monotonic() - t, 2),
            }
        finally:
            if other.poll() is None:
                other.kill()
                other.wait()

    check("driver_death", driver_death)

    # --- a restarted host: a new host actor under the same host id ------------------------
    def restarted_host() -> Any:
        from actors.ray.host import start_hosts as again

        old = cluster.spawn(host=node1, script="globalThis.who = 'old boot'")
        index = [h.host_id for h in hosts].index(node1)
        killed = time.monotonic()
        hosts[index].kill()
        wait(lambda: not cluster.hosts()[node1]["alive"], 10)
        detected = time.monotonic() - killed
        new_host = again(node_ids=[rc.node_id(1)], host_ids=[node1], size=2)[0]
        cluster.add_host(new_host)
        hosts[index] = new_host
        t = time.monotonic()
        try:
            cluster.eval(old, "who")
            outcome = "answered"
        except actors.ContextDeadError as exc:
            outcome = exc.reason
        fail_seconds = time.monotonic() - t
        fresh = cluster.spawn(host=node1, script="globalThis.who = 'new boot'")
        return {
            "old_ref": outcome,
            "kill_detected_seconds": round(detected, 3),
            "fail_seconds": round(fail_seconds, 4),
            "boots_differ": fresh.boot_id != old.boot_id,
            "fresh": cluster.eval(fresh, "who"),
        }

    check("restarted_host", restarted_host)

    # --- node loss: 100 supervised contexts running, links across nodes -------------------
    names = [f"worker-{i}" for i in range(100)]
    for name in names:
        cluster.spawn(
            name=name,
            restart="permanent",
            script=f"globalThis.me = {name!r}; let ticks = 0; setInterval(() => ticks++, 5)",
        )
    on_node2 = [n for n in names if cluster.whereis(n).host_id == node2]  # type: ignore[union-attr]
    temp = cluster.spawn(host=node2)
    linked = cluster.spawn(host=node1)
    cluster.link(temp, linked)
    watcher = cluster.spawn(host=head)
    trapped: list[tuple[str, str]] = []
    cluster.on_link_exit(watcher, lambda ref, reason: trapped.append((ref.host_id, reason)))
    cluster.link(watcher, temp)
    running = all(cluster.eval(cluster.whereis(n), "ticks") >= 0 for n in names)  # type: ignore[arg-type]

    killed_at = time.monotonic()
    rc.kill_node(2)

    def moved() -> bool:
        refs = [cluster.whereis(n) for n in names]
        return all(r is not None and r.host_id != node2 for r in refs)

    wait(moved, 30)
    answered = [cluster.eval(cluster.whereis(n), "me") for n in names]  # type: ignore[arg-type]
    all_back = time.monotonic() - killed_at

    def node_loss() -> Any:
        return {
            "running_before": running,
            "lost_with_node": len(on_node2),
            "all_answer": answered == names,
            "seconds_to_all_answering": round(all_back, 2),
            "hosts_after": sorted({cluster.whereis(n).host_id for n in names}),  # type: ignore[union-attr]
        }

    check("node_loss", node_loss)

    def nodedown_ref() -> Any:
        t = time.monotonic()
        try:
            cluster.eval(temp, "1")
            reason: Any = "answered"
        except actors.ContextDeadError as exc:
            reason = exc.reason
        return {"reason": reason, "seconds": round(time.monotonic() - t, 4)}

    check("nodedown_ref", nodedown_ref)

    def links() -> Any:
        waited = cluster.wait(linked, 10)
        wait(lambda: trapped, 10)
        return {
            "waited": waited,
            "hosts": cluster.hosts(),
            "linked_reason": cluster.exit_reason(linked),
            "trapped": trapped,
            "watcher_alive": cluster.eval(watcher, "'alive'"),
        }

    check("links", links)

    # --- a frozen node: alive to the OS, silent to everyone; only health checks find it -----
    def frozen_node() -> Any:
        index = rc.add_node()
        host = start_hosts(node_ids=[rc.node_id(index)], size=2)[0]
        cluster.add_host(host)
        names = [f"frozen-{i}" for i in range(20)]
        for name in names:
            cluster.spawn(
                name=name, restart="permanent", host=host.host_id, script=f"globalThis.me = {name!r}"
            )
        frozen_at = time.monotonic()
        rc.freeze_node(index)
        wait(
            lambda: all((r := cluster.whereis(n)) is not None and r.host_id != host.host_id for n in names),
            30,
        )
        seconds = time.monotonic() - frozen_at
        answered = [cluster.eval(cluster.whereis(n), "me") for n in names]  # type: ignore[arg-type]
        rc.kill_node(index)
        return {"all_answer": answered == names, "seconds": round(seconds, 2)}

    check("frozen_node", frozen_node)


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _swallow(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except actors.ActorsError:
        pass


if __name__ == "__main__":
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    sys.exit(main())
