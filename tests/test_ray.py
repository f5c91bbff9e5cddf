"""The Ray suite: actors.cluster on a real 3-node Ray cluster (head + 2 nodes on loopback).

Ray's servers bind every interface, so the cluster runs inside a network
namespace that has only ``lo`` (``unshare -n``): tests/ray_driver.py runs
there in a subprocess, plays every scenario on one cluster (per pool mode)
and prints one ``CHECK`` line each; the tests below assert on those lines.
Skipped when Ray is not installed, unless ``ACTORS_REQUIRE_RAY=1`` (CI),
which makes a missing Ray or namespace a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

# one cluster start and every scenario happen in the first test's setup (~35 s here)
pytestmark = pytest.mark.timeout(300)

TESTS = Path(__file__).parent
REQUIRED = os.environ.get("ACTORS_REQUIRE_RAY") == "1"


def _unshare() -> list[str] | None:
    """The command prefix entering a fresh network namespace, if this machine allows one."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


def _missing() -> str | None:
    if importlib.util.find_spec("ray") is None:
        return "ray is not installed (pip install 'actors[ray]')"
    if _unshare() is None:
        return "no network namespace available (unshare -n): Ray's open ports must not leave loopback"
    return None


@pytest.fixture(scope="module")
def run(pool_mode: str) -> dict[str, Any]:
    missing = _missing()
    if missing is not None:
        if REQUIRED:
            pytest.fail(f"ACTORS_REQUIRE_RAY=1 but {missing}")
        pytest.skip(missing)
    prefix = _unshare()
    assert prefix is not None
    env = dict(os.environ)
    # the host actors import the handler module of a test from here, on every node
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), env.get("PYTHONPATH", "")) if p)
    env["ACTORS_LOOPBACK_NAMESPACE"] = "1"  # the driver brings lo up inside
    command = [*prefix, sys.executable, str(TESTS / "ray_driver.py")]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240)
    checks: dict[str, Any] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("CHECK "):
            _check, name, value = line.split(" ", 2)
            checks[name] = json.loads(value)
    checks["_returncode"] = proc.returncode
    checks["_stderr"] = proc.stderr[-4000:]
    return checks


def got(run: dict[str, Any], name: str) -> Any:
    value = run.get(name)
    assert value is not None, f"scenario {name} did not report; rc={run['_returncode']}\n{run['_stderr']}"
    assert not (isinstance(value, dict) and "error" in value), f"{name}: {value}"
    return value


def test_the_driver_exits_cleanly_and_quickly(run: dict[str, Any]) -> None:
    assert run["_returncode"] == 0, run["_stderr"]
    assert got(run, "total") < 120


def test_eval_call_and_send_reach_contexts_on_every_node(run: dict[str, Any]) -> None:
    ops = got(run, "remote_ops")
    hosts = [h for h in ops if h != "js_error"]
    assert len(hosts) == 3
    for host in hosts:
        assert ops[host] == [42, 5, [{"to": host}]]
    assert ops["js_error"] == ["TypeError", "remote"]


def test_thousands_of_sends_reordered_by_ray_are_applied_in_order(run: dict[str, Any]) -> None:
    assert got(run, "ordering") == {"in_order": True, "count": 3000}


def test_placement_is_least_loaded_and_groups_and_origins_are_co_located(run: dict[str, Any]) -> None:
    placement = got(run, "placement")
    after = {h: placement["before"][h] + placement["spread"][h] for h in placement["before"]}
    assert max(after.values()) - min(after.values()) <= 1
    assert placement["group_hosts"] == 1 and placement["origin_hosts"] == 1


def test_a_batch_of_100_evals_over_three_nodes_comes_back_in_order(run: dict[str, Any]) -> None:
    assert got(run, "batching")["ok"] is True


def test_a_busy_context_does_not_stall_its_host_s_other_requests(run: dict[str, Any]) -> None:
    control = got(run, "async_control")
    assert control["value"] == "quick"
    assert control["seconds_while_sibling_busy"] < 0.5  # the sibling loops for 1.5 s


