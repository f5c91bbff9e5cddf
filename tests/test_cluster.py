"""actors.cluster against in-process hosts: routing, ordering, placement, node loss,
supervision across nodes, links, names, batching (each test in both pool modes)."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from waiting import wait_for

import actors
from actors.cluster import Cluster, ContextRef, HostUnavailableError, LocalHost

HOSTS = ("a", "b", "c")


def _run_on(cluster: Cluster, coro: Any) -> Any:
    """Run a coroutine on the cluster's own loop (what a real transport's callbacks would do)."""
    return asyncio.run_coroutine_threadsafe(coro, cluster._loop).result()


@pytest.fixture
def hosts() -> dict[str, LocalHost]:
    return {h: LocalHost(h, size=2, reorder=True, seed=i) for i, h in enumerate(HOSTS)}


@pytest.fixture
def cluster(hosts: dict[str, LocalHost]) -> Iterator[Cluster]:
    with Cluster(hosts.values(), max_restarts=3, max_seconds=30.0) as c:
        yield c


def lose(cluster: Cluster, host: LocalHost) -> None:
    _run_on(cluster, host.lose())


def test_eval_call_and_send_reach_contexts_on_every_host(cluster: Cluster) -> None:
    refs = [
        cluster.spawn(
            script="let got = []; Host.onMessage(m => got.push(m)); function add(a, b) { return a + b }"
        )
        for _ in HOSTS
    ]
    assert {r.host_id for r in refs} == set(HOSTS)
    for i, ref in enumerate(refs):
        assert cluster.eval(ref, "1 + 2") == 3
        assert cluster.call(ref, "add", i, 10) == i + 10
        cluster.send(ref, {"n": i})
        assert cluster.eval(ref, "got") == [{"n": i}]


def test_a_js_error_on_a_remote_host_arrives_as_the_same_jserror(cluster: Cluster) -> None:
    ref = cluster.spawn()
    with pytest.raises(actors.JSError) as err:
        cluster.eval(ref, "throw new RangeError('far away')")
    assert err.value.name == "RangeError" and err.value.message == "far away"
    assert cluster.eval(ref, "'still fine'") == "still fine"


def test_limits_hold_on_remote_hosts_and_arrive_typed(cluster: Cluster) -> None:
    ref = cluster.spawn(max_reductions=100_000)
    with pytest.raises(actors.ReductionLimitError):
        cluster.eval(ref, "for (;;) {}")


def test_reordered_sends_are_applied_in_the_order_they_were_sent(cluster: Cluster) -> None:
    ref = cluster.spawn(script="const got = []; Host.onMessage(m => got.push(m))")
    for i in range(1_000):
        cluster.send(ref, i)
    # the eval is numbered after the sends, so it sees every one of them
    assert cluster.eval(ref, "got") == list(range(1_000))


def test_sends_and_evals_interleaved_are_applied_in_program_order(cluster: Cluster) -> None:
    ref = cluster.spawn(script="let last = -1; Host.onMessage(m => { last = m })")
    for i in range(200):
        cluster.send(ref, i)
        assert cluster.eval(ref, "last") == i


def test_placement_is_least_loaded_by_default(cluster: Cluster) -> None:
    refs = cluster.spawn_many(9)
    counts = {h: sum(r.host_id == h for r in refs) for h in HOSTS}
    assert counts == {"a": 3, "b": 3, "c": 3}
    one = cluster.spawn()
    assert cluster.hosts()[one.host_id]["contexts"] == 4


def test_contexts_of_one_group_or_one_origin_are_co_located(cluster: Cluster) -> None:
    cluster.spawn_many(2)
    grouped = [cluster.spawn(group="room-1") for _ in range(5)]
    assert len({r.host_id for r in grouped}) == 1
    same_origin = [cluster.spawn(origin="https://shop.example") for _ in range(4)]
    assert len({r.host_id for r in same_origin}) == 1


def test_co_located_contexts_share_per_pool_apis(cluster: Cluster) -> None:
    refs = [cluster.spawn(apis=["channel"], origin="https://chat.example") for _ in range(2)]
    script = (
        "globalThis.seen = []; const c = new BroadcastChannel('x'); c.onmessage = e => seen.push(e.data); 1"
    )
    for ref in refs:
        cluster.eval(ref, script)
    cluster.eval(refs[0], "new BroadcastChannel('x').postMessage('hi'); 1")
    wait_for(
        lambda: cluster.eval(refs[1], "seen.length") == 1, what="the broadcast across co-located contexts"
    )


def test_a_reference_to_a_lost_host_fails_at_once_with_nodedown(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    ref = cluster.spawn(host="b")
    exits: list[tuple[ContextRef, str]] = []
    cluster.on_exit(ref, lambda r, reason, _d: exits.append((r, reason)))
    lose(cluster, hosts["b"])
    for attempt in (
        lambda: cluster.eval(ref, "1"),
        lambda: cluster.send(ref, 1),
        lambda: cluster.call(ref, "f"),
    ):
        with pytest.raises(actors.ContextDeadError) as err:
            attempt()
        assert err.value.reason == "nodedown"
    assert exits == [(ref, "nodedown")]
    assert not cluster.alive(ref)
    assert cluster.hosts()["b"]["alive"] is False
    assert cluster.eval(cluster.spawn(), "'the others place and answer'") == "the others place and answer"


def test_a_reference_from_a_host_s_previous_boot_never_reaches_the_new_boot(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    old = cluster.spawn(host="c", script="globalThis.who = 'old'")
    _run_on(cluster, hosts["c"].restart())
    cluster.add_host(hosts["c"])
    new = cluster.spawn(host="c", script="globalThis.who = 'new'")
    assert new.ctx_id == old.ctx_id or new.boot_id != old.boot_id
    assert new.boot_id != old.boot_id
    with pytest.raises(actors.ContextDeadError) as err:
        cluster.eval(old, "who")
    assert err.value.reason == "nodedown"
    assert cluster.eval(new, "who") == "new"


def test_a_forged_boot_id_is_refused_by_the_host_itself(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    ref = cluster.spawn(host="a")
    outcome = _run_on(cluster, hosts["a"].eval("someone", "not-the-boot", 1, ref.ctx_id, "1", None))
    assert outcome[0] is False and outcome[1][0] == "ContextDeadError" and outcome[1][2] == "nodedown"


def test_names_resolve_cluster_wide_and_are_unique_across_hosts(cluster: Cluster) -> None:
    ref = cluster.spawn(name="lobby", host="b", script="globalThis.room = 'lobby'")
    assert cluster.whereis("lobby") == ref
    assert cluster.eval(cluster.whereis("lobby"), "room") == "lobby"  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="already registered"):
        cluster.spawn(name="lobby", host="c")
    cluster.stop(ref)
    assert cluster.whereis("lobby") is None
    again = cluster.spawn(name="lobby", host="c")
    assert cluster.whereis("lobby") == again


def test_supervised_contexts_lost_with_a_node_answer_again_on_the_survivors(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    names = [f"s{i}" for i in range(30)]
    for name in names:
        cluster.spawn(name=name, restart="permanent", script=f"globalThis.me = {name!r}")
    on_a = [n for n in names if cluster.whereis(n).host_id == "a"]  # type: ignore[union-attr]
    assert len(on_a) == 10
    lose(cluster, hosts["a"])

    def all_back() -> bool:
        refs = [cluster.whereis(n) for n in names]
        return all(r is not None and r.host_id != "a" for r in refs)

    wait_for(all_back, what="every supervised context re-spawned off the lost host")
    for name in names:  # 10 lost at once: intensity counted per context, none given up
        assert cluster.eval(cluster.whereis(name), "me") == name  # type: ignore[arg-type]


def test_a_context_losing_its_host_too_often_is_given_up_alone(hosts: dict[str, LocalHost]) -> None:
    with Cluster(hosts.values(), max_restarts=1, max_seconds=60.0) as cluster:
        ref = cluster.spawn(name="wanderer", restart="permanent", host="a")
        steady = cluster.spawn(name="steady", restart="permanent", host="c")
        lose(cluster, hosts["a"])
        moved = wait_for(lambda: cluster.whereis("wanderer"), what="the first re-spawn")
        assert moved.host_id == "b" and moved != ref
        lose(cluster, hosts["b"])
        wait_for(lambda: "wanderer" not in cluster.children(), what="the context given up")
        assert cluster.whereis("wanderer") is None
        assert cluster.whereis("steady") == steady
        assert cluster.eval(steady, "'unaffected'") == "unaffected"


def test_a_crash_is_restarted_by_the_node_itself_and_the_name_follows(cluster: Cluster) -> None:
    ref = cluster.spawn(
        name="crashy", restart="permanent", script="Host.onMessage(m => { throw new Error('boom') })"
    )
    exits: list[str] = []
    cluster.on_exit(ref, lambda _r, reason, _d: exits.append(reason))
    cluster.send(ref, "crash")
    new = wait_for(
        lambda: (r := cluster.whereis("crashy")) is not None and r != ref and r, what="the restart"
    )
    assert new.host_id == ref.host_id and new.boot_id == ref.boot_id  # in place, no re-placement
    assert exits == ["error"]
    with pytest.raises(actors.ContextDeadError) as err:
        cluster.eval(ref, "1")
    assert err.value.reason == "error"
    assert cluster.eval(new, "typeof Host.onMessage") == "function"


def test_a_temporary_context_lost_with_its_node_stays_dead(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    ref = cluster.spawn(name="once", host="a")
    lose(cluster, hosts["a"])
    wait_for(lambda: not cluster.alive(ref), what="the nodedown")
    assert cluster.whereis("once") is None
    assert cluster.children() == {}


def test_a_link_across_nodes_stops_the_other_side_when_a_node_is_lost(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    a = cluster.spawn(host="a")
    b = cluster.spawn(host="b")
    cluster.link(a, b)
    reasons: list[str] = []
    cluster.on_exit(b, lambda _r, reason, _d: reasons.append(reason))
    lose(cluster, hosts["a"])
    assert cluster.wait(b, 5)
    assert reasons == ["linked"]


def test_on_link_exit_traps_a_remote_exit_instead_of_dying(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    watcher = cluster.spawn(host="c")
    doomed = cluster.spawn(host="a")
    crashing = cluster.spawn(host="b", script="Host.onMessage(() => { throw new Error('x') })")
    trapped: list[tuple[ContextRef, str]] = []
    got = threading.Event()

    def trap(ref: ContextRef, reason: str) -> None:
        trapped.append((ref, reason))
        if len(trapped) == 2:
            got.set()

    cluster.on_link_exit(watcher, trap)
    cluster.link(watcher, doomed)
    cluster.link(watcher, crashing)
    cluster.send(crashing, "go")
    lose(cluster, hosts["a"])
    assert got.wait(5)
    assert sorted(trapped, key=lambda t: t[1]) == [(crashing, "error"), (doomed, "nodedown")]
    assert cluster.eval(watcher, "'alive'") == "alive"


def test_a_normal_exit_does_not_stop_a_linked_context(cluster: Cluster) -> None:
    a = cluster.spawn(host="a")
    b = cluster.spawn(host="b")
    cluster.link(a, b)
    cluster.stop(a)
    assert cluster.eval(b, "'still here'") == "still here"


def test_a_batch_does_many_operations_in_one_round_trip_per_host(cluster: Cluster) -> None:
    refs = cluster.spawn_many(6, script="let n = 0; Host.onMessage(m => { n += m })")
    batch = cluster.batch()
    for i, ref in enumerate(refs):
        batch.send(ref, i)
        batch.eval(ref, "n")
    bad = batch.eval(refs[0], "throw new TypeError('no')")
    results = batch.run()
    assert results[1::2][: len(refs)] == list(range(6))
    assert isinstance(results[bad], actors.JSError) and results[bad].name == "TypeError"


def test_a_batch_reports_a_dead_reference_in_its_place(cluster: Cluster, hosts: dict[str, LocalHost]) -> None:
    alive = cluster.spawn(host="b")
    dead = cluster.spawn(host="a")
    lose(cluster, hosts["a"])
    batch = cluster.batch()
    batch.eval(alive, "1")
    batch.eval(dead, "2")
    ok, failed = batch.run()
    assert ok == 1
    assert isinstance(failed, actors.ContextDeadError) and failed.reason == "nodedown"


def test_async_forms_work_from_another_event_loop(cluster: Cluster) -> None:
    async def main() -> list[Any]:
        refs = await cluster.spawn_many_async(3)
        ref = await cluster.spawn_async(script="function sq(x) { return x * x }")
        await cluster.send_async(ref, "ignored")
        batch = cluster.batch()
        for r in refs:
            batch.eval(r, "6 * 7")
        return [
            await cluster.eval_async(ref, "2 + 2"),
            await cluster.call_async(ref, "sq", 9),
            await batch.run_async(),
        ]

    assert asyncio.run(main()) == [4, 81, [42, 42, 42]]


def test_messages_from_remote_contexts_reach_the_driver(cluster: Cluster) -> None:
    ref = cluster.spawn(script="Host.onMessage(m => Host.send({echo: m}))")
    got: list[Any] = []
    done = threading.Event()

    def on_message(r: ContextRef, message: Any) -> None:
        got.append((r, message))
        if len(got) == 3:
            done.set()

    cluster.on_message(ref, on_message)
    for i in range(3):
        cluster.send(ref, i)
    assert done.wait(5)
    assert got == [(ref, {"echo": i}) for i in range(3)]


def test_a_blocking_call_from_a_cluster_callback_raises_instead_of_deadlocking(cluster: Cluster) -> None:
    ref = cluster.spawn(script="Host.onMessage(m => Host.send(m))")
    seen: list[BaseException] = []
    done = threading.Event()

    def on_message(r: ContextRef, _m: Any) -> None:
        try:
            cluster.eval(r, "1")
        except RuntimeError as exc:
            seen.append(exc)
        done.set()

    cluster.on_message(ref, on_message)
    cluster.send(ref, "x")
    assert done.wait(5)
    assert "async" in str(seen[0])


def test_handlers_run_on_the_node_from_a_module_importable_there(cluster: Cluster) -> None:
    ref = cluster.spawn(handlers="cluster_handlers:HANDLERS")
    assert cluster.eval(ref, "Host.call('double', 21)") == 42
    with pytest.raises(ValueError, match="not a mapping"):
        cluster.spawn(handlers="cluster_handlers:NOT_A_MAPPING")
    with pytest.raises(ValueError, match=r"package\.module:NAME"):
        cluster.spawn(handlers="cluster_handlers")


def test_a_context_flooding_host_send_cannot_grow_its_host_without_bound() -> None:
    host = LocalHost("flood", size=2, max_events=500)
    with Cluster([host]) as cluster:
        ref = cluster.spawn(script="Host.onMessage(() => { for (let i = 0; i < 20000; i++) Host.send(i) })")
        cluster.send(ref, "go")
        assert cluster.eval(ref, "'done flooding'") == "done flooding"
        load = cluster.load()["flood"]
        assert load["contexts"] == 1
        other = cluster.spawn()
        assert cluster.eval(other, "'the host still serves'") == "the host still serves"


def test_a_spawn_whose_script_throws_raises_and_leaves_nothing_behind(cluster: Cluster) -> None:
    with pytest.raises(actors.JSError):
        cluster.spawn(name="broken", script="throw new Error('bad script')")
    assert cluster.whereis("broken") is None
    assert sum(h["contexts"] for h in cluster.hosts().values()) == 0


def test_bad_spawn_options_are_typed_errors(cluster: Cluster) -> None:
    with pytest.raises(ValueError, match="restart"):
        cluster.spawn(restart="sometimes")
    with pytest.raises(TypeError, match="script"):
        cluster.spawn(script=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ContextRef"):
        cluster.eval("not a ref", "1")  # type: ignore[arg-type]


@pytest.mark.mode_independent
def test_importing_actors_and_actors_cluster_never_imports_ray() -> None:
    code = "import sys, actors, actors.cluster; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_operation_lost_in_transit_delays_its_successors_only_until_the_gap_timeout() -> None:
    host = LocalHost("gappy", size=2, gap_timeout=0.2)
    with Cluster([host]) as cluster:
        ref = cluster.spawn(script="const got = []; Host.onMessage(m => got.push(m))")

        async def lose_number_one() -> Any:
            host.send("sender", ref.boot_id, 2, ref.ctx_id, "second")  # number 1 never arrives
            return await host.eval("sender", ref.boot_id, 3, ref.ctx_id, "got", None)

        assert _run_on(cluster, lose_number_one()) == [True, ["second"]]
        assert _run_on(cluster, host.load())["gaps_skipped"] == 1


def test_apis_follow_the_pool_s_meaning_none_is_no_groups_and_the_default_is_the_host_s(
    cluster: Cluster,
) -> None:
    bare = cluster.spawn(apis=None)
    assert cluster.eval(bare, "typeof setTimeout") == "function"  # timers are native in every context
    assert cluster.eval(bare, "typeof TextEncoder") == "undefined"
    default = cluster.spawn()
    assert cluster.eval(default, "typeof TextEncoder") == "function"
    only = cluster.spawn(apis=["encoding"])
    assert cluster.eval(only, "typeof TextEncoder + ' ' + typeof URL") == "function undefined"


def test_a_partition_is_not_a_death_and_the_context_answers_again_once_healed() -> None:
    host = LocalHost("far", size=2, gap_timeout=0.3)
    with Cluster([host, LocalHost("near", size=2)]) as cluster:
        ref = cluster.spawn(host="far", script="const got = []; Host.onMessage(m => got.push(m))")
        cluster.send(ref, "before")
        host.partition()
        with pytest.raises(HostUnavailableError):
            cluster.eval(ref, "got")
        cluster.send(ref, "lost in transit")  # the transport drops it: its number leaves a gap
        assert cluster.alive(ref)
        assert cluster.hosts()["far"]["alive"] is True
        assert cluster.whereis("anything") is None
        host.heal()
        # the gap left by what was lost is skipped after gap_timeout; nothing is re-spawned
        assert cluster.eval(ref, "got") == ["before"]
        cluster.send(ref, "after")
        assert cluster.eval(ref, "got") == ["before", "after"]


def test_driver_routed_handlers_are_async_and_answer_host_call_from_the_driver(cluster: Cluster) -> None:
    seen: list[Any] = []

    async def lookup(key: str) -> Any:
        seen.append((threading.current_thread().name, key))
        await asyncio.sleep(0)
        return {"key": key, "from": "driver"}

    async def fail(_x: Any) -> None:
        raise ValueError("the driver says no")

    ref = cluster.spawn(driver_handlers={"lookup": lookup, "fail": fail})
    assert cluster.eval(ref, "Host.call('lookup', 'k1')") == {"key": "k1", "from": "driver"}
    assert seen == [("actors-cluster", "k1")]
    with pytest.raises(actors.JSError, match="the driver says no"):
        cluster.eval(ref, "Host.call('fail', 1)")
    assert cluster.eval(ref, "Host.call('lookup', 'k2').then(v => v.key)") == "k2"


def test_a_plain_function_is_refused_as_a_driver_routed_handler(cluster: Cluster) -> None:
    with pytest.raises(TypeError, match="async def"):
        cluster.spawn(driver_handlers={"blocking": lambda: 1})


def test_driver_routed_handlers_follow_a_context_re_spawned_after_node_loss(
    cluster: Cluster, hosts: dict[str, LocalHost]
) -> None:
    async def where() -> str:
        return "driver"

    ref = cluster.spawn(name="routed", restart="permanent", host="a", driver_handlers={"where": where})
    lose(cluster, hosts["a"])
    moved = wait_for(lambda: (r := cluster.whereis("routed")) != ref and r, what="the re-spawn")
    assert cluster.eval(moved, "Host.call('where')") == "driver"


def test_a_context_cannot_pile_up_driver_calls_past_the_host_s_bound() -> None:
    host = LocalHost("bounded", size=2, max_driver_calls=3)
    release = threading.Event()

    async def slow() -> str:
        while not release.is_set():
            await asyncio.sleep(0.01)
        return "late"

    with Cluster([host]) as cluster:
        ref = cluster.spawn(driver_handlers={"slow": slow})
        script = """
            globalThis.results = [];
            for (let i = 0; i < 10; i++)
                Host.call('slow').then(v => results.push(v), e => results.push('refused: ' + e.message));
            1"""
        cluster.eval(ref, script)
        refused = wait_for(
            lambda: (r := cluster.eval(ref, "results")) and len(r) >= 7 and r, what="the refusals"
        )
        assert all("already wait for the driver" in r for r in refused)
        assert _run_on(cluster, host.load())["driver_calls"] == 3
        release.set()
        wait_for(lambda: cluster.eval(ref, "results.length") == 10, what="the waiting calls answered")
        assert cluster.eval(ref, "results.filter(r => r === 'late').length") == 3


def test_a_driver_call_pending_when_its_context_exits_is_forgotten_on_the_host(cluster: Cluster) -> None:
    never = asyncio.Event()

    async def hang() -> None:
        await never.wait()

    ref = cluster.spawn(host="b", driver_handlers={"hang": hang})
    cluster.eval(ref, "Host.call('hang'); 1")
    host_b = cluster._hosts["b"].host
    wait_for(lambda: _run_on(cluster, host_b.load())["driver_calls"] == 1, what="the pending call")
    cluster.stop(ref)
    wait_for(lambda: _run_on(cluster, host_b.load())["driver_calls"] == 0, what="the call dropped")


def test_a_cluster_callback_raising_systemexit_does_not_stop_the_cluster(cluster: Cluster) -> None:
    ref = cluster.spawn(script="Host.onMessage(m => Host.send(m))")
    later: list[Any] = []
    done = threading.Event()

    def bad(_r: ContextRef, _m: Any) -> None:
        raise SystemExit("a callback must not end the cluster's loop")

    def good(_r: ContextRef, message: Any) -> None:
        later.append(message)
        done.set()

    cluster.on_message(ref, bad)
    cluster.on_message(ref, good)
    cluster.on_exit(ref, lambda *_a: (_ for _ in ()).throw(KeyboardInterrupt()))
    cluster.send(ref, "first")
    assert done.wait(5)
    cluster.stop(ref)
    assert later == ["first"]
    assert cluster.eval(cluster.spawn(), "'the loop still runs'") == "the loop still runs"


def test_a_driver_handler_raising_systemexit_fails_only_that_js_call(cluster: Cluster) -> None:
    async def quit_(*_a: Any) -> None:
        raise SystemExit("not from a handler")

    async def interrupt(*_a: Any) -> None:
        raise KeyboardInterrupt

    ref = cluster.spawn(driver_handlers={"quit": quit_, "interrupt": interrupt})
    for name in ("quit", "interrupt"):
        with pytest.raises(actors.JSError):
            cluster.eval(ref, f"Host.call({name!r})")
    assert cluster.eval(ref, "'still answering'") == "still answering"


def test_kill_and_wait_have_async_forms(cluster: Cluster) -> None:
    async def main() -> tuple[bool, str | None]:
        ref = await cluster.spawn_async()
        await cluster.kill_async(ref)
        return await cluster.wait_async(ref, 5), cluster.exit_reason(ref)

    assert asyncio.run(main()) == (True, "killed")


def test_a_spawn_script_may_call_driver_handlers_before_its_spawn_returns(cluster: Cluster) -> None:
    async def config() -> dict[str, int]:
        return {"size": 3}

    script = "globalThis.ready = Host.call('config').then(c => { globalThis.size = c.size })"
    ref = cluster.spawn(driver_handlers={"config": config}, script=script)
    assert cluster.eval(ref, "ready.then(() => size)") == 3


def test_a_restart_script_waiting_on_a_driver_handler_is_answered(cluster: Cluster) -> None:
    calls: list[int] = []

    async def config() -> int:
        calls.append(1)
        return len(calls)

    script = (
        "globalThis.gen = 0; Host.onMessage(() => { throw new Error('x') });"
        "Host.call('config').then(n => { gen = n })"
    )
    ref = cluster.spawn(name="cfg", restart="permanent", driver_handlers={"config": config}, script=script)
    assert cluster.eval(ref, "new Promise(r => setTimeout(() => r(gen), 50))") == 1
    cluster.send(ref, "crash")
    new = wait_for(lambda: (r := cluster.whereis("cfg")) != ref and r, what="the restart")
    wait_for(lambda: cluster.eval(new, "gen") == 2, what="the restarted script's driver call answered")


@pytest.mark.mode_independent
def test_importing_actors_ray_without_ray_says_how_to_install_it() -> None:
    if importlib.util.find_spec("ray") is not None:
        pytest.skip("ray is installed here")
    code = "import actors.ray"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode != 0
    assert "pip install 'actors[ray]'" in out.stderr
