"""The ``storage`` group: ``localStorage``, ``sessionStorage`` and ``Storage``.

``localStorage`` lives on the Python side in SQLite (stdlib :mod:`sqlite3`):
one pool service (:class:`LocalStorageDB`) owns one connection, guarded by a
lock, with a table ``(origin, key, value)``. The file is the pool's
``storage_path`` (in-memory when None), so contexts of one pool with the same
``origin=`` spawn option share their ``localStorage``, and a file-backed
storage survives the pool. The origin comes from the context's options, never
from JS. ``sessionStorage`` is per context and lives in the JS heap.

Every operation is a synchronous host call (``native.callSync``), as the web
API is synchronous.

Quota: :data:`QUOTA` characters per origin (and per ``sessionStorage``),
counted as ``len(key) + len(value)`` over all items, in Python ``str``
characters (code points; a non-BMP character counts once here where it is two
UTF-16 units in JS). A write that would exceed it raises
:class:`QuotaExceededError`, which the polyfill turns into a ``DOMException``
named ``"QuotaExceededError"`` (or an ``Error`` of that name when the context
has no ``DOMException``).
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any

from actors.apis import Group, register

if TYPE_CHECKING:
    from actors.context import Context
    from actors.pool import ContextPool

__all__ = ["QUOTA", "LocalStorageDB", "QuotaExceededError"]

QUOTA = 5 * 1024 * 1024


class QuotaExceededError(Exception):
    """A write would take an origin's storage over :data:`QUOTA` characters."""


class LocalStorageDB:
    """The pool-wide ``localStorage`` database (one SQLite connection)."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS local_storage ("
            " origin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
            " PRIMARY KEY (origin, key))"
        )
        self._usage: dict[str, int] = {}  # origin -> characters used (cached)
        self._closed = False

    def _check(self) -> sqlite3.Connection:
        # _lock held
        if self._closed:
            raise RuntimeError("the storage database is closed")
        return self._db

    def _used(self, origin: str) -> int:
        # _lock held
        used = self._usage.get(origin)
        if used is None:
            row = (
                self._check()
                .execute(
                    "SELECT COALESCE(SUM(length(key) + length(value)), 0)"
                    " FROM local_storage WHERE origin = ?",
                    (origin,),
                )
                .fetchone()
            )
            used = self._usage[origin] = int(row[0])
        return used

    def get(self, origin: str, key: str) -> str | None:
        with self._lock:
            row = (
                self._check()
                .execute("SELECT value FROM local_storage WHERE origin = ? AND key = ?", (origin, key))
                .fetchone()
            )
        return None if row is None else str(row[0])

    def set(self, origin: str, key: str, value: str) -> None:
        with self._lock:
            db = self._check()
            row = db.execute(
                "SELECT length(value) FROM local_storage WHERE origin = ? AND key = ?", (origin, key)
            ).fetchone()
            old = 0 if row is None else len(key) + int(row[0])
            used = self._used(origin) - old + len(key) + len(value)
            if used > QUOTA:
                raise QuotaExceededError(
                    f"setting {key!r} would exceed the {QUOTA}-character storage quota of origin {origin!r}"
                )
            db.execute(
                "INSERT INTO local_storage (origin, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (origin, key) DO UPDATE SET value = excluded.value",
                (origin, key, value),
            )
            self._usage[origin] = used

    def remove(self, origin: str, key: str) -> None:
        with self._lock:
            db = self._check()
            row = db.execute(
                "SELECT length(value) FROM local_storage WHERE origin = ? AND key = ?", (origin, key)
            ).fetchone()
            if row is None:
                return
            used = self._used(origin) - len(key) - int(row[0])
            db.execute("DELETE FROM local_storage WHERE origin = ? AND key = ?", (origin, key))
            self._usage[origin] = used

    def clear(self, origin: str) -> None:
        with self._lock:
            self._check().execute("DELETE FROM local_storage WHERE origin = ?", (origin,))
            self._usage[origin] = 0

    def keys(self, origin: str) -> list[str]:
        """The origin's keys, in insertion order (SQLite rowid order)."""
        with self._lock:
            rows = (
                self._check()
                .execute("SELECT key FROM local_storage WHERE origin = ? ORDER BY rowid", (origin,))
                .fetchall()
            )
        return [str(r[0]) for r in rows]

    def length(self, origin: str) -> int:
        with self._lock:
            row = (
                self._check()
                .execute("SELECT COUNT(*) FROM local_storage WHERE origin = ?", (origin,))
                .fetchone()
            )
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()


def _make_db(pool: ContextPool) -> LocalStorageDB:
    return LocalStorageDB(pool.storage_path)


def database(ctx: Context) -> LocalStorageDB:
    """The ``localStorage`` database of ``ctx``'s pool."""
    db: LocalStorageDB = ctx.pool.service("storage", _make_db)
    return db


def _origin(ctx: Context) -> str:
    return ctx.origin


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string")
    return value


def _get(ctx: Context, key: Any) -> str | None:
    return database(ctx).get(_origin(ctx), _str(key, "key"))


def _set(ctx: Context, key: Any, value: Any) -> None:
    database(ctx).set(_origin(ctx), _str(key, "key"), _str(value, "value"))


def _remove(ctx: Context, key: Any) -> None:
    database(ctx).remove(_origin(ctx), _str(key, "key"))


def _clear(ctx: Context) -> None:
    database(ctx).clear(_origin(ctx))


def _keys(ctx: Context) -> list[str]:
    return database(ctx).keys(_origin(ctx))


def _length(ctx: Context) -> int:
    return database(ctx).length(_origin(ctx))


register(
    Group(
        "storage",
        globals=("localStorage", "sessionStorage", "Storage"),
        polyfill="storage.js",
        handlers={
            "get": _get,
            "set": _set,
            "remove": _remove,
            "clear": _clear,
            "keys": _keys,
            "length": _length,
            "quota": lambda _ctx: QUOTA,
        },
    )
)
