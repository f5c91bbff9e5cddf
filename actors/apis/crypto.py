"""The ``crypto`` group: crypto.getRandomValues, randomUUID and crypto.subtle.

The JavaScript side (``polyfills/crypto.js``) normalizes algorithms the way
the Web Crypto spec does and shapes results; the cryptography itself runs
here, with :mod:`os.urandom`, :mod:`hashlib`, :mod:`hmac` and the
``cryptography`` package. Every argument is checked again here: the polyfill
is a convenience, not a trust boundary.

Algorithms (W3C Web Cryptography API and the Secure Curves draft):
RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP, ECDSA and ECDH (P-256, P-384, P-521),
Ed25519, X25519, Ed448 and X448 (when the OpenSSL build has them), AES-CTR,
AES-CBC, AES-GCM, AES-KW, HMAC, SHA-1/256/384/512, HKDF and PBKDF2, with the
key formats the spec allows for each.

Key material never enters the JS heap. Each context has a key table on the
Python side (created on first use, dropped when the context exits); a JS
``CryptoKey`` holds only the integer handle of its entry, in a private field.
Handles are released when the ``CryptoKey`` is garbage collected (through a
``FinalizationRegistry`` in the polyfill). ``exportKey`` and ``wrapKey``
return material only for extractable keys; wrapping and unwrapping happen
here, so a non-extractable unwrapped key is never seen by JS.

Host work is bounded before it is done, because the host's CPU and memory
are outside the context's JS limits:

* a context holds at most :data:`MAX_KEYS` live keys and
  :data:`MAX_TABLE_BYTES` of key material (``QuotaExceededError``);
* RSA keys are generated with 1024 to :data:`MAX_RSA_GENERATE_BITS` bits and
  imported up to :data:`MAX_RSA_BITS` bits, with exponent 3 or 65537 for
  generation; key data in any format is at most :data:`MAX_KEY_DATA_BYTES`
  (checked before parsing, since parsing a private key checks its primes);
* PBKDF2 may do at most :data:`MAX_PBKDF2_WORK` hash blocks per call
  (iterations times output blocks); HKDF output is bounded by the spec;
  secret keys are at most :data:`MAX_SECRET_BYTES`;
* cheap operations answer inline on the handler thread; work that can
  take milliseconds to seconds (RSA key generation, private RSA operations
  from :data:`HEAVY_RSA_BITS` bits, private RSA imports, PBKDF2 above
  :data:`HEAVY_PBKDF2_WORK` blocks, data above :data:`HEAVY_DATA_BYTES`) runs
  one operation at a time per context, in order, on :data:`WORKERS` shared
  threads: a context that queues a thousand derivations occupies one of
  them, never the pool's handler threads, and the queued work of a context
  that exits is dropped. At most :data:`MAX_PENDING` operations may wait per
  context (each holds its arguments in host memory); more are
  ``QuotaExceededError``.

Errors cross to JS by class name: a handler raising :class:`DataError` rejects
the JS promise with an error named ``"DataError"``, which the polyfill turns
into a ``DOMException`` of that name.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, keywrap, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric import padding as apadding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from actors.apis import Group, register

if TYPE_CHECKING:
    from actors.context import Context

__all__ = [
    "MAX_KEYS",
    "MAX_KEY_DATA_BYTES",
    "MAX_PBKDF2_WORK",
    "MAX_PENDING",
    "MAX_RSA_BITS",
    "MAX_RSA_GENERATE_BITS",
    "MAX_SECRET_BYTES",
    "MAX_TABLE_BYTES",
    "WORKERS",
    "CryptoError",
    "DataError",
    "InvalidAccessError",
    "NotSupportedError",
    "OperationError",
    "QuotaExceededError",
]

MAX_KEYS = 65536
MAX_TABLE_BYTES = 16 * 1024 * 1024
MAX_RANDOM_BYTES = 65536
MAX_SECRET_BYTES = 65536
MAX_KEY_DATA_BYTES = 16384
MAX_RSA_BITS = 8192
MAX_RSA_GENERATE_BITS = 4096
MIN_RSA_GENERATE_BITS = 1024
MAX_PENDING = 1024  # subtle operations waiting per context
MAX_PBKDF2_WORK = 1 << 22  # iterations x output blocks: about 2 s of one core for SHA-256
WORKERS = max(2, min(4, os.cpu_count() or 2))
_KEY_OVERHEAD = 256  # bytes counted per key besides its material


class CryptoError(Exception):
    """Base of the errors that reach JS as DOMExceptions named after their class."""


class NotSupportedError(CryptoError):
    """An algorithm, format or parameter this implementation does not support."""


class InvalidAccessError(CryptoError):
    """The key cannot be used this way (usage, algorithm, extractability)."""


class OperationError(CryptoError):
    """The operation failed (bad tag, bad padding, bad lengths, a bound)."""


class DataError(CryptoError):
    """The key data is malformed."""


class QuotaExceededError(CryptoError):
    """Too many bytes or too many keys."""


class _SyntaxError(CryptoError):
    """Bad or missing key usages (a DOMException ``SyntaxError`` in JS)."""


_SyntaxError.__name__ = "SyntaxError"

# ---- algorithms -------------------------------------------------------------------------------

_HASHES: dict[str, tuple[type[hashes.HashAlgorithm], str, int, int]] = {
    # name: (cryptography class, hashlib name, HMAC block size in bits, digest bytes)
    "SHA-1": (hashes.SHA1, "sha1", 512, 20),
    "SHA-256": (hashes.SHA256, "sha256", 512, 32),
    "SHA-384": (hashes.SHA384, "sha384", 1024, 48),
    "SHA-512": (hashes.SHA512, "sha512", 1024, 64),
}
_RSA = ("RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP")
_EC = ("ECDSA", "ECDH")
_AES = ("AES-CTR", "AES-CBC", "AES-GCM", "AES-KW")


def _probe(gen: Callable[[], Any]) -> bool:
    try:
        gen()
    except UnsupportedAlgorithm:
        return False
    return True


# (private class, public class, raw size, JWK/spki family) for the curves of Secure Curves
_OKP: dict[str, tuple[Any, Any, int]] = {
    "Ed25519": (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey, 32),
    "X25519": (x25519.X25519PrivateKey, x25519.X25519PublicKey, 32),
}
if _probe(ed448.Ed448PrivateKey.generate):
    _OKP["Ed448"] = (ed448.Ed448PrivateKey, ed448.Ed448PublicKey, 57)
if _probe(x448.X448PrivateKey.generate):
    _OKP["X448"] = (x448.X448PrivateKey, x448.X448PublicKey, 56)

_ALGS = (*_RSA, *_EC, *_OKP, *_AES, "HMAC", "PBKDF2", "HKDF")
_ALG_BY_UPPER = {a.upper(): a for a in _ALGS}

# (usages of a private key, usages of a public key) for asymmetric algorithms
_ASYM_USAGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
for _n in ("RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "Ed25519", "Ed448"):
    _ASYM_USAGES[_n] = (frozenset({"sign"}), frozenset({"verify"}))
_ASYM_USAGES["RSA-OAEP"] = (frozenset({"decrypt", "unwrapKey"}), frozenset({"encrypt", "wrapKey"}))
for _n in ("ECDH", "X25519", "X448"):
    _ASYM_USAGES[_n] = (frozenset({"deriveKey", "deriveBits"}), frozenset())
_SECRET_USAGES: dict[str, frozenset[str]] = {
    "AES-CTR": frozenset({"encrypt", "decrypt", "wrapKey", "unwrapKey"}),
    "AES-CBC": frozenset({"encrypt", "decrypt", "wrapKey", "unwrapKey"}),
    "AES-GCM": frozenset({"encrypt", "decrypt", "wrapKey", "unwrapKey"}),
    "AES-KW": frozenset({"wrapKey", "unwrapKey"}),
    "HMAC": frozenset({"sign", "verify"}),
    "PBKDF2": frozenset({"deriveBits", "deriveKey"}),
    "HKDF": frozenset({"deriveBits", "deriveKey"}),
}
# which algorithms each operation knows (anything else is NotSupportedError)
_OPS: dict[str, frozenset[str]] = {
    "sign": frozenset({"RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "HMAC", "Ed25519", "Ed448"}),
    "encrypt": frozenset({"RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM"}),
    "deriveBits": frozenset({"ECDH", "X25519", "X448", "HKDF", "PBKDF2"}),
    "generateKey": frozenset(_ALGS) - {"HKDF", "PBKDF2"},
    "exportKey": frozenset(_ALGS) - {"HKDF", "PBKDF2"},
    "importKey": frozenset(_ALGS),
    "wrapKey": frozenset({"AES-KW", "RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM"}),
    "keyLength": frozenset({*_AES, "HMAC", "HKDF", "PBKDF2"}),
}

_CURVES: dict[str, tuple[type[ec.EllipticCurve], int, str]] = {
    # namedCurve: (curve class, coordinate bytes, JWK alg for ECDSA)
    "P-256": (ec.SECP256R1, 32, "ES256"),
    "P-384": (ec.SECP384R1, 48, "ES384"),
    "P-521": (ec.SECP521R1, 66, "ES512"),
}
_CURVE_BY_OPENSSL = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_RSA_JWK_ALG = {
    "RSASSA-PKCS1-v1_5": {"SHA-1": "RS1", "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512"},
    "RSA-PSS": {"SHA-1": "PS1", "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512"},
    "RSA-OAEP": {
        "SHA-1": "RSA-OAEP",
        "SHA-256": "RSA-OAEP-256",
        "SHA-384": "RSA-OAEP-384",
        "SHA-512": "RSA-OAEP-512",
    },
}
_GCM_TAGS = (32, 64, 96, 104, 112, 120, 128)
_FORMATS = ("raw", "spki", "pkcs8", "jwk")


def _alg_name(alg: Any, op: str) -> str:
    if isinstance(alg, str):
        alg = {"name": alg}
    if not isinstance(alg, dict) or not isinstance(alg.get("name"), str):
        raise TypeError("an algorithm needs a name")
    name = _ALG_BY_UPPER.get(alg["name"].upper())
    if name is None or name not in _OPS[op]:
        raise NotSupportedError(f"{alg['name']!r} is not supported for {op}")
    return name


def _hash_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str):
        raise TypeError("the algorithm needs a hash")
    name = value.upper()
    if name not in _HASHES:
        raise NotSupportedError(f"unsupported hash {value!r}")
    return name


def _bytes(alg: dict[str, Any], member: str, required: bool = True) -> bytes:
    value = alg.get(member)
    if value is None and not required:
        return b""
    if not isinstance(value, bytes):
        raise TypeError(f"the algorithm needs {member} (a BufferSource)")
    return value


def _int(alg: dict[str, Any], member: str, default: int | None = None, limit: int = 2**32 - 1) -> int:
    value = alg.get(member)
    if value is None:
        if default is None:
            raise TypeError(f"the algorithm needs {member}")
        return default
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != value
        or abs(value) == float("inf")
    ):
        raise TypeError(f"the algorithm's {member} must be an integer")
    value = int(value)
    if not 0 <= value <= limit:
        raise TypeError(f"the algorithm's {member} is out of range (0 to {limit})")
    return value


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64u(value: Any, member: str = "a member") -> bytes:
    if not isinstance(value, str):
        raise DataError(f"the JWK's {member} is missing or not a string")
    if len(value) > MAX_KEY_DATA_BYTES * 2:
        raise DataError(f"the JWK's {member} is longer than {MAX_KEY_DATA_BYTES * 2} characters")
    if "=" in value or "+" in value or "/" in value:
        raise DataError(f"the JWK's {member} is not base64url without padding")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise DataError(f"bad base64url in the JWK's {member}: {exc}") from None


def _uint_b64u(n: int, size: int | None = None) -> str:
    return _b64u(n.to_bytes(size or max(1, (n.bit_length() + 7) // 8), "big"))


def _b64u_uint(value: Any, member: str) -> int:
    return int.from_bytes(_unb64u(value, member), "big")


# ---- the per-context key table, and the per-context queue of work ------------------------------


@dataclass
class _Key:
    type: str  # "secret" | "public" | "private"
    algorithm: dict[str, Any]  # what CryptoKey.algorithm shows
    extractable: bool
    usages: list[str]
    material: Any  # bytes | a cryptography key object
    cost: int = 0  # bytes counted against the table's budget

    def describe(self, handle: int) -> list[Any]:
        return [handle, self.type, self.algorithm, self.extractable, self.usages]


@dataclass
class _KeyTable:
    keys: dict[int, _Key] = field(default_factory=dict)
    next_id: int = 0
    bytes: int = 0
    # Created on the pool's async-handler loop on first use; every subtle
    # operation of the context holds it while it runs, so a context's
    # operations run one at a time and in order.
    lock: asyncio.Lock | None = None
    pending: int = 0  # operations waiting for or holding the lock
    # The tasks of those operations and their loop: cancelled when the
    # context exits, so a stopped context's queue empties at once instead
    # of after its running job (and no task outlives its pool's loop).
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    loop: asyncio.AbstractEventLoop | None = None
    closed: bool = False


_tables: weakref.WeakKeyDictionary[Context, _KeyTable] = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def _table(ctx: Context) -> _KeyTable:
    with _tables_lock:
        table = _tables.get(ctx)
        if table is not None:
            return table
        table = _tables[ctx] = _KeyTable()
    ctx.on_exit(_drop_table)
    return table


def _drop_table(ctx: Context, _reason: Any, _detail: Any) -> None:
    with _tables_lock:
        table = _tables.pop(ctx, None)
        if table is not None:
            table.closed = True
    if table is not None and table.loop is not None:
        try:
            table.loop.call_soon_threadsafe(_cancel_all, table)
        except RuntimeError:  # the loop is closed: nothing of it is left to cancel
            pass


def _cancel_all(table: _KeyTable) -> None:
    for task in list(table.tasks):
        task.cancel()


def _cost(key: _Key) -> int:
    m = key.material
    if isinstance(m, bytes):
        return _KEY_OVERHEAD + len(m)
    if isinstance(m, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return _KEY_OVERHEAD + m.key_size // 8 * (5 if key.type == "private" else 1)
    return _KEY_OVERHEAD * 2


def _add(ctx: Context, key: _Key) -> list[Any]:
    table = _table(ctx)
    key.cost = _cost(key)
    with _tables_lock:
        if len(table.keys) >= MAX_KEYS:
            raise QuotaExceededError(f"a context may hold at most {MAX_KEYS} live CryptoKeys")
        if table.bytes + key.cost > MAX_TABLE_BYTES:
            raise QuotaExceededError(f"a context may hold at most {MAX_TABLE_BYTES} bytes of key material")
        table.next_id += 1
        handle = table.next_id
        table.keys[handle] = key
        table.bytes += key.cost
    return key.describe(handle)


def _lookup(ctx: Context, handle: Any) -> _Key:
    with _tables_lock:
        table = _tables.get(ctx)
        ok = table is not None and isinstance(handle, int) and not isinstance(handle, bool)
        key = table.keys.get(handle) if ok and table is not None else None
    if key is None:
        raise InvalidAccessError("unknown or released CryptoKey")
    return key


def _get(ctx: Context, handle: Any, usage: str, alg_name: str) -> _Key:
    key = _lookup(ctx, handle)
    if key.algorithm["name"] != alg_name:
        raise InvalidAccessError(f"the key is a {key.algorithm['name']} key, not {alg_name}")
    if usage not in key.usages:
        raise InvalidAccessError(f"the key's usages do not include {usage!r}")
    return key


def _release(ctx: Context, handle: Any) -> None:
    with _tables_lock:
        table = _tables.get(ctx)
        if table is not None and isinstance(handle, int):
            key = table.keys.pop(handle, None)
            if key is not None:
                table.bytes -= key.cost


class _Workers:
    """Daemon threads that run the subtle operations of every context.

    Daemon threads (not a ThreadPoolExecutor, whose threads are joined at
    exit): a long derivation queued at shutdown must not hold the
    interpreter. Each context has at most one job here at a time (its lock),
    so the queue is at most as long as the number of contexts.
    """

    def __init__(self, count: int) -> None:
        self._count = count
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], Any]) -> Future[Any]:
        with self._lock:
            if not self._started:
                self._started = True
                for i in range(self._count):
                    threading.Thread(target=self._run, name=f"actors-crypto-{i}", daemon=True).start()
        future: Future[Any] = Future()
        self._jobs.put((fn, future))
        return future

    def _run(self) -> None:
        while True:
            fn, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:  # the caller's JS gets it; the worker lives on
                future.set_exception(exc)
            else:
                future.set_result(result)


_workers = _Workers(WORKERS)


def _queued(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A handler that runs ``fn(ctx, *args)`` on the workers, one at a time per context."""

    async def handler(ctx: Context, *args: Any) -> Any:
        table = _table(ctx)
        # lock and pending are only ever touched on the pool's one async-handler loop
        if table.lock is None:
            table.lock = asyncio.Lock()
        if table.pending >= MAX_PENDING:
            # each waiting call holds its arguments in host memory
            raise QuotaExceededError(f"at most {MAX_PENDING} crypto.subtle operations may wait per context")
        if table.closed or not ctx.alive:
            raise OperationError("the context has exited")
        task = asyncio.current_task()
        table.loop = asyncio.get_running_loop()
        table.pending += 1
        if task is not None:
            table.tasks.add(task)
        try:
            async with table.lock:
                if table.closed or not ctx.alive:
                    raise OperationError("the context has exited")
                return await asyncio.wrap_future(_workers.submit(lambda: fn(ctx, *args)))
        finally:
            table.pending -= 1
            if task is not None:
                table.tasks.discard(task)

    handler.__name__ = fn.__name__
    return handler


