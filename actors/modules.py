"""ES modules: where a context's ``import`` finds its code, compiled once.

A :class:`Modules` registry answers two questions the engine asks while a
context runs: *resolve* (this specifier, imported from that module: which
module is it?) and *load* (that module's bytecode). It is consulted on a
Python thread through the context's private host channel, never on a
native worker thread; each module is compiled once per registry and the
bytecode (without source) is shared by every context that imports it.
Inside one context the engine keeps what it loaded: a second ``import`` of
the same module does not ask again.

Module names are paths rooted at ``/`` (``/app.js``,
``/node_modules/preact/dist/preact.mjs``) or the bare names of in-memory
modules; a file's name never shows where the registry's root is on the
host's disk, and no resolution leaves the root (``..`` stops at ``/``,
symbolic links that point outside are refused).

Resolution, in order:

1. the import map (``{"imports": {...}, "scopes": {...}}``, as in the
   HTML standard: exact keys, and keys ending in ``/`` as prefixes; the
   longest match wins, the scopes of the importing module first);
2. a relative or absolute specifier (``./x.js``, ``../y.js``, ``/z.js``) is
   resolved against the importing module's name, then looked up among the
   in-memory modules and the files under ``root`` (trying ``.js``, ``.mjs``
   and ``/index.js`` after the exact name);
3. a bare specifier (``preact``, ``preact/hooks``) is an in-memory module of
   that name, or a package under ``<root>/node_modules``, found through its
   ``package.json`` (``exports`` with the ``browser``, ``import``,
   ``module`` and ``default`` conditions, then ``module``, then ``main``).

CommonJS (``require``) is not supported: packages that publish only
CommonJS need a bundle.
"""

from __future__ import annotations

import json
import os
import posixpath
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from actors import _binding as nb

__all__ = ["Modules", "module_handler"]

_EXTENSIONS = ("", ".js", ".mjs", "/index.js", "/index.mjs")
_CONDITIONS = ("browser", "import", "module", "default")


class Modules:
    """A module registry for ``import`` and ``import()`` in contexts.

    Args:
        modules: in-memory modules, name -> source. A name is bare
            (``"config"``, imported as ``"config"``) or a path
            (``"/lib/util.js"``, also reached as ``"./lib/util.js"`` from
            ``/app.js``).
        root: a folder whose files (and ``node_modules`` packages) can be
            imported. Nothing outside it can.
        import_map: ``{"imports": {specifier: target}, "scopes": {prefix:
            {specifier: target}}}``; targets are names as above.

    Give it to ``ContextPool(modules=...)`` (every context) or
    ``spawn(modules=...)``. Thread-safe; one registry may serve many pools.
    """

    def __init__(
        self,
        modules: Mapping[str, str] | None = None,
        *,
        root: str | os.PathLike[str] | None = None,
        import_map: Mapping[str, Any] | None = None,
    ) -> None:
        self._memory: dict[str, str] = {}
        for name, source in (modules or {}).items():
            if not isinstance(name, str) or not isinstance(source, str):
                raise TypeError("modules must map names (str) to sources (str)")
            self._memory[_memory_name(name)] = source
        self._root: Path | None = None
        if root is not None:
            self._root = Path(root).resolve()
            if not self._root.is_dir():
                raise ValueError(f"module root {str(root)!r} is not a folder")
        self._imports, self._scopes = _check_import_map(import_map or {})
        self._lock = threading.Lock()
        # name -> (stamp, bytecode); the stamp is a file's (mtime, size)
        self._compiled: dict[str, tuple[Any, bytes]] = {}

    def __repr__(self) -> str:
        return f"Modules({len(self._memory)} in memory, root={str(self._root) if self._root else None!r})"

    # ---- resolve -------------------------------------------------------------------------

    def resolve(self, specifier: str, base: str = "/") -> str:
        """The name of the module ``specifier`` means when imported from ``base``.

        Raises:
            TypeError: nothing in the registry has that name (the error a
                failed import throws in JS, as in browsers).
        """
        mapped = self._mapped(specifier, base)
        target = mapped if mapped is not None else specifier
        if _is_path(target):
            found = self._find_path(_join(base, target))
        else:
            found = self._find_bare(target)
        if found is None:
            via = f" (mapped to {mapped!r})" if mapped is not None and mapped != specifier else ""
            raise TypeError(f"Cannot find module {specifier!r}{via} imported from {_shown(base)!r}")
        return found

    def _mapped(self, specifier: str, base: str) -> str | None:
        for prefix, table in self._scopes:
            if _base_path(base).startswith(prefix):
                hit = _map_lookup(table, specifier)
                if hit is not None:
                    return hit
        return _map_lookup(self._imports, specifier)

    def _find_path(self, path: str) -> str | None:
        for ext in _EXTENSIONS:
            candidate = path.rstrip("/") + ext if ext else path
            if candidate in self._memory:
                return candidate
            if self._file(candidate) is not None:
                return candidate
        return None

    def _find_bare(self, name: str) -> str | None:
        if name in self._memory:
            return name
        if self._root is None or name.startswith(".") or "\0" in name:
            return None
        parts = name.split("/")
        n = 2 if name.startswith("@") else 1
        if len(parts) < n or not all(parts[:n]):
            return None
        package = "/node_modules/" + "/".join(parts[:n])
        subpath = "/".join(parts[n:])
        target = self._package_entry(package, subpath)
        return None if target is None else self._find_path(target)

    def _package_entry(self, package: str, subpath: str) -> str | None:
        manifest = self._file(package + "/package.json")
        meta: Any = {}
        if manifest is not None:
            try:
                meta = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
        if not isinstance(meta, dict):
            meta = {}
        exports = meta.get("exports")
        if exports is not None:
            key = "./" + subpath if subpath else "."
            target = _exports_target(exports, key)
            return None if target is None else _join(package + "/", target)
        if subpath:
            return package + "/" + subpath
        for field in ("module", "main"):
            entry = meta.get(field)
            if isinstance(entry, str) and entry:
                return _join(package + "/", entry)
        return package + "/index.js"

    def _file(self, name: str) -> Path | None:
        """The file behind a path name, only if it is inside the root."""
        if self._root is None or not name.startswith("/") or "\0" in name:
            return None
        path = (self._root / name.lstrip("/")).resolve()
        if path != self._root and self._root not in path.parents:
            return None  # a symbolic link out of the root
        return path if path.is_file() else None

    def name_for(self, path: str | os.PathLike[str]) -> str | None:
        """The module name of a file under the root (``/app.js``), else None."""
        if self._root is None:
            return None
        full = Path(path).resolve()
        if self._root not in full.parents:
            return None
        return "/" + full.relative_to(self._root).as_posix()

    # ---- load ----------------------------------------------------------------------------

    def load(self, name: str) -> bytes:
        """The bytecode of module ``name`` (a name :meth:`resolve` returned)."""
        source: str | None = self._memory.get(name)
        stamp: Any = None
        if source is None:
            path = self._file(name)
            if path is None:
                raise TypeError(f"Cannot find module {name!r}")
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            with self._lock:
                hit = self._compiled.get(name)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            source = path.read_text(encoding="utf-8")
        else:
            with self._lock:
                hit = self._compiled.get(name)
            if hit is not None:
                return hit[1]
        bytecode, _kind = nb.compile_code(source, name, nb.COMPILE_MODULE)
        with self._lock:
            self._compiled[name] = (stamp, bytecode)
        return bytecode


