/* The `crypto` group: crypto.getRandomValues, crypto.randomUUID, crypto.subtle.
 *
 * The cryptography runs on the Python side (actors/apis/crypto.py). Key
 * material never enters this heap: a CryptoKey holds the integer handle of its
 * entry in the context's key table in a private field, and the handle is
 * released when the key is garbage collected. */
(function install(native, g) {
  'use strict';

  const DOMErrorNames = new Set([
    'NotSupportedError', 'InvalidAccessError', 'OperationError', 'DataError',
    'SyntaxError', 'QuotaExceededError', 'TypeMismatchError', 'InvalidCharacterError',
  ]);

  function domError(name, message) {
    if (typeof g.DOMException === 'function') {
      try { return new g.DOMException(message, name); } catch (_) { /* fall through */ }
    }
    const e = new Error(message);
    e.name = name;
    return e;
  }

  // A host error (an Error named after the Python exception class) as the web error.
  function webError(err) {
    const name = err && err.name;
    const message = err && err.message !== undefined ? String(err.message) : String(err);
    if (DOMErrorNames.has(name)) return domError(name, message);
    if (name === 'TypeError') return new TypeError(message);
    return domError('OperationError', message);
  }

  const host = (name, ...args) => native.call('crypto.' + name, ...args).catch((e) => { throw webError(e); });
  // The same, keeping `key` alive (so its handle is not released) until the call is answered.
  const hostKey = (key, name, ...args) => host(name, ...args).finally(() => key);

  function hostSync(name, ...args) {
    try { return native.callSync('crypto.' + name, ...args); } catch (e) { throw webError(e); }
  }

  // ---- argument normalisation --------------------------------------------------------------

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

  const BYTE_FIELDS = ['iv', 'additionalData', 'salt', 'info'];
  const NUMBER_FIELDS = ['length', 'tagLength', 'iterations'];

  function normalizeAlgorithm(alg) {
    if (typeof alg === 'string') return { name: alg };
    if (alg === null || typeof alg !== 'object') throw new TypeError('an algorithm must be a string or an object');
    if (alg.name === undefined) throw new TypeError('an algorithm needs a name');
    const out = { name: String(alg.name) };
    if (alg.hash !== undefined) {
      const h = typeof alg.hash === 'string' ? alg.hash : alg.hash && alg.hash.name;
      if (typeof h !== 'string') throw new TypeError('the algorithm hash must be a string or {name}');
      out.hash = h;
    }
    if (alg.namedCurve !== undefined) out.namedCurve = String(alg.namedCurve);
    for (const f of NUMBER_FIELDS) {
      if (alg[f] !== undefined && alg[f] !== null) out[f] = Number(alg[f]);
    }
    for (const f of BYTE_FIELDS) {
      if (alg[f] !== undefined) out[f] = bytes(alg[f], f);
    }
    return out;
  }

  function usageList(usages) {
    if (usages === null || typeof usages !== 'object' || typeof usages[Symbol.iterator] !== 'function') {
      throw new TypeError('keyUsages must be a sequence of strings');
    }
    return Array.from(usages, String);
  }

  function cloneAlgorithm(a) {
    const out = {};
    for (const k of Object.keys(a)) {
      out[k] = a[k] !== null && typeof a[k] === 'object' ? cloneAlgorithm(a[k]) : a[k];
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
      this.#usages = usages.slice();
      if (registry) registry.register(this, id);
    }
    get type() { return this.#type; }
    get extractable() { return this.#extractable; }
    get algorithm() { return this.#algorithm; }
    get usages() { return this.#usages.slice(); }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
    static {
      handleOf = (key) => {
        if (key === null || typeof key !== 'object' || !(#id in key)) throw new TypeError('expected a CryptoKey');
        return key.#id;
      };
    }
  }

  const makeKey = (desc) => new CryptoKey(token, desc);

  // ---- SubtleCrypto --------------------------------------------------------------------------

  // Argument errors reject the promise rather than throw.
  const promised = (fn) => function (...args) {
    try { return Promise.resolve(fn.apply(this, args)); } catch (e) { return Promise.reject(e); }
  };

  const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

  function bufferOf(u8) { return u8.buffer.byteLength === u8.byteLength ? u8.buffer : u8.slice().buffer; }

  class SubtleCrypto {
    constructor(t) { if (t !== token) throw new TypeError('Illegal constructor'); }
    get [Symbol.toStringTag]() { return 'SubtleCrypto'; }
  }

  const subtleMethods = {
    digest(algorithm, data) {
      const alg = normalizeAlgorithm(algorithm);
      if (!HASHES.includes(alg.name.toUpperCase())) throw domError('NotSupportedError', 'unsupported digest ' + alg.name);
      return host('digest', alg.name.toUpperCase(), bytes(data, 'data')).then(bufferOf);
    },
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      format = String(format);
      const alg = normalizeAlgorithm(algorithm);
      let data;
      if (format === 'jwk') {
        if (keyData === null || typeof keyData !== 'object' || isBufferSource(keyData)) throw new TypeError('a JWK must be an object');
        data = {};
        for (const k of ['kty', 'k', 'crv', 'x', 'y', 'd', 'alg']) if (typeof keyData[k] === 'string') data[k] = keyData[k];
        if (typeof keyData.ext === 'boolean') data.ext = keyData.ext;
      } else if (format === 'raw' || format === 'spki' || format === 'pkcs8') {
        data = bytes(keyData, 'keyData');
      } else {
        throw new TypeError('unknown key format ' + format);
      }
      return host('importKey', format, data, alg, Boolean(extractable), usageList(keyUsages)).then(makeKey);
    },
    exportKey(format, key) {
      format = String(format);
      if (!['raw', 'jwk', 'spki', 'pkcs8'].includes(format)) throw new TypeError('unknown key format ' + format);
      return hostKey(key, 'exportKey', format, handleOf(key)).then((r) => (format === 'jwk' ? r : bufferOf(r)));
    },
    generateKey(algorithm, extractable, keyUsages) {
      return host('generateKey', normalizeAlgorithm(algorithm), Boolean(extractable), usageList(keyUsages))
        .then((r) => (Array.isArray(r[0]) ? { publicKey: makeKey(r[0]), privateKey: makeKey(r[1]) } : makeKey(r)));
    },
    sign(algorithm, key, data) {
      return hostKey(key, 'sign', normalizeAlgorithm(algorithm), handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    verify(algorithm, key, signature, data) {
      return hostKey(key, 'verify', normalizeAlgorithm(algorithm), handleOf(key), bytes(signature, 'signature'), bytes(data, 'data'));
    },
    encrypt(algorithm, key, data) {
      return hostKey(key, 'encrypt', normalizeAlgorithm(algorithm), handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    decrypt(algorithm, key, data) {
      return hostKey(key, 'decrypt', normalizeAlgorithm(algorithm), handleOf(key), bytes(data, 'data')).then(bufferOf);
    },
    deriveBits(algorithm, baseKey, length) {
      if (length === null || length === undefined) throw domError('OperationError', 'deriveBits needs a length');
      return hostKey(baseKey, 'deriveBits', normalizeAlgorithm(algorithm), handleOf(baseKey), Number(length)).then(bufferOf);
    },
    deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
      return hostKey(baseKey, 'deriveKey', normalizeAlgorithm(algorithm), handleOf(baseKey), normalizeAlgorithm(derivedKeyType),
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