def _usage_list(usages: Any) -> list[str]:
    if not isinstance(usages, list) or not all(isinstance(u, str) for u in usages):
        raise TypeError("keyUsages must be an array of strings")
    if len(usages) > 64:
        raise TypeError("keyUsages has too many entries")
    return usages


def _check_usages(usages: list[str], allowed: frozenset[str]) -> list[str]:
    bad = [u for u in usages if u not in allowed]
    if bad:
        raise _SyntaxError(f"invalid key usages for this key: {', '.join(bad)}")
    order = ("encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey")
    return [u for u in order if u in usages]


# ---- handlers: random, digest -----------------------------------------------------------------


def _random(_ctx: Context, n: Any) -> bytes:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise TypeError("random: a byte count")
    if n > MAX_RANDOM_BYTES:
        raise QuotaExceededError(f"at most {MAX_RANDOM_BYTES} random bytes per call")
    return os.urandom(n)


def _digest(_ctx: Context, alg: Any, data: Any) -> bytes:
    name = _hash_name(alg.get("name") if isinstance(alg, dict) else alg)
    if not isinstance(data, bytes):
        raise TypeError("digest: data must be a BufferSource")
    return hashlib.new(_HASHES[name][1], data).digest()


# ---- importKey --------------------------------------------------------------------------------