def module_handler(registry: Modules | None, what: str) -> Callable[..., Any] | None:
    """The context's private host call ``modules.<what>``, answered by ``registry``."""
    if registry is None:

        def unavailable(*args: Any) -> Any:
            spec = args[-1] if args else "?"
            raise TypeError(
                f"Cannot import {spec!r}: this context has no module registry "
                "(give spawn() or ContextPool() modules=actors.Modules(...))"
            )

        return unavailable
    if what == "resolve":
        return lambda base, specifier: registry.resolve(specifier, base)
    if what == "load":
        return registry.load
    return None


# ---- names -------------------------------------------------------------------------------------


def _is_path(specifier: str) -> bool:
    return specifier.startswith(("/", "./", "../")) or specifier in (".", "..")


def _memory_name(name: str) -> str:
    return _join("/", name) if _is_path(name) else name


def _base_path(base: str) -> str:
    """The folder-bearing path of an importing module's name (an eval's
    filename like ``app.js`` or ``<eval>`` counts as at the root)."""
    if base.startswith("/"):
        return base
    if base.startswith("<") or not base:
        return "/"
    return "/" + base


def _join(base: str, specifier: str) -> str:
    if specifier.startswith("/"):
        joined = specifier
    else:
        folder = _base_path(base)
        folder = folder if folder.endswith("/") else posixpath.dirname(folder)
        joined = posixpath.join(folder, specifier)
    # normpath keeps a leading "//" and stops ".." at the root
    out = posixpath.normpath("/" + joined.lstrip("/"))
    return out


def _shown(base: str) -> str:
    return base or "<eval>"


def _map_lookup(table: Mapping[str, str], specifier: str) -> str | None:
    hit = table.get(specifier)
    if hit is not None:
        return hit
    best = ""
    for key in table:
        if key.endswith("/") and specifier.startswith(key) and len(key) > len(best):
            best = key
    if best:
        return table[best] + specifier[len(best) :]
    return None


def _check_import_map(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    unknown = set(raw) - {"imports", "scopes"}
    if unknown:
        raise ValueError(f"import_map has unknown keys {sorted(unknown)} (expected 'imports' and 'scopes')")

    def table(value: Any, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise TypeError(f"import_map[{where}] must map specifiers (str) to targets (str)")
        return dict(value)

    imports = table(raw.get("imports", {}), "'imports'")
    scopes_raw = raw.get("scopes", {})
    if not isinstance(scopes_raw, Mapping):
        raise TypeError("import_map['scopes'] must map path prefixes to tables")
    scopes = [
        (_join("/", k) + ("/" if k.endswith("/") else ""), table(v, f"'scopes'][{k!r}"))
        for k, v in scopes_raw.items()
    ]
    scopes.sort(key=lambda item: len(item[0]), reverse=True)
    return imports, scopes


def _exports_target(exports: Any, key: str) -> str | None:
    """A package.json ``exports`` entry for subpath ``key`` (``"."`` or ``"./x"``)."""
    if isinstance(exports, str):
        return exports if key == "." else None
    if isinstance(exports, list):
        for item in exports:
            hit = _exports_target(item, key)
            if hit is not None:
                return hit
        return None
    if not isinstance(exports, dict):
        return None
    if not any(k.startswith(".") for k in exports):
        # a conditions object for "."
        return _condition(exports) if key == "." else None
    if key in exports:
        return _condition(exports[key])
    for pattern, value in exports.items():
        star = pattern.find("*")
        if star < 0:
            continue
        head, tail = pattern[:star], pattern[star + 1 :]
        if key.startswith(head) and key.endswith(tail) and len(key) >= len(head) + len(tail):
            target = _condition(value)
            if target is not None:
                return target.replace("*", key[len(head) : len(key) - len(tail)])
    return None


def _condition(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            hit = _condition(item)
            if hit is not None:
                return hit
        return None
    if isinstance(value, dict):
        for cond in _CONDITIONS:
            if cond in value:
                hit = _condition(value[cond])
                if hit is not None:
                    return hit
    return None
