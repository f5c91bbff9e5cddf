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

import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["TUNED_HEALTH_CHECKS", "LocalRayCluster", "local_cluster"]

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

    def __init__(self, cluster: Any, nodes: list[Any]) -> None:
        self._cluster = cluster
        self.nodes = nodes

    @property
    def address(self) -> str:
        return str(self._cluster.address)

    def node_id(self, index: int) -> str:
        return str(self.nodes[index].node_id)

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
        yield LocalRayCluster(cluster, started)
    finally:
        ray.shutdown()
        cluster.shutdown()
