"""Contexts across machines: routing, placement, ordering and supervision over many hosts.

Backend-neutral and free of any distributed engine: a host is anything
offering :class:`~actors.cluster.host.NodeHost` (``actors.ray`` provides
one on Ray; :class:`~actors.cluster.local.LocalHost` runs one in this
process, for tests). The driver is :class:`Cluster`; a context is addressed
by a :class:`ContextRef` (host, host boot, context id) like an Erlang pid.
"""

from actors.cluster.cluster import Batch, Cluster
from actors.cluster.errors import HostLostError, HostUnavailableError
from actors.cluster.host import NodeHost, SpawnRequest
from actors.cluster.local import LocalHost
from actors.cluster.node import NodeRuntime
from actors.cluster.ref import ContextRef

__all__ = [
    "Batch",
    "Cluster",
    "ContextRef",
    "HostLostError",
    "HostUnavailableError",
    "LocalHost",
    "NodeHost",
    "NodeRuntime",
    "SpawnRequest",
]