def _jwk_common(jwk: dict[str, Any], kty: str, usages: list[str], extractable: bool) -> None:
    """The checks every algorithm's JWK import makes (kty, use, key_ops, ext)."""
    if jwk.get("kty") != kty:
        raise DataError(f"the JWK kty must be {kty!r}")
    use = jwk.get("use")
    if use is not None and usages and use != ("sig" if usages[0] in ("sign", "verify") else "enc"):
        raise DataError(f"the JWK use {use!r} does not fit the key usages")
    ops = jwk.get("key_ops")
    if ops is not None:
        if not isinstance(ops, list) or not all(isinstance(o, str) for o in ops) or len(set(ops)) != len(ops):
            raise DataError("the JWK key_ops must be a list of distinct strings")
        missing = [u for u in usages if u not in ops]
        if missing:
            raise DataError(f"the JWK key_ops do not allow {', '.join(missing)}")
    if jwk.get("ext") is False and extractable:
        raise DataError("the JWK is not extractable")


def _import_secret(
    name: str, fmt: str, data: Any, alg: dict[str, Any], extractable: bool, usages: list[str]
) -> _Key:
    usages = _check_usages(usages, _SECRET_USAGES[name])
    if fmt == "jwk" and name not in ("PBKDF2", "HKDF"):
        _jwk_common(data, "oct", usages, extractable)
        raw = _unb64u(data.get("k"), "k")
    elif fmt == "raw":
        raw = data
    else:
        raise NotSupportedError(f"format {fmt!r} is not supported for {name}")
    if len(raw) > MAX_SECRET_BYTES:
        raise DataError(f"secret keys are at most {MAX_SECRET_BYTES} bytes")
    jwk_alg = data.get("alg") if fmt == "jwk" else None
    algorithm: dict[str, Any]
    if name == "HMAC":
        hash_name = _hash_name(alg.get("hash"))
        if not raw:
            raise DataError("an HMAC key cannot be empty")
        length = _int(alg, "length", len(raw) * 8)
        if length > len(raw) * 8 or length <= len(raw) * 8 - 8:
            raise DataError("the HMAC length does not match the key data")
        if jwk_alg is not None and jwk_alg != "HS" + hash_name[4:]:
            raise DataError(f"the JWK alg {jwk_alg!r} does not match HMAC with {hash_name}")
        algorithm = {"name": name, "hash": {"name": hash_name}, "length": length}
    elif name in _AES:
        if len(raw) not in (16, 24, 32):
            raise DataError("an AES key is 128, 192 or 256 bits")
        if jwk_alg is not None and jwk_alg != f"A{len(raw) * 8}{name[4:]}":
            raise DataError(f"the JWK alg {jwk_alg!r} does not match a {len(raw) * 8}-bit {name} key")
        algorithm = {"name": name, "length": len(raw) * 8}
    else:  # PBKDF2, HKDF
        if extractable:
            raise _SyntaxError(f"{name} keys cannot be extractable")
        algorithm = {"name": name}
    return _Key("secret", algorithm, extractable, usages, raw)


