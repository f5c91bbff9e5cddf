// The `websocket` API group: WebSocket and CloseEvent (after the WHATWG WebSockets Standard).
// The network work is done on the host by the `websockets` asyncio client
// (actors/apis/websocket.py): `websocket.open` starts a connection,
// `websocket.send` queues one message, `websocket.close` starts the closing
// handshake (or fails a connection still being made). Everything else comes
// back through `native.on('websocket')` as {id, type, ...} events, in order.
// State lives in closures and #private fields; nothing is written onto globalThis.
// @shared messageEvent
(function install(native, g, shared) {
  'use strict';
  const { EventTarget, Event, DOMException } = shared.events(true);
  const encoder = new g.TextEncoder();
  const sockets = new Map(); // id -> WebSocket (while not CLOSED)
  let nextId = 1;
  let deliver = null; // (ws, msg) => void, set by the class

  const blobClass = () => (typeof g.Blob === 'function' ? g.Blob : null);

  // ---- events ----------------------------------------------------------------------------------

  class CloseEvent extends Event {
    #wasClean; #code; #reason;
    constructor(type, init = {}) {
      if (arguments.length < 1) throw new TypeError('CloseEvent: 1 argument required, but only 0 present.');
      if (init === null || init === undefined) init = {};
      super(type, init);
      this.#wasClean = Boolean(init.wasClean);
      this.#code = init.code === undefined ? 0 : Number(init.code) & 0xffff;
      this.#reason = init.reason === undefined ? '' : String(init.reason);
    }
    get wasClean() { return this.#wasClean; }
    get code() { return this.#code; }
    get reason() { return this.#reason; }
    get [Symbol.toStringTag]() { return 'CloseEvent'; }
  }

  let MessageEvent = null; // made on the first message
  function messageEvent(data, origin) {
    if (MessageEvent === null) MessageEvent = shared.messageEvent();
    return new MessageEvent('message', { data, origin });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  function parseURL(url) {
    let u;
    try {
      u = new g.URL(String(url));
    } catch (e) {
      throw new DOMException(`Failed to construct 'WebSocket': The URL '${String(url)}' is invalid.`, 'SyntaxError');
    }
    if (u.protocol === 'http:') u.protocol = 'ws:';
    else if (u.protocol === 'https:') u.protocol = 'wss:';
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
      throw new DOMException(`Failed to construct 'WebSocket': The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. '${u.protocol.slice(0, -1)}' is not allowed.`, 'SyntaxError');
    }
    if (u.hash !== '' || String(url).includes('#')) {
      throw new DOMException("Failed to construct 'WebSocket': The URL contains a fragment identifier.", 'SyntaxError');
    }
    return u;
  }

  function parseProtocols(protocols) {
    if (protocols === undefined) return [];
    const list = typeof protocols === 'string' || typeof protocols[Symbol.iterator] !== 'function'
      ? [String(protocols)]
      : Array.from(protocols, String);
    const seen = new Set();
    for (const p of list) {
      if (!TOKEN.test(p)) throw new DOMException(`Failed to construct 'WebSocket': The subprotocol '${p}' is invalid.`, 'SyntaxError');
      if (seen.has(p)) throw new DOMException(`Failed to construct 'WebSocket': The subprotocol '${p}' is duplicated.`, 'SyntaxError');
      seen.add(p);
    }
    return list;
  }

  function toU8(v) {
    if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    return null;
  }

  function report(e) {
    // an exception thrown by a listener does not stop delivery to the others
    setTimeout(() => { throw e; }, 0);
  }

  // ---- WebSocket -------------------------------------------------------------------------------

  const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
  const HANDLERS = ['open', 'message', 'error', 'close'];

  class WebSocket extends EventTarget {
    #id; #url; #state = CONNECTING; #protocol = ''; #extensions = '';
    #binaryType; #buffered = 0;
    #outbox = []; // messages waiting behind a Blob being read
    #reading = false;

    constructor(url, protocols = undefined) {
      if (arguments.length < 1) throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      super();
      const u = parseURL(url);
      const list = parseProtocols(protocols);
      this.#url = u.href;
      this.#binaryType = blobClass() ? 'blob' : 'arraybuffer';
      this.#id = nextId++;
      native.callSync('websocket.open', this.#id, this.#url, list);
      sockets.set(this.#id, this);
    }

    get url() { return this.#url; }
    get readyState() { return this.#state; }
    get protocol() { return this.#protocol; }
    get extensions() { return this.#extensions; }
    get bufferedAmount() { return this.#buffered; }
    get binaryType() { return this.#binaryType; }
    set binaryType(v) {
      v = String(v);
      if (v === 'arraybuffer' || (v === 'blob' && blobClass())) this.#binaryType = v;
    }

    send(data) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.");
      if (this.#state === CONNECTING) throw new DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", 'InvalidStateError');
      let item, n;
      const Blob = blobClass();
      if (Blob && data instanceof Blob) {
        item = data; n = data.size;
      } else {
        item = toU8(data);
        if (item === null) { item = String(data); n = encoder.encode(item).byteLength; } else n = item.byteLength;
      }
      // after close(), data is counted but not sent (as in the standard)
      this.#buffered += n;
      if (this.#state !== OPEN) return;
      this.#outbox.push(item);
      this.#flush();
    }

    #flush() {
      if (this.#reading) return;
      while (this.#outbox.length) {
        const item = this.#outbox[0];
        if (typeof item === 'string' || item instanceof Uint8Array) {
          this.#outbox.shift();
          native.callSync('websocket.send', this.#id, item);
          continue;
        }
        // a Blob: read it, then go on in order
        this.#reading = true;
        item.arrayBuffer().then((buf) => {
          this.#outbox[0] = new Uint8Array(buf);
        }, () => {
          this.#outbox.shift();
        }).then(() => {
          this.#reading = false;
          if (this.#state === OPEN || this.#state === CLOSING) this.#flush();
        });
        return;
      }
      if (this.#pendingClose !== null && this.#outbox.length === 0) {
        const [code, reason] = this.#pendingClose;
        this.#pendingClose = null;
        native.callSync('websocket.close', this.#id, code, reason, false);
      }
    }

    #pendingClose = null;

    close(code = undefined, reason = undefined) {
      if (code !== undefined) {
        code = Number(code);
        if (!Number.isFinite(code)) code = 0;
        code = Math.trunc(code) & 0xffff;
        if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
          throw new DOMException(`Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`, 'InvalidAccessError');
        }
      }
      reason = reason === undefined ? '' : String(reason);
      if (encoder.encode(reason).byteLength > 123) {
        throw new DOMException("Failed to execute 'close' on 'WebSocket': The close reason must not be greater than 123 UTF-8 bytes.", 'SyntaxError');
      }
      if (this.#state === CLOSING || this.#state === CLOSED) return;
      if (this.#state === CONNECTING) {
        this.#state = CLOSING;
        native.callSync('websocket.close', this.#id, null, '', true);
        return;
      }
      this.#state = CLOSING;
      this.#pendingClose = [code === undefined ? null : code, reason];
      this.#flush();
    }

    // events from the host
    static { deliver = (ws, msg) => ws.#event(msg); }

    #event(msg) {
      switch (msg.type) {
        case 'open':
          if (this.#state !== CONNECTING) return; // close() raced the opening
          this.#state = OPEN;
          this.#protocol = msg.protocol;
          this.#extensions = msg.extensions;
          this.#fire(new Event('open'));
          return;
        case 'message': {
          if (this.#state !== OPEN) return; // closing: messages are dropped
          let data = msg.data;
          if (typeof data !== 'string') {
            const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
            if (this.#binaryType === 'blob') data = new (blobClass())([u8]);
            else data = u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength ? u8.buffer : u8.slice().buffer;
          }
          this.#fire(messageEvent(data, new g.URL(this.#url).origin));
          return;
        }
        case 'sent':
          this.#buffered = Math.max(0, this.#buffered - msg.n);
          return;
        case 'error':
          this.#fire(new Event('error'));
          return;
        case 'close':
          this.#state = CLOSED;
          sockets.delete(this.#id);
          this.#outbox = [];
          this.#fire(new CloseEvent('close', { wasClean: msg.wasClean, code: msg.code, reason: msg.reason }));
          return;
        default:
      }
    }

    #fire(event) {
      try {
        this.dispatchEvent(event);
      } catch (e) {
        report(e);
      }
    }

    get [Symbol.toStringTag]() { return 'WebSocket'; }
  }

  // onopen / onmessage / onerror / onclose
  const handlerSlots = new WeakMap();
  for (const type of HANDLERS) {
    Object.defineProperty(WebSocket.prototype, 'on' + type, {
      configurable: true,
      enumerable: true,
      get() {
        const slots = handlerSlots.get(this);
        return slots && slots[type] ? slots[type].fn : null;
      },
      set(fn) {
        let slots = handlerSlots.get(this);
        if (!slots) { slots = {}; handlerSlots.set(this, slots); }
        if (slots[type]) { this.removeEventListener(type, slots[type].listener); slots[type] = null; }
        if (typeof fn === 'function' || (fn !== null && typeof fn === 'object')) {
          const listener = (e) => {
            const f = slots[type] && slots[type].fn;
            if (typeof f === 'function') return f.call(this, e);
            return undefined;
          };
          slots[type] = { fn, listener };
          this.addEventListener(type, listener);
        }
      },
    });
  }

  for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSING', CLOSING], ['CLOSED', CLOSED]]) {
    Object.defineProperty(WebSocket, name, { value, enumerable: true });
    Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
  }

  native.on('websocket', (msg) => {
    const ws = sockets.get(msg.id);
    if (ws !== undefined) deliver(ws, msg);
  });

  return { WebSocket, CloseEvent };
})
