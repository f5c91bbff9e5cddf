"""Where a new context goes: least-loaded host, unless its group already lives somewhere.

Contexts that share a group key (``group=``, or else a real ``origin``) are
co-located, so what is shared per pool (``BroadcastChannel``, locks,
``localStorage``, Workers) keeps its single-host meaning. A group follows
its first member: when that host is lost, the next member placed picks a
new host and the rest follow it.
"""

from __future__ import annotations

from collections.abc import Iterable

from actors.errors import ActorsError

__all__ = ["Placement", "group_key"]


def group_key(group: str | None, origin: str | None) -> str | None:
    """The co-location key of a context: its declared group, else its origin (``"null"``: none)."""
    if group is not None:
        return f"group:{group}"
    if origin is not None and origin != "null":
        return f"origin:{origin}"
    return None


class Placement:
    """Driver-side load counts and group homes (one owner: the driver's loop)."""

    def __init__(self) -> None:
        self._load: dict[str, int] = {}
        self._homes: dict[str, str] = {}

    def add_host(self, host_id: str, load: int = 0) -> None:
        self._load[host_id] = load

    def remove_host(self, host_id: str) -> None:
        self._load.pop(host_id, None)
        for key in [k for k, h in self._homes.items() if h == host_id]:
            del self._homes[key]

    def hosts(self) -> list[str]:
        return list(self._load)

    def load(self, host_id: str) -> int:
        return self._load.get(host_id, 0)

    def choose(self, key: str | None, exclude: Iterable[str] = ()) -> str:
        home = self._homes.get(key) if key is not None else None
        if home is not None and home in self._load:
            return home
        skip = set(exclude)
        candidates = [h for h in self._load if h not in skip] or list(self._load)
        if not candidates:
            raise ActorsError("no host is available to place a context on")
        host = min(candidates, key=lambda h: self._load[h])
        if key is not None:
            self._homes[key] = host
        return host

    def placed(self, host_id: str, n: int = 1) -> None:
        if host_id in self._load:
            self._load[host_id] += n

    def left(self, host_id: str, n: int = 1) -> None:
        if host_id in self._load:
            self._load[host_id] = max(0, self._load[host_id] - n)
