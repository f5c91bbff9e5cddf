"""Supervision trees: supervisors, child specs, restart strategies, links."""

from actors.supervision.links import link, unlink
from actors.supervision.supervisor import PoolSupervisor, Supervisor

__all__ = ["PoolSupervisor", "Supervisor", "link", "unlink"]