def _curve_of(alg: dict[str, Any]) -> str:
    curve = alg.get("namedCurve")
    if not isinstance(curve, str):
        raise TypeError("the algorithm needs a namedCurve")
    if curve not in _CURVES:
        raise NotSupportedError(f"unsupported namedCurve {curve!r} (P-256, P-384, P-521)")
    return curve


def _rsa_bounds(key: Any) -> None:
    if key.key_size > MAX_RSA_BITS:
        raise NotSupportedError(f"RSA keys are at most {MAX_RSA_BITS} bits here (host CPU bound)")


def _load_der(fmt: str, data: bytes) -> Any:
    if len(data) > MAX_KEY_DATA_BYTES:
        raise DataError(f"{fmt} key data is at most {MAX_KEY_DATA_BYTES} bytes")
    try:
        if fmt == "spki":
            return serialization.load_der_public_key(data)
        return serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise DataError(f"bad {fmt} key data: {exc}") from None


def _import_asym(
    name: str, fmt: str, data: Any, alg: dict[str, Any], extractable: bool, usages: list[str]
) -> _Key:
    private_usages, public_usages = _ASYM_USAGES[name]
    if fmt not in _FORMATS:
        raise TypeError(f"unknown key format {fmt!r}")
    if name in _RSA:
        hash_name = _hash_name(alg.get("hash"))
        if fmt == "raw":
            raise NotSupportedError(f"format 'raw' is not supported for {name}")
    elif name in _EC:
        curve = _curve_of(alg)
    is_private = fmt == "pkcs8" or (fmt == "jwk" and "d" in data)
    usages = _check_usages(usages, private_usages if is_private else public_usages)
    material: Any
    if fmt == "jwk":
        material = _jwk_to_asym(name, alg, data, usages, extractable)
    elif fmt == "raw":
        if len(data) > MAX_KEY_DATA_BYTES:
            raise DataError("raw key data is too long")
        try:
            if name in _EC:
                material = ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[curve][0](), data)
            else:
                material = _OKP[name][1].from_public_bytes(data)
        except ValueError as exc:
            raise DataError(f"bad raw {name} public key: {exc}") from None
    else:
        material = _load_der(fmt, data)
    if not _is_kind(material, name):
        raise DataError(f"the key data is not a {name} key")
    algorithm: dict[str, Any] = {"name": name}
    if name in _RSA:
        _rsa_bounds(material)
        e = (material.public_key() if is_private else material).public_numbers().e
        algorithm.update(
            modulusLength=material.key_size,
            publicExponent=e.to_bytes((e.bit_length() + 7) // 8, "big"),
            hash={"name": hash_name},
        )
    elif name in _EC:
        got = _CURVE_BY_OPENSSL.get(material.curve.name)
        if got != curve:
            raise DataError(f"the key is on {got or material.curve.name}, not {curve}")
        algorithm["namedCurve"] = curve
    return _Key("private" if is_private else "public", algorithm, extractable, usages, material)


def _is_kind(material: Any, name: str) -> bool:
    """Whether a loaded key is of the algorithm's kind (an spki may hold any key)."""
    if name in _RSA:
        kinds: tuple[type, ...] = (rsa.RSAPrivateKey, rsa.RSAPublicKey)
    elif name in _EC:
        kinds = (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)
    else:
        kinds = (_OKP[name][0], _OKP[name][1])
    return isinstance(material, kinds)


def _jwk_to_asym(
    name: str, alg: dict[str, Any], jwk: dict[str, Any], usages: list[str], extractable: bool
) -> Any:
    jwk_alg = jwk.get("alg")
    try:
        if name in _RSA:
            _jwk_common(jwk, "RSA", usages, extractable)
            expected = _RSA_JWK_ALG[name][_hash_name(alg.get("hash"))]
            if jwk_alg is not None and jwk_alg != expected:
                raise DataError(f"the JWK alg {jwk_alg!r} does not match {expected!r}")
            n_raw = _unb64u(jwk.get("n"), "n")
            if len(n_raw) > MAX_RSA_BITS // 8 + 1:
                raise NotSupportedError(f"RSA keys are at most {MAX_RSA_BITS} bits here (host CPU bound)")
            public = rsa.RSAPublicNumbers(_b64u_uint(jwk.get("e"), "e"), int.from_bytes(n_raw, "big"))
            if "d" not in jwk:
                return public.public_key()
            if "oth" in jwk:
                raise NotSupportedError("multi-prime RSA keys (oth) are not supported")
            d = _b64u_uint(jwk["d"], "d")
            crt = ("p", "q", "dp", "dq", "qi")
            present = [m in jwk for m in crt]
            if any(present) and not all(present):
                raise DataError("an RSA private JWK has all of p, q, dp, dq, qi or none")
            if all(present):
                p, q, dp, dq, qi = (_b64u_uint(jwk[m], m) for m in crt)
            else:
                p, q = rsa.rsa_recover_prime_factors(public.n, public.e, d)
                dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
            return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key()
        if name in _EC:
            _jwk_common(jwk, "EC", usages, extractable)
            curve = _curve_of(alg)
            cls, size, es = _CURVES[curve]
            if jwk.get("crv") != curve:
                raise DataError(f"the JWK crv must be {curve!r}")
            if name == "ECDSA" and jwk_alg is not None and jwk_alg != es:
                raise DataError(f"the JWK alg {jwk_alg!r} does not match {es!r}")
            x, y = _unb64u(jwk.get("x"), "x"), _unb64u(jwk.get("y"), "y")
            if len(x) != size or len(y) != size:
                raise DataError(f"the JWK x and y must be {size} bytes for {curve}")
            ec_public = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), cls()
            )
            if "d" not in jwk:
                return ec_public.public_key()
            d_raw = _unb64u(jwk["d"], "d")
            if len(d_raw) != size:
                raise DataError(f"the JWK d must be {size} bytes for {curve}")
            return ec.EllipticCurvePrivateNumbers(int.from_bytes(d_raw, "big"), ec_public).private_key()
        _jwk_common(jwk, "OKP", usages, extractable)
        if jwk.get("crv") != name:
            raise DataError(f"the JWK crv must be {name!r}")
        if jwk_alg is not None and name.startswith("Ed") and jwk_alg not in ("EdDSA", name):
            raise DataError(f"the JWK alg {jwk_alg!r} does not match {name}")
        priv_cls, pub_cls, _size = _OKP[name]
        x_raw = _unb64u(jwk.get("x"), "x")
        if "d" not in jwk:
            return pub_cls.from_public_bytes(x_raw)
        private = priv_cls.from_private_bytes(_unb64u(jwk["d"], "d"))
        if _raw_public(private.public_key()) != x_raw:
            raise DataError("the JWK x does not match d")
        return private
    except (ValueError, TypeError) as exc:
        raise DataError(f"bad {name} JWK: {exc}") from None


