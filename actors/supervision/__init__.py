"""Supervision trees: supervisors, child specs, restart strategies, links."""

from actors.supervision.links import link, unlink
from actors.supervision.supervisor import Supervisor

__all__ = ["Supervisor", "link", "unlink"]
