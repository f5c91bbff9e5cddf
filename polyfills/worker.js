// The `worker` API group: Worker (HTML Standard, "Web workers"), as a sibling
// context on the same pool, and ErrorEvent.
//
// `new Worker(source)` takes the worker's JavaScript as a plain script string
// or a `data:` URL (`data:text/javascript,...`, percent-encoded or
// `;base64`); other URLs (http:, blob:, files) are not fetched. The Python
// side (`worker.ops`) spawns the sibling with the parent's API groups and
// limits, evaluates an init script that installs the worker scope
// (`self`, `postMessage`, `onmessage`, `addEventListener`, `close`) and then
// the source. Messages are structured-cloned at postMessage time and flow in
// batches, one host call in flight per direction and context, so they keep
// their order; messages posted before the worker is up are queued.
//
// Errors: an exception thrown by a `message` listener / `onmessage` inside the
// worker is caught and fires an `error` ErrorEvent on the Worker object (the
// worker goes on). An error in the top-level script, or one thrown anywhere
// else (a timer callback), ends the worker and fires `error` too, as does a
// worker stopped by its limits (timeout, memory).
//
// State lives in closures and #private fields; nothing is written onto globalThis.
// @shared messageEvent
(function install(native, g, shared) {
  'use strict';

  const { EventTarget, Event, DOMException } = shared.events(true);
  const MessageEvent = shared.messageEvent();

  class ErrorEvent extends Event {
    #message; #filename; #lineno; #colno; #error;

    constructor(type, init = {}) {
      if (arguments.length < 1) throw new TypeError("ErrorEvent: 1 argument required, but only 0 present.");
      if (init === null || init === undefined) init = {};
      super(type, init);
      this.#message = init.message === undefined ? '' : String(init.message);
      this.#filename = init.filename === undefined ? '' : String(init.filename);
      this.#lineno = init.lineno === undefined ? 0 : Number(init.lineno) >>> 0;
      this.#colno = init.colno === undefined ? 0 : Number(init.colno) >>> 0;
      this.#error = init.error;
    }

    get message() { return this.#message; }
    get filename() { return this.#filename; }
    get lineno() { return this.#lineno; }
    get colno() { return this.#colno; }
    get error() { return this.#error; }
  }
  Object.defineProperty(ErrorEvent.prototype, Symbol.toStringTag, { value: 'ErrorEvent', configurable: true });

  const clone = (value) => {
    try {
      return structuredClone(value);
    } catch (e) {
      throw new DOMException(`postMessage: ${e && e.message}`, 'DataCloneError');
    }
  };

  // An ordered outbox drained by one host call at a time. `push.idle()`
  // settles once everything pushed so far (and after) has been handed over.
  const outbox = (handler) => {
    let queue = [];
    let busy = null; // the running drain
    const drain = async () => {
      try {
        while (queue.length) {
          const batch = queue;
          queue = [];
          try {
            await native.call(handler, batch);
          } catch (e) {
            // the other side is gone: nothing more can be delivered
          }
        }
      } finally {
        busy = null;
      }
    };
    const push = (item) => {
      queue.push(item);
      if (busy === null) busy = drain();
    };
    push.idle = () => (busy === null ? Promise.resolve() : busy.then(() => push.idle()));
    return push;
  };

  // on<type> event handler attributes kept as listeners on the target
  const handlerAttribute = (proto, type, getStore) => {
    Object.defineProperty(proto, 'on' + type, {
      get() { const e = getStore(this).get(type); return e === undefined ? null : e.fn; },
      set(fn) {
        const store = getStore(this);
        const old = store.get(type);
        if (old !== undefined) { this.removeEventListener(type, old.listener); store.delete(type); }
        if (typeof fn === 'function') {
          const entry = { fn, listener: (ev) => fn.call(this, ev) };
          store.set(type, entry);
          this.addEventListener(type, entry.listener);
        }
      },
      enumerable: true,
      configurable: true,
    });
  };

  // ---- the parent side: Worker -----------------------------------------------------------------

  const workers = new Map(); // id -> Worker (running)
  let nextId = 1;
  const ops = outbox('worker.ops'); // ['create' | 'send' | 'terminate', id, ...]
  let onWorkerEvent; // (worker, msg): set by Worker's static block

  class Worker extends EventTarget {
    #id;
    #terminated = false;
    #handlers = new Map();

    constructor(source, options = undefined) {
      if (arguments.length < 1) throw new TypeError("Worker: 1 argument required, but only 0 present.");
      super();
      const text = String(source);
      const name = options && options.name !== undefined ? String(options.name) : '';
      if (options && options.type !== undefined && options.type !== 'classic') {
        throw new TypeError('Worker: only classic workers are supported');
      }
      this.#id = nextId++;
      workers.set(this.#id, this);
      ops(['create', this.#id, text, name]);
    }

    postMessage(message, transfer = undefined) {
      if (arguments.length < 1) throw new TypeError("Worker.postMessage: 1 argument required, but only 0 present.");
      const data = clone(message);
      if (this.#terminated) return;
      ops(['send', this.#id, data]);
    }

    terminate() {
      if (this.#terminated) return;
      this.#terminated = true;
      workers.delete(this.#id);
      ops(['terminate', this.#id]);
    }

    static {
      onWorkerEvent = (w, msg) => {
        if (msg.t === 'message') {
          for (const data of msg.data) {
            if (w.#terminated) return;
            w.dispatchEvent(new MessageEvent('message', { data }));
          }
        } else if (msg.t === 'error') {
          if (w.#terminated) return;
          w.dispatchEvent(new ErrorEvent('error', {
            message: msg.message, filename: msg.filename || '', lineno: msg.lineno || 0, cancelable: true,
          }));
        } else if (msg.t === 'exit') {
          w.#terminated = true;
          workers.delete(w.#id);
        }
      };
    }
  }
  for (const type of ['message', 'messageerror', 'error']) {
    handlerAttribute(Worker.prototype, type, (w) => handlerStore(w));
  }
  const stores = new WeakMap();
  const handlerStore = (obj) => {
    let s = stores.get(obj);
    if (s === undefined) stores.set(obj, (s = new Map()));
    return s;
  };
  Object.defineProperty(Worker.prototype, Symbol.toStringTag, { value: 'Worker', configurable: true });

  // ---- the worker side: the scope the init script installs ------------------------------------

  let scopeTarget = null; // EventTarget of the worker scope, once installed
  const toParent = outbox('worker.post');

  const report = (e) => {
    const info = { message: e instanceof Error ? `${e.name}: ${e.message}` : `Uncaught ${String(e)}` };
    native.call('worker.error', info).catch(() => {});
  };

  const makeScope = () => {
    const target = new EventTarget();
    const wrappers = new WeakMap(); // listener -> wrapper that reports what it throws
    const wrap = (listener) => {
      let w = wrappers.get(listener);
      if (w === undefined) {
        w = function (ev) {
          try {
            if (typeof listener === 'function') listener.call(g, ev);
            else listener.handleEvent(ev);
          } catch (e) {
            report(e);
          }
        };
        wrappers.set(listener, w);
      }
      return w;
    };
    let onmessage = null, onmessageWrapper = null;
    const scope = {
      postMessage(message) {
        if (arguments.length < 1) throw new TypeError("postMessage: 1 argument required, but only 0 present.");
        toParent(clone(message));
      },
      close() {
        // Host calls run concurrently on the Python side: a close sent while
        // messages are still on their way could overtake them. Messages
        // posted before close() are delivered first.
        toParent.idle().then(() => native.call('worker.close')).catch(() => {});
      },
      addEventListener(type, listener, options) {
        if (listener === null || listener === undefined) return;
        target.addEventListener(type, wrap(listener), options);
      },
      removeEventListener(type, listener, options) {
        if (listener === null || listener === undefined) return;
        const w = wrappers.get(listener);
        if (w !== undefined) target.removeEventListener(type, w, options);
      },
      dispatchEvent(ev) {
        return target.dispatchEvent(ev);
      },
      getOnmessage() { return onmessage; },
      setOnmessage(fn) {
        if (onmessageWrapper !== null) target.removeEventListener('message', onmessageWrapper);
        onmessage = typeof fn === 'function' ? fn : null;
        onmessageWrapper = onmessage === null ? null : wrap((ev) => onmessage.call(g, ev));
        if (onmessageWrapper !== null) target.addEventListener('message', onmessageWrapper);
      },
    };
    return { target, scope };
  };

  // One shot, and only in a context the pool spawned as a worker.
  Object.defineProperty(Worker, Symbol.for('actors.worker.scope'), {
    value() {
      if (scopeTarget !== null || native.callSync('worker.isWorker') !== true) {
        throw new TypeError('not a worker context');
      }
      const { target, scope } = makeScope();
      scopeTarget = target;
      return scope;
    },
  });

  native.on('worker', (msg) => {
    if (msg.to === 'scope') {
      if (scopeTarget === null) return;
      for (const data of msg.data) scopeTarget.dispatchEvent(new MessageEvent('message', { data }));
    } else {
      const w = workers.get(msg.id);
      if (w !== undefined) onWorkerEvent(w, msg);
    }
  });

  return { Worker, ErrorEvent };
})
