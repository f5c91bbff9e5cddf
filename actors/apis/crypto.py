"""The ``crypto`` group: crypto.getRandomValues, randomUUID and crypto.subtle.

The JavaScript side (``polyfills/crypto.js``) validates arguments and shapes
results; the cryptography itself runs here, with :mod:`os.urandom`,
:mod:`hashlib`, :mod:`hmac` and the ``cryptography`` package.

Key material never enters the JS heap. Each context has a key table on the
Python side (created on first use, dropped when the context exits); a JS
``CryptoKey`` holds only the integer handle of its entry, in a private field.
Handles are released when the ``CryptoKey`` is garbage collected (through a
``FinalizationRegistry`` in the polyfill), and a context may hold at most
:data:`MAX_KEYS` live keys, so hostile JS cannot grow Python memory without
bound. ``exportKey`` returns material only for extractable keys.

Errors cross to JS by class name: a handler raising :class:`DataError` rejects
the JS promise with an error named ``"DataError"``, which the polyfill turns
into a ``DOMException`` of that name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from actors.apis import Group, register

if TYPE_CHECKING:
    from actors.context import Context

__all__ = [
    "MAX_KEYS",
    "CryptoError",
    "DataError",
    "InvalidAccessError",
    "NotSupportedError",
    "OperationError",
    "QuotaExceededError",
]

MAX_KEYS = 65536
MAX_RANDOM_BYTES = 65536


class CryptoError(Exception):
    """Base of the errors that reach JS as DOMExceptions named after their class."""


class NotSupportedError(CryptoError):
    """An algorithm, format or parameter this implementation does not support."""


class InvalidAccessError(CryptoError):
    """The key cannot be used this way (usage, algorithm, extractability)."""


class OperationError(CryptoError):
    """The operation failed (bad tag, bad padding, bad lengths)."""


class DataError(CryptoError):
    """The key data is malformed."""


class QuotaExceededError(CryptoError):
    """Too many bytes or too many keys."""


class _SyntaxError(CryptoError):
    """Bad or missing key usages (a DOMException ``SyntaxError`` in JS)."""


_SyntaxError.__name__ = "SyntaxError"

# ---- algorithms -------------------------------------------------------------------------------

_HASHES: dict[str, tuple[type[hashes.HashAlgorithm], str, int]] = {
    # name: (cryptography class, hashlib name, HMAC block size in bits)
    "SHA-1": (hashes.SHA1, "sha1", 512),
    "SHA-256": (hashes.SHA256, "sha256", 512),
    "SHA-384": (hashes.SHA384, "sha384", 1024),
    "SHA-512": (hashes.SHA512, "sha512", 1024),
}
_ALGS = ("HMAC", "AES-GCM", "AES-CBC", "ECDSA", "Ed25519", "PBKDF2", "HKDF")
_ALG_BY_UPPER = {a.upper(): a for a in _ALGS}
_USAGES = {
    "HMAC": {"sign", "verify"},
    "AES-GCM": {"encrypt", "decrypt", "wrapKey", "unwrapKey"},
    "AES-CBC": {"encrypt", "decrypt", "wrapKey", "unwrapKey"},
    "PBKDF2": {"deriveBits", "deriveKey"},
    "HKDF": {"deriveBits", "deriveKey"},
}
_PRIVATE_USAGES = {"sign"}
_PUBLIC_USAGES = {"verify"}
_GCM_TAGS = (32, 64, 96, 104, 112, 120, 128)


def _alg_name(alg: Any) -> str:
    if not isinstance(alg, dict) or not isinstance(alg.get("name"), str):
        raise TypeError("an algorithm needs a name")
    name = _ALG_BY_UPPER.get(alg["name"].upper())
    if name is None:
        raise NotSupportedError(f"unsupported algorithm {alg['name']!r}")
    return name


def _hash_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str):
        raise TypeError("the algorithm needs a hash")
    for name in _HASHES:
        if name == value.upper():
            return name
    raise NotSupportedError(f"unsupported hash {value!r}")


def _bytes(alg: dict[str, Any], field: str) -> bytes:
    value = alg.get(field)
    if not isinstance(value, bytes):
        raise TypeError(f"the algorithm needs {field} (a BufferSource)")
    return value


def _int(alg: dict[str, Any], field: str, default: int | None = None) -> int:
    value = alg.get(field, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 0:
        raise TypeError(f"the algorithm's {field} must be a non-negative integer")
    return int(value)


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64u(value: Any) -> bytes:
    if not isinstance(value, str):
        raise DataError("a JWK member is missing or not a string")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise DataError(f"bad base64url in JWK: {exc}") from None


def _int_b64u(n: int) -> str:
    return _b64u(n.to_bytes(32, "big"))


# ---- the per-context key table ----------------------------------------------------------------


@dataclass
class _Key:
    type: str  # "secret" | "public" | "private"
    algorithm: dict[str, Any]  # what CryptoKey.algorithm shows
    extractable: bool
    usages: list[str]
    material: Any  # bytes | ec/ed25519 key object

    def describe(self, handle: int) -> list[Any]:
        return [handle, self.type, self.algorithm, self.extractable, self.usages]


class _KeyTable:
    def __init__(self) -> None:
        self.keys: dict[int, _Key] = {}
        self.next_id = 0


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
        _tables.pop(ctx, None)


def _add(ctx: Context, key: _Key) -> list[Any]:
    table = _table(ctx)
    with _tables_lock:
        if len(table.keys) >= MAX_KEYS:
            raise QuotaExceededError(f"a context may hold at most {MAX_KEYS} live CryptoKeys")
        table.next_id += 1
        handle = table.next_id
        table.keys[handle] = key
    return key.describe(handle)


def _get(ctx: Context, handle: Any, usage: str | None, alg_name: str | None) -> _Key:
    with _tables_lock:
        table = _tables.get(ctx)
        key = table.keys.get(handle) if table is not None and isinstance(handle, int) else None
    if key is None:
        raise InvalidAccessError("unknown or released CryptoKey")
    if alg_name is not None and key.algorithm["name"] != alg_name:
        raise InvalidAccessError(f"the key is a {key.algorithm['name']} key, not {alg_name}")
    if usage is not None and usage not in key.usages:
        raise InvalidAccessError(f"the key's usages do not include {usage!r}")
    return key


def _release(ctx: Context, handle: Any) -> None:
    with _tables_lock:
        table = _tables.get(ctx)
        if table is not None and isinstance(handle, int):
            table.keys.pop(handle, None)


def _check_usages(usages: Any, allowed: set[str]) -> list[str]:
    if not isinstance(usages, list) or not all(isinstance(u, str) for u in usages):
        raise TypeError("keyUsages must be an array of strings")
    bad = [u for u in usages if u not in allowed]
    if bad:
        raise _SyntaxError(f"invalid key usages for this key: {', '.join(bad)}")
    return list(dict.fromkeys(usages))


# ---- handlers ---------------------------------------------------------------------------------


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


def _secret_key(name: str, alg: dict[str, Any], raw: bytes, extractable: bool, usages: list[str]) -> _Key:
    if name == "HMAC":
        hash_name = _hash_name(alg.get("hash"))
        if not raw:
            raise DataError("an HMAC key cannot be empty")
        length = _int(alg, "length", len(raw) * 8)
        if length != len(raw) * 8:
            raise DataError("the HMAC length does not match the key data")
        algorithm: dict[str, Any] = {"name": name, "hash": {"name": hash_name}, "length": length}
    elif name in ("AES-GCM", "AES-CBC"):
        if len(raw) not in (16, 24, 32):
            raise DataError("an AES key is 128, 192 or 256 bits")
        algorithm = {"name": name, "length": len(raw) * 8}
    else:  # PBKDF2, HKDF
        if extractable:
            raise _SyntaxError(f"{name} keys cannot be extractable")
        algorithm = {"name": name}
    usages = _check_usages(usages, _USAGES[name])
    if not usages:
        raise _SyntaxError("a secret key needs at least one usage")
    return _Key("secret", algorithm, extractable, usages, raw)


def _asym_key(name: str, alg: dict[str, Any], material: Any, extractable: bool, usages: list[str]) -> _Key:
    private = isinstance(material, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey)
    usages = _check_usages(usages, _PRIVATE_USAGES if private else _PUBLIC_USAGES)
    if private and not usages:
        raise _SyntaxError("a private key needs at least one usage")
    algorithm: dict[str, Any] = {"name": name}
    if name == "ECDSA":
        algorithm["namedCurve"] = "P-256"
    return _Key("private" if private else "public", algorithm, extractable, usages, material)


def _check_curve(alg: dict[str, Any]) -> None:
    if alg.get("namedCurve") != "P-256":
        raise NotSupportedError("only the P-256 curve is supported for ECDSA")


def _import_key(ctx: Context, fmt: Any, data: Any, alg: Any, extractable: Any, usages: Any) -> list[Any]:
    name = _alg_name(alg)
    extractable = bool(extractable)
    if fmt == "jwk":
        if not isinstance(data, dict):
            raise TypeError("a JWK must be an object")
        if data.get("ext") is False and extractable:
            raise DataError("the JWK is not extractable")
    elif not isinstance(data, bytes):
        raise TypeError("keyData must be a BufferSource")
    if name in _USAGES:  # secret keys
        if fmt == "raw":
            raw = data
        elif fmt == "jwk" and name not in ("PBKDF2", "HKDF"):
            if data.get("kty") != "oct":
                raise DataError("the JWK kty must be 'oct'")
            raw = _unb64u(data.get("k"))
        else:
            raise NotSupportedError(f"format {fmt!r} is not supported for {name}")
        return _add(ctx, _secret_key(name, alg, raw, extractable, usages))
    if name == "ECDSA":
        _check_curve(alg)
    material: Any
    try:
        if fmt == "raw":
            if name == "ECDSA":
                material = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data)
            else:
                material = ed25519.Ed25519PublicKey.from_public_bytes(data)
        elif fmt == "spki":
            material = serialization.load_der_public_key(data)
        elif fmt == "pkcs8":
            material = serialization.load_der_private_key(data, password=None)
        elif fmt == "jwk":
            material = _jwk_to_asym(name, data)
        else:
            raise NotSupportedError(f"format {fmt!r} is not supported for {name}")
    except (ValueError, TypeError) as exc:
        raise DataError(f"bad {name} key data: {exc}") from None
    if name == "ECDSA":
        ok = isinstance(material, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey)
        if ok and material.curve.name != "secp256r1":
            raise NotSupportedError("only the P-256 curve is supported for ECDSA")
    else:
        ok = isinstance(material, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey)
    if not ok:
        raise DataError(f"the key data is not a {name} key")
    return _add(ctx, _asym_key(name, alg, material, extractable, usages))


def _jwk_to_asym(name: str, jwk: dict[str, Any]) -> Any:
    if name == "ECDSA":
        if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise DataError("the JWK must have kty 'EC' and crv 'P-256'")
        x = int.from_bytes(_unb64u(jwk.get("x")), "big")
        y = int.from_bytes(_unb64u(jwk.get("y")), "big")
        public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1())
        if "d" in jwk:
            d = int.from_bytes(_unb64u(jwk["d"]), "big")
            return ec.EllipticCurvePrivateNumbers(d, public).private_key()
        return public.public_key()
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise DataError("the JWK must have kty 'OKP' and crv 'Ed25519'")
    if "d" in jwk:
        private = ed25519.Ed25519PrivateKey.from_private_bytes(_unb64u(jwk["d"]))
        x_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if _unb64u(jwk.get("x")) != x_raw:
            raise DataError("the JWK x does not match d")
        return private
    return ed25519.Ed25519PublicKey.from_public_bytes(_unb64u(jwk.get("x")))


def _export_key(ctx: Context, fmt: Any, handle: Any) -> Any:
    key = _get(ctx, handle, None, None)
    if not key.extractable:
        raise InvalidAccessError("the key is not extractable")
    name = key.algorithm["name"]
    m = key.material
    if fmt == "raw":
        if key.type == "secret":
            return m
        if key.type == "public":
            if isinstance(m, ec.EllipticCurvePublicKey):
                return m.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
            return m.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raise InvalidAccessError("a private key cannot be exported as raw")
    if fmt == "spki" and key.type == "public":
        return m.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if fmt == "pkcs8" and key.type == "private":
        return m.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    if fmt != "jwk":
        raise InvalidAccessError(f"a {key.type} {name} key cannot be exported as {fmt!r}")
    jwk: dict[str, Any] = {}
    if key.type == "secret":
        jwk = {"kty": "oct", "k": _b64u(m)}
        if name == "HMAC":
            jwk["alg"] = "HS" + key.algorithm["hash"]["name"][4:]
        else:
            jwk["alg"] = f"A{key.algorithm['length']}{name[4:]}"
    elif name == "ECDSA":
        pub = m.public_key() if key.type == "private" else m
        numbers = pub.public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": _int_b64u(numbers.x), "y": _int_b64u(numbers.y)}
        if key.type == "private":
            jwk["d"] = _int_b64u(m.private_numbers().private_value)
    else:
        pub = m.public_key() if key.type == "private" else m
        raw_pub = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64u(raw_pub)}
        if key.type == "private":
            jwk["d"] = _b64u(
                m.private_bytes(
                    serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
                )
            )
    jwk["key_ops"] = list(key.usages)
    jwk["ext"] = True
    return jwk


def _generate_key(ctx: Context, alg: Any, extractable: Any, usages: Any) -> Any:
    name = _alg_name(alg)
    extractable = bool(extractable)
    if name == "HMAC":
        hash_name = _hash_name(alg.get("hash"))
        length = _int(alg, "length", _HASHES[hash_name][2])
        if length == 0 or length % 8:
            raise OperationError("the HMAC key length must be a positive multiple of 8")
        return _add(ctx, _secret_key(name, alg, os.urandom(length // 8), extractable, usages))
    if name in ("AES-GCM", "AES-CBC"):
        length = _int(alg, "length", 0)
        if length not in (128, 192, 256):
            raise OperationError("the AES key length must be 128, 192 or 256")
        return _add(ctx, _secret_key(name, alg, os.urandom(length // 8), extractable, usages))
    if name not in ("ECDSA", "Ed25519"):
        raise NotSupportedError(f"{name} keys cannot be generated")
    usages = _check_usages(usages, _PRIVATE_USAGES | _PUBLIC_USAGES)
    private: Any
    if name == "ECDSA":
        _check_curve(alg)
        private = ec.generate_private_key(ec.SECP256R1())
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    priv = _asym_key(name, alg, private, extractable, [u for u in usages if u in _PRIVATE_USAGES])
    pub = _asym_key(name, alg, private.public_key(), True, [u for u in usages if u in _PUBLIC_USAGES])
    return [_add(ctx, pub), _add(ctx, priv)]


def _sign(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    name = _alg_name(alg)
    key = _get(ctx, handle, "sign", name)
    if not isinstance(data, bytes):
        raise TypeError("data must be a BufferSource")
    if name == "HMAC":
        return hmac.new(key.material, data, _HASHES[key.algorithm["hash"]["name"]][1]).digest()
    if name == "ECDSA":
        hash_cls = _HASHES[_hash_name(alg.get("hash"))][0]
        r, s = decode_dss_signature(key.material.sign(data, ec.ECDSA(hash_cls())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if name == "Ed25519":
        signature: bytes = key.material.sign(data)
        return signature
    raise NotSupportedError(f"{name} cannot sign")


def _verify(ctx: Context, alg: Any, handle: Any, signature: Any, data: Any) -> bool:
    name = _alg_name(alg)
    key = _get(ctx, handle, "verify", name)
    if not isinstance(data, bytes) or not isinstance(signature, bytes):
        raise TypeError("signature and data must be BufferSources")
    if name == "HMAC":
        expected = hmac.new(key.material, data, _HASHES[key.algorithm["hash"]["name"]][1]).digest()
        return hmac.compare_digest(expected, signature)
    try:
        if name == "ECDSA":
            hash_cls = _HASHES[_hash_name(alg.get("hash"))][0]
            if len(signature) != 64:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.material.verify(der, data, ec.ECDSA(hash_cls()))
        elif name == "Ed25519":
            key.material.verify(signature, data)
        else:
            raise NotSupportedError(f"{name} cannot verify")
    except InvalidSignature:
        return False
    return True


def _cipher(ctx: Context, alg: Any, handle: Any, data: Any, encrypt: bool) -> bytes:
    name = _alg_name(alg)
    key = _get(ctx, handle, "encrypt" if encrypt else "decrypt", name)
    if not isinstance(data, bytes):
        raise TypeError("data must be a BufferSource")
    iv = _bytes(alg, "iv")
    if name == "AES-GCM":
        if not iv:
            raise OperationError("the AES-GCM iv cannot be empty")
        aad = alg.get("additionalData") or b""
        if not isinstance(aad, bytes):
            raise TypeError("additionalData must be a BufferSource")
        tag_bits = _int(alg, "tagLength", 128)
        if tag_bits not in _GCM_TAGS:
            raise OperationError(f"invalid AES-GCM tagLength {tag_bits}")
        tag_len = tag_bits // 8
        if encrypt:
            enc = Cipher(algorithms.AES(key.material), modes.GCM(iv)).encryptor()
            enc.authenticate_additional_data(aad)
            out = enc.update(data) + enc.finalize()
            return out + enc.tag[:tag_len]
        if len(data) < tag_len:
            raise OperationError("the ciphertext is shorter than the tag")
        tag = data[-tag_len:]
        dec = Cipher(algorithms.AES(key.material), modes.GCM(iv, tag, min_tag_length=tag_len)).decryptor()
        dec.authenticate_additional_data(aad)
        try:
            return dec.update(data[:-tag_len]) + dec.finalize()
        except InvalidTag:
            raise OperationError("AES-GCM decryption failed (bad key, iv, data or tag)") from None
    if name == "AES-CBC":
        if len(iv) != 16:
            raise OperationError("the AES-CBC iv must be 16 bytes")
        cipher = Cipher(algorithms.AES(key.material), modes.CBC(iv))
        if encrypt:
            padder = padding.PKCS7(128).padder()
            padded = padder.update(data) + padder.finalize()
            enc2 = cipher.encryptor()
            return enc2.update(padded) + enc2.finalize()
        if not data or len(data) % 16:
            raise OperationError("AES-CBC ciphertext must be a non-empty multiple of 16 bytes")
        dec2 = cipher.decryptor()
        plain = dec2.update(data) + dec2.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        try:
            return unpadder.update(plain) + unpadder.finalize()
        except ValueError:
            raise OperationError("AES-CBC decryption failed (bad padding)") from None
    raise NotSupportedError(f"{name} cannot {'encrypt' if encrypt else 'decrypt'}")


def _encrypt(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    return _cipher(ctx, alg, handle, data, True)


def _decrypt(ctx: Context, alg: Any, handle: Any, data: Any) -> bytes:
    return _cipher(ctx, alg, handle, data, False)


def _bits(ctx: Context, alg: Any, handle: Any, length: Any, usage: str) -> bytes:
    name = _alg_name(alg)
    key = _get(ctx, handle, usage, name)
    if not isinstance(length, int) or isinstance(length, bool) or length < 0 or length % 8:
        raise OperationError("length must be a non-negative multiple of 8")
    if length == 0:
        return b""
    hash_name = _hash_name(alg.get("hash"))
    salt = _bytes(alg, "salt")
    if name == "PBKDF2":
        iterations = _int(alg, "iterations")
        if iterations == 0:
            raise OperationError("PBKDF2 iterations must be positive")
        return hashlib.pbkdf2_hmac(_HASHES[hash_name][1], key.material, salt, iterations, length // 8)
    if name == "HKDF":
        info = _bytes(alg, "info")
        hash_cls = _HASHES[hash_name][0]
        if length // 8 > 255 * hash_cls().digest_size:
            raise OperationError("HKDF length is too long for the hash")
        return HKDF(hash_cls(), length // 8, salt, info).derive(key.material)
    raise NotSupportedError(f"{name} cannot derive bits")


def _derive_bits(ctx: Context, alg: Any, handle: Any, length: Any) -> bytes:
    return _bits(ctx, alg, handle, length, "deriveBits")


def _derive_key(
    ctx: Context, alg: Any, handle: Any, derived: Any, extractable: Any, usages: Any
) -> list[Any]:
    name = _alg_name(derived)
    if name in ("AES-GCM", "AES-CBC"):
        length = _int(derived, "length", 0)
        if length not in (128, 192, 256):
            raise OperationError("the AES key length must be 128, 192 or 256")
    elif name == "HMAC":
        length = _int(derived, "length", _HASHES[_hash_name(derived.get("hash"))][2])
        if length == 0:
            raise OperationError("the HMAC key length must be positive")
    else:
        raise NotSupportedError(f"deriveKey cannot make {name} keys")
    raw = _bits(ctx, alg, handle, length, "deriveKey")
    return _add(ctx, _secret_key(name, derived, raw, bool(extractable), usages))


register(
    Group(
        "crypto",
        globals=("crypto", "Crypto", "SubtleCrypto", "CryptoKey"),
        polyfill="crypto.js",
        handlers={
            "random": _random,
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
            "release": _release,
        },
    )
)
