"""The registry of API groups a context can load (``apis=``).

Group names are part of the contract (DESIGN.md). A group is *available*
once its polyfill and host side exist; naming a group that is not available
yet raises an error that says so, and ``"browser"`` installs every available
group.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["AVAILABLE", "GROUPS", "resolve_apis"]

GROUPS: tuple[str, ...] = (
    "console",
    "timers",
    "url",
    "encoding",
    "crypto",
    "buffer",
    "events",
    "fetch",
    "websocket",
    "worker",
    "channel",
    "eventsource",
    "compression",
    "storage",
    "locks",
    "dom",
)

# name -> groups it needs; filled in as groups land
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "fetch": ("events", "url", "encoding"),
    "websocket": ("events",),
    "eventsource": ("events", "url"),
    "worker": ("events",),
    "channel": ("events",),
}

# Groups implemented in this version. `timers` are native in every context
# (setTimeout, setInterval, queueMicrotask), so the group is always there;
# `console` is native too (log/info/debug/trace/warn/error to logging).
AVAILABLE: frozenset[str] = frozenset({"timers", "console"})

# groups implemented natively in C: name -> bit of act_ctx_opts.apis
NATIVE_BITS: dict[str, int] = {"console": 1}


def native_bits(groups: Iterable[str]) -> int:
    """The ACT_API_* bit mask for the native groups among ``groups``."""
    bits = 0
    for g in groups:
        bits |= NATIVE_BITS.get(g, 0)
    return bits


def resolve_apis(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn an ``apis=`` value into the ordered tuple of groups to install.

    Raises:
        ValueError: an unknown group name, or a group not available in this version.
    """
    if spec is None:
        return ()
    if isinstance(spec, str):
        if spec == "browser":
            return tuple(g for g in GROUPS if g in AVAILABLE)
        spec = [spec]
    wanted: list[str] = []

    def add(name: str) -> None:
        if name not in GROUPS:
            raise ValueError(f"unknown API group {name!r}; groups are: {', '.join(GROUPS)} (or 'browser')")
        for dep in DEPENDENCIES.get(name, ()):
            add(dep)
        if name not in AVAILABLE:
            raise ValueError(
                f"API group {name!r} is not available in this version yet; available: "
                f"{', '.join(sorted(AVAILABLE))}"
            )
        if name not in wanted:
            wanted.append(name)

    for name in spec:
        if not isinstance(name, str):
            raise TypeError(f"API group names are strings, got {type(name).__name__}")
        add(name)
    return tuple(wanted)
