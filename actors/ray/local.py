"""A Ray cluster of several nodes on this machine, for tests and demos.

Every node is a separate raylet (with its own worker processes) on its own
loopback address: the head on 127.0.0.2, the others on 127.0.0.3 and up
(127.0.0.1 is rewritten by Ray to the machine's address and then hangs).
Ray's servers bind every interface: run this where only loopback is
reachable (a network namespace with only ``lo``, as the tests do with
``unshare -n``), or behind a firewall.

Health checks are tuned so that a frozen or killed node is declared dead in
a few seconds instead of Ray's default minute.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import os
import shutil
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psutil

__all__ = [
    "TUNED_HEALTH_CHECKS",
    "LocalRayCluster",
    "bring_loopback_up",
    "local_cluster",
    "rerun_in_loopback_namespace",
]

TUNED_HEALTH_CHECKS = {
    "health_check_initial_delay_ms": 1000,
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 4,
}


ray: Any = importlib.import_module("ray")  # untyped here (see actors.ray.host)
_cluster_utils: Any = importlib.import_module("ray.cluster_utils")


class LocalRayCluster:
    """The running cluster: ``nodes`` (head first), ``kill_node(i)`` for node loss."""

    def __init__(self, cluster: Any, nodes: list[Any], node_args: dict[str, Any]) -> None:
        self._cluster = cluster
        self._node_args = node_args
        self._next_ip = 2 + len(nodes)
        self.nodes = nodes

    @property
    def address(self) -> str:
        return str(self._cluster.address)

    def node_id(self, index: int) -> str:
        return str(self.nodes[index].node_id)

    def add_node(self) -> int:
        """Start one more node (on the next loopback address); its index."""
        self._next_ip += 1
        if self._next_ip > 254:
            raise ValueError("no loopback address left for another node")
        node = self._cluster.add_node(node_ip_address=f"127.0.0.{self._next_ip}", **self._node_args)
        self._cluster.wait_for_nodes()
        self.nodes.append(node)
        return len(self.nodes) - 1

    def freeze_node(self, index: int) -> None:
        """Stop (SIGSTOP) every process of worker node ``index``: a hung machine, not a dead
        one; only the health checks find it. ``kill_node`` cleans it up afterwards."""
        if index == 0:
            raise ValueError("the head node carries the driver: freeze another one")
        procs: list[Any] = []
        for infos in self.nodes[index].all_processes.values():
            for info in infos:
                try:
                    proc = psutil.Process(info.process.pid)
                    procs.extend([proc, *proc.children(recursive=True)])
                except psutil.Error:
                    continue
        for proc in procs:
            try:
                proc.suspend()
            except psutil.Error:
                continue

    def kill_node(self, index: int) -> None:
        """Kill every process of worker node ``index`` (not the head: the driver lives there)."""
        if index == 0:
            raise ValueError("the head node carries the driver: kill another one")
        self._cluster.remove_node(self.nodes[index], allow_graceful=False)


@contextmanager
def local_cluster(
    nodes: int = 3,
    *,
    cpus_per_node: int = 1,
    memory_per_node: int = 512 * 1024 * 1024,
    tuned_health_checks: bool = True,
) -> Iterator[LocalRayCluster]:
    """Start ``nodes`` nodes (head included), connect this process as the driver; all stopped at exit."""
    if nodes < 1:
        raise ValueError("a cluster needs at least the head node")
    system_config = dict(TUNED_HEALTH_CHECKS) if tuned_health_checks else {}
    common: dict[str, Any] = {
        "num_cpus": cpus_per_node,
        "object_store_memory": 80 * 1024 * 1024,
        "include_dashboard": False,
    }
    cluster = _cluster_utils.Cluster(
        initialize_head=True,
        head_node_args={"node_ip_address": "127.0.0.2", "_system_config": system_config, **common},
    )
    started = [cluster.head_node]
    try:
        for i in range(nodes - 1):
            started.append(cluster.add_node(node_ip_address=f"127.0.0.{3 + i}", wait=False, **common))
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, logging_level=logging.WARNING, log_to_driver=False)
        yield LocalRayCluster(cluster, started, common)
    finally:
        ray.shutdown()
        cluster.shutdown()


_MARK = "ACTORS_LOOPBACK_NAMESPACE"


def rerun_in_loopback_namespace(argv: Sequence[str] | None = None) -> int | None:
    """Run this program again in a network namespace with only ``lo`` (``unshare -n``).

    Returns None inside the namespace (carry on), else the exit status of the
    run inside it, or 2 (with a message) where no namespace can be created:
    a local cluster's open ports then stay off every network.
    """
    if os.environ.get(_MARK) == "1":
        bring_loopback_up()
        return None
    if shutil.which("unshare") is None:
        print("needs `unshare` (util-linux) to keep Ray's ports off the network", file=sys.stderr)
        return 2
    args = list(sys.argv if argv is None else argv)
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            env = dict(os.environ, **{_MARK: "1"})  # the run inside brings lo up itself
            return subprocess.run([*prefix, sys.executable, *args], env=env).returncode
    print(
        "cannot create a network namespace (unshare -n): not starting Ray's open ports here", file=sys.stderr
    )
    return 2


_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def bring_loopback_up() -> None:
    """Set ``lo`` up (a new network namespace starts with it down); needs no ``ip`` tool."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        if not flags & _IFF_UP:
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | _IFF_UP))
