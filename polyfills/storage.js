/* The `storage` group: localStorage, sessionStorage and the Storage interface
 * (html.spec.whatwg.org "Web storage").
 *
 * localStorage is kept on the Python side (actors/apis/storage.py), in SQLite,
 * shared by the pool's contexts of one origin; every operation is a
 * synchronous host call. sessionStorage is per context and lives here, in a
 * Map. Both are Proxies over a Storage object so that `localStorage.foo`,
 * `localStorage.foo = 'x'`, `delete localStorage.foo` and
 * `Object.keys(localStorage)` reach the items. Quota: 5 MiB counted as the
 * sum of key and value lengths in characters. */
// @shared domError
(function install(native, g, shared) {
  'use strict';

  const domError = shared.domError;

  function hostSync(name, ...args) {
    try {
      return native.callSync('storage.' + name, ...args);
    } catch (e) {
      if (e && e.name === 'QuotaExceededError') throw domError('QuotaExceededError', String(e.message));
      if (e && e.name === 'TypeError') throw new TypeError(String(e.message));
      throw e;
    }
  }

  // the two kinds of backing store, behind one small interface
  const localBackend = {
    get: (k) => hostSync('get', k),
    has: (k) => hostSync('get', k) !== null,
    set: (k, v) => { hostSync('set', k, v); },
    remove: (k) => { hostSync('remove', k); },
    clear: () => { hostSync('clear'); },
    keys: () => hostSync('keys'),
    length: () => hostSync('length'),
  };

  const QUOTA = 5 * 1024 * 1024;

  function sessionBackend() {
    const items = new Map();
    let used = 0;
    return {
      get: (k) => (items.has(k) ? items.get(k) : null),
      has: (k) => items.has(k),
      set: (k, v) => {
        const old = items.has(k) ? k.length + items.get(k).length : 0;
        const next = used - old + k.length + v.length;
        if (next > QUOTA) {
          throw domError('QuotaExceededError', 'setting ' + JSON.stringify(k) + ' would exceed the storage quota');
        }
        items.set(k, v);
        used = next;
      },
      remove: (k) => {
        if (items.has(k)) { used -= k.length + items.get(k).length; items.delete(k); }
      },
      clear: () => { items.clear(); used = 0; },
      keys: () => Array.from(items.keys()),
      length: () => items.size,
    };
  }

  // exposed object (the Proxy) -> backend
  const backends = new WeakMap();
  let constructing = false;

  function backendOf(obj) {
    const b = backends.get(obj);
    if (b === undefined) throw new TypeError('Illegal invocation');
    return b;
  }

  function needArgs(n, got, what) {
    if (got < n) throw new TypeError(`Failed to execute '${what}' on 'Storage': ${n} argument${n > 1 ? 's' : ''} required, but only ${got} present.`);
  }

  class Storage {
    constructor() {
      if (!constructing) throw new TypeError('Illegal constructor');
    }
    get length() { return backendOf(this).length(); }
    key(index) {
      needArgs(1, arguments.length, 'key');
      const b = backendOf(this);
      const i = Number(index) >>> 0;
      const keys = b.keys();
      return i < keys.length ? keys[i] : null;
    }
    getItem(key) {
      needArgs(1, arguments.length, 'getItem');
      return backendOf(this).get(String(key));
    }
    setItem(key, value) {
      needArgs(2, arguments.length, 'setItem');
      backendOf(this).set(String(key), String(value));
    }
    removeItem(key) {
      needArgs(1, arguments.length, 'removeItem');
      backendOf(this).remove(String(key));
    }
    clear() { backendOf(this).clear(); }
    get [Symbol.toStringTag]() { return 'Storage'; }
  }

  // A string property that names an item rather than something of Storage.prototype.
  const isItemName = (target, prop) => typeof prop === 'string' && !(prop in target);

  function makeStorage(backend) {
    constructing = true;
    let target;
    try { target = new Storage(); } finally { constructing = false; }
    const proxy = new Proxy(target, {
      get(t, prop, receiver) {
        if (isItemName(t, prop)) {
          const v = backend.get(prop);
          return v === null ? undefined : v;
        }
        return Reflect.get(t, prop, receiver);
      },
      set(t, prop, value, receiver) {
        if (typeof prop !== 'string') return Reflect.set(t, prop, value, receiver);
        backend.set(prop, String(value));
        return true;
      },
      has(t, prop) {
        if (isItemName(t, prop) && backend.has(prop)) return true;
        return Reflect.has(t, prop);
      },
      deleteProperty(t, prop) {
        if (typeof prop === 'string' && backend.has(prop)) { backend.remove(prop); return true; }
        return Reflect.deleteProperty(t, prop);
      },
      ownKeys(t) {
        return [...backend.keys(), ...Reflect.ownKeys(t)];
      },
      getOwnPropertyDescriptor(t, prop) {
        if (isItemName(t, prop)) {
          const v = backend.get(prop);
          if (v !== null) return { value: v, writable: true, enumerable: true, configurable: true };
        }
        return Reflect.getOwnPropertyDescriptor(t, prop);
      },
      defineProperty(t, prop, desc) {
        if (typeof prop !== 'string') return Reflect.defineProperty(t, prop, desc);
        if (desc.configurable === false || 'get' in desc || 'set' in desc) return false;
        backend.set(prop, String(desc.value));
        return true;
      },
    });
    backends.set(proxy, backend);
    backends.set(target, backend);
    return proxy;
  }

  const localStorage = makeStorage(localBackend);
  const sessionStorage = makeStorage(sessionBackend());
  return { localStorage, sessionStorage, Storage };
})
