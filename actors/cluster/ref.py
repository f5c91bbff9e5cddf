"""ContextRef: the address of one context in a cluster, like an Erlang pid.

A reference names the host, the host's boot (a fresh id each time a host
starts) and the context's id on it. A host that restarted has a new boot id,
so a reference to a context of its previous life can never reach a context
that reuses the id: it fails at once with ``ContextDeadError(reason="nodedown")``.
References are plain, immutable, picklable data; a :class:`~actors.cluster.Cluster`
acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ContextRef"]


@dataclass(frozen=True)
class ContextRef:
    host_id: str
    boot_id: str
    ctx_id: int

    def __repr__(self) -> str:
        return f"<ContextRef #{self.ctx_id}@{self.host_id}/{self.boot_id[:8]}>"
