"""The ``crypto`` group through real contexts, checked against Python's own crypto."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

import actors
from actors.apis import crypto as crypto_group


@pytest.fixture
def cx(pool: actors.ContextPool) -> Iterator[actors.Context]:
    """A context with only the crypto group; ``S`` is ``crypto.subtle``."""
    c = pool.spawn(apis=["crypto"])
    c.eval("globalThis.S = crypto.subtle")  # short for the tests below
    try:
        yield c
    finally:
        c.stop()


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
    deadline = time.monotonic() + 5
    while c in crypto_group._tables and time.monotonic() < deadline:
        time.sleep(0.01)
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
