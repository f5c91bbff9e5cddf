"""Contexts across machines: a loopback Ray cluster (head + 2 nodes) against local calls.

Run from the repository root (needs ``pip install 'actors[ray]'`` and ``unshare -n``;
the script re-runs itself in a network namespace with only loopback)::

    python bench/bench_cluster.py           # full sizes (10,000 contexts, 5 node losses)
    python bench/bench_cluster.py --quick   # smaller sizes

Measures, in one run:

* round trip: ``eval("1")`` on a local thread-mode context vs through the
  cluster to a context on another node (Ray actor call, both ways);
* throughput from one driver: sequential evals, 200 concurrent ``eval_async``,
  and batches of 100 evals (one Ray call per host per batch);
* node loss: a node carrying 100 supervised contexts is killed (every process
  of it); per context, the time until it answers again on a surviving node
  (health checks tuned: ``actors.ray.local.TUNED_HEALTH_CHECKS``), target
  p99 <= 3 s; a fresh node is added before each trial;
* a frozen node (every process of it stopped with SIGSTOP): only the health
  checks find it; the time until all its 100 contexts answer elsewhere;
* scale: N contexts spread over the 3 nodes (spawned 1,000 per host call),
  one batch eval over all of them, the host processes' RSS.

Every node runs on this machine: "remote" is a loopback hop between processes,
the floor of a real network's cost, not its ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

import psutil
from _util import add_quick_flag, fmt_bytes, fmt_ns, percentiles, print_table

HEADERS = ("measure", "value", "target / note")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_quick_flag(parser)
    parser.add_argument("--contexts", type=int, default=None, help="contexts for the scale test")
    args = parser.parse_args()
    from actors.ray import rerun_in_loopback_namespace

    code = rerun_in_loopback_namespace()
    if code is not None:
        return code
    quick = args.quick
    n_rt = 300 if quick else 2000
    trials = 2 if quick else 5
    scale = args.contexts or (2000 if quick else 10_000)
    rows: list[list[str]] = []
    import actors
    from actors.cluster import Cluster
    from actors.ray import local_cluster, start_hosts

    with actors.ContextPool(size=2, processes=0) as pool:
        ctx = pool.spawn(apis=None)
        local = _samples(lambda: ctx.eval("1"), n_rt)
    p = percentiles(local)
    rows.append(["local eval round trip p50 / p99", f"{fmt_ns(p[50.0])} / {fmt_ns(p[99.0])}", "thread mode"])

    started = time.monotonic()
    with local_cluster(3) as rc:
        rows.append(["cluster start (head + 2 nodes)", f"{time.monotonic() - started:.1f} s", ""])
        hosts = start_hosts(node_ids=[rc.node_id(i) for i in range(3)], size=2)
        head, node1, node2 = (h.host_id for h in hosts)
        with Cluster(hosts, max_restarts=10, max_seconds=60.0) as cluster:
            ref = cluster.spawn(host=node1, apis=None)
            for _ in range(50):
                cluster.eval(ref, "1")
            remote = _samples(lambda: cluster.eval(ref, "1"), n_rt)
            p = percentiles(remote)
            rows.append(
                ["remote eval round trip p50 / p99", f"{fmt_ns(p[50.0])} / {fmt_ns(p[99.0])}", "another node"]
            )

            refs = [cluster.spawn(host=h, apis=None) for h in (head, node1, node2) for _ in range(4)]
            rows.append(["sequential evals", f"{_rate(lambda n: _sequential(cluster, refs, n)):,.0f} /s", ""])
            rows.append(
                ["200 concurrent eval_async", f"{_rate(lambda n: _concurrent(cluster, refs, n)):,.0f} /s", ""]
            )
            rows.append(
                ["batches of 100 evals", f"{_rate(lambda n: _batched(cluster, refs, n)):,.0f} /s", ""]
            )

            loss = _node_loss(cluster, rc, trials)
            p = percentiles(loss["per_context"])
            rows.append(
                [
                    f"node loss -> answering elsewhere p50 / p99 ({trials} x 100 contexts)",
                    f"{fmt_ns(p[50.0])} / {fmt_ns(p[99.0])}",
                    "target p99 <= 3 s",
                ]
            )
            rows.append(["  slowest trial (last context back)", fmt_ns(max(loss["last"])), ""])
            frozen = _node_loss(cluster, rc, 1, freeze=True)
            rows.append(
                [
                    "frozen node (SIGSTOP) -> all 100 answering elsewhere",
                    fmt_ns(max(frozen["last"])),
                    "health checks tuned (Ray's defaults: ~65 s)",
                ]
            )

        with Cluster(start_hosts(size=2)) as cluster:
            rows.extend(_scale(cluster, scale))
    print_table(rows, HEADERS)
    return 0


def _samples(fn: Any, n: int) -> list[int]:
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - t)
    return out


def _rate(run: Any, seconds: float = 2.0) -> float:
    """Operations per second of ``run(n)``, grown until one run takes ``seconds``."""
    n = 100
    while True:
        t = time.perf_counter()
        run(n)
        took = time.perf_counter() - t
        if took >= seconds or n >= 1_000_000:
            return n / took
        n = int(n * max(2.0, seconds / max(took, 1e-3)))


def _sequential(cluster: Any, refs: list[Any], n: int) -> None:
    for i in range(n):
        cluster.eval(refs[i % len(refs)], "1")


def _concurrent(cluster: Any, refs: list[Any], n: int) -> None:
    async def go() -> None:
        sem = asyncio.Semaphore(200)

        async def one(i: int) -> None:
            async with sem:
                await cluster.eval_async(refs[i % len(refs)], "1")

        await asyncio.gather(*(one(i) for i in range(n)))

    asyncio.run(go())


def _batched(cluster: Any, refs: list[Any], n: int) -> None:
    for start in range(0, n, 100):
        batch = cluster.batch()
        for i in range(start, min(n, start + 100)):
            batch.eval(refs[i % len(refs)], "1")
        batch.run()


def _node_loss(cluster: Any, rc: Any, trials: int, freeze: bool = False) -> dict[str, list[int]]:
    from actors.ray import start_hosts

    per_context: list[int] = []
    last: list[int] = []
    for trial in range(trials):
        index = rc.add_node()
        host = start_hosts(node_ids=[rc.node_id(index)], size=2)[0]
        cluster.add_host(host)
        names = [f"t{trial}-{i}" for i in range(100)]
        for name in names:
            cluster.spawn(name=name, restart="permanent", apis=None, host=host.host_id)
        killed = time.perf_counter_ns()
        if freeze:
            rc.freeze_node(index)
        else:
            rc.kill_node(index)
        waiting = set(names)
        deadline = time.monotonic() + 60
        while waiting and time.monotonic() < deadline:
            moved = {
                n: r for n in waiting if (r := cluster.whereis(n)) is not None and r.host_id != host.host_id
            }
            if moved:
                batch = cluster.batch()
                for r in moved.values():
                    batch.eval(r, "1")
                results = batch.run()
                now = time.perf_counter_ns()
                for name, result in zip(moved, results, strict=True):
                    if result == 1:
                        per_context.append(now - killed)
                        waiting.discard(name)
            else:
                time.sleep(0.002)
        if waiting:
            raise RuntimeError(f"{len(waiting)} contexts did not come back within 60 s")
        last.append(max(per_context[-100:]))
        if freeze:
            rc.kill_node(index)  # the frozen processes, cleaned up
        for name in names:
            ref = cluster.whereis(name)
            if ref is not None:
                cluster.stop(ref)
    return {"per_context": per_context, "last": last}


def _scale(cluster: Any, total: int) -> list[list[str]]:
    rows = []
    hosts = list(cluster.hosts())
    t = time.perf_counter()
    refs: list[Any] = []
    while len(refs) < total:
        chunk = min(1000 * len(hosts), total - len(refs))
        refs.extend(cluster.spawn_many(chunk, apis=None))
    took = time.perf_counter() - t
    spread = {h: sum(r.host_id == h for r in refs) for h in hosts}
    rows.append(
        [f"spawn {total:,} contexts over 3 nodes", f"{took:.2f} s", f"per node {sorted(spread.values())}"]
    )
    batch = cluster.batch()
    for r in refs:
        batch.eval(r, "1")
    t = time.perf_counter()
    results = batch.run()
    took = time.perf_counter() - t
    ok = sum(1 for x in results if x == 1)
    rows.append([f"one batch eval over all {total:,}", f"{took:.2f} s", f"{ok:,} answered"])
    rss = 0
    for load in cluster.load().values():
        proc = psutil.Process(load["pid"])
        rss += proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    rows.append(["host processes RSS (3 nodes)", fmt_bytes(rss), f"{fmt_bytes(rss / total)} per context"])
    return rows


if __name__ == "__main__":
    sys.exit(main())
