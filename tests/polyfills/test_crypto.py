"""The ``crypto`` group through real contexts, checked against Python's own crypto."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, keywrap, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric import padding as apadding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from waiting import wait_until

import actors
from actors.apis import crypto as crypto_group


@pytest.fixture
def cx(group_context: Callable[..., actors.Context]) -> actors.Context:
    """A context with only the crypto group; ``S`` is ``crypto.subtle``."""
    return group_context("crypto", setup="globalThis.S = crypto.subtle")  # short for the tests below


def js_bytes(data: bytes) -> str:
    """A JS expression for a Uint8Array holding ``data``."""
    return f"new Uint8Array([{','.join(str(b) for b in data)}])"


def error_of(cx: actors.Context, expr: str) -> list[Any]:
    """[name, is-DOMException-or-TypeError] of what awaiting ``expr`` throws."""
    result: list[Any] = cx.eval(
        f"try {{ await ({expr}); ['no error'] }} catch (e) {{ [e.name, String(e.message)] }}"
    )
    return result


# ---- lazy loading, globals ---------------------------------------------------------------------


def test_group_loads_lazily(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto"])
    assert c.eval("typeof Object.getOwnPropertyDescriptor(globalThis, 'crypto').get") == "function"
    assert c.eval("typeof CryptoKey") == "function"  # touching one global loads the group
    assert c.eval("'value' in Object.getOwnPropertyDescriptor(globalThis, 'crypto')")
    assert c.eval("crypto instanceof Crypto && crypto.subtle instanceof SubtleCrypto")
    assert c.eval("Object.keys(globalThis).filter((k) => /rypto/.test(k))") == []
    bare = pool.spawn(apis=None)
    assert bare.eval("typeof crypto") == "undefined"


def test_constructors_are_illegal(cx: actors.Context) -> None:
    for name in ("CryptoKey", "Crypto", "SubtleCrypto"):
        assert error_of(cx, f"new {name}()") == ["TypeError", "Illegal constructor"]


# ---- getRandomValues, randomUUID ---------------------------------------------------------------


def test_get_random_values_fills_in_place(cx: actors.Context) -> None:
    out = cx.eval(
        "const a = new Uint32Array(64); const r = crypto.getRandomValues(a);"
        "[r === a, a.some((x) => x !== 0), new Set(a).size]"
    )
    assert out[0] is True and out[1] is True and out[2] > 60
    # a view into a bigger buffer: only its own bytes change
    assert cx.eval(
        "const buf = new Uint8Array(64); crypto.getRandomValues(new Uint8Array(buf.buffer, 16, 32));"
        "[buf.slice(0, 16).every((x) => x === 0), buf.slice(48).every((x) => x === 0)]"
    ) == [True, True]
    assert cx.eval("crypto.getRandomValues(new BigUint64Array(2)).length") == 2
    assert cx.eval("crypto.getRandomValues(new Uint8Array(65536)).length") == 65536
    assert cx.eval("crypto.getRandomValues(new Uint8Array(0)).length") == 0


def test_get_random_values_rejects(cx: actors.Context) -> None:
    assert error_of(cx, "crypto.getRandomValues(new Uint8Array(65537))")[0] == "QuotaExceededError"
    assert error_of(cx, "crypto.getRandomValues(new Float64Array(2))")[0] == "TypeMismatchError"
    assert error_of(cx, "crypto.getRandomValues([1, 2])")[0] == "TypeError"


def test_random_uuid_is_v4(cx: actors.Context) -> None:
    uuids = cx.eval("Array.from({length: 50}, () => crypto.randomUUID())")
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    assert all(pattern.match(u) for u in uuids)
    assert len(set(uuids)) == 50


# ---- digest ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alg", "py"), [("SHA-1", "sha1"), ("SHA-256", "sha256"), ("SHA-384", "sha384"), ("SHA-512", "sha512")]
)
def test_digest_matches_hashlib(cx: actors.Context, alg: str, py: str) -> None:
    data = b"The quick brown fox jumps over the lazy dog" * 5
    got = cx.eval(f"await crypto.subtle.digest('{alg}', {js_bytes(data)})")
    assert got == hashlib.new(py, data).digest()
    assert cx.eval(
        f"(await crypto.subtle.digest({{name: '{alg.lower()}'}}, new ArrayBuffer(0))) instanceof ArrayBuffer"
    )
    assert cx.eval(f"await crypto.subtle.digest('{alg}', new ArrayBuffer(0))") == hashlib.new(py).digest()


def test_digest_of_a_view_uses_only_its_bytes(cx: actors.Context) -> None:
    got = cx.eval("await crypto.subtle.digest('SHA-256', new Uint8Array([1, 97, 98, 99, 2]).subarray(1, 4))")
    assert got == hashlib.sha256(b"abc").digest()


def test_digest_unknown_algorithm(cx: actors.Context) -> None:
    assert error_of(cx, "crypto.subtle.digest('MD5', new Uint8Array(1))")[0] == "NotSupportedError"


# ---- HMAC --------------------------------------------------------------------------------------


def test_hmac_sign_and_verify_against_python(cx: actors.Context) -> None:
    key, data = os.urandom(32), b"message to authenticate"
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, "
        "{name: 'HMAC', hash: 'SHA-256'}, false, ['sign', 'verify'])"
    )
    assert cx.eval("[k.type, k.extractable, k.algorithm, k.usages]") == [
        "secret", False, {"name": "HMAC", "hash": {"name": "SHA-256"}, "length": 256}, ["sign", "verify"]
    ]  # fmt: skip
    sig = cx.eval(f"await S.sign('HMAC', k, {js_bytes(data)})")
    assert sig == hmac.new(key, data, "sha256").digest()
    expected = hmac.new(key, data, "sha256").digest()
    assert cx.eval(f"await S.verify('HMAC', k, {js_bytes(expected)}, {js_bytes(data)})") is True
    assert cx.eval(f"await S.verify('HMAC', k, {js_bytes(expected)}, {js_bytes(data + b'!')})") is False


def test_hmac_generate_sha512_defaults_to_block_size(cx: actors.Context) -> None:
    cx.eval("globalThis.k = await S.generateKey({name: 'HMAC', hash: {name: 'SHA-512'}}, true, ['sign'])")
    raw = cx.eval("await S.exportKey('raw', k)")
    assert len(raw) == 128
    assert (
        cx.eval("await S.sign('HMAC', k, new Uint8Array([1, 2]))")
        == hmac.new(raw, b"\1\2", "sha512").digest()
    )
    # the key has no 'verify' usage
    assert (
        error_of(cx, "S.verify('HMAC', k, new Uint8Array(64), new Uint8Array(1))")[0] == "InvalidAccessError"
    )


# ---- AES ---------------------------------------------------------------------------------------


def test_aes_gcm_round_trip_and_python_interop(cx: actors.Context) -> None:
    key, iv, aad, data = os.urandom(32), os.urandom(12), b"header", b"secret payload" * 3
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, 'AES-GCM', true, ['encrypt', 'decrypt'])"
    )
    params = f"{{name: 'AES-GCM', iv: {js_bytes(iv)}, additionalData: {js_bytes(aad)}}}"
    ct = cx.eval(f"await S.encrypt({params}, k, {js_bytes(data)})")
    assert ct == AESGCM(key).encrypt(iv, data, aad)
    py_ct = AESGCM(key).encrypt(iv, b"from python", aad)
    assert cx.eval(f"await S.decrypt({params}, k, {js_bytes(py_ct)})") == b"from python"
    tampered = bytes([py_ct[0] ^ 1]) + py_ct[1:]
    assert error_of(cx, f"S.decrypt({params}, k, {js_bytes(tampered)})")[0] == "OperationError"


def test_aes_gcm_short_tag(cx: actors.Context) -> None:
    key, iv, data = os.urandom(16), os.urandom(12), b"short tag"
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, 'AES-GCM', false, ['encrypt', 'decrypt'])"
    )
    params = f"{{name: 'AES-GCM', iv: {js_bytes(iv)}, tagLength: 96}}"
    ct = cx.eval(f"await S.encrypt({params}, k, {js_bytes(data)})")
    assert ct == AESGCM(key).encrypt(iv, data, None)[:-4]
    assert cx.eval(f"await S.decrypt({params}, k, {js_bytes(ct)})") == data
    bad = f"{{name: 'AES-GCM', iv: {js_bytes(iv)}, tagLength: 100}}"
    assert error_of(cx, f"S.encrypt({bad}, k, new Uint8Array(1))")[0] == "OperationError"


def test_aes_cbc_round_trip_and_python_interop(cx: actors.Context) -> None:
    key, iv, data = os.urandom(16), os.urandom(16), b"sixteen byte blk and some more"
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, 'AES-CBC', false, ['encrypt', 'decrypt'])"
    )
    params = f"{{name: 'AES-CBC', iv: {js_bytes(iv)}}}"
    ct = cx.eval(f"await S.encrypt({params}, k, {js_bytes(data)})")
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    unpad = padding.PKCS7(128).unpadder()
    assert unpad.update(dec.update(ct) + dec.finalize()) + unpad.finalize() == data
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    py_ct = enc.update(padder.update(b"python side") + padder.finalize()) + enc.finalize()
    assert cx.eval(f"await S.decrypt({params}, k, {js_bytes(py_ct)})") == b"python side"
    assert error_of(cx, f"S.decrypt({params}, k, new Uint8Array(15))")[0] == "OperationError"
    bad_iv = "{name: 'AES-CBC', iv: new Uint8Array(8)}"
    assert error_of(cx, f"S.encrypt({bad_iv}, k, new Uint8Array(1))")[0] == "OperationError"


def test_aes_generate_and_wrong_algorithm(cx: actors.Context) -> None:
    cx.eval("globalThis.k = await S.generateKey({name: 'AES-GCM', length: 256}, true, ['encrypt'])")
    assert cx.eval("k.algorithm") == {"name": "AES-GCM", "length": 256}
    assert len(cx.eval("await S.exportKey('raw', k)")) == 32
    cbc = "{name: 'AES-CBC', iv: new Uint8Array(16)}"
    assert error_of(cx, f"S.encrypt({cbc}, k, new Uint8Array(1))")[0] == "InvalidAccessError"
    assert (
        error_of(cx, "S.generateKey({name: 'AES-GCM', length: 100}, true, ['encrypt'])")[0]
        == "OperationError"
    )
    bad_usage = "S.generateKey({name: 'AES-GCM', length: 128}, true, ['sign'])"
    assert error_of(cx, bad_usage)[0] == "SyntaxError"
    assert (
        error_of(cx, "S.importKey('raw', new Uint8Array(5), 'AES-CBC', true, ['encrypt'])")[0] == "DataError"
    )


# ---- ECDSA, Ed25519 ----------------------------------------------------------------------------


def test_ecdsa_js_signs_python_verifies(cx: actors.Context) -> None:
    data = b"signed in JS"
    cx.eval(
        "globalThis.kp = await S.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign', 'verify'])"
    )
    pub, priv = "kp.publicKey", "kp.privateKey"
    described = cx.eval(f"[{pub}.type, {pub}.extractable, {pub}.usages, {priv}.usages]")
    assert described == ["public", True, ["verify"], ["sign"]]
    sig = cx.eval(f"await S.sign({{name: 'ECDSA', hash: 'SHA-256'}}, kp.privateKey, {js_bytes(data)})")
    assert len(sig) == 64
    point = cx.eval("await S.exportKey('raw', kp.publicKey)")
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    pub.verify(der, data, ec.ECDSA(hashes.SHA256()))  # raises if wrong
    assert cx.eval(
        f"await S.verify({{name: 'ECDSA', hash: 'SHA-256'}}, kp.publicKey, {js_bytes(sig)}, {js_bytes(data)})"
    )


def test_ecdsa_python_signs_js_verifies(cx: actors.Context) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    data = b"signed in Python"
    r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    cx.eval(
        f"globalThis.pub = await S.importKey('spki', {js_bytes(spki)}, "
        "{name: 'ECDSA', namedCurve: 'P-256'}, true, ['verify'])"
    )
    alg = "{name: 'ECDSA', hash: 'SHA-256'}"
    assert cx.eval(f"await S.verify({alg}, pub, {js_bytes(sig)}, {js_bytes(data)})") is True
    assert cx.eval(f"await S.verify({alg}, pub, {js_bytes(sig)}, {js_bytes(data + b'x')})") is False
    assert cx.eval(f"await S.verify({alg}, pub, new Uint8Array(3), {js_bytes(data)})") is False
    curve = "S.importKey('spki', new Uint8Array(1), {name: 'ECDSA', namedCurve: 'P-192'}, true, ['verify'])"
    assert error_of(cx, curve)[0] == "NotSupportedError"


def test_ecdsa_jwk_round_trip(cx: actors.Context) -> None:
    cx.eval(
        "globalThis.kp = await S.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, true, ['sign', 'verify'])"
    )
    jwk = cx.eval("globalThis.jwk = await S.exportKey('jwk', kp.privateKey)")
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and jwk["key_ops"] == ["sign"] and jwk["ext"] is True
    d = int.from_bytes(base64.urlsafe_b64decode(jwk["d"] + "=="), "big")
    private = ec.derive_private_key(d, ec.SECP256R1())
    data = b"jwk"
    cx.eval(
        "globalThis.k2 = await S.importKey('jwk', jwk, {name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign'])"
    )
    sig = cx.eval(f"await S.sign({{name: 'ECDSA', hash: 'SHA-256'}}, k2, {js_bytes(data)})")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    private.public_key().verify(der, data, ec.ECDSA(hashes.SHA256()))
    assert cx.eval("k2.extractable") is False
    assert error_of(cx, "S.exportKey('jwk', k2)")[0] == "InvalidAccessError"
    assert error_of(cx, "S.exportKey('raw', kp.privateKey)")[0] == "InvalidAccessError"


def test_ed25519_both_directions(cx: actors.Context) -> None:
    data = b"edwards"
    cx.eval("globalThis.kp = await S.generateKey('Ed25519', true, ['sign', 'verify'])")
    sig = cx.eval(f"await S.sign('Ed25519', kp.privateKey, {js_bytes(data)})")
    raw_pub = cx.eval("await S.exportKey('raw', kp.publicKey)")
    ed25519.Ed25519PublicKey.from_public_bytes(raw_pub).verify(sig, data)

    private = ed25519.Ed25519PrivateKey.generate()
    py_pub = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    py_sig = private.sign(data)
    cx.eval(f"globalThis.pub = await S.importKey('raw', {js_bytes(py_pub)}, 'Ed25519', true, ['verify'])")
    assert cx.eval(f"await S.verify('Ed25519', pub, {js_bytes(py_sig)}, {js_bytes(data)})") is True
    assert cx.eval(f"await S.verify('Ed25519', pub, {js_bytes(py_sig)}, new Uint8Array(1))") is False

    jwk = cx.eval("globalThis.jwk = await S.exportKey('jwk', kp.privateKey)")
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    cx.eval("globalThis.k2 = await S.importKey('jwk', jwk, {name: 'Ed25519'}, true, ['sign'])")
    assert cx.eval(f"await S.sign('Ed25519', k2, {js_bytes(data)})") == sig  # deterministic
    priv_bytes = base64.urlsafe_b64decode(jwk["d"] + "=")
    assert ed25519.Ed25519PrivateKey.from_private_bytes(priv_bytes).sign(data) == sig
    assert (
        error_of(cx, "S.importKey('raw', new Uint8Array(7), 'Ed25519', true, ['verify'])")[0] == "DataError"
    )


# ---- PBKDF2, HKDF ------------------------------------------------------------------------------


def test_pbkdf2_derive_bits_and_key(cx: actors.Context) -> None:
    password, salt = b"correct horse", os.urandom(16)
    cx.eval(
        f"globalThis.base = await S.importKey('raw', {js_bytes(password)}, 'PBKDF2', false, "
        "['deriveBits', 'deriveKey'])"
    )
    alg = f"{{name: 'PBKDF2', salt: {js_bytes(salt)}, iterations: 1000, hash: 'SHA-256'}}"
    bits = cx.eval(f"await S.deriveBits({alg}, base, 256)")
    assert bits == hashlib.pbkdf2_hmac("sha256", password, salt, 1000, 32)
    cx.eval(
        f"globalThis.aes = await S.deriveKey({alg}, base, {{name: 'AES-GCM', length: 128}}, "
        "true, ['encrypt'])"
    )
    assert cx.eval("aes.algorithm") == {"name": "AES-GCM", "length": 128}
    assert cx.eval("await S.exportKey('raw', aes)") == hashlib.pbkdf2_hmac("sha256", password, salt, 1000, 16)
    # PBKDF2 has no export operation at all (the spec checks that before extractability)
    assert error_of(cx, "S.exportKey('raw', base)")[0] == "NotSupportedError"
    extractable = "S.importKey('raw', new Uint8Array(3), 'PBKDF2', true, ['deriveBits'])"
    assert error_of(cx, extractable)[0] == "SyntaxError"
    assert error_of(cx, "S.importKey('jwk', {kty: 'oct', k: 'AA'}, 'PBKDF2', false, ['deriveBits'])")[0] == (
        "NotSupportedError"
    )


def test_hkdf_derive_bits_and_hmac_key(cx: actors.Context) -> None:
    ikm, salt, info = os.urandom(32), os.urandom(16), b"context info"
    cx.eval(
        f"globalThis.base = await S.importKey('raw', {js_bytes(ikm)}, 'HKDF', false, "
        "['deriveBits', 'deriveKey'])"
    )
    alg = f"{{name: 'HKDF', salt: {js_bytes(salt)}, info: {js_bytes(info)}, hash: 'SHA-256'}}"
    bits = cx.eval(f"await S.deriveBits({alg}, base, 384)")
    assert bits == HKDF(hashes.SHA256(), 48, salt, info).derive(ikm)
    cx.eval(
        f"globalThis.mac = await S.deriveKey({alg}, base, {{name: 'HMAC', hash: 'SHA-256'}}, false, ['sign'])"
    )
    assert cx.eval("mac.algorithm") == {"name": "HMAC", "hash": {"name": "SHA-256"}, "length": 512}
    mac_key = HKDF(hashes.SHA256(), 64, salt, info).derive(ikm)
    assert (
        cx.eval("await S.sign('HMAC', mac, new Uint8Array([7]))")
        == hmac.new(mac_key, b"\7", "sha256").digest()
    )
    assert error_of(cx, f"S.deriveBits({alg}, base, 12)")[0] == "OperationError"


# ---- JWK, extractability, key objects ----------------------------------------------------------


def test_secret_jwk_round_trip(cx: actors.Context) -> None:
    key = os.urandom(32)
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, {{name: 'HMAC', hash: 'SHA-384'}}, "
        "true, ['sign'])"
    )
    jwk = cx.eval("globalThis.jwk = await S.exportKey('jwk', k)")
    assert jwk == {
        "kty": "oct",
        "k": base64.urlsafe_b64encode(key).rstrip(b"=").decode(),
        "alg": "HS384",
        "key_ops": ["sign"],
        "ext": True,
    }
    cx.eval("globalThis.k2 = await S.importKey('jwk', jwk, {name: 'HMAC', hash: 'SHA-384'}, true, ['sign'])")
    assert cx.eval("await S.exportKey('raw', k2)") == key
    aes = cx.eval(
        "await S.exportKey('jwk', await S.importKey('raw', new Uint8Array(16), 'AES-CBC', true, ['decrypt']))"
    )
    assert aes["alg"] == "A128CBC"


def test_non_extractable_key_cannot_be_exported_or_reached(cx: actors.Context) -> None:
    cx.eval("globalThis.k = await S.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt'])")
    assert error_of(cx, "S.exportKey('raw', k)")[0] == "InvalidAccessError"
    assert error_of(cx, "S.exportKey('jwk', k)")[0] == "InvalidAccessError"
    # nothing on the object but accessors on its prototype
    assert cx.eval(
        "[Object.getOwnPropertyNames(k), Object.getOwnPropertySymbols(k).length, JSON.stringify(k)]"
    ) == [[], 0, "{}"]
    assert cx.eval("Object.isFrozen(k.algorithm)") is True


def test_forged_key_is_rejected(cx: actors.Context) -> None:
    assert error_of(cx, "S.exportKey('raw', Object.create(CryptoKey.prototype))")[0] == "TypeError"
    assert error_of(cx, "S.sign('HMAC', {id: 1}, new Uint8Array(1))")[0] == "TypeError"


def test_key_table_is_dropped_when_the_context_exits(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto"])
    c.eval("globalThis.k = await crypto.subtle.generateKey('Ed25519', false, ['sign'])")
    assert len(crypto_group._tables[c].keys) == 2  # the pair
    c.stop()
    wait_until(lambda: c not in crypto_group._tables)
    assert c not in crypto_group._tables


def test_collected_keys_are_released(cx: actors.Context) -> None:
    cx.eval(
        "for (let i = 0; i < 50; i++) "
        "await S.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']);"
        "globalThis.keep = await S.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt'])"
    )
    deadline = time.monotonic() + 5
    while len(crypto_group._tables[cx].keys) > 1 and time.monotonic() < deadline:
        cx.eval("await new Promise((r) => setTimeout(r, 1))")
    assert len(crypto_group._tables[cx].keys) == 1
    assert (
        cx.eval(
            "(await S.encrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, keep, new Uint8Array(1))).byteLength"
        )
        == 17
    )


def test_a_key_used_once_without_a_reference_stays_valid(cx: actors.Context) -> None:
    # the key is unreachable once its handle is sent: it must not be released mid-call
    out = cx.eval(
        "const iv = new Uint8Array(12);"
        "const runs = Array.from({length: 50}, async () => S.encrypt({name: 'AES-GCM', iv},"
        "  await S.generateKey({name: 'AES-GCM', length: 128}, false, ['encrypt']), new Uint8Array(3)));"
        "(await Promise.all(runs)).map((b) => b.byteLength)"
    )
    assert out == [19] * 50


# ---- RSA ---------------------------------------------------------------------------------------

RSA_GEN = "{name: '%s', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256'}"


def _spki(cx: actors.Context, key: str) -> Any:
    return serialization.load_der_public_key(cx.eval(f"await S.exportKey('spki', {key})"))


def test_rsa_key_attributes_follow_the_spec(cx: actors.Context) -> None:
    cx.eval(
        f"globalThis.kp = await S.generateKey({RSA_GEN % 'RSA-OAEP'}, false, ['encrypt', 'decrypt', 'wrapKey'])"  # noqa: E501
    )
    assert cx.eval("[kp.publicKey.type, kp.publicKey.extractable, kp.publicKey.usages, kp.privateKey.usages]") == [  # noqa: E501
        "public", True, ["encrypt", "wrapKey"], ["decrypt"]
    ]  # fmt: skip
    alg = cx.eval("kp.privateKey.algorithm")
    assert alg == {"name": "RSA-OAEP", "modulusLength": 1024, "publicExponent": b"\x01\x00\x01",
                   "hash": {"name": "SHA-256"}}  # fmt: skip
    assert cx.eval("kp.privateKey.algorithm.publicExponent instanceof Uint8Array") is True
    assert cx.eval(
        "kp.privateKey.algorithm === kp.privateKey.algorithm && kp.publicKey.usages === kp.publicKey.usages"
    )
    # public usages only on the public key, at least one private usage
    assert error_of(cx, f"S.generateKey({RSA_GEN % 'RSA-OAEP'}, true, ['encrypt'])")[0] == "SyntaxError"
    assert error_of(cx, f"S.generateKey({RSA_GEN % 'RSA-PSS'}, true, ['encrypt'])")[0] == "SyntaxError"


def test_rsa_oaep_both_directions_with_a_label(cx: actors.Context) -> None:
    cx.eval(f"globalThis.kp = await S.generateKey({RSA_GEN % 'RSA-OAEP'}, true, ['encrypt', 'decrypt'])")
    pub = _spki(cx, "kp.publicKey")
    pkcs8 = cx.eval("await S.exportKey('pkcs8', kp.privateKey)")
    priv = serialization.load_der_private_key(pkcs8, None)
    oaep = apadding.OAEP(apadding.MGF1(hashes.SHA256()), hashes.SHA256(), b"label")
    ct = cx.eval("await S.encrypt({name: 'RSA-OAEP', label: new Uint8Array([108, 97, 98, 101, 108])}, "
                 "kp.publicKey, new Uint8Array([1, 2, 3]))")  # fmt: skip
    assert priv.decrypt(ct, oaep) == b"\1\2\3"
    py_ct = pub.encrypt(b"from python", oaep)
    alg = "{name: 'RSA-OAEP', label: new Uint8Array([108, 97, 98, 101, 108])}"
    assert cx.eval(f"await S.decrypt({alg}, kp.privateKey, {js_bytes(py_ct)})") == b"from python"
    assert (
        error_of(cx, f"S.decrypt({{name: 'RSA-OAEP'}}, kp.privateKey, {js_bytes(py_ct)})")[0]
        == "OperationError"
    )
    assert error_of(cx, "S.encrypt('RSA-OAEP', kp.publicKey, new Uint8Array(100))")[0] == "OperationError"


def test_rsa_pss_and_pkcs1_js_signs_python_verifies(cx: actors.Context) -> None:
    for name in ("RSA-PSS", "RSASSA-PKCS1-v1_5"):
        cx.eval(f"globalThis.kp = await S.generateKey({RSA_GEN % name}, true, ['sign', 'verify'])")
        alg = f"{{name: '{name}', saltLength: 32}}"
        sig = cx.eval(f"await S.sign({alg}, kp.privateKey, new Uint8Array([9]))")
        pad = apadding.PSS(apadding.MGF1(hashes.SHA256()), 32) if name == "RSA-PSS" else apadding.PKCS1v15()
        _spki(cx, "kp.publicKey").verify(sig, b"\x09", pad, hashes.SHA256())
        assert cx.eval(f"await S.verify({alg}, kp.publicKey, {js_bytes(sig)}, new Uint8Array([9]))") is True
        assert cx.eval(f"await S.verify({alg}, kp.publicKey, {js_bytes(sig)}, new Uint8Array([8]))") is False
    assert error_of(cx, "S.sign({name: 'RSA-PSS'}, kp.privateKey, new Uint8Array(1))")[0] == "TypeError"
    too_salty = "S.sign({name: 'RSASSA-PKCS1-v1_5'}, kp.publicKey, new Uint8Array(1))"
    assert error_of(cx, too_salty)[0] == "InvalidAccessError"


def test_rsa_jwk_round_trip_and_alg_checks(cx: actors.Context) -> None:
    cx.eval(f"globalThis.kp = await S.generateKey({RSA_GEN % 'RSASSA-PKCS1-v1_5'}, true, ['sign', 'verify'])")
    jwk = cx.eval("globalThis.jwk = await S.exportKey('jwk', kp.privateKey)")
    assert (
        jwk["kty"] == "RSA"
        and jwk["alg"] == "RS256"
        and set(jwk) >= {"n", "e", "d", "p", "q", "dp", "dq", "qi"}
    )
    imported = "S.importKey('jwk', jwk, {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384'}, false, ['sign'])"
    assert error_of(cx, imported)[0] == "DataError"  # RS256 is not SHA-384
    minimal = "({kty: 'RSA', n: jwk.n, e: jwk.e, d: jwk.d})"  # the primes are recovered
    cx.eval(
        f"globalThis.k2 = await S.importKey('jwk', {minimal}, {RSA_GEN % 'RSASSA-PKCS1-v1_5'}, false, ['sign'])"  # noqa: E501
    )
    assert cx.eval("[k2.algorithm.modulusLength, k2.type]") == [1024, "private"]
    assert error_of(cx, "S.exportKey('raw', kp.publicKey)")[0] == "NotSupportedError"
    assert error_of(cx, "S.exportKey('spki', kp.privateKey)")[0] == "InvalidAccessError"


# ---- ECDH, X25519, curves ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "curve"), [("ECDH", "P-384"), ("ECDH", "P-521"), ("X25519", None), ("X448", None)]
)
def test_key_agreement_matches_python(cx: actors.Context, name: str, curve: str | None) -> None:
    gen = f"{{name: '{name}', namedCurve: '{curve}'}}" if curve else f"'{name}'"
    cx.eval(f"globalThis.a = await S.generateKey({gen}, true, ['deriveBits', 'deriveKey'])")
    assert cx.eval("a.publicKey.usages") == []
    py_priv: Any
    if curve:
        py_priv = ec.generate_private_key({"P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[curve])
    else:
        py_priv = (x25519.X25519PrivateKey if name == "X25519" else x448.X448PrivateKey).generate()
    spki = py_priv.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    cx.eval(f"globalThis.b = await S.importKey('spki', {js_bytes(spki)}, {gen}, true, [])")
    bits = cx.eval(f"await S.deriveBits({{name: '{name}', public: b}}, a.privateKey, null)")
    theirs = _spki(cx, "a.publicKey")
    expected = py_priv.exchange(ec.ECDH(), theirs) if curve else py_priv.exchange(theirs)
    assert bits == expected
    assert cx.eval(f"await S.deriveBits({{name: '{name}', public: b}}, a.privateKey, 128)") == expected[:16]
    cx.eval(f"globalThis.aes = await S.deriveKey({{name: '{name}', public: b}}, a.privateKey, "
            "{name: 'AES-GCM', length: 256}, true, ['encrypt'])")  # fmt: skip
    assert cx.eval("await S.exportKey('raw', aes)") == expected[:32]
    # usages on a public key, a private key as the peer, too many bits
    assert (
        error_of(cx, f"S.importKey('spki', {js_bytes(spki)}, {gen}, true, ['deriveBits'])")[0]
        == "SyntaxError"
    )
    peer_private = f"S.deriveBits({{name: '{name}', public: a.privateKey}}, a.privateKey, null)"
    assert error_of(cx, peer_private)[0] == "InvalidAccessError"
    too_long = f"S.deriveBits({{name: '{name}', public: b}}, a.privateKey, {len(expected) * 8 + 8})"
    assert error_of(cx, too_long)[0] == "OperationError"
    assert error_of(cx, f"S.deriveBits({{name: '{name}'}}, a.privateKey, 8)")[0] == "TypeError"


def test_ecdh_peer_on_another_curve_is_invalid_access(cx: actors.Context) -> None:
    cx.eval("globalThis.a = await S.generateKey({name: 'ECDH', namedCurve: 'P-256'}, false, ['deriveBits']);"
            "globalThis.b = await S.generateKey({name: 'ECDH', namedCurve: 'P-384'}, false, ['deriveBits']);"
            "globalThis.e = await S.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign'])")  # fmt: skip  # noqa: E501
    assert error_of(cx, "S.deriveBits({name: 'ECDH', public: b.publicKey}, a.privateKey, 256)")[0] == (
        "InvalidAccessError"
    )
    assert error_of(cx, "S.deriveBits({name: 'ECDH', public: e.publicKey}, a.privateKey, 256)")[0] == (
        "InvalidAccessError"
    )


def test_ecdsa_p384_p521_fixed_width_signatures(cx: actors.Context) -> None:
    for curve, size, _py_curve, py_hash in (("P-384", 48, ec.SECP384R1(), hashes.SHA384()),
                                           ("P-521", 66, ec.SECP521R1(), hashes.SHA512())):  # fmt: skip
        cx.eval(
            f"globalThis.kp = await S.generateKey({{name: 'ECDSA', namedCurve: '{curve}'}}, true, ['sign'])"
        )
        alg = f"{{name: 'ECDSA', hash: '{py_hash.name.upper().replace('SHA', 'SHA-')}'}}"
        sig = cx.eval(f"await S.sign({alg}, kp.privateKey, new Uint8Array([5]))")
        assert len(sig) == 2 * size
        der = encode_dss_signature(int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big"))
        _spki(cx, "kp.publicKey").verify(der, b"\x05", ec.ECDSA(py_hash))
        jwk = cx.eval("await S.exportKey('jwk', kp.privateKey)")
        assert jwk["crv"] == curve and len(base64.urlsafe_b64decode(jwk["d"] + "==")) == size


# ---- AES-CTR, AES-KW, wrapKey/unwrapKey --------------------------------------------------------


def test_aes_ctr_counter_wraps_within_its_length(cx: actors.Context) -> None:
    key, data = os.urandom(16), os.urandom(64)
    counter = bytes(15) + b"\xfe"  # 8-bit counter: blocks use fe, ff, then 00, 01 (upper bits kept)
    cx.eval(
        f"globalThis.k = await S.importKey('raw', {js_bytes(key)}, 'AES-CTR', false, ['encrypt', 'decrypt'])"
    )
    got = cx.eval(
        f"await S.encrypt({{name: 'AES-CTR', counter: {js_bytes(counter)}, length: 8}}, k, {js_bytes(data)})"
    )
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    stream = b"".join(ecb.update(bytes(15) + bytes([c])) for c in (0xFE, 0xFF, 0x00, 0x01))
    assert got == bytes(a ^ b for a, b in zip(data, stream, strict=True))
    too_long = (
        f"S.encrypt({{name: 'AES-CTR', counter: {js_bytes(counter)}, length: 1}}, k, new Uint8Array(33))"
    )
    assert error_of(cx, too_long)[0] == "OperationError"
    assert error_of(cx, "S.encrypt({name: 'AES-CTR', counter: new Uint8Array(16), length: 0}, k, "
                        "new Uint8Array(1))")[0] == "OperationError"  # fmt: skip


def test_wrap_and_unwrap_with_every_wrapping_algorithm(cx: actors.Context) -> None:
    kek = os.urandom(32)
    cx.eval(
        f"globalThis.kw = await S.importKey('raw', {js_bytes(kek)}, 'AES-KW', false, ['wrapKey', 'unwrapKey']);"  # noqa: E501
        "globalThis.gcm = await S.generateKey({name: 'AES-GCM', length: 256}, false, ['wrapKey', 'unwrapKey']);"  # noqa: E501
        f"globalThis.rsa = await S.generateKey({RSA_GEN % 'RSA-OAEP'}, false, ['wrapKey', 'unwrapKey']);"
        "globalThis.secret = await S.generateKey({name: 'AES-CBC', length: 128}, true, ['encrypt'])"
    )
    raw = cx.eval("await S.exportKey('raw', secret)")
    wrapped = cx.eval("await S.wrapKey('raw', secret, kw, 'AES-KW')")
    assert wrapped == keywrap.aes_key_wrap(kek, raw)
    cx.eval("globalThis.back = await S.unwrapKey('raw', "
            f"{js_bytes(wrapped)}, kw, 'AES-KW', 'AES-CBC', false, ['encrypt', 'decrypt'])")  # fmt: skip
    assert cx.eval("[back.type, back.extractable, back.algorithm, back.usages]") == [
        "secret", False, {"name": "AES-CBC", "length": 128}, ["encrypt", "decrypt"]
    ]  # fmt: skip
    assert error_of(cx, "S.exportKey('raw', back)")[0] == "InvalidAccessError"
    for fmt, wrapper, unwrapper, params in (
        ("jwk", "gcm", "gcm", "{name: 'AES-GCM', iv: new Uint8Array(12)}"),
        ("raw", "rsa.publicKey", "rsa.privateKey", "{name: 'RSA-OAEP'}"),  # a JWK is too long for 1024 bits
    ):
        cx.eval(
            f"globalThis.w = await S.wrapKey('{fmt}', secret, {wrapper}, {params});"
            f"globalThis.u = await S.unwrapKey('{fmt}', w, {unwrapper}, {params}, 'AES-CBC', true, ['encrypt'])"  # noqa: E501
        )
        assert cx.eval("await S.exportKey('raw', u)") == raw
    # AES-KW cannot wrap a JWK whose JSON is not a multiple of 8 bytes; bad data does not unwrap
    bad = f"S.unwrapKey('raw', {js_bytes(bytes(24))}, kw, 'AES-KW', 'AES-CBC', true, ['encrypt'])"
    assert error_of(cx, bad)[0] == "OperationError"
    assert error_of(cx, "S.wrapKey('raw', secret, gcm, 'AES-KW')")[0] == "InvalidAccessError"
    assert error_of(cx, "S.wrapKey('raw', back, kw, 'AES-KW')")[0] == "InvalidAccessError"  # not extractable
    assert error_of(cx, "S.wrapKey('raw', secret, kw, 'HMAC')")[0] == "NotSupportedError"


# ---- the spec's error types --------------------------------------------------------------------


def test_spec_error_types(cx: actors.Context) -> None:
    cx.eval("globalThis.aes = await S.generateKey({name: 'AES-GCM', length: 128}, true, ['encrypt'])")
    cases = {
        "S.sign('AES-GCM', aes, new Uint8Array(1))": "NotSupportedError",  # not a signing algorithm
        "S.encrypt({name: 'AES-GCM'}, aes, new Uint8Array(1))": "TypeError",  # iv is required
        "S.encrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, aes, 5)": "TypeError",
        "S.decrypt({name: 'AES-GCM', iv: new Uint8Array(12)}, aes, new Uint8Array(20))": "InvalidAccessError",
        "S.generateKey({name: 'AES-GCM', length: 2 ** 16}, true, ['encrypt'])": "TypeError",  # [EnforceRange]
        "S.generateKey({name: 'AES-GCM', length: 64}, true, ['encrypt'])": "OperationError",
        "S.generateKey({name: 'AES-GCM', length: 128}, true, [])": "SyntaxError",
        "S.generateKey({name: 'AES-GCM', length: 128}, true, ['fly'])": "TypeError",
        "S.generateKey({name: 'ECDSA', namedCurve: 'P-192'}, true, ['sign'])": "NotSupportedError",
        "S.generateKey({name: 'ECDSA'}, true, ['sign'])": "TypeError",
        "S.generateKey('HKDF', false, ['deriveBits'])": "NotSupportedError",
        "S.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['sign'])": "SyntaxError",
        "S.importKey('pkcs8', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])": "NotSupportedError",
        "S.importKey('pem', new Uint8Array(16), 'AES-GCM', true, ['encrypt'])": "TypeError",
        "S.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', alg: 'A256GCM'}, 'AES-GCM', true, ['encrypt'])":  # noqa: E501
            "DataError",
        "S.importKey('jwk', {kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAA', key_ops: ['decrypt']}, 'AES-GCM', true, "  # noqa: E501
        "['encrypt'])": "DataError",
        "S.importKey('jwk', {kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA'}, {name: 'ECDSA', namedCurve: 'P-256'}, "  # noqa: E501
        "true, ['verify'])": "DataError",
        "S.importKey('spki', new Uint8Array(30), 'Ed25519', true, ['verify'])": "DataError",
        "S.importKey('raw', new Uint8Array(32), 'X25519', true, ['deriveBits'])": "SyntaxError",
        "S.exportKey('spki', aes)": "NotSupportedError",
        "S.deriveBits({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array()}, aes, 8)":  # noqa: E501
            "InvalidAccessError",
        "S.digest('SHA-224', new Uint8Array())": "NotSupportedError",
        "S.sign({name: 'Ed448', context: new Uint8Array([1])}, aes, new Uint8Array())": "InvalidAccessError",
    }  # fmt: skip
    got = {expr: error_of(cx, expr)[0] for expr in cases}
    assert got == cases


# ---- interop: JWTs signed in JS verified by Python, and back -----------------------------------

B64U_JS = """
globalThis.b64u = (bytes) => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '', i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += A[n >> 18] + A[(n >> 12) & 63] + A[(n >> 6) & 63] + A[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8);
    out += A[n >> 18] + A[(n >> 12) & 63] + (i + 1 < bytes.length ? A[(n >> 6) & 63] : '');
  }
  return out;
};
globalThis.unb64u = (s) => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out = []; let bits = 0, n = 0;
  for (const c of s) {
    n = (n << 6) | A.indexOf(c); bits += 6;
    if (bits >= 8) { bits -= 8; out.push((n >> bits) & 255); }
  }
  return new Uint8Array(out);
};
globalThis.ascii = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
0
"""

JWT_ALGS = {
    "RS256": ("{name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), "
              "hash: 'SHA-256'}", "{name: 'RSASSA-PKCS1-v1_5'}"),
    "ES256": ("{name: 'ECDSA', namedCurve: 'P-256'}", "{name: 'ECDSA', hash: 'SHA-256'}"),
    "EdDSA": ("'Ed25519'", "'Ed25519'"),
}  # fmt: skip


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("alg", list(JWT_ALGS))
def test_jwt_signed_in_js_verifies_in_python(cx: actors.Context, alg: str) -> None:
    gen, params = JWT_ALGS[alg]
    cx.eval(B64U_JS)
    token = cx.eval(
        f"globalThis.kp = await S.generateKey({gen}, true, ['sign', 'verify']);"
        f"const head = b64u(ascii(JSON.stringify({{alg: '{alg}', typ: 'JWT'}})));"
        "const body = b64u(ascii(JSON.stringify({sub: 'js', n: 1})));"
        f"const sig = await S.sign({params}, kp.privateKey, ascii(head + '.' + body));"
        "head + '.' + body + '.' + b64u(new Uint8Array(sig))"
    )
    head, body, sig = token.split(".")
    assert json.loads(_unb64u(head)) == {"alg": alg, "typ": "JWT"}
    assert json.loads(_unb64u(body)) == {"sub": "js", "n": 1}
    pub = _spki(cx, "kp.publicKey")
    signing_input, signature = f"{head}.{body}".encode(), _unb64u(sig)
    if alg == "RS256":
        pub.verify(signature, signing_input, apadding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        pub.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    else:
        pub.verify(signature, signing_input)


@pytest.mark.parametrize("alg", list(JWT_ALGS))
def test_jwt_signed_in_python_verifies_in_js(cx: actors.Context, alg: str) -> None:
    _gen, params = JWT_ALGS[alg]
    head = _b64u(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64u(json.dumps({"sub": "python"}).encode())
    signing_input = f"{head}.{body}".encode()
    priv: Any
    if alg == "RS256":
        priv = rsa.generate_private_key(65537, 2048)
        signature = priv.sign(signing_input, apadding.PKCS1v15(), hashes.SHA256())
        imp = "{name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'}"
    elif alg == "ES256":
        priv = ec.generate_private_key(ec.SECP256R1())
        r, s = decode_dss_signature(priv.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        imp = "{name: 'ECDSA', namedCurve: 'P-256'}"
    else:
        priv = ed25519.Ed25519PrivateKey.generate()
        signature = priv.sign(signing_input)
        imp = "'Ed25519'"
    spki = priv.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = f"{head}.{body}.{_b64u(signature)}"
    cx.eval(B64U_JS)
    cx.set_global("token", token)
    verdicts = cx.eval(
        f"const pub = await S.importKey('spki', {js_bytes(spki)}, {imp}, false, ['verify']);"
        "const [h, b, s] = token.split('.');"
        f"const good = await S.verify({params}, pub, unb64u(s), ascii(h + '.' + b));"
        f"const forged = await S.verify({params}, pub, unb64u(s), ascii(h + '.' + b64u(ascii('{{\"sub\":\"root\"}}'))));"  # noqa: E501
        "[good, forged, JSON.parse(String.fromCharCode(...unb64u(b))).sub]"
    )
    assert verdicts == [True, False, "python"]


# ---- hostile JS: host work is bounded ----------------------------------------------------------


def test_absurd_rsa_and_pbkdf2_sizes_are_refused_before_any_work(cx: actors.Context) -> None:
    huge_rsa = (
        "S.generateKey({name: 'RSA-PSS', modulusLength: 2 ** 20, publicExponent: new Uint8Array([1, 0, 1]), "
        "hash: 'SHA-256'}, true, ['sign'])"
    )
    name, message = error_of(cx, huge_rsa)
    assert name == "OperationError" and "4096" in message
    assert error_of(cx, huge_rsa.replace("2 ** 20", "2 ** 32"))[0] == "TypeError"  # not an unsigned long
    odd_exponent = huge_rsa.replace("2 ** 20", "2048").replace("[1, 0, 1]", "[1, 0, 0, 0, 1]")
    assert error_of(cx, odd_exponent)[0] == "OperationError"
    cx.eval("globalThis.pw = await S.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits'])")
    pbkdf2 = "S.deriveBits({name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8), iterations: 2 ** 31}, pw, 256)"  # noqa: E501
    name, message = error_of(cx, pbkdf2)
    assert name == "OperationError" and "PBKDF2 work" in message
    # the bound is on work: many output blocks at fewer iterations count too
    wide = pbkdf2.replace("2 ** 31", "2 ** 20").replace("pw, 256", "pw, 256 * 8")
    assert error_of(cx, wide)[0] == "OperationError"
    hmac_key = "S.generateKey({name: 'HMAC', hash: 'SHA-256', length: 2 ** 32 - 8}, true, ['sign'])"
    assert error_of(cx, hmac_key)[0] == "OperationError"
    big_import = (
        "S.importKey('spki', new Uint8Array(100000), {name: 'RSA-PSS', hash: 'SHA-256'}, true, ['verify'])"
    )
    assert error_of(cx, big_import)[0] == "DataError"


def test_host_side_checks_hold_without_the_polyfill(cx: actors.Context) -> None:
    """The handlers check what a modified polyfill could send (the polyfill is not the boundary)."""
    g = crypto_group
    rsa_alg = {"name": "RSA-PSS", "modulusLength": 2**20, "publicExponent": b"\1\0\1", "hash": "SHA-256"}
    with pytest.raises(g.OperationError, match="4096"):
        g._generate_key(cx, rsa_alg, True, ["sign"])
    with pytest.raises(TypeError):
        g._generate_key(cx, {**rsa_alg, "modulusLength": "2048"}, True, ["sign"])
    with pytest.raises(TypeError):
        g._generate_key(cx, {**rsa_alg, "publicExponent": b"\1" * 4096}, True, ["sign"])
    with pytest.raises(TypeError):
        g._generate_key(cx, {"name": "AES-GCM", "length": 128}, True, "encrypt")
    with pytest.raises(g.NotSupportedError):
        g._sign(cx, {"name": "AES-GCM"}, 1, b"")
    with pytest.raises(g.InvalidAccessError):
        g._sign(cx, {"name": "HMAC"}, 10**30, b"")
    base = g._import_key(cx, "raw", b"pw", {"name": "PBKDF2"}, False, ["deriveBits"])[0]
    for iterations in (2**40, -1, float("nan"), True):
        with pytest.raises(TypeError):
            g._derive_bits(
                cx, {"name": "PBKDF2", "hash": "SHA-1", "salt": b"", "iterations": iterations}, base, 8
            )
    with pytest.raises(g.OperationError):
        g._derive_bits(cx, {"name": "PBKDF2", "hash": "SHA-1", "salt": b"", "iterations": 2**32 - 1}, base, 8)
    # the host decides what runs inline: RSA key generation always goes through the queue
    with pytest.raises(g.Queue):
        g._handlers["generateKey"](cx, {**rsa_alg, "modulusLength": 2048}, True, ["sign"])
    assert len(g._handlers["sign"](cx, {"name": "HMAC"}, g._import_key(
        cx, "raw", b"k", {"name": "HMAC", "hash": "SHA-256"}, False, ["sign"])[0], b"")) == 32  # fmt: skip
    with pytest.raises(g.DataError):
        g._import_key(cx, "jwk", {"kty": "RSA", "n": "A" * 50_000, "e": "AQAB"},
                      {"name": "RSA-PSS", "hash": "SHA-256"}, True, ["verify"])  # fmt: skip


def test_key_material_per_context_is_bounded(cx: actors.Context) -> None:
    out = cx.eval(
        "const keep = [];"
        "let error = null;"
        "try { for (let i = 0; i < 1000; i++) keep.push(await S.importKey('raw', new Uint8Array(65536), "
        "  {name: 'HMAC', hash: 'SHA-256'}, false, ['sign'])); } catch (e) { error = e.name; }"
        "[keep.length, error]"
    )
    limit = crypto_group.MAX_TABLE_BYTES // (65536 + crypto_group._KEY_OVERHEAD)
    assert out == [limit, "QuotaExceededError"]
    assert error_of(cx, "S.importKey('raw', new Uint8Array(65537), {name: 'HMAC', hash: 'SHA-256'}, "
                        "false, ['sign'])")[0] == "DataError"  # fmt: skip


def test_a_context_flooding_derivations_does_not_hold_up_another(pool: actors.ContextPool) -> None:
    """One context queues many slow PBKDF2 calls; its operations run one at a time, so another
    context's crypto still answers while the flood is pending, and the flood ends with its context."""
    flood = pool.spawn(apis=["crypto"])
    other = pool.spawn(apis=["crypto"])
    started = threading.Event()
    flood.on_message(lambda _msg: started.set())
    outcome: list[BaseException] = []

    def run_flood() -> None:
        try:
            flood.eval(
                "const pw = await crypto.subtle.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']);"  # noqa: E501
                "const alg = {name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8), iterations: 2 ** 20};"
                "const all = Array.from({length: 40}, () => crypto.subtle.deriveBits(alg, pw, 256));"
                "Host.send('started'); await Promise.all(all)",
                timeout=120,
            )
        except BaseException as exc:  # ContextDeadError once it is stopped below
            outcome.append(exc)

    thread = threading.Thread(target=run_flood, daemon=True)
    try:
        thread.start()
        assert started.wait(30)
        # a queued operation too (PBKDF2 above the inline threshold), not only an inline one
        answer = other.eval(
            "const S = crypto.subtle;"
            "const pw = await S.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']);"
            "const alg = {name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8), iterations: 30000};"
            "(await S.deriveBits(alg, pw, 256)).byteLength",
            timeout=30,
        )
        assert answer == 32
        assert thread.is_alive()  # the flood (40 derivations, one at a time) was still pending
        table = crypto_group._tables[flood]
        assert table.pending > 30
        flood.stop()
        thread.join(30)
        assert isinstance(outcome[0], actors.ContextDeadError)
        # its waiting operations are cancelled at once (about 30 s of derivations were queued)
        assert wait_until(lambda: table.pending == 0 and not table.tasks, timeout=5)
        # the stopped context's queued derivations are dropped: the other context's work goes on
        for _ in range(3):
            assert other.eval("(await crypto.subtle.generateKey('Ed25519', false, ['sign'])).privateKey.type",
                              timeout=30) == "private"  # fmt: skip
    finally:
        flood.stop()
        other.stop()


