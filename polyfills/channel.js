// The `channel` API group: BroadcastChannel (HTML Standard, "Broadcasting to
// other browsing contexts") and MessageEvent, between the contexts of a pool.
//
// A message is structured-cloned at postMessage time (only values the
// context's msgpack bridge can carry cross), queued in a per-context outbox
// and handed to the pool-wide hub on the Python side (`channel.post`) one
// batch at a time, so messages of one context arrive everywhere in the order
// they were posted. The hub delivers to every other open BroadcastChannel of
// the same name in any context of the pool (the sending object excluded,
// other objects in the sending context included) through
// `native.on('channel')`, so delivery is always asynchronous.
// State lives in closures and #private fields; nothing is written onto globalThis.
// @shared messageEvent
(function install(native, g, shared) {
  'use strict';

  const { EventTarget, DOMException } = shared.events(true);

  const MessageEvent = shared.messageEvent();

  // ---- BroadcastChannel ------------------------------------------------------------------------

  const channels = new Map(); // id -> BroadcastChannel (open ones)
  let nextId = 1;
  let outbox = []; // [id, data] in post order
  let flushing = false;

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      while (outbox.length) {
        const batch = outbox;
        outbox = [];
        try {
          await native.call('channel.post', batch);
        } catch (e) {
          // the hub is gone (pool stopping): nothing more can be delivered
        }
      }
    } finally {
      flushing = false;
    }
  }

  const deliver = (messages) => {
    for (const [id, data] of messages) {
      const ch = channels.get(id);
      if (ch !== undefined) deliverTo(ch, data);
    }
  };
  let deliverTo; // (channel, data): set by BroadcastChannel's static block
  native.on('channel', deliver);

  const isCallable = (v) => typeof v === 'function';

  class BroadcastChannel extends EventTarget {
    #name;
    #id;
    #closed = false;
    #onmessage = null;
    #onmessageerror = null;

    constructor(name) {
      if (arguments.length < 1) {
        throw new TypeError("BroadcastChannel: 1 argument required, but only 0 present.");
      }
      super();
      this.#name = String(name);
      this.#id = nextId++;
      channels.set(this.#id, this);
      native.callSync('channel.open', this.#id, this.#name);
    }

    get name() { return this.#name; }

    postMessage(message) {
      if (arguments.length < 1) {
        throw new TypeError("BroadcastChannel.postMessage: 1 argument required, but only 0 present.");
      }
      if (this.#closed) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
      let data;
      try {
        data = structuredClone(message);
      } catch (e) {
        throw new DOMException(`BroadcastChannel.postMessage: ${e && e.message}`, 'DataCloneError');
      }
      outbox.push([this.#id, data]);
      flush();
    }

    close() {
      if (this.#closed) return;
      this.#closed = true;
      channels.delete(this.#id);
      try {
        native.callSync('channel.close', this.#id);
      } catch (e) {
        // the hub is gone already
      }
    }

    get onmessage() { return this.#onmessage; }
    set onmessage(fn) { this.#setHandler('message', fn); }
    get onmessageerror() { return this.#onmessageerror; }
    set onmessageerror(fn) { this.#setHandler('messageerror', fn); }

    #setHandler(type, fn) {
      const value = isCallable(fn) ? fn : null;
      const old = type === 'message' ? this.#onmessage : this.#onmessageerror;
      if (old !== null) this.removeEventListener(type, old.listener);
      let entry = null;
      if (value !== null) {
        entry = { fn: value, listener: (ev) => value.call(this, ev) };
        this.addEventListener(type, entry.listener);
      }
      if (type === 'message') this.#onmessage = entry; else this.#onmessageerror = entry;
    }

    static {
      deliverTo = (ch, data) => {
        if (!ch.#closed) ch.dispatchEvent(new MessageEvent('message', { data, origin: '' }));
      };
    }
  }
  // the getters above return the stored entry; expose the function itself
  for (const type of ['message', 'messageerror']) {
    const prop = 'on' + type;
    const desc = Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, prop);
    Object.defineProperty(BroadcastChannel.prototype, prop, {
      get() { const e = desc.get.call(this); return e === null ? null : e.fn; },
      set: desc.set,
      enumerable: true,
      configurable: true,
    });
  }
  Object.defineProperty(BroadcastChannel.prototype, Symbol.toStringTag, { value: 'BroadcastChannel', configurable: true });

  return { BroadcastChannel, MessageEvent };
})
