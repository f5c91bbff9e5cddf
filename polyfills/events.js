// The `events` API group: Event, EventTarget, CustomEvent, AbortController,
// AbortSignal and DOMException, after the DOM Standard (dom.spec.whatwg.org)
// and WebIDL. There is no node tree here, so an event is dispatched to its
// target alone: eventPhase is AT_TARGET while listeners run, capture listeners
// run before the others, and `bubbles` is kept but has nothing to bubble to.
//
// A listener that throws does not stop the dispatch: the exception is rethrown
// from a microtask, so the context's uncaught-error policy (`on_uncaught`:
// stop the context, or log a warning) sees it, the way a browser reports it.
// All state lives in #private fields; nothing is written onto globalThis.
//
// Other groups reach this one's internals through `native['@events']` (see the
// end of this file): the classes as loaded (a script that later replaces the
// globals does not change what the groups construct) and the dispatch, which
// the `dom` group runs over its node trees with listener lists of its own.
(function install(native, g) {
  'use strict';

  // ---- DOMException ----------------------------------------------------------------------------

  // legacy error names and their codes (WebIDL "DOMException names" table)
  const CODES = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
    InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
    InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19,
    AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  const CONSTANTS = {
    INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
    INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7, NOT_FOUND_ERR: 8,
    NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11, SYNTAX_ERR: 12,
    INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15, VALIDATION_ERR: 16,
    TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20, URL_MISMATCH_ERR: 21,
    QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
  };

  class DOMException extends Error {
    #name;
    #message;

    // new DOMException(message = "", name = "Error"); like Node, the second
    // argument may also be an options object { name, cause }.
    constructor(message = '', options = 'Error') {
      let name = 'Error';
      let cause;
      let hasCause = false;
      if (options !== null && typeof options === 'object') {
        if (options.name !== undefined) name = String(options.name);
        if ('cause' in options) {
          hasCause = true;
          cause = options.cause;
        }
      } else if (options !== undefined) {
        name = String(options);
      }
      super(undefined, hasCause ? { cause } : undefined);
      this.#message = message === undefined ? '' : String(message);
      this.#name = name;
    }

    get name() {
      return this.#name;
    }

    get message() {
      return this.#message;
    }

    get code() {
      return Object.hasOwn(CODES, this.#name) ? CODES[this.#name] : 0;
    }
  }
  for (const [key, value] of Object.entries(CONSTANTS)) {
    Object.defineProperty(DOMException, key, { value, enumerable: true });
    Object.defineProperty(DOMException.prototype, key, { value, enumerable: true });
  }

  const abortError = () => new DOMException('This operation was aborted', 'AbortError');

  // ---- Event -----------------------------------------------------------------------------------

  const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;

  // reach an Event's internal state from the dispatch below
  let isEvent, beginDispatch, enterTarget, endDispatch, setPassive, stopped, immediatelyStopped;

  function dictionary(init, what) {
    if (init === undefined || init === null) return {};
    if (typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError(`${what}: the options must be an object`);
    }
    return init;
  }

  class Event {
    #type;
    #bubbles;
    #cancelable;
    #composed;
    #timeStamp;
    #target = null;
    #currentTarget = null;
    #path = null; // while dispatched: the targets from the target up
    #phase = NONE;
    #canceled = false;
    #passive = false;
    #dispatching = false;
    #stop = false;
    #stopImmediate = false;

    constructor(type, eventInitDict = undefined) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
      }
      const init = dictionary(eventInitDict, "Failed to construct 'Event'");
      this.#type = String(type);
      this.#bubbles = !!init.bubbles;
      this.#cancelable = !!init.cancelable;
      this.#composed = !!init.composed;
      this.#timeStamp = performance.now();
    }

    get type() { return this.#type; }
    get bubbles() { return this.#bubbles; }
    get cancelable() { return this.#cancelable; }
    get composed() { return this.#composed; }
    get target() { return this.#target; }
    get srcElement() { return this.#target; }
    get currentTarget() { return this.#currentTarget; }
    get eventPhase() { return this.#phase; }
    get timeStamp() { return this.#timeStamp; }
    get isTrusted() { return false; }
    get defaultPrevented() { return this.#canceled; }

    get returnValue() { return !this.#canceled; }
    set returnValue(value) { if (!value) this.preventDefault(); }

    get cancelBubble() { return this.#stop; }
    set cancelBubble(value) { if (value) this.#stop = true; }

    composedPath() {
      return this.#dispatching && this.#currentTarget !== null ? this.#path.slice() : [];
    }

    preventDefault() {
      if (this.#cancelable && !this.#passive) this.#canceled = true;
    }

    stopPropagation() {
      this.#stop = true;
    }

    stopImmediatePropagation() {
      this.#stop = true;
      this.#stopImmediate = true;
    }

    static {
      isEvent = (e) => e !== null && typeof e === 'object' && #type in e;
      beginDispatch = (e, target, path, already) => {
        if (e.#dispatching) throw new DOMException(already, 'InvalidStateError');
        e.#dispatching = true;
        e.#target = target;
        e.#path = path;
      };
      enterTarget = (e, current, phase) => {
        e.#currentTarget = current;
        e.#phase = phase;
      };
      endDispatch = (e) => {
        e.#dispatching = false;
        e.#currentTarget = null;
        e.#path = null;
        e.#phase = NONE;
        e.#stop = false;
        e.#stopImmediate = false;
      };
      setPassive = (e, passive) => { e.#passive = passive; };
      stopped = (e) => e.#stop;
      immediatelyStopped = (e) => e.#stopImmediate;
    }
  }
  for (const [key, value] of Object.entries({ NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE })) {
    Object.defineProperty(Event, key, { value, enumerable: true });
    Object.defineProperty(Event.prototype, key, { value, enumerable: true });
  }

  class CustomEvent extends Event {
    #detail;

    constructor(type, eventInitDict = undefined) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
      }
      super(type, eventInitDict);
      const detail = dictionary(eventInitDict, "Failed to construct 'CustomEvent'").detail;
      this.#detail = detail === undefined ? null : detail;
    }

    get detail() { return this.#detail; }
  }

  // ---- EventTarget -----------------------------------------------------------------------------

  // report a listener's exception without interrupting the dispatch
  function report(error) {
    queueMicrotask(() => { throw error; });
  }

  function flattenCapture(options) {
    if (options !== null && typeof options === 'object') return !!options.capture;
    return !!options;
  }

  let isAbortSignal, addAbortAlgorithm, removeAbortAlgorithm;

  // Listener lists: a Map type -> [record] per target, reached through
  // `listenersOf(target, create)`: an EventTarget's own #listeners, or (for
  // the dom group's nodes, which hold no #private fields) the node's own map,
  // made on the first listener. A record is { callback, capture, once,
  // passive, removed, signal, algorithm, handler }; `handler` marks an event
  // handler property's record (`el.onclick`), which addEventListener and
  // removeEventListener never match and whose `false` result cancels.

  function removeListener(target, type, record, listenersOf) {
    record.removed = true;
    const map = listenersOf(target, false);
    const list = map === undefined ? undefined : map.get(type);
    if (list !== undefined) {
      const i = list.indexOf(record);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) map.delete(type);
    }
    if (record.signal) removeAbortAlgorithm(record.signal, record.algorithm);
  }

  function addListener(target, type, callback, options, listenersOf) {
    type = String(type);
    let capture = false, once = false, passive = false, signal = null;
    if (options !== null && typeof options === 'object') {
      capture = !!options.capture;
      once = !!options.once;
      passive = !!options.passive;
      if (options.signal !== undefined) {
        signal = options.signal;
        if (!isAbortSignal(signal)) {
          throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
        }
      }
    } else {
      capture = !!options;
    }
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'Object'.");
    }
    if (signal !== null && signal.aborted) return;
    const map = listenersOf(target, true);
    let list = map.get(type);
    if (list === undefined) {
      list = [];
      map.set(type, list);
    } else if (list.some((r) => !r.handler && r.callback === callback && r.capture === capture)) {
      return;
    }
    const record = { callback, capture, once, passive, removed: false, signal, algorithm: null, handler: false };
    list.push(record);
    if (signal !== null) {
      record.algorithm = () => removeListener(target, type, record, listenersOf);
      addAbortAlgorithm(signal, record.algorithm);
    }
  }

  // the record addEventListener(type, callback, options) made, if any (`type` a string)
  function findListener(target, type, callback, options, listenersOf) {
    const capture = flattenCapture(options);
    const map = listenersOf(target, false);
    const list = map === undefined ? undefined : map.get(type);
    return list === undefined ? undefined : list.find((r) => !r.handler && r.callback === callback && r.capture === capture);
  }

  // run `node`'s listeners of one pass (capture or not) for the event
  function invoke(node, event, phase, capturePass, listenersOf) {
    if (stopped(event)) return;
    const map = listenersOf(node, false);
    const list = map === undefined ? undefined : map.get(event.type);
    if (list === undefined) return;
    enterTarget(event, node, phase);
    for (const record of list.slice()) {
      if (record.removed || record.capture !== capturePass) continue;
      if (record.once) removeListener(node, event.type, record, listenersOf);
      if (record.passive) setPassive(event, true);
      try {
        const callback = record.callback;
        if (record.handler) {
          if (typeof callback === 'function' && callback.call(node, event) === false) event.preventDefault();
        } else if (typeof callback === 'function') {
          callback.call(node, event);
        } else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== 'function') {
            throw new TypeError("The listener's handleEvent is not a function.");
          }
          handleEvent.call(callback, event);
        }
      } catch (error) {
        report(error);
      }
      setPassive(event, false);
      if (immediatelyStopped(event)) return;
    }
  }

  // Dispatch `event` along `path` (the target first, then its ancestors):
  // capture listeners from the root down, the target's capture listeners then
  // its others, then (when the event bubbles) the others from the target up.
  // `first(event)`, if given, runs at the target before any listener (the
  // global's `on<event>` handler property).
  function dispatchPath(target, event, path, listenersOf, already, first = undefined) {
    if (!isEvent(event)) {
      throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    }
    beginDispatch(event, target, path, already);
    try {
      enterTarget(event, target, AT_TARGET);
      if (first !== undefined && !stopped(event)) {
        try { first(event); } catch (error) { report(error); }
      }
      for (let i = path.length - 1; i > 0; i--) invoke(path[i], event, CAPTURING_PHASE, true, listenersOf);
      invoke(target, event, AT_TARGET, true, listenersOf);
      invoke(target, event, AT_TARGET, false, listenersOf);
      if (event.bubbles) {
        for (let i = 1; i < path.length; i++) invoke(path[i], event, BUBBLING_PHASE, false, listenersOf);
      }
    } finally {
      endDispatch(event);
    }
    return !event.defaultPrevented;
  }

  let ownListeners;

  class EventTarget {
    #listeners = new Map(); // type -> [record]

    addEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required.");
      }
      addListener(this, type, callback, options, ownListeners);
    }

    removeEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) {
        throw new TypeError("Failed to execute 'removeEventListener' on 'EventTarget': 2 arguments required.");
      }
      type = String(type);
      const record = findListener(this, type, callback, options, ownListeners);
      if (record) removeListener(this, type, record, ownListeners);
    }

    dispatchEvent(event) {
      return dispatchPath(this, event, [this], ownListeners, 'The event is already being dispatched.');
    }

    static {
      ownListeners = (target) => target.#listeners;
    }
  }

  // ---- AbortSignal and AbortController ---------------------------------------------------------

  const KEY = Symbol('AbortSignal');
  let newSignal, signalAbort;

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #algorithms = new Set();
    #onabort = null;
    #onabortListener = null;
    #dependent = false;
    #sources = new Set(); // of a dependent signal (AbortSignal.any): the signals it follows
    #dependents = new Set(); // the dependent signals that follow this one

    constructor(key = undefined) {
      if (key !== KEY) throw new TypeError('Illegal constructor');
      super();
    }

    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }

    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }

    get onabort() { return this.#onabort; }
    set onabort(value) {
      this.#onabort = typeof value === 'function' ? value : null;
      if (this.#onabort === null) {
        if (this.#onabortListener !== null) {
          this.removeEventListener('abort', this.#onabortListener);
          this.#onabortListener = null;
        }
      } else if (this.#onabortListener === null) {
        // the handler keeps the place where it was first set among the listeners
        this.#onabortListener = (event) => {
          const handler = this.#onabort;
          if (typeof handler === 'function' && handler.call(this, event) === false) event.preventDefault();
        };
        this.addEventListener('abort', this.#onabortListener);
      }
    }

    static abort(reason = undefined) {
      const signal = new AbortSignal(KEY);
      signal.#aborted = true;
      signal.#reason = reason === undefined ? abortError() : reason;
      return signal;
    }

    static timeout(milliseconds) {
      const ms = Number(milliseconds);
      if (arguments.length < 1 || !Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
        throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': the delay must be a non-negative finite number.");
      }
      const signal = new AbortSignal(KEY);
      setTimeout(() => signalAbort(signal, new DOMException('The operation timed out.', 'TimeoutError')), Math.trunc(ms));
      return signal;
    }

    static any(signals) {
      if (signals === null || signals === undefined || typeof signals[Symbol.iterator] !== 'function') {
        throw new TypeError("Failed to execute 'any' on 'AbortSignal': the argument is not iterable.");
      }
      const list = [...signals];
      for (const s of list) {
        if (!isAbortSignal(s)) {
          throw new TypeError("Failed to execute 'any' on 'AbortSignal': an element is not an AbortSignal.");
        }
      }
      const result = new AbortSignal(KEY);
      for (const s of list) {
        if (s.#aborted) {
          result.#aborted = true;
          result.#reason = s.#reason;
          return result;
        }
      }
      result.#dependent = true;
      for (const s of list) {
        // follow the sources of a dependent signal, not the signal itself
        for (const source of s.#dependent ? s.#sources : [s]) {
          result.#sources.add(source);
          source.#dependents.add(result);
        }
      }
      return result;
    }

    static {
      isAbortSignal = (s) => s !== null && typeof s === 'object' && #aborted in s;
      newSignal = () => new AbortSignal(KEY);
      addAbortAlgorithm = (s, algorithm) => { s.#algorithms.add(algorithm); };
      removeAbortAlgorithm = (s, algorithm) => { s.#algorithms.delete(algorithm); };
      const runAbortSteps = (s) => {
        const algorithms = [...s.#algorithms];
        s.#algorithms.clear();
        for (const algorithm of algorithms) algorithm();
        dispatchPath(s, new Event('abort'), [s], ownListeners, 'The event is already being dispatched.');
      };
      const detach = (s) => {
        for (const source of s.#sources) source.#dependents.delete(s);
        s.#sources.clear();
      };
      signalAbort = (s, reason) => {
        if (s.#aborted) return;
        s.#aborted = true;
        s.#reason = reason === undefined ? abortError() : reason;
        const toAbort = [];
        for (const d of s.#dependents) {
          if (!d.#aborted) {
            d.#aborted = true;
            d.#reason = s.#reason;
            toAbort.push(d);
          }
        }
        s.#dependents.clear();
        detach(s);
        runAbortSteps(s);
        for (const d of toAbort) {
          detach(d);
          runAbortSteps(d);
        }
      };
    }
  }
  for (const C of [Event, CustomEvent, EventTarget, AbortSignal, DOMException]) {
    Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  }

  class AbortController {
    #signal = newSignal();

    get signal() { return this.#signal; }

    abort(reason = undefined) {
      signalAbort(this.#signal, reason);
    }
  }
  Object.defineProperty(AbortController.prototype, Symbol.toStringTag, { value: 'AbortController', configurable: true });

  // What other groups use (polyfills/shared.events.js finds it), as an own
  // property of `native`, which is private to polyfills. Defined by a class
  // field (on the object the base constructor returns), not through
  // Object.defineProperty or a plain assignment: a function or a setter a
  // script put in place before this group loaded would be handed `native`.
  const internals = {
    __proto__: null,
    Event, EventTarget, CustomEvent, AbortController, AbortSignal, DOMException, isEvent,
    addListener, findListener, removeListener, dispatchPath,
  };
  class Carrier { constructor(o) { return o; } }
  class Publish extends Carrier {
    '@events' = internals;
    constructor(o) { super(o); }
  }
  new Publish(native);

  return { Event, EventTarget, CustomEvent, AbortController, AbortSignal, DOMException };
})
