"""Compile polyfills to bytecode once per process and build per-spawn lazy specs.

Each polyfill file is a script whose completion value is a function
``install(native, globalThis) -> exports``. It is compiled with the engine the
first time a context needs it, registered with the native side under a small
integer id, and from then on every context loads it from bytecode, on first
touch of one of its globals.

Shared pieces: a polyfill (or a piece) may name pieces on a line
``// @shared name ...``; each is one function expression, written once in
``polyfills/shared.<name>.js``. The group is compiled linked with them
(dependencies first) inside one installer, so that a piece sees ``native``,
``g`` (globalThis) and ``shared`` (the pieces) in its scope, and the group's
own installer is called as ``install(native, globalThis, shared)``. A piece
is code a group carries, not a global: a script cannot reach or replace it.
What must be one object per context (the events group's classes,
MessageEvent) the pieces keep on the private ``native`` object, which only
polyfills are handed.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import msgpack

from actors import _binding as nb
from actors.apis import REGISTRY

__all__ = ["group_source", "lazy_spec", "polyfill_dir"]

_lock = threading.Lock()
_registered: set[str] = set()
_specs: dict[tuple[str, ...], bytes] = {}


def polyfill_dir() -> Path:
    """Where the polyfill sources live (``polyfills/`` beside the package)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_polyfills"
    return packaged if packaged.is_dir() else here.parent / "polyfills"


_SHARED_LINE = re.compile(r"^// @shared ([A-Za-z]\w*(?: [A-Za-z]\w*)*)[ \t]*$", re.M)


def _shared_names(source: str) -> list[str]:
    found = _SHARED_LINE.search(source)
    return found.group(1).split() if found else []


def _link_order(source: str) -> list[tuple[str, str]]:
    """The pieces ``source`` names, with theirs, dependencies first: [(name, source)]."""
    order: list[tuple[str, str]] = []
    done: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in chain:
            cycle = " -> ".join((*chain, name))
            raise ValueError(f"shared polyfill pieces depend on each other in a cycle: {cycle}")
        piece = (polyfill_dir() / f"shared.{name}.js").read_text(encoding="utf-8")
        for dep in _shared_names(piece):
            visit(dep, (*chain, name))
        done.add(name)
        order.append((name, piece))

    for name in _shared_names(source):
        visit(name, ())
    return order


def group_source(name: str) -> str:
    """The JavaScript compiled for group ``name``: its polyfill, linked with the pieces it names."""
    group = REGISTRY[name]
    assert group.polyfill is not None
    source = (polyfill_dir() / group.polyfill).read_text(encoding="utf-8")
    pieces = _link_order(source)
    if not pieces:
        return source
    # the installer the engine calls: makes the pieces, then calls the group's
    # own installer with them (bytecode keeps no line numbers, so the glue may
    # come first)
    make = "".join(f"shared.{n} = ({piece}\n);\n" for n, piece in pieces)
    return (
        "(function (native, g) {\n'use strict';\nconst shared = { __proto__: null };\n"
        f"{make}return ({source}\n)(native, g, shared);\n}})"
    )


def group_id(name: str) -> int:
    """A stable small id per group (the native side keeps up to 64)."""
    return list(REGISTRY).index(name)


def _ensure_registered(name: str) -> None:
    # _lock held
    if name in _registered:
        return
    group = REGISTRY[name]
    assert group.polyfill is not None
    bytecode = nb.compile_script(group_source(name), f"polyfills/{group.polyfill}")
    nb.register_group(group_id(name), bytecode)
    _registered.add(name)


def lazy_spec(groups: tuple[str, ...]) -> bytes:
    """The msgpack spec of lazy globals for a context with ``groups`` (cached)."""
    spec = _specs.get(groups)
    if spec is not None:
        return spec
    with _lock:
        entries = []
        for name in groups:
            group = REGISTRY[name]
            if group.polyfill is None:
                continue
            _ensure_registered(name)
            entries.append([group_id(name), list(group.globals)])
        spec = msgpack.packb(entries) if entries else b""
        _specs[groups] = spec
        return spec
