"""Live sessions at scale: N WebSocket sessions over loopback against one uvicorn server.

Run from the repository root::

    python bench/bench_live.py                   # 10,000 sessions, process mode (2 workers)
    python bench/bench_live.py --quick           # 500 sessions
    python bench/bench_live.py --sessions 2000 --processes 0   # thread mode

The server (a ``ContextPool``, a ``LiveApp`` serving a counter component, uvicorn on a
thread) runs in this process; the load client runs in a child process (asyncio and the
``websockets`` client), so the two do not share a GIL. Measured:

1. **Memory and threads.** RSS of this process plus the pool's worker processes before
   and after N sessions are open and idle (each with its context: the component's DOM
   rendered), per session; with ``--hibernate S`` also after the idle sessions hibernated
   (contexts stopped, state kept host-side; measured last, after the phases below).
   OS threads of this process and of each worker.
2. **Event-to-patch latency.** The client sends ``click`` events to random sessions at a
   steady ``--rate`` (default 1,000/s) for ``--seconds``; each is timed from just before
   the send to the arrival of the patch that acknowledges it.
3. **Worker crash** (process mode). One worker process is killed (SIGKILL); counted: the
   sessions whose context lived there that were told and re-rendered (``restarted``), and
   then every session answering one more event.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

COMPONENT = """
let count = live.restored ?? 0;
document.body.innerHTML =
  '<main><h1>Counter</h1><button data-on-click="inc">+1</button> <output></output></main>';