def test_names_resolve_across_the_cluster(run: dict[str, Any]) -> None:
    assert got(run, "whereis")["same"] is True
    assert got(run, "whereis")["kind"] == "registry"


def test_handlers_run_on_the_node_next_to_the_context(run: dict[str, Any]) -> None:
    assert got(run, "handlers_on_node") == {"double": 42, "ran_elsewhere": True}


def test_driver_routed_handlers_answer_from_the_driver_across_nodes(run: dict[str, Any]) -> None:
    assert got(run, "driver_handlers") == {"key": "k", "ran_on_driver": True}


def test_the_driver_s_death_takes_its_host_actors_and_contexts_with_it(run: dict[str, Any]) -> None:
    death = got(run, "driver_death")
    assert death["hosts"] == 3 and death["alive_before"] is True
    assert death["gone_after"] < 30


def test_a_ref_to_a_restarted_host_fails_at_once_with_nodedown(run: dict[str, Any]) -> None:
    restarted = got(run, "restarted_host")
    assert restarted["old_ref"] == "nodedown"
    assert restarted["kill_detected_seconds"] < 5
    assert restarted["fail_seconds"] < 0.1
    assert restarted["boots_differ"] is True and restarted["fresh"] == "new boot"


def test_a_node_killed_under_100_supervised_contexts_leaves_all_answering_elsewhere(
    run: dict[str, Any],
) -> None:
    loss = got(run, "node_loss")
    assert loss["running_before"] is True
    assert loss["lost_with_node"] > 10
    assert loss["all_answer"] is True
    assert len(loss["hosts_after"]) == 2
    assert loss["seconds_to_all_answering"] < 10


def test_a_ref_to_a_context_on_a_killed_node_fails_with_nodedown(run: dict[str, Any]) -> None:
    down = got(run, "nodedown_ref")
    assert down["reason"] == "nodedown" and down["seconds"] < 0.1


def test_links_across_nodes_stop_or_trap_when_a_node_is_killed(run: dict[str, Any]) -> None:
    links = got(run, "links")
    assert links["linked_reason"] == "linked"
    assert [reason for _host, reason in links["trapped"]] == ["nodedown"]
    assert links["watcher_alive"] == "alive"


def test_a_frozen_node_is_found_by_the_health_checks_and_its_contexts_move(run: dict[str, Any]) -> None:
    frozen = got(run, "frozen_node")
    assert frozen["all_answer"] is True
    assert frozen["seconds"] < 20  # tuned health checks: ~3.6 s here; Ray's defaults: ~65 s


def test_nothing_of_the_cluster_is_left_running_after_teardown(run: dict[str, Any]) -> None:
    pids = got(run, "cluster_pids")
    session = got(run, "session")
    assert pids, "the driver saw no cluster processes to check"
    left = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if proc.info["pid"] in pids or session in cmdline:
                left.append((proc.info["pid"], cmdline[:120]))
        except psutil.Error:
            continue
    assert left == []


@pytest.mark.mode_independent
def test_the_cluster_rooms_example_survives_a_node_kill() -> None:
    missing = _missing()
    if missing is not None:
        if REQUIRED:
            pytest.fail(f"ACTORS_REQUIRE_RAY=1 but {missing}")
        pytest.skip(missing)
    example = TESTS.parent / "examples" / "cluster_rooms.py"
    docstring = example.read_text(encoding="utf-8").split('"""')[1].strip()
    assert len(docstring.split("\n\n")) == 1
    proc = subprocess.run([sys.executable, str(example)], capture_output=True, text=True, timeout=180)
    out = proc.stdout
    assert proc.returncode == 0, f"stdout:\n{out}\nstderr:\n{proc.stderr[-3000:]}"
    assert out.rstrip().endswith("done")
    assert "lobby restarted on node0 (same node: True)" in out or "(same node: True)" in out
    assert "history of lobby now [] (fresh state)" in out
    moved = out.split("moved rooms: ")[1].split(";")[0]
    assert moved != "[]"
    assert "the old reference is nodedown" in out
    assert "after a post: ['eve: back again']" in out
    assert "history of random" in out and "nodes up: " in out