def test_nothing_leaks_onto_global_this(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto"])
    before = set(c.eval("Object.getOwnPropertyNames(globalThis)"))
    c.eval("const kp = await crypto.subtle.generateKey({name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']);"  # noqa: E501
           "await crypto.subtle.deriveBits({name: 'ECDH', public: kp.publicKey}, kp.privateKey, 256);"
           "await crypto.subtle.exportKey('jwk', kp.privateKey)")  # fmt: skip
    assert set(c.eval("Object.getOwnPropertyNames(globalThis)")) == before
    assert c.eval("Object.getOwnPropertyNames(CryptoKey.prototype).sort()") == [
        "algorithm", "constructor", "extractable", "type", "usages"
    ]  # fmt: skip
    c.stop()


def test_waiting_operations_per_context_are_bounded(
    cx: actors.Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # handlers run in this process in both modes; a small bound keeps the test short
    monkeypatch.setattr(crypto_group, "MAX_PENDING", 8)
    out = cx.eval(
        "const pw = await S.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']);"
        "const alg = (iterations) => ({name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8),"
        "  iterations});"
        "const run = (n) => S.deriveBits(alg(n), pw, 256).then(() => 'ok', (e) => e.name);"
        "const slow = run(2 ** 21);"  # holds the context's turn while the others arrive
        "const rest = Array.from({length: 20}, () => run(30000));"  # above HEAVY_PBKDF2_WORK: queued
        "const names = [await slow, ...(await Promise.all(rest))];"
        "[names.filter((n) => n === 'ok').length, names.filter((n) => n === 'QuotaExceededError').length]"
    )
    ok, refused = out
    # 8 wait while the slow one runs, the other 13 are refused; on a loaded
    # machine a request or two may arrive after the slow one finished (seen
    # once in CI: [9, 12]). Without the bound none would be refused.
    assert ok + refused == 21 and 8 <= ok <= 10, out
    assert cx.eval("(await S.digest('SHA-1', new Uint8Array())).byteLength") == 20  # and it recovers
