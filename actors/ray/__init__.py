"""Contexts across machines on Ray: host actors for :mod:`actors.cluster`.

``pip install 'actors[ray]'``. Connect to a Ray cluster (``ray.init``),
start one host actor per node with :func:`start_hosts`, and hand them to an
:class:`actors.cluster.Cluster`::

    ray.init(address="auto")
    cluster = Cluster(start_hosts(size=4))
    ref = cluster.spawn(script="...", restart="permanent", name="room-1")

:func:`local_cluster` starts a multi-node cluster on this machine (tests,
demos). The core package never imports this module or Ray.
"""

import importlib.util

if importlib.util.find_spec("ray") is None:
    raise ModuleNotFoundError("actors.ray needs Ray: pip install 'actors[ray]'", name="ray")

from actors.ray.host import HostActor, RayHost, start_hosts
from actors.ray.local import LocalRayCluster, local_cluster, rerun_in_loopback_namespace

__all__ = [
    "HostActor",
    "LocalRayCluster",
    "RayHost",
    "local_cluster",
    "rerun_in_loopback_namespace",
    "start_hosts",
]
