/* The `locks` group: navigator.locks (w3c.github.io/web-locks), LockManager, Lock.
 *
 * Locks are held by the pool-wide lock manager on the Python side
 * (actors/apis/locks.py), so lock names are shared by every context of the
 * pool. A request is made with a synchronous host call; a queued one is
 * granted later by an internal message {grant: id}, and a stolen lock is
 * announced by {stolen: id}. The lock is released when the promise returned
 * by the callback settles. `navigator` here is minimal: {locks, userAgent}. */
// @shared domError
(function install(native, g, shared) {
  'use strict';

  const domError = shared.domError;

  const abortReason = (signal) => (signal.reason !== undefined ? signal.reason
    : domError('AbortError', 'The lock request was aborted'));

  // id -> {granted(), stolen()} for queued and held requests of this context
  const waiting = new Map();
  native.on('locks', (msg) => {
    if (msg === null || typeof msg !== 'object') return;
    const entry = waiting.get(msg.grant !== undefined ? msg.grant : msg.stolen);
    if (entry === undefined) return;
    if (msg.grant !== undefined) entry.granted();
    else entry.stolen();
  });

  let constructing = false;

  class Lock {
    #name;
    #mode;
    constructor(name, mode) {
      if (!constructing) throw new TypeError('Illegal constructor');
      this.#name = name;
      this.#mode = mode;
    }
    get name() { return this.#name; }
    get mode() { return this.#mode; }
    get [Symbol.toStringTag]() { return 'Lock'; }
  }

  function newLock(name, mode) {
    constructing = true;
    try { return new Lock(name, mode); } finally { constructing = false; }
  }

  let managerMade = false;

  class LockManager {
    constructor() {
      if (managerMade) throw new TypeError('Illegal constructor');
      managerMade = true;
    }

    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        if (arguments.length < 2) throw new TypeError("LockManager.request: 2 arguments required");
        if (callback === undefined) { callback = options; options = {}; }
        if (typeof callback !== 'function') throw new TypeError('LockManager.request: the callback must be a function');
        if (options === undefined || options === null) options = {};
        if (typeof options !== 'object') throw new TypeError('LockManager.request: options must be an object');
        name = String(name);
        const mode = options.mode === undefined ? 'exclusive' : String(options.mode);
        if (mode !== 'exclusive' && mode !== 'shared') {
          throw new TypeError(`LockManager.request: '${mode}' is not a valid lock mode`);
        }
        const ifAvailable = Boolean(options.ifAvailable);
        const steal = Boolean(options.steal);
        const signal = options.signal === undefined ? undefined : options.signal;
        if (name.startsWith('-')) throw domError('NotSupportedError', "lock names starting with '-' are reserved");
        if (steal && ifAvailable) throw domError('NotSupportedError', 'steal and ifAvailable cannot be used together');
        if (steal && mode !== 'exclusive') throw domError('NotSupportedError', 'steal requires an exclusive lock');
        if (signal !== undefined && (steal || ifAvailable)) {
          throw domError('NotSupportedError', 'signal cannot be used with steal or ifAvailable');
        }
        if (signal !== undefined && signal !== null && signal.aborted) throw abortReason(signal);

        const [id, status] = native.callSync('locks.request', name, mode, ifAvailable, steal);
        let settled = false;
        const settle = (fn, value) => { if (!settled) { settled = true; fn(value); } };

        const run = (lock) => {
          let result;
          try {
            result = Promise.resolve(callback(lock));
          } catch (e) {
            result = Promise.reject(e);
          }
          result.then(
            (v) => { done(); settle(resolve, v); },
            (e) => { done(); settle(reject, e); },
          );
        };
        const done = () => {
          if (lock === null) return;
          waiting.delete(id);
          try { native.callSync('locks.release', id); } catch (_) { /* the context is going away */ }
        };
        let lock = null;

        if (status === 'unavailable') { run(null); return; }

        let onAbort = null;
        const entry = {
          granted() {
            if (onAbort !== null) { signal.removeEventListener('abort', onAbort); onAbort = null; }
            lock = newLock(name, mode);
            run(lock);
          },
          stolen() {
            waiting.delete(id);
            settle(reject, domError('AbortError', `the lock '${name}' was stolen`));
          },
        };
        waiting.set(id, entry);
        if (status === 'granted') { entry.granted(); return; }
        if (signal !== undefined && signal !== null && typeof signal.addEventListener === 'function') {
          onAbort = () => {
            onAbort = null;
            if (native.callSync('locks.abort', id)) {
              waiting.delete(id);
              settle(reject, abortReason(signal));
            }
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
      });
    }

    query() {
      return native.call('locks.query');
    }

    get [Symbol.toStringTag]() { return 'LockManager'; }
  }

  const locks = new LockManager();
  const navigator = Object.freeze({ locks, userAgent: 'actors' });
  return { navigator, LockManager, Lock };
})
