/* The `crypto` group: crypto.getRandomValues, crypto.randomUUID, crypto.subtle.
 *
 * Algorithms are normalized here as the Web Crypto spec says (per operation:
 * unknown names are NotSupportedError, missing or ill-typed members are
 * TypeError) and the cryptography runs on the Python side
 * (actors/apis/crypto.py), which checks every argument again. Key material
 * never enters this heap: a CryptoKey holds the integer handle of its entry
 * in the context's key table in a private field, and the handle is released
 * when the key is garbage collected. */
// @shared domError
(function install(native, g, shared) {
  'use strict';

  const DOMErrorNames = new Set([
    'NotSupportedError', 'InvalidAccessError', 'OperationError', 'DataError',
    'SyntaxError', 'QuotaExceededError', 'TypeMismatchError', 'InvalidCharacterError',
  ]);

  const domError = shared.domError;

  // A host error (an Error named after the Python exception class) as the web error.
  function webError(err) {
    const name = err && err.name;
    const message = err && err.message !== undefined ? String(err.message) : String(err);
    if (DOMErrorNames.has(name)) return domError(name, message);
    if (name === 'TypeError') return new TypeError(message);
    return domError('OperationError', message);
  }

  // Cheap operations are answered inline; the host answers `Queue` for work
  // that must wait its turn on the crypto threads, and the call goes there.
  const host = (name, ...args) => native.call('crypto.' + name, ...args)
    .catch((e) => {
      if (e && e.name === 'Queue') return native.call('crypto.' + name + 'Queued', ...args);
      throw e;
    })
    .catch((e) => { throw webError(e); });
  // The same, keeping `keys` alive (so their handles are not released) until the call is answered.
  const hostKeys = (keys, name, ...args) => host(name, ...args).finally(() => keys);

  function hostSync(name, ...args) {
    try { return native.callSync('crypto.' + name, ...args); } catch (e) { throw webError(e); }
  }

  // ---- WebIDL conversions --------------------------------------------------------------------

  function isBufferSource(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
      (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer);
  }

  function bytes(v, what) {
    if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    if (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer) {
      return new Uint8Array(v).slice();
    }
    throw new TypeError(what + ' must be an ArrayBuffer or an ArrayBufferView');
  }

  // [EnforceRange] integer types
  function enforceRange(v, max, what) {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new TypeError(what + ' must be a finite number');
    const i = Math.trunc(n);
    if (i < 0 || i > max) throw new TypeError(what + ' is out of range (0 to ' + max + ')');
    return i;
  }

  const KEY_FORMATS = ['raw', 'spki', 'pkcs8', 'jwk'];
  function keyFormat(format) {
    const f = String(format);
    if (!KEY_FORMATS.includes(f)) throw new TypeError('unknown key format ' + f);
    return f;
  }

  // ---- algorithm normalization (Web Crypto "normalize an algorithm") ------------------------

  // dictionary: [member, kind, required]
  const DICTS = {
    RsaHashedKeyGenParams: [['modulusLength', 'ulong', true], ['publicExponent', 'bigint', true], ['hash', 'hash', true]],
    RsaHashedImportParams: [['hash', 'hash', true]],
    RsaPssParams: [['saltLength', 'ulong', true]],
    RsaOaepParams: [['label', 'bytes', false]],
    EcKeyParams: [['namedCurve', 'string', true]],
    EcdsaParams: [['hash', 'hash', true]],
    EcdhKeyDeriveParams: [['public', 'key', true]],
    AesKeyParams: [['length', 'ushort', true]],
    AesCtrParams: [['counter', 'bytes', true], ['length', 'octet', true]],
    AesCbcParams: [['iv', 'bytes', true]],
    AesGcmParams: [['iv', 'bytes', true], ['additionalData', 'bytes', false], ['tagLength', 'octet', false]],
    HmacParams: [['hash', 'hash', true], ['length', 'ulong', false]],
    HkdfParams: [['hash', 'hash', true], ['salt', 'bytes', true], ['info', 'bytes', true]],
    Pbkdf2Params: [['salt', 'bytes', true], ['iterations', 'ulong', true], ['hash', 'hash', true]],
    Ed448Params: [['context', 'bytes', false]],
  };

  const HASHES = { 'SHA-1': null, 'SHA-256': null, 'SHA-384': null, 'SHA-512': null };
  const RSA = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'];
  const AES = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW'];
  const OKP = ['Ed25519', 'X25519', 'Ed448', 'X448'];
  const table = (pairs) => Object.fromEntries(pairs);
  const SIGN = {
    'RSASSA-PKCS1-v1_5': null, 'RSA-PSS': 'RsaPssParams', ECDSA: 'EcdsaParams', HMAC: null,
    Ed25519: null, Ed448: 'Ed448Params',
  };
  const ENCRYPT = { 'RSA-OAEP': 'RsaOaepParams', 'AES-CTR': 'AesCtrParams', 'AES-CBC': 'AesCbcParams', 'AES-GCM': 'AesGcmParams' };
  const OPS = {
    digest: HASHES,
    generateKey: table([
      ...RSA.map((n) => [n, 'RsaHashedKeyGenParams']), ['ECDSA', 'EcKeyParams'], ['ECDH', 'EcKeyParams'],
      ...OKP.map((n) => [n, null]), ...AES.map((n) => [n, 'AesKeyParams']), ['HMAC', 'HmacParams'],
    ]),
    importKey: table([
      ...RSA.map((n) => [n, 'RsaHashedImportParams']), ['ECDSA', 'EcKeyParams'], ['ECDH', 'EcKeyParams'],
      ...OKP.map((n) => [n, null]), ...AES.map((n) => [n, null]), ['HMAC', 'HmacParams'],
      ['HKDF', null], ['PBKDF2', null],
    ]),
    sign: SIGN,
    verify: SIGN,
    encrypt: ENCRYPT,
    decrypt: ENCRYPT,
    deriveBits: {
      ECDH: 'EcdhKeyDeriveParams', X25519: 'EcdhKeyDeriveParams', X448: 'EcdhKeyDeriveParams',
      HKDF: 'HkdfParams', PBKDF2: 'Pbkdf2Params',
    },
    wrapKey: { 'AES-KW': null },
    'get key length': table([...AES.map((n) => [n, 'AesKeyParams']), ['HMAC', 'HmacParams'], ['HKDF', null], ['PBKDF2', null]]),
  };

  // Returns [normalized dictionary for the host, CryptoKeys it refers to].
  function normalize(op, alg, keys = []) {
    if (typeof alg === 'string') alg = { name: alg };
    else if (alg === null || (typeof alg !== 'object' && typeof alg !== 'function')) {
      throw new TypeError('an algorithm must be a string or an object');
    }
    if (alg.name === undefined) throw new TypeError('an algorithm needs a name');
    const given = String(alg.name);
    const upper = given.toUpperCase();
    const registered = OPS[op];
    const name = Object.keys(registered).find((n) => n.toUpperCase() === upper);
    if (name === undefined) throw domError('NotSupportedError', given + ' is not supported for ' + op);
    const out = { name };
    const dict = registered[name];
    if (dict === null) return [out, keys];
    for (const [member, kind, required] of DICTS[dict]) {
      const v = alg[member];
      if (v === undefined) {
        if (required) throw new TypeError(name + ' needs the ' + member + ' member');
        continue;
      }
      const what = name + ' ' + member;
      switch (kind) {
        case 'bytes': out[member] = bytes(v, what); break;
        case 'bigint':
          if (!(v instanceof Uint8Array)) throw new TypeError(what + ' must be a Uint8Array');
          out[member] = v.slice();
          break;
        case 'ulong': out[member] = enforceRange(v, 0xffffffff, what); break;
        case 'ushort': out[member] = enforceRange(v, 0xffff, what); break;
        case 'octet': out[member] = enforceRange(v, 0xff, what); break;
        case 'string': out[member] = String(v); break;
        case 'hash': out[member] = normalize('digest', v)[0].name; break;
        case 'key': out[member] = handleOf(v); keys.push(v); break;
        default: throw new TypeError('bad dictionary ' + dict);
      }
    }
    return [out, keys];
  }

  function usageList(usages) {
    if (usages === null || typeof usages !== 'object' || typeof usages[Symbol.iterator] !== 'function') {
      throw new TypeError('keyUsages must be a sequence of strings');
    }
    const out = Array.from(usages, String);
    for (const u of out) {
      if (!USAGES.includes(u)) throw new TypeError('unknown key usage ' + u);
    }
    return out;
  }
  const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];

  const JWK_STRINGS = ['kty', 'use', 'alg', 'crv', 'x', 'y', 'd', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
  // A JsonWebKey dictionary: only its known members, converted.
  function jsonWebKey(v) {
    if (v === null || typeof v !== 'object' || isBufferSource(v)) throw new TypeError('a JWK must be an object');
    const out = {};
    for (const k of JWK_STRINGS) if (v[k] !== undefined) out[k] = String(v[k]);
    if (v.key_ops !== undefined) out.key_ops = usageListOf(v.key_ops);
    if (v.ext !== undefined) out.ext = Boolean(v.ext);
    if (v.oth !== undefined) out.oth = [];
    return out;
  }
  function usageListOf(v) {
    if (v === null || typeof v !== 'object' || typeof v[Symbol.iterator] !== 'function') {
      throw new TypeError('JWK key_ops must be a sequence of strings');
    }
    return Array.from(v, String);
  }

  function cloneAlgorithm(a) {
    const out = {};
    for (const k of Object.keys(a)) {
      const v = a[k];
      if (v instanceof Uint8Array) out[k] = v.slice();
      else out[k] = v !== null && typeof v === 'object' ? Object.freeze(cloneAlgorithm(v)) : v;
    }
    return out;
  }

  // ---- CryptoKey -----------------------------------------------------------------------------

  const token = Symbol('CryptoKey');
  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((id) => { try { native.call('crypto.release', id).catch(() => {}); } catch (_) { /* ignore */ } })
    : null;
  let handleOf;

  class CryptoKey {
    #id; #type; #extractable; #algorithm; #usages;
    constructor(t, desc) {
      if (t !== token) throw new TypeError('Illegal constructor');
      const [id, type, algorithm, extractable, usages] = desc;
      this.#id = id;
      this.#type = type;
      this.#algorithm = Object.freeze(cloneAlgorithm(algorithm));
      this.#extractable = extractable;
      this.#usages = Object.freeze(usages.slice());
      if (registry) registry.register(this, id);
    }
    get type() { return this.#type; }
    get extractable() { return this.#extractable; }
    get algorithm() { return this.#algorithm; }
    get usages() { return this.#usages; }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
    static {
      handleOf = (key) => {
        if (key === null || typeof key !== 'object' || !(#id in key)) throw new TypeError('expected a CryptoKey');
        return key.#id;
      };
    }
  }

  const makeKey = (desc) => new CryptoKey(token, desc);
  const makeKeyOrPair = (r) => (Array.isArray(r[0]) ? { publicKey: makeKey(r[0]), privateKey: makeKey(r[1]) } : makeKey(r));

  // ---- SubtleCrypto --------------------------------------------------------------------------

  // Argument errors reject the promise rather than throw.
  const promised = (fn) => function (...args) {
    try { return Promise.resolve(fn.apply(this, args)); } catch (e) { return Promise.reject(e); }
  };

  function bufferOf(u8) { return u8.buffer.byteLength === u8.byteLength ? u8.buffer : u8.slice().buffer; }

  class SubtleCrypto {
    constructor(t) { if (t !== token) throw new TypeError('Illegal constructor'); }
    get [Symbol.toStringTag]() { return 'SubtleCrypto'; }
  }

  // The wrap algorithm: registered for wrapKey (AES-KW) or else for encrypt.
  function wrapAlgorithm(op, algorithm, keys) {
    try {
      return normalize('wrapKey', algorithm, keys);
    } catch (e) {
      if (!(e && e.name === 'NotSupportedError')) throw e;
      return normalize(op, algorithm, keys);
    }
  }

  const subtleMethods = {
    digest(algorithm, data) {
      const [alg] = normalize('digest', algorithm);
      return host('digest', alg.name, bytes(data, 'data')).then(bufferOf);
    },
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      format = keyFormat(format);
      const data = format === 'jwk' ? jsonWebKey(keyData) : bytes(keyData, 'keyData');
      const [alg] = normalize('importKey', algorithm);
      return host('importKey', format, data, alg, Boolean(extractable), usageList(keyUsages)).then(makeKey);
    },
    exportKey(format, key) {
      format = keyFormat(format);
      return hostKeys(key, 'exportKey', format, handleOf(key)).then((r) => (format === 'jwk' ? r : bufferOf(r)));
    },
    generateKey(algorithm, extractable, keyUsages) {
      const [alg] = normalize('generateKey', algorithm);
      return host('generateKey', alg, Boolean(extractable), usageList(keyUsages)).then(makeKeyOrPair);
    },
    sign(algorithm, key, data) {
      const [alg] = normalize('sign', algorithm);
      return hostKeys(key, 'sign', alg, handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    verify(algorithm, key, signature, data) {
      const [alg] = normalize('verify', algorithm);
      return hostKeys(key, 'verify', alg, handleOf(key), bytes(signature, 'signature'), bytes(data, 'data'));
    },
    encrypt(algorithm, key, data) {
      const [alg] = normalize('encrypt', algorithm);
      return hostKeys(key, 'encrypt', alg, handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    decrypt(algorithm, key, data) {
      const [alg] = normalize('decrypt', algorithm);
      return hostKeys(key, 'decrypt', alg, handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    deriveBits(algorithm, baseKey, length = null) {
      const [alg, keys] = normalize('deriveBits', algorithm, [baseKey]);
      const bits = length === null ? null : enforceRange(length, 0xffffffff, 'length');
      return hostKeys(keys, 'deriveBits', alg, handleOf(baseKey), bits).then(bufferOf);
    },
    deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
      const [alg, keys] = normalize('deriveBits', algorithm, [baseKey]);
      const [derived] = normalize('importKey', derivedKeyType);
      Object.assign(derived, normalize('get key length', derivedKeyType)[0]);
      return hostKeys(keys, 'deriveKey', alg, handleOf(baseKey), derived, Boolean(extractable), usageList(keyUsages))
        .then(makeKey);
    },
    wrapKey(format, key, wrappingKey, wrapAlgo) {
      format = keyFormat(format);
      const [alg, keys] = wrapAlgorithm('encrypt', wrapAlgo, [key, wrappingKey]);
      return hostKeys(keys, 'wrapKey', format, handleOf(key), handleOf(wrappingKey), alg).then(bufferOf);
    },
    unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgo, unwrappedKeyAlgorithm, extractable, keyUsages) {
      format = keyFormat(format);
      const [alg, keys] = wrapAlgorithm('decrypt', unwrapAlgo, [unwrappingKey]);
      const [keyAlg] = normalize('importKey', unwrappedKeyAlgorithm);
      return hostKeys(keys, 'unwrapKey', format, bytes(wrappedKey, 'wrappedKey'), handleOf(unwrappingKey), alg, keyAlg,
        Boolean(extractable), usageList(keyUsages)).then(makeKey);
    },
  };
  for (const [name, fn] of Object.entries(subtleMethods)) {
    Object.defineProperty(SubtleCrypto.prototype, name, {
      value: { [name]: promised(fn) }[name], writable: true, configurable: true, enumerable: true,
    });
  }

  // ---- Crypto --------------------------------------------------------------------------------

  const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
    Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

  function randomBytes(n) { return hostSync('random', n); }

  class Crypto {
    #subtle;
    constructor(t) {
      if (t !== token) throw new TypeError('Illegal constructor');
      this.#subtle = new SubtleCrypto(token);
    }
    get subtle() { return this.#subtle; }
    getRandomValues(array) {
      if (!INTEGER_ARRAYS.some((C) => array instanceof C)) {
        if (ArrayBuffer.isView(array)) throw domError('TypeMismatchError', 'getRandomValues needs an integer typed array');
        throw new TypeError('getRandomValues needs an integer typed array');
      }
      if (array.byteLength > 65536) {
        throw domError('QuotaExceededError', 'getRandomValues: at most 65536 bytes, got ' + array.byteLength);
      }
      if (array.byteLength > 0) {
        new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
      }
      return array;
    }
    randomUUID() {
      const b = randomBytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      let h = '';
      for (let i = 0; i < 16; i++) {
        h += (b[i] < 16 ? '0' : '') + b[i].toString(16);
        if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
      }
      return h;
    }
    get [Symbol.toStringTag]() { return 'Crypto'; }
  }

  const crypto = new Crypto(token);
  return { crypto, Crypto, SubtleCrypto, CryptoKey };
})