def _import(fmt: Any, data: Any, alg: Any, extractable: Any, usages: Any) -> _Key:
    name = _alg_name(alg, "importKey")
    usages = _usage_list(usages)
    extractable = bool(extractable)
    if fmt not in _FORMATS:
        raise TypeError(f"unknown key format {fmt!r}")
    if fmt == "jwk":
        if not isinstance(data, dict):
            raise TypeError("a JWK must be an object")
    elif not isinstance(data, bytes):
        raise TypeError("keyData must be a BufferSource")
    if name in _SECRET_USAGES:
        key = _import_secret(name, fmt, data, alg, extractable, usages)
    else:
        key = _import_asym(name, fmt, data, alg, extractable, usages)
    if key.type in ("secret", "private") and not key.usages:
        raise _SyntaxError(f"a {key.type} key needs at least one usage")
    return key


def _import_key(ctx: Context, fmt: Any, data: Any, alg: Any, extractable: Any, usages: Any) -> list[Any]:
    return _add(ctx, _import(fmt, data, alg, extractable, usages))


# ---- exportKey --------------------------------------------------------------------------------


def _raw_public(m: Any) -> bytes:
    if isinstance(m, ec.EllipticCurvePublicKey):
        return m.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    raw: bytes = m.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def _export(fmt: Any, key: _Key) -> Any:
    name = key.algorithm["name"]
    if fmt not in _FORMATS:
        raise TypeError(f"unknown key format {fmt!r}")
    if name not in _OPS["exportKey"]:
        raise NotSupportedError(f"{name} keys cannot be exported")
    if not key.extractable:
        raise InvalidAccessError("the key is not extractable")
    m = key.material
    if key.type == "secret":
        if fmt == "raw":
            return m
        if fmt != "jwk":
            raise NotSupportedError(f"a {name} key cannot be exported as {fmt!r}")
        jwk: dict[str, Any] = {"kty": "oct", "k": _b64u(m)}
        if name == "HMAC":
            jwk["alg"] = "HS" + key.algorithm["hash"]["name"][4:]
        else:
            jwk["alg"] = f"A{key.algorithm['length']}{name[4:]}"
    elif fmt == "raw":
        if name in _RSA:
            raise NotSupportedError(f"a {name} key cannot be exported as 'raw'")
        if key.type != "public":
            raise InvalidAccessError("only a public key can be exported as raw")
        return _raw_public(m)
    elif fmt == "spki":
        if key.type != "public":
            raise InvalidAccessError("only a public key can be exported as spki")
        return m.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    elif fmt == "pkcs8":
        if key.type != "private":
            raise InvalidAccessError("only a private key can be exported as pkcs8")
        return m.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    else:
        jwk = _asym_jwk(key)
    jwk["key_ops"] = list(key.usages)
    jwk["ext"] = True
    return jwk


def _asym_jwk(key: _Key) -> dict[str, Any]:
    name, m, private = key.algorithm["name"], key.material, key.type == "private"
    pub = m.public_key() if private else m
    if name in _RSA:
        pn = pub.public_numbers()
        jwk = {"kty": "RSA", "alg": _RSA_JWK_ALG[name][key.algorithm["hash"]["name"]]}
        jwk.update(n=_uint_b64u(pn.n), e=_uint_b64u(pn.e))
        if private:
            sn = m.private_numbers()
            jwk.update(
                d=_uint_b64u(sn.d), p=_uint_b64u(sn.p), q=_uint_b64u(sn.q),
                dp=_uint_b64u(sn.dmp1), dq=_uint_b64u(sn.dmq1), qi=_uint_b64u(sn.iqmp),
            )  # fmt: skip
        return jwk
    if name in _EC:
        curve = key.algorithm["namedCurve"]
        size = _CURVES[curve][1]
        en = pub.public_numbers()
        jwk = {"kty": "EC", "crv": curve, "x": _uint_b64u(en.x, size), "y": _uint_b64u(en.y, size)}
        if private:
            jwk["d"] = _uint_b64u(m.private_numbers().private_value, size)
        return jwk
    jwk = {"kty": "OKP", "crv": name, "x": _b64u(_raw_public(pub))}
    if private:
        jwk["d"] = _b64u(
            m.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        )
    return jwk


def _export_key(ctx: Context, fmt: Any, handle: Any) -> Any:
    return _export(fmt, _lookup(ctx, handle))


# ---- generateKey ------------------------------------------------------------------------------


