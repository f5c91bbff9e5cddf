"""The registry of API groups a context can load (``apis=``).

Group names are part of the contract (DESIGN.md). Each group names its
polyfill file in ``polyfills/`` (or is native C, like ``console``), the globals
it defines, the groups it needs, and its host handlers (Python functions the
polyfill reaches through its private ``native.call``/``native.callSync``).

A group is *available* once it is registered here; naming a group that is not
available yet raises an error that says so, and ``"browser"`` installs every
available group. Polyfills are compiled to QuickJS bytecode once per process
(``actors.apis.loader``) and loaded into a context on first touch of one of
their globals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AVAILABLE", "GROUPS", "REGISTRY", "Group", "register", "resolve_apis"]

GROUPS: tuple[str, ...] = (
    "console", "timers", "url", "encoding", "crypto", "buffer", "events", "fetch",
    "websocket", "worker", "channel", "eventsource", "compression", "storage", "locks", "dom",
    "intl",
)  # fmt: skip

# A host handler of a group: called with the Context, then the JS arguments.
GroupHandler = Callable[..., Any]


@dataclass(frozen=True)
class Group:
    """One API group.

    Attributes:
        name: the contract name (``"events"``, ...).
        globals: the globals it defines, installed as lazy accessors.
        requires: groups it needs (installed with it, loaded first).
        polyfill: file name in ``polyfills/`` (None for native groups).
        handlers: ``{"name": fn(ctx, *args)}`` reachable from the polyfill as
            ``native.call("<group>.<name>", ...)``.
        parts: file names in ``polyfills/`` of code the polyfill loads on first
            use (``actors.apis.loader``): a context that never uses it never
            holds its compiled functions.
    """

    name: str
    globals: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    polyfill: str | None = None
    handlers: Mapping[str, GroupHandler] = field(default_factory=dict)
    parts: tuple[str, ...] = ()


REGISTRY: dict[str, Group] = {}


def register(group: Group) -> Group:
    """Add a group to the registry.

    Its name is one of GROUPS, or starts with ``_`` for an internal group
    (like ``_streams``) that users cannot name but other groups can require.
    """
    if group.name not in GROUPS and not group.name.startswith("_"):
        raise ValueError(f"{group.name!r} is not an API group name")
    REGISTRY[group.name] = group
    return group


# `timers` are native in every context (setTimeout, setInterval,
# queueMicrotask, structuredClone, performance).
register(Group("timers"))
register(Group("console", globals=("console",), polyfill="console.js"))

# the polyfill groups register themselves
from actors.apis import groups as _groups  # noqa: E402,F401

AVAILABLE: frozenset[str] = frozenset(name for name in REGISTRY if not name.startswith("_"))


def resolve_apis(spec: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn an ``apis=`` value into the ordered tuple of groups to install.

    Dependencies come before the groups that need them. A non-empty result
    ends with the internal ``_window`` group (and ``_window_events`` when it
    has ``events``): every browser-like context has ``window``, ``self`` and
    ``location``.

    Raises:
        ValueError: an unknown group name, or a group not available in this version.
    """
    if spec is None:
        return ()
    if isinstance(spec, str):
        if spec == "browser":
            spec = [g for g in GROUPS if g in REGISTRY]
        else:
            spec = [spec]
    wanted: list[str] = []

    def add(name: str, internal_ok: bool = False) -> None:
        if name not in GROUPS and not (internal_ok and name in REGISTRY):
            raise ValueError(f"unknown API group {name!r}; groups are: {', '.join(GROUPS)} (or 'browser')")
        group = REGISTRY.get(name)
        if group is None:
            raise ValueError(
                f"API group {name!r} is not available in this version yet; available: "
                f"{', '.join(g for g in GROUPS if g in REGISTRY)}"
            )
        if name in wanted:
            return
        for dep in group.requires:
            add(dep, internal_ok=True)
        wanted.append(name)

    for name in spec:
        if not isinstance(name, str):
            raise TypeError(f"API group names are strings, not {type(name).__name__}")
        add(name)
    # a browser-like context (at least one group) has window, self and
    # location (actors/apis/window.py), and the global is an event target
    # when it has events
    if wanted and "_window" in REGISTRY:
        add("_window", internal_ok=True)
        if "events" in wanted:
            add("_window_events", internal_ok=True)
    return tuple(wanted)
