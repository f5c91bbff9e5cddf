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

Parts: a group may list ``parts`` (``Group.parts``), files of code its
installer loads on first use rather than at install: each is compiled apart,
registered beside the group under an id counted down from the native side's
last slot, and evaluated in a context by ``native.loadPart(id)`` the first
time the installer asks for it. The installer finds the ids in the object
literal the loader writes in place of the token ``__PARTS__`` in its source
(``{"selectors": 63, ...}``, by part name: the file name without the group's
prefix and ``.js``). Every compiled function costs each context that loads
it (its bytecode is per engine runtime), so what a context never uses it
never pays for.
"""

from __future__ import annotations

import json
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


_MAX_IDS = 64  # native/groups.c MAX_GROUPS


def _all_parts() -> list[tuple[str, str]]:
    """Every (group, part file) in registry order: part k has id 63 - k."""
    return [(name, part) for name, group in REGISTRY.items() for part in group.parts]


def part_id(group: str, part: str) -> int:
    """The native slot of ``part`` of ``group`` (below the groups' own ids)."""
    k = _all_parts().index((group, part))
    pid = _MAX_IDS - 1 - k
    if pid < len(REGISTRY):
        raise RuntimeError("too many polyfill groups and parts for the native registry")
    return pid


def part_name(group: str, part: str) -> str:
    """``dom.selectors.js`` of group ``dom`` -> ``selectors``."""
    stem = part.removesuffix(".js")
    return stem.removeprefix(f"{group}.")


def group_source(name: str) -> str:
    """The JavaScript compiled for group ``name``: its polyfill, linked with the pieces it names."""
    group = REGISTRY[name]
    assert group.polyfill is not None
    source = (polyfill_dir() / group.polyfill).read_text(encoding="utf-8")
    if group.parts:
        ids = {part_name(name, p): part_id(name, p) for p in group.parts}
        source = source.replace("__PARTS__", json.dumps(ids))
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
    # parts first: a context may load one as soon as it has the group
    for part in group.parts:
        code = (polyfill_dir() / part).read_text(encoding="utf-8")
        nb.register_group(part_id(name, part), nb.compile_script(code, f"polyfills/{part}"))
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