def _generate_key(ctx: Context, alg: Any, extractable: Any, usages: Any) -> Any:
    name = _alg_name(alg, "generateKey")
    usages = _usage_list(usages)
    extractable = bool(extractable)
    if name in _SECRET_USAGES:
        usages = _check_usages(usages, _SECRET_USAGES[name])
        if name == "HMAC":
            hash_name = _hash_name(alg.get("hash"))
            length = _int(alg, "length", _HASHES[hash_name][2])
            if length == 0 or length % 8:
                raise OperationError("the HMAC key length must be a positive multiple of 8")
            if length > MAX_SECRET_BYTES * 8:
                raise OperationError(f"HMAC keys are at most {MAX_SECRET_BYTES * 8} bits here")
            algorithm: dict[str, Any] = {"name": name, "hash": {"name": hash_name}, "length": length}
        else:
            length = _int(alg, "length", limit=65535)
            if length not in (128, 192, 256):
                raise OperationError("the AES key length must be 128, 192 or 256")
            algorithm = {"name": name, "length": length}
        if not usages:
            raise _SyntaxError("a secret key needs at least one usage")
        return _add(ctx, _Key("secret", algorithm, extractable, usages, os.urandom(length // 8)))
    private_usages, public_usages = _ASYM_USAGES[name]
    usages = _check_usages(usages, private_usages | public_usages)
    algorithm = {"name": name}
    private: Any
    if name in _RSA:
        hash_name = _hash_name(alg.get("hash"))
        bits = _int(alg, "modulusLength")
        exponent = alg.get("publicExponent")
        if not isinstance(exponent, bytes) or len(exponent) > 16:
            raise TypeError("the algorithm needs publicExponent (a Uint8Array, big-endian)")
        e = int.from_bytes(exponent, "big")
        if not MIN_RSA_GENERATE_BITS <= bits <= MAX_RSA_GENERATE_BITS or bits % 8:
            raise OperationError(
                f"modulusLength must be a multiple of 8 from {MIN_RSA_GENERATE_BITS} to "
                f"{MAX_RSA_GENERATE_BITS} here (host CPU bound), got {bits}"
            )
        if e not in (3, 65537):
            raise OperationError("publicExponent must be 3 or 65537 ([1, 0, 1])")
        private = rsa.generate_private_key(e, bits)
        algorithm.update(
            modulusLength=bits,
            publicExponent=e.to_bytes((e.bit_length() + 7) // 8, "big"),
            hash={"name": hash_name},
        )
    elif name in _EC:
        curve = _curve_of(alg)
        private = ec.generate_private_key(_CURVES[curve][0]())
        algorithm["namedCurve"] = curve
    else:
        private = _OKP[name][0].generate()
    priv = _Key("private", algorithm, extractable, [u for u in usages if u in private_usages], private)
    pub = _Key("public", algorithm, True, [u for u in usages if u in public_usages], private.public_key())
    if not priv.usages:
        raise _SyntaxError("the private key needs at least one usage")
    return [_add(ctx, pub), _add(ctx, priv)]


# ---- sign, verify -----------------------------------------------------------------------------


def _pss(key: _Key, alg: dict[str, Any]) -> apadding.PSS:
    hash_cls = _HASHES[key.algorithm["hash"]["name"]][0]
    return apadding.PSS(apadding.MGF1(hash_cls()), _int(alg, "saltLength"))


def _ed_context(name: str, alg: dict[str, Any]) -> None:
    if name == "Ed448" and _bytes(alg, "context", required=False):
        raise NotSupportedError("Ed448 with a non-empty context is not supported")


def _sign(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    name = _alg_name(alg, "sign")
    if not isinstance(data, bytes):
        raise TypeError("data must be a BufferSource")
    key = _get(ctx, handle, "sign", name)
    m = key.material
    if name == "HMAC":
        return hmac.new(m, data, _HASHES[key.algorithm["hash"]["name"]][1]).digest()
    if name == "ECDSA":
        hash_cls = _HASHES[_hash_name(alg.get("hash"))][0]
        size = _CURVES[key.algorithm["namedCurve"]][1]
        r, s = decode_dss_signature(m.sign(data, ec.ECDSA(hash_cls())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if name in _RSA:
        hash_alg = _HASHES[key.algorithm["hash"]["name"]][0]()
        pad: apadding.AsymmetricPadding = _pss(key, alg) if name == "RSA-PSS" else apadding.PKCS1v15()
        try:
            signature: bytes = m.sign(data, pad, hash_alg)
        except ValueError as exc:
            raise OperationError(f"{name} signing failed: {exc}") from None
        return signature
    _ed_context(name, alg)
    signature = m.sign(data)
    return signature


def _verify(ctx: Context, alg: Any, handle: Any, signature: Any, data: Any) -> bool:
    name = _alg_name(alg, "sign")
    if not isinstance(data, bytes) or not isinstance(signature, bytes):
        raise TypeError("signature and data must be BufferSources")
    key = _get(ctx, handle, "verify", name)
    m = key.material
    if name == "HMAC":
        expected = hmac.new(m, data, _HASHES[key.algorithm["hash"]["name"]][1]).digest()
        return hmac.compare_digest(expected, signature)
    try:
        if name == "ECDSA":
            hash_cls = _HASHES[_hash_name(alg.get("hash"))][0]
            size = _CURVES[key.algorithm["namedCurve"]][1]
            if len(signature) != 2 * size:
                return False
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            m.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_cls()))
        elif name in _RSA:
            hash_alg = _HASHES[key.algorithm["hash"]["name"]][0]()
            pad: apadding.AsymmetricPadding = _pss(key, alg) if name == "RSA-PSS" else apadding.PKCS1v15()
            m.verify(signature, data, pad, hash_alg)
        else:
            _ed_context(name, alg)
            m.verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# ---- encrypt, decrypt -------------------------------------------------------------------------


def _ctr(key: bytes, counter: bytes, bits: int, data: bytes) -> bytes:
    """AES-CTR where only the rightmost ``bits`` of the counter block count (and wrap)."""
    blocks = (len(data) + 15) // 16
    if blocks > 1 << bits:
        raise OperationError(f"the data is longer than 2^{bits} blocks of the counter")
    start = int.from_bytes(counter, "big")
    mask = (1 << bits) - 1
    before_wrap = (1 << bits) - (start & mask)
    first = min(len(data), before_wrap * 16)
    enc = Cipher(algorithms.AES(key), modes.CTR(counter)).encryptor()
    out = enc.update(data[:first])
    if first < len(data):  # the counter wraps to zero, its upper bits unchanged
        wrapped = (start & ~mask & ((1 << 128) - 1)).to_bytes(16, "big")
        enc2 = Cipher(algorithms.AES(key), modes.CTR(wrapped)).encryptor()
        out += enc2.update(data[first:])
    return out


def _aes_gcm(key: bytes, alg: dict[str, Any], data: bytes, encrypt: bool) -> bytes:
    iv = _bytes(alg, "iv")
    aad = _bytes(alg, "additionalData", required=False)
    tag_bits = _int(alg, "tagLength", 128, limit=255)
    if tag_bits not in _GCM_TAGS:
        raise OperationError(f"invalid AES-GCM tagLength {tag_bits}")
    if not 8 <= len(iv) <= 128:
        raise OperationError("the AES-GCM iv must be 8 to 128 bytes here")
    tag_len = tag_bits // 8
    if encrypt:
        enc = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()
        enc.authenticate_additional_data(aad)
        out = enc.update(data) + enc.finalize()
        return out + enc.tag[:tag_len]
    if len(data) < tag_len:
        raise OperationError("the ciphertext is shorter than the tag")
    dec = Cipher(algorithms.AES(key), modes.GCM(iv, data[-tag_len:], min_tag_length=4)).decryptor()
    dec.authenticate_additional_data(aad)
    try:
        return dec.update(data[:-tag_len]) + dec.finalize()
    except InvalidTag:
        raise OperationError("AES-GCM decryption failed (bad key, iv, data or tag)") from None


def _aes_cbc(key: bytes, alg: dict[str, Any], data: bytes, encrypt: bool) -> bytes:
    iv = _bytes(alg, "iv")
    if len(iv) != 16:
        raise OperationError("the AES-CBC iv must be 16 bytes")
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    if encrypt:
        padder = padding.PKCS7(128).padder()
        enc = cipher.encryptor()
        return enc.update(padder.update(data) + padder.finalize()) + enc.finalize()
    if not data or len(data) % 16:
        raise OperationError("AES-CBC ciphertext must be a non-empty multiple of 16 bytes")
    dec = cipher.decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(dec.update(data) + dec.finalize()) + unpadder.finalize()
    except ValueError:
        raise OperationError("AES-CBC decryption failed (bad padding)") from None


def _crypt(name: str, key: _Key, alg: dict[str, Any], data: bytes, encrypt: bool) -> bytes:
    if not isinstance(data, bytes):
        raise TypeError("data must be a BufferSource")
    m = key.material
    if name == "AES-GCM":
        return _aes_gcm(m, alg, data, encrypt)
    if name == "AES-CBC":
        return _aes_cbc(m, alg, data, encrypt)
    if name == "AES-CTR":
        counter = _bytes(alg, "counter")
        bits = _int(alg, "length", limit=255)
        if len(counter) != 16:
            raise OperationError("the AES-CTR counter must be 16 bytes")
        if not 1 <= bits <= 128:
            raise OperationError("the AES-CTR length must be 1 to 128 bits")
        return _ctr(m, counter, bits, data)
    # RSA-OAEP
    hash_cls = _HASHES[key.algorithm["hash"]["name"]][0]
    label = _bytes(alg, "label", required=False)
    oaep = apadding.OAEP(apadding.MGF1(hash_cls()), hash_cls(), label or None)
    try:
        out: bytes = m.encrypt(data, oaep) if encrypt else m.decrypt(data, oaep)
    except ValueError:
        raise OperationError(f"RSA-OAEP {'encryption' if encrypt else 'decryption'} failed") from None
    return out


def _encrypt(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    name = _alg_name(alg, "encrypt")
    return _crypt(name, _get(ctx, handle, "encrypt", name), alg, data, True)


def _decrypt(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    name = _alg_name(alg, "encrypt")
    return _crypt(name, _get(ctx, handle, "decrypt", name), alg, data, False)


# ---- deriveBits, deriveKey --------------------------------------------------------------------


def _bits(ctx: Context, alg: Any, handle: Any, length: Any, usage: str) -> bytes:
    name = _alg_name(alg, "deriveBits")
    key = _get(ctx, handle, usage, name)
    if length is not None and (not isinstance(length, int) or isinstance(length, bool) or length < 0):
        raise TypeError("length must be a non-negative integer or null")
    if name in ("ECDH", "X25519", "X448"):
        return _agree(ctx, name, key, alg, length)
    if length is None or length % 8:
        raise OperationError(f"{name} needs a length that is a multiple of 8")
    hash_name = _hash_name(alg.get("hash"))
    salt = _bytes(alg, "salt")
    size = length // 8
    if name == "PBKDF2":
        iterations = _int(alg, "iterations")
        if iterations == 0:
            raise OperationError("PBKDF2 iterations must be positive")
        blocks = -(-size // _HASHES[hash_name][3])
        if iterations * blocks > MAX_PBKDF2_WORK:
            raise OperationError(
                f"PBKDF2 work (iterations x output blocks = {iterations * blocks}) is above this "
                f"host's bound of {MAX_PBKDF2_WORK}"
            )
        if size == 0:
            return b""
        return hashlib.pbkdf2_hmac(_HASHES[hash_name][1], key.material, salt, iterations, size)
    info = _bytes(alg, "info")
    hash_cls = _HASHES[hash_name][0]
    if size > 255 * _HASHES[hash_name][3]:
        raise OperationError("HKDF length is too long for the hash")
    if size == 0:
        return b""
    return HKDF(hash_cls(), size, salt, info).derive(key.material)


def _agree(ctx: Context, name: str, key: _Key, alg: dict[str, Any], length: int | None) -> bytes:
    if key.type != "private":
        raise InvalidAccessError(f"{name} derives from a private key")
    public = _lookup(ctx, alg.get("public"))
    if public.type != "public":
        raise InvalidAccessError(f"the {name} public member must be a public key")
    if public.algorithm["name"] != name:
        raise InvalidAccessError(f"the public key is a {public.algorithm['name']} key, not {name}")
    if name == "ECDH":
        if public.algorithm["namedCurve"] != key.algorithm["namedCurve"]:
            raise InvalidAccessError("the public key is on another curve")
        secret: bytes = key.material.exchange(ec.ECDH(), public.material)
    else:
        try:
            secret = key.material.exchange(public.material)
        except ValueError:  # an all-zero shared secret (a small-order point)
            raise OperationError(f"{name} produced an all-zero secret") from None
    if length is None:
        return secret
    if length > len(secret) * 8:
        raise OperationError(f"{name} yields at most {len(secret) * 8} bits")
    out = bytearray(secret[: (length + 7) // 8])
    if length % 8:
        out[-1] &= (0xFF << (8 - length % 8)) & 0xFF
    return bytes(out)


def _derive_bits(ctx: Context, alg: Any, handle: Any, length: Any) -> bytes:
    return _bits(ctx, alg, handle, length, "deriveBits")


def _key_length(derived: Any) -> int | None:
    name = _alg_name(derived, "keyLength")
    if name in _AES:
        length = _int(derived, "length", limit=65535)
        if length not in (128, 192, 256):
            raise OperationError("the AES key length must be 128, 192 or 256")
        return length
    if name == "HMAC":
        length = _int(derived, "length", _HASHES[_hash_name(derived.get("hash"))][2])
        if length == 0:
            raise TypeError("the HMAC key length must be positive")
        if length > MAX_SECRET_BYTES * 8:
            raise OperationError(f"HMAC keys are at most {MAX_SECRET_BYTES * 8} bits here")
        return length
    return None  # HKDF, PBKDF2


def _derive_key(
    ctx: Context, alg: Any, handle: Any, derived: Any, extractable: Any, usages: Any
) -> list[Any]:
    _alg_name(alg, "deriveBits")
    _alg_name(derived, "importKey")
    length = _key_length(derived)
    raw = _bits(ctx, alg, handle, length, "deriveKey")
    return _add(ctx, _import("raw", raw, derived, extractable, usages))


# ---- wrapKey, unwrapKey -----------------------------------------------------------------------


def _wrap_key(ctx: Context, fmt: Any, handle: Any, wrapping: Any, alg: Any) -> bytes:
    name = _alg_name(alg, "wrapKey")
    wrapper = _get(ctx, wrapping, "wrapKey", name)
    exported = _export(fmt, _lookup(ctx, handle))
    if fmt == "jwk":
        exported = json.dumps(exported, separators=(",", ":")).encode()
    if name == "AES-KW":
        if len(exported) % 8 or len(exported) < 16:
            raise OperationError("AES-KW wraps a multiple of 8 bytes, at least 16")
        return keywrap.aes_key_wrap(wrapper.material, exported)
    return _crypt(name, wrapper, alg, exported, True)


def _unwrap_key(
    ctx: Context,
    fmt: Any,
    wrapped: Any,
    unwrapping: Any,
    alg: Any,
    key_alg: Any,
    extractable: Any,
    usages: Any,
) -> list[Any]:
    name = _alg_name(alg, "wrapKey")
    _alg_name(key_alg, "importKey")
    if not isinstance(wrapped, bytes):
        raise TypeError("wrappedKey must be a BufferSource")
    unwrapper = _get(ctx, unwrapping, "unwrapKey", name)
    if name == "AES-KW":
        try:
            data: Any = keywrap.aes_key_unwrap(unwrapper.material, wrapped)
        except (keywrap.InvalidUnwrap, ValueError):
            raise OperationError("AES-KW unwrapping failed (bad key or data)") from None
    else:
        data = _crypt(name, unwrapper, alg, wrapped, False)
    if fmt == "jwk":
        try:
            data = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise DataError("the unwrapped data is not a JWK in JSON") from None
        if not isinstance(data, dict):
            raise DataError("the unwrapped JSON is not a JWK object")
    return _add(ctx, _import(fmt, data, key_alg, extractable, usages))


# ---- where each call runs ---------------------------------------------------------------------

# Cheap operations (everything but the cases below) run inline on the handler
# thread that took the call, as fast as any host call. Work that can take
# milliseconds to seconds of host CPU is refused there with ``Queue``; the
# polyfill then repeats the call on the queued twin (``<name>Queued``), which
# runs it on the crypto workers, one at a time per context. The host decides
# which is which, so a polyfill that never asked for the queue gains nothing.
HEAVY_DATA_BYTES = 1 << 20
HEAVY_PBKDF2_WORK = 20_000
HEAVY_RSA_BITS = 3072


class Queue(CryptoError):
    """This call must go through the context's queue (not an error JS sees)."""


def _big(*values: Any) -> bool:
    return any(isinstance(v, bytes | bytearray) and len(v) > HEAVY_DATA_BYTES for v in values)


def _rsa_private(ctx: Context, handle: Any) -> bool:
    try:
        key = _lookup(ctx, handle)
    except CryptoError:
        return False
    return isinstance(key.material, rsa.RSAPrivateKey) and key.material.key_size >= HEAVY_RSA_BITS


def _pbkdf2_heavy(alg: Any, length: Any) -> bool:
    if not isinstance(alg, dict) or not isinstance(alg.get("name"), str) or alg["name"].upper() != "PBKDF2":
        return False
    iterations, bits = alg.get("iterations"), length if isinstance(length, int) else 0
    blocks = max(1, -(-bits // 160))  # SHA-1 blocks: the most for a given length
    return not isinstance(iterations, int | float) or iterations * blocks > HEAVY_PBKDF2_WORK


def _rsa_name(alg: Any) -> bool:
    name = alg.get("name") if isinstance(alg, dict) else alg
    return isinstance(name, str) and name.upper() in ("RSASSA-PKCS1-V1_5", "RSA-PSS", "RSA-OAEP")


def _import_heavy(fmt: Any, data: Any, alg: Any) -> bool:
    # a private RSA key is checked (its primes) or even recovered when imported
    return _rsa_name(alg) and (fmt == "pkcs8" or (fmt == "jwk" and isinstance(data, dict) and "d" in data))


_HEAVY: dict[str, Callable[..., bool]] = {
    "digest": lambda _ctx, _alg, data: _big(data),
    "importKey": lambda _ctx, fmt, data, alg, *_: _big(data) or _import_heavy(fmt, data, alg),
    "exportKey": lambda _ctx, *_: False,
    "generateKey": lambda _ctx, alg, *_: _rsa_name(alg),
    "sign": lambda ctx, _alg, key, data: _big(data) or _rsa_private(ctx, key),
    "verify": lambda _ctx, _alg, _key, sig, data: _big(sig, data),
    "encrypt": lambda _ctx, _alg, _key, data: _big(data),
    "decrypt": lambda ctx, _alg, key, data: _big(data) or _rsa_private(ctx, key),
    "deriveBits": lambda _ctx, alg, _key, length: _pbkdf2_heavy(alg, length),
    "deriveKey": lambda _ctx, alg, _key, derived, *_: _pbkdf2_heavy(alg, 512),
    "wrapKey": lambda _ctx, *_: False,
    "unwrapKey": lambda ctx, fmt, data, key, _alg, key_alg, *_: (
        _big(data) or _rsa_private(ctx, key) or (_rsa_name(key_alg) and fmt in ("pkcs8", "jwk"))
    ),
}


def _inline(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    heavy = _HEAVY[name]

    def handler(ctx: Context, *args: Any) -> Any:
        try:
            queue_it = heavy(ctx, *args)
        except TypeError:  # a wrong number of arguments: let fn say what is wrong
            queue_it = False
        if queue_it:
            raise Queue(name)
        return fn(ctx, *args)

    handler.__name__ = fn.__name__
    return handler


_OPERATIONS: dict[str, Callable[..., Any]] = {
    "digest": _digest,
    "importKey": _import_key,
    "exportKey": _export_key,
    "generateKey": _generate_key,
    "sign": _sign,
    "verify": _verify,
    "encrypt": _encrypt,
    "decrypt": _decrypt,
    "deriveBits": _derive_bits,
    "deriveKey": _derive_key,
    "wrapKey": _wrap_key,
    "unwrapKey": _unwrap_key,
}

_handlers: dict[str, Callable[..., Any]] = {"random": _random, "release": _release}
for _name, _fn in _OPERATIONS.items():
    _handlers[_name] = _inline(_name, _fn)
    _handlers[_name + "Queued"] = _queued(_fn)

register(
    Group(
        "crypto",
        globals=("crypto", "Crypto", "SubtleCrypto", "CryptoKey"),
        polyfill="crypto.js",
        handlers=_handlers,
    )
)
