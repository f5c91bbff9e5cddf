"""Process mode: crashes are contained in worker processes and supervised.

Every other test file runs in process mode too (the ``pool_mode`` fixture);
this one is about what only process mode does: a worker process that
segfaults, aborts or is killed takes down its own contexts and nothing
else, the pool replaces it, supervisors restart what lived there, and no
process, descriptor or lock is left behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest
from waiting import wait_until
from workers import on_other_process

import actors
from actors.testing import FAULTS, crash_worker, worker_pid, worker_pids

pytestmark = pytest.mark.mode_independent


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _zombies() -> list[psutil.Process]:
    return [p for p in psutil.Process().children() if p.status() == psutil.STATUS_ZOMBIE]


def test_a_process_pool_runs_contexts_in_other_processes(ppool: actors.ContextPool) -> None:
    a = ppool.spawn(apis=None)
    b = ppool.spawn(apis=None)
    assert ppool.processes == 2
    assert {worker_pid(a), worker_pid(b)}.isdisjoint({os.getpid()})
    assert worker_pid(a) != worker_pid(b)  # least-loaded placement
    assert a.eval("1 + 2") == 3
    assert ppool.stats()["processes"] == 2


def test_contexts_are_spread_over_the_least_loaded_process(ppool: actors.ContextPool) -> None:
    pids = [worker_pid(ppool.spawn(apis=None)) for _ in range(10)]
    counts = sorted(pids.count(p) for p in set(pids))
    assert counts == [5, 5]


@pytest.mark.parametrize("how", FAULTS)
def test_a_crash_fails_the_call_in_flight_with_reason_crashed(ppool: actors.ContextPool, how: str) -> None:
    ctx = ppool.spawn(apis=None)
    crash_worker(ctx, how, delay=0.2)
    t0 = time.monotonic()
    with pytest.raises(actors.ContextDeadError) as info:
        ctx.eval("for (;;) {}", timeout=30)
    assert time.monotonic() - t0 < 5
    assert info.value.reason == "crashed"
    assert ctx.wait(5)
    assert ctx.exit_reason == "crashed"
    assert not ctx.alive
    with pytest.raises(actors.ContextDeadError):
        ctx.eval("1")


def test_async_calls_in_flight_fail_too(ppool: actors.ContextPool) -> None:
    entered = threading.Event()
    ctx = ppool.spawn(apis=None, handlers={"entered": entered.set})

    async def main() -> BaseException:
        task = asyncio.ensure_future(ctx.eval_async("Host.callSync('entered'); for (;;) {}", timeout=30))
        # the call is in flight (in its loop) when the process dies
        assert await asyncio.get_running_loop().run_in_executor(None, entered.wait, 5)
        crash_worker(ctx, "segfault")
        try:
            await asyncio.wait_for(task, 5)
        except BaseException as exc:
            return exc
        raise AssertionError("the call did not fail")

    exc = asyncio.run(main())
    assert isinstance(exc, actors.ContextDeadError)


def test_a_call_parked_in_a_host_handler_fails_when_its_process_dies(ppool: actors.ContextPool) -> None:
    entered = threading.Event()
    release = threading.Event()

    def slow() -> int:
        entered.set()
        release.wait(10)
        return 1

    ctx = ppool.spawn(apis=None, handlers={"slow": slow})
    errors: list[BaseException] = []

    def call() -> None:
        try:
            ctx.eval("Host.callSync('slow')")
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=call)
    t.start()
    assert entered.wait(5)
    crash_worker(ctx, "abort")
    t.join(5)
    release.set()
    assert len(errors) == 1 and isinstance(errors[0], actors.ContextDeadError)
    assert errors[0].reason == "crashed"


def test_contexts_on_other_processes_never_notice(ppool: actors.ContextPool) -> None:
    doomed = ppool.spawn(apis=None)
    survivor = on_other_process(ppool, doomed, apis=None)
    survivor.eval("globalThis.n = 0")
    stop = threading.Event()
    failures: list[BaseException] = []
    evals = [0]

    def hammer() -> None:
        while not stop.is_set():
            try:
                survivor.eval("n += 1")
            except BaseException as exc:  # pragma: no cover - the assertion below reports it
                failures.append(exc)
                return
            evals[0] += 1

    t = threading.Thread(target=hammer)
    t.start()
    crash_worker(doomed, "segfault")
    assert doomed.wait(5)
    after_crash = evals[0]
    wait_until(lambda: evals[0] >= after_crash + 20 or bool(failures))  # the hammer runs on past the crash
    stop.set()
    t.join(5)
    assert failures == []
    assert survivor.alive and survivor.eval("n") > 0


def test_the_pool_replaces_a_dead_process(ppool: actors.ContextPool) -> None:
    ctx = ppool.spawn(apis=None)
    old = worker_pid(ctx)
    crash_worker(ctx, "kill")
    assert ctx.wait(5)
    assert wait_until(lambda: ppool.stats()["processes"] == 2, timeout=10)
    assert ppool.stats()["crashes"] == 1
    fresh = [worker_pid(ppool.spawn(apis=None)) for _ in range(4)]
    assert old not in fresh and len(set(fresh)) == 2


def test_the_pool_supervisor_restarts_the_contexts_of_a_dead_process(
    ppool: actors.ContextPool, tmp_path: object
) -> None:
    script = os.path.join(str(tmp_path), "room.js")
    with open(script, "w", encoding="utf-8") as f:
        f.write("globalThis.started = (globalThis.started || 0) + 1; globalThis.state = 'fresh';")
    rooms = [ppool.spawn(apis=None, script=script, name=f"room-{i}", restart="permanent") for i in range(6)]
    temp = ppool.spawn(apis=None)  # temporary: not restarted
    for r in rooms:
        r.eval("state = 'used'")
    victim = rooms[0]
    lost = [r for r in rooms if worker_pid(r) == worker_pid(victim)]
    kept = [r for r in rooms if worker_pid(r) != worker_pid(victim)]
    crash_worker(victim, "segfault")
    for r in lost:
        assert r.wait(5) and r.exit_reason == "crashed"

    def restarted() -> bool:
        return all((c := ppool.whereis(r.name or "")) is not None and c is not r for r in lost)

    assert wait_until(restarted, timeout=10)
    for r in lost:
        again = ppool.whereis(r.name or "")
        assert again is not None and again.eval("[started, state]") == [1, "fresh"]
    for r in kept:  # the other process's rooms kept their state
        assert ppool.whereis(r.name or "") is r and r.eval("state") == "used"
    if worker_pid(temp) == worker_pid(victim) or not temp.alive:
        assert temp.wait(5) and temp.exit_reason == "crashed"


def test_a_lock_held_in_a_crashed_process_is_released(ppool: actors.ContextPool) -> None:
    holder = ppool.spawn(apis=["locks"])
    waiter = on_other_process(ppool, holder, apis=["locks"])
    holder.eval("navigator.locks.request('shared', () => new Promise(() => {})); 0")
    assert wait_until(lambda: holder.eval("navigator.locks.query().then(q => q.held.length)") == 1)
    waiter.eval("globalThis.got = false; navigator.locks.request('shared', () => { got = true; }); 0")
    # the request is a callSync to the lock manager: a grant would have been answered in it
    assert waiter.eval("got") is False
    crash_worker(holder, "segfault")
    assert wait_until(lambda: waiter.eval("got") is True, timeout=5)


def test_broadcast_channel_and_messages_cross_processes(ppool: actors.ContextPool) -> None:
    a = ppool.spawn(apis=["channel"])
    b = on_other_process(ppool, a, apis=["channel"])
    b.eval("globalThis.got = []; new BroadcastChannel('c').onmessage = (e) => got.push(e.data); 0")
    a.eval("new BroadcastChannel('c').postMessage({hello: 'there'}); 0")
    assert wait_until(lambda: b.eval("got.length") == 1)
    assert b.eval("got[0]") == {"hello": "there"}
    seen: list[object] = []
    a.on_message(seen.append)
    a.eval("Host.send([1, 'two'])")
    assert wait_until(lambda: seen == [[1, "two"]])


def test_spawn_waits_for_the_replacement_when_no_process_is_left() -> None:
    with actors.ContextPool(size=1, processes=1) as pool:
        ctx = pool.spawn(apis=None)
        crash_worker(ctx, "kill")
        assert ctx.wait(5)
        again = pool.spawn(apis=None)
        assert again.eval("6 * 7") == 42


def test_crashes_leave_no_zombies_and_no_descriptors() -> None:
    with actors.ContextPool(size=2, processes=2) as pool:
        pool.spawn(apis=None).eval("1")
        before = _fds()
        for i in range(6):
            ctx = pool.spawn(apis=None)
            crash_worker(ctx, FAULTS[i % len(FAULTS)])
            assert ctx.wait(5)
            assert wait_until(lambda: pool.stats()["processes"] == 2, timeout=10)
        assert wait_until(lambda: not _zombies(), timeout=5)
        assert wait_until(lambda: _fds() <= before, timeout=5), (before, _fds())
        pids = worker_pids(pool)
        assert len(pids) == 2
    # stop() reaped every worker
    assert wait_until(lambda: not any(psutil.pid_exists(p) for p in pids), timeout=5)
    assert not _zombies()


def test_stop_terminates_every_worker_process() -> None:
    pool = actors.ContextPool(size=2, processes=2)
    ctx = pool.spawn(apis=None)
    ctx.eval("1")
    pids = list(worker_pids(pool))
    assert len(pids) == 2
    pool.stop()
    assert wait_until(lambda: not any(psutil.pid_exists(p) for p in pids), timeout=5)
    with pytest.raises(actors.ContextDeadError):
        ctx.eval("1")


CHILD = textwrap.dedent(
    """
    import sys, actors
    from actors.testing import worker_pid
    if __name__ == "__main__":
        pool = actors.ContextPool(size=2, processes=2)
        a, b = pool.spawn(apis=None), pool.spawn(apis=None)
        assert a.eval("1") == 1
        print(worker_pid(a), worker_pid(b), flush=True)
        if sys.argv[1] == "hang":
            import time
            time.sleep(60)
    """
)


def test_interpreter_exit_terminates_the_workers(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "child.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(CHILD)
    out = subprocess.run(
        [sys.executable, path, "exit"], capture_output=True, text=True, timeout=60, check=True
    )
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2
    assert wait_until(lambda: not any(psutil.pid_exists(p) for p in pids), timeout=5)
    assert "crashed" not in out.stderr, out.stderr


def test_workers_die_with_a_killed_parent(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "child.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(CHILD)
    with subprocess.Popen([sys.executable, path, "hang"], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            pids = [int(p) for p in proc.stdout.readline().split()]
            assert len(pids) == 2 and all(psutil.pid_exists(p) for p in pids)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            assert wait_until(lambda: not any(psutil.pid_exists(p) for p in pids), timeout=5)
        finally:
            if proc.poll() is None:
                proc.kill()


def test_bad_process_counts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="processes"):
        actors.ContextPool(size=1, processes=-1)
    with pytest.raises(ValueError, match="processes"):
        actors.ContextPool(size=1, processes=True)  # type: ignore[arg-type]
    monkeypatch.setenv("ACTORS_PROCESSES", "lots")
    with pytest.raises(ValueError, match="ACTORS_PROCESSES"):
        actors.ContextPool(size=1)
    with pytest.raises(ValueError, match="how must be"):
        with actors.ContextPool(size=1, processes=1) as pool:
            crash_worker(pool.spawn(apis=None), "melt")


def test_fault_hooks_refuse_thread_mode_contexts() -> None:
    with actors.ContextPool(size=1, processes=0) as pool:
        ctx = pool.spawn(apis=None)
        with pytest.raises(actors.ActorsError, match="processes=0"):
            crash_worker(ctx)


def test_workers_outlive_the_forkserver(ppool: actors.ContextPool) -> None:
    ctx = ppool.spawn(apis=None)
    ctx.eval("globalThis.x = 41")
    servers = [
        p
        for p in psutil.Process().children()
        if "forkserver" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE
    ]
    assert len(servers) == 1
    servers[0].kill()  # not reaped here: multiprocessing reaps its forkserver itself
    assert wait_until(lambda: servers[0].status() == psutil.STATUS_ZOMBIE or not servers[0].is_running())
    assert ctx.eval("x + 1") == 42  # its worker lives on
    crash_worker(ctx, "kill")  # and a replacement still starts (a new forkserver)
    assert ctx.wait(5)
    assert wait_until(lambda: ppool.stats()["processes"] == 2, timeout=10)
    assert ppool.spawn(apis=None).eval("1") == 1


def test_restarts_after_a_crash_go_to_the_replacement_process(ppool: actors.ContextPool) -> None:
    rooms = [ppool.spawn(apis=None, name=f"r{i}", restart="permanent") for i in range(8)]
    victim = worker_pid(rooms[0])
    lost = [r for r in rooms if worker_pid(r) == victim]
    assert len(lost) == 4
    crash_worker(rooms[0], "kill")

    def restarted() -> bool:
        return all((c := ppool.whereis(r.name or "")) is not None and c is not r for r in lost)

    assert wait_until(restarted, timeout=10)
    pids = [worker_pid(c) for r in rooms if (c := ppool.whereis(r.name or "")) is not None]
    assert victim not in pids
    assert sorted(pids.count(p) for p in set(pids)) == [4, 4]  # not all piled on the survivor


@pytest.mark.skipif(
    "asan" in os.environ.get("LD_PRELOAD", ""),
    reason="ASan's allocator keeps freed memory: there is no glibc heap to trim",
)
def test_a_worker_gives_the_heap_of_its_stopped_contexts_back_to_the_os() -> None:
    # glibc keeps freed pages in the worker's arenas; without malloc_trim, a worker
    # that held a thousand live sessions would keep their memory for good
    with actors.ContextPool(size=1, processes=1) as pool:
        pool.spawn(apis=None).eval("1")
        (pid,) = worker_pids(pool)
        worker = psutil.Process(pid)
        base = worker.memory_info().rss
        contexts = [pool.spawn(apis=["dom"]) for _ in range(150)]
        for ctx in contexts:
            ctx.eval("document.body.innerHTML = '<p>' + 'x'.repeat(100000) + '</p>'; void 0")
        grown = worker.memory_info().rss - base
        assert grown > 30 << 20, grown  # ~ 150 x (DOM + 200 KB of text)
        for ctx in contexts:
            ctx.stop()
        assert wait_until(lambda: worker.memory_info().rss - base < grown // 3, timeout=10), (
            f"the worker kept {(worker.memory_info().rss - base) >> 20} MB of {grown >> 20} MB"
        )
