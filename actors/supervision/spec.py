"""Child specifications: what a supervisor needs to start a child again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = ["NORMAL_REASONS", "RESTART_TYPES", "Child", "ChildSpec", "RestartType"]

RestartType = Literal["permanent", "transient", "temporary"]
RESTART_TYPES: tuple[str, ...] = ("permanent", "transient", "temporary")

# Exit reasons that are not failures: a transient child is not restarted after them.
NORMAL_REASONS = frozenset({"normal", "shutdown"})


@runtime_checkable
class Child(Protocol):
    """What a supervisor can supervise: a Context, or another Supervisor."""

    @property
    def alive(self) -> bool: ...

    @property
    def exit_reason(self) -> str | None: ...

    def on_exit(self, callback: Callable[[Any, str, Any], None]) -> Any: ...

    def stop(self, timeout: float = ...) -> None: ...


@dataclass
class ChildSpec:
    """One child: its id, how to start it, when to restart it."""

    id: str
    start: Callable[[], Any]
    restart: RestartType = "permanent"
    shutdown_timeout: float = 5.0