const out = document.querySelector('output');
out.textContent = count;
live.on('inc', () => { count += 1; live.keep(count); out.textContent = count; });
"""
BUTTON = [0, 2]  # main > button
KB = 1024

# ---------------------------------------------------------------- load client (child process)


class Client:
    def __init__(self, url: str) -> None:
        self.url = url
        self.socks: list[Any] = []
        self.readers: list[asyncio.Future[None]] = []
        self.pending: dict[tuple[int, int], float] = {}
        self.latencies: list[float] = []
        self.restarted: set[int] = set()
        self.answered: set[int] = set()
        self.seq = [0]
        self.closed = 0

    async def reader(self, i: int, ws: Any, ready: asyncio.Event) -> None:
        try:
            async for raw in ws:
                msg = json.loads(raw)
                t = msg["t"]
                if t == "reset":
                    ready.set()
                elif (t == "patch" and "ack" in msg) or t == "ack":
                    seq = msg["ack"] if t == "patch" else msg["seq"]
                    sent = self.pending.pop((i, seq), None)
                    if sent is not None:
                        self.latencies.append(time.perf_counter() - sent)
                        self.answered.add(i)
                elif t == "restarted":
                    self.restarted.add(i)
        except Exception:
            pass
        self.closed += 1

    async def open(self, n: int, concurrency: int = 100) -> None:
        from websockets.asyncio.client import connect

        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with sem:
                # no keepalive pings: under this load a ping can wait longer than its timeout
                ws = await connect(self.url, open_timeout=120, max_queue=4, ping_interval=None)
                ready = asyncio.Event()
                self.socks.append(ws)
                self.readers.append(asyncio.ensure_future(self.reader(i, ws, ready)))
                await asyncio.wait_for(ready.wait(), 120)

        await asyncio.gather(*(one(i) for i in range(n)))

    async def send(self, i: int) -> None:
        self.seq[0] += 1
        seq = self.seq[0]
        self.pending[(i, seq)] = time.perf_counter()
        msg = {"t": "e", "seq": seq, "h": "inc", "type": "click", "path": BUTTON}
        try:
            await self.socks[i].send(json.dumps(msg))
        except Exception:
            self.pending.pop((i, seq), None)  # a closed session: counted as not answering

    async def steady(self, rate: float, seconds: float) -> dict[str, Any]:
        self.latencies.clear()
        self.pending.clear()
        n = len(self.socks)
        start = time.perf_counter()
        k = 0
        while True:
            due = start + k / rate
            now = time.perf_counter()
            if due - start >= seconds:
                break
            if due > now:
                await asyncio.sleep(due - now)
            await self.send(random.randrange(n))
            k += 1
        await asyncio.sleep(1.0)  # let the last answers arrive (stragglers count as missing)
        lat = sorted(self.latencies)

        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

        return {
            "sent": k,
            "answered": len(lat),
            "p50_ms": q(0.50),
            "p99_ms": q(0.99),
            "max_ms": lat[-1] * 1000 if lat else None,
            "mean_ms": statistics.fmean(lat) * 1000 if lat else None,
            "achieved_rate": k / seconds,
        }

    async def probe(self, timeout: float) -> int:
        self.answered.clear()
        for i in range(len(self.socks)):
            await self.send(i)
        deadline = time.perf_counter() + timeout
        while len(self.answered) < len(self.socks) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        return len(self.answered)


async def client_main(url: str) -> None:
    client = Client(url)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def reply(obj: Any) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    while True:
        line = await reader.readline()
        if not line:
            return
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "open":
            t0 = time.perf_counter()
            await client.open(cmd["n"])
            reply({"opened": len(client.socks), "seconds": time.perf_counter() - t0})
        elif op == "steady":
            reply(await client.steady(cmd["rate"], cmd["seconds"]))
        elif op == "restarted":
            deadline = time.perf_counter() + cmd["timeout"]
            while len(client.restarted) < cmd["want"] and time.perf_counter() < deadline:
                await asyncio.sleep(0.01)
            reply({"restarted": len(client.restarted)})
        elif op == "probe":
            t0 = time.perf_counter()
            got = await client.probe(cmd["timeout"])
            reply({"answered": got, "seconds": time.perf_counter() - t0})
        elif op == "quit":
            for ws in client.socks:
                await ws.close()
            reply({"bye": True})
            return


# ---------------------------------------------------------------- server side (this process)


def footprint(pool: Any, exclude: int) -> tuple[int, dict[str, int]]:
    import psutil

    me = psutil.Process()
    rss = me.memory_info().rss
    threads = {"server process": me.num_threads()}
    for child in me.children(recursive=True):
        if child.pid == exclude:
            continue
        try:
            rss += child.memory_info().rss
            threads[f"worker {child.pid}"] = child.num_threads()
        except psutil.Error:
            pass
    return rss, threads


def server_cpu(exclude: int) -> float:
    """CPU seconds (user + system) of this process and its children except the load client."""
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        if child.pid != exclude:
            try:
                total += sum(child.cpu_times()[:2])
            except psutil.Error:
                pass
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 sessions, shorter steady phase")
    parser.add_argument("--sessions", type=int, default=None)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (0: thread mode)")
    parser.add_argument("--threads", type=int, default=2, help="native pool threads")
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second (0: no event phases)")
    parser.add_argument("--seconds", type=float, default=None, help="length of the steady phase")
    parser.add_argument("--hibernate", type=float, default=None, help="hibernate idle sessions after S s")
    parser.add_argument(
        "--freeze-gc", action="store_true", help="LiveApp(freeze_gc=True): gc.freeze() as sessions open"
    )
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(client_main(args.client))
        return 0
    n = args.sessions or (500 if args.quick else 10_000)
    seconds = args.seconds or (5.0 if args.quick else 10.0)

    import logging
    import resource

    import actors

    logging.getLogger("actors").setLevel(logging.ERROR)  # one warning per lost context otherwise
    from actors.live import LiveApp, ServerThread

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < n + 200:
        print(f"warning: {hard} file descriptors allowed, {n} sessions need more", file=sys.stderr)
    results: dict[str, Any] = {"sessions": n, "processes": args.processes, "threads": args.threads}
    with actors.ContextPool(size=args.threads, processes=args.processes) as pool:
        app = LiveApp(
            pool, COMPONENT, component_name="counter.js", memory_limit=4 << 20, max_reductions=100_000,
            timeout=5.0, hibernate_after=args.hibernate, max_restarts=5, freeze_gc=args.freeze_gc,
        )  # fmt: skip
        with ServerThread(app, backlog=4096, ws_ping_interval=None) as server:
            client = subprocess.Popen(
                [sys.executable, __file__, "--client", server.ws_url()],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert client.stdin is not None and client.stdout is not None

            def ask(**cmd: Any) -> Any:
                client.stdin.write(json.dumps(cmd) + "\n")  # type: ignore[union-attr]
                client.stdin.flush()  # type: ignore[union-attr]
                answer = json.loads(client.stdout.readline())  # type: ignore[union-attr]
                print(cmd["op"], answer, file=sys.stderr, flush=True)
                return answer

            time.sleep(1.0)  # the workers settle (first contexts, polyfill bytecode)
            rss0, threads0 = footprint(pool, client.pid)
            opened = ask(op="open", n=n)
            time.sleep(2.0)
            rss1, threads1 = footprint(pool, client.pid)
            results["open_seconds"] = round(opened["seconds"], 1)
            results["rss_before_mb"] = round(rss0 / KB / KB)
            results["rss_open_mb"] = round(rss1 / KB / KB)
            results["rss_per_session_kb"] = round((rss1 - rss0) / n / KB, 1)
            results["threads_idle"] = threads0
            results["threads_open"] = threads1
            print(json.dumps(results), file=sys.stderr, flush=True)
            import gc

            pauses: list[float] = []
            started: list[float] = []
            by_gen: dict[int, list[float]] = {}

            def on_gc(phase: str, info: dict[str, Any]) -> None:
                if phase == "start":
                    started.append(time.perf_counter())
                elif started:
                    pauses.append(time.perf_counter() - started.pop())
                    by_gen.setdefault(info["generation"], []).append(pauses[-1])

            gc.callbacks.append(on_gc)
            cpu0 = server_cpu(client.pid)
            steady = ask(op="steady", rate=args.rate, seconds=seconds) if args.rate > 0 else {"sent": 0}
            cpu1 = server_cpu(client.pid)
            gc.callbacks.remove(on_gc)
            # CPU the server side (this process and the workers) spent per event, idle included
            results["server_cpu_us_per_event"] = round((cpu1 - cpu0) / max(1, steady["sent"]) * 1e6)
            results["server_gc"] = {
                "collections": len(pauses),
                "max_ms": round(max(pauses, default=0.0) * 1000, 1),
                "total_ms": round(sum(pauses) * 1000, 1),
                "by_generation": {
                    g: {"n": len(p), "max_ms": round(max(p) * 1000, 1)} for g, p in sorted(by_gen.items())
                },
            }
            results["steady"] = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in steady.items()}
            if args.processes > 0 and args.rate > 0:
                from actors.testing import crash_worker, worker_pid

                sessions = [s for s in list(app.sessions) if s.ctx is not None]
                victim = worker_pid(sessions[0].ctx)  # type: ignore[arg-type]
                on_victim = sum(1 for s in sessions if s.ctx is not None and worker_pid(s.ctx) == victim)
                t0 = time.perf_counter()
                crash_worker(sessions[0].ctx, "kill")  # type: ignore[arg-type]
                got = ask(op="restarted", want=on_victim, timeout=120)
                results["crash"] = {
                    "sessions_on_killed_worker": on_victim,
                    "restarted": got["restarted"],
                    "seconds_to_all_restarted": round(time.perf_counter() - t0, 2),
                }
                probe = ask(op="probe", timeout=60)
                results["crash"]["sessions_answering_after"] = probe["answered"]
            if args.hibernate is not None:
                deadline = time.monotonic() + args.hibernate + 120  # after the active phases
                while time.monotonic() < deadline and sum(s.hibernated for s in list(app.sessions)) < n:
                    time.sleep(0.5)
                time.sleep(2.0)
                rss2, _ = footprint(pool, client.pid)
                results["hibernated"] = sum(s.hibernated for s in list(app.sessions))
                results["rss_hibernated_per_session_kb"] = round((rss2 - rss0) / n / KB, 1)
            ask(op="quit")
            client.wait(60)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
