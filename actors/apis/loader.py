"""Compile polyfills to bytecode once per process and build per-spawn lazy specs.

Each polyfill file is a script whose completion value is a function
``install(native, globalThis) -> exports``. It is compiled with the engine the
first time a context needs it, registered with the native side under a small
integer id, and from then on every context loads it from bytecode, on first
touch of one of its globals.
"""

from __future__ import annotations

import threading
from pathlib import Path

import msgpack

from actors import _binding as nb
from actors.apis import REGISTRY

__all__ = ["lazy_spec", "polyfill_dir"]

_lock = threading.Lock()
_registered: set[str] = set()
_specs: dict[tuple[str, ...], bytes] = {}


def polyfill_dir() -> Path:
    """Where the polyfill sources live (``polyfills/`` beside the package)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_polyfills"
    return packaged if packaged.is_dir() else here.parent / "polyfills"


def group_id(name: str) -> int:
    """A stable small id per group (the native side keeps up to 64)."""
    return list(REGISTRY).index(name)


def _ensure_registered(name: str) -> None:
    # _lock held
    if name in _registered:
        return
    group = REGISTRY[name]
    assert group.polyfill is not None
    path = polyfill_dir() / group.polyfill
    source = path.read_text(encoding="utf-8")
    bytecode = nb.compile_script(source, f"polyfills/{group.polyfill}")
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
