// The `eventsource` group: EventSource (HTML Standard, "Server-sent events").
// The connection, the text/event-stream parsing and the reconnections run on
// the host (actors/apis/eventsource.py): `eventsource.open` starts them,
// `eventsource.close` stops them, and the host reports through
// `native.on('eventsource')`, in order: ['open', id, origin],
// ['events', id, [[type, data, lastEventId], ...]], ['error', id, reconnecting, why].
// @shared messageEvent
(function install(native, g, shared) {
  'use strict';
  const { EventTarget, Event, DOMException } = shared.events(true);

  const MessageEvent = shared.messageEvent();

  const CONNECTING = 0, OPEN = 1, CLOSED = 2;
  const sources = new Map(); // id -> EventSource (not closed)
  let nextId = 1;
  let receive; // (source, msg): set by EventSource's static block

  native.on('eventsource', (msg) => {
    const es = sources.get(msg[1]);
    if (es !== undefined) receive(es, msg);
  });

  class EventSource extends EventTarget {
    #id;
    #url;
    #withCredentials;
    #readyState = CONNECTING;
    #origin = '';
    #handlers = { open: null, message: null, error: null };

    constructor(url, init = undefined) {
      if (arguments.length < 1) throw new TypeError("EventSource: 1 argument required, but only 0 present.");
      super();
      let href;
      try {
        href = new g.URL(String(url)).href;
      } catch (e) {
        throw new DOMException(`EventSource: invalid URL '${String(url)}'`, 'SyntaxError');
      }
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError('EventSource: the init must be an object');
      }
      this.#withCredentials = !!(init && init.withCredentials);
      this.#url = href;
      this.#id = nextId++;
      sources.set(this.#id, this);
      try {
        native.callSync('eventsource.open', this.#id, href);
      } catch (e) {
        sources.delete(this.#id);
        throw e;
      }
    }

    get url() { return this.#url; }
    get withCredentials() { return this.#withCredentials; }
    get readyState() { return this.#readyState; }

    close() {
      if (this.#readyState === CLOSED) return;
      this.#readyState = CLOSED;
      sources.delete(this.#id);
      try {
        native.callSync('eventsource.close', this.#id);
      } catch (e) {
        // the pool is stopping: the connection is gone anyway
      }
    }

    #getHandler(type) { const e = this.#handlers[type]; return e === null ? null : e.fn; }
    #setHandler(type, fn) {
      const old = this.#handlers[type];
      if (old !== null) this.removeEventListener(type, old.listener);
      let entry = null;
      if (typeof fn === 'function' || (fn !== null && typeof fn === 'object')) {
        const f = fn;
        entry = {
          fn: f,
          listener: (ev) => (typeof f === 'function' ? f.call(this, ev) : undefined),
        };
        this.addEventListener(type, entry.listener);
      }
      this.#handlers[type] = entry;
    }
    get onopen() { return this.#getHandler('open'); }
    set onopen(fn) { this.#setHandler('open', fn); }
    get onmessage() { return this.#getHandler('message'); }
    set onmessage(fn) { this.#setHandler('message', fn); }
    get onerror() { return this.#getHandler('error'); }
    set onerror(fn) { this.#setHandler('error', fn); }

    static {
      receive = (es, msg) => {
        if (es.#readyState === CLOSED) return;
        const kind = msg[0];
        if (kind === 'open') {
          es.#readyState = OPEN;
          es.#origin = String(msg[2]);
          es.dispatchEvent(new Event('open'));
        } else if (kind === 'events') {
          for (const [type, data, lastEventId] of msg[2]) {
            if (es.#readyState === CLOSED) return; // close() from a listener drops the rest
            es.dispatchEvent(new MessageEvent(type, { data, origin: es.#origin, lastEventId }));
          }
        } else if (kind === 'error') {
          if (msg[2]) {
            es.#readyState = CONNECTING; // the host reconnects after the retry delay
          } else {
            es.#readyState = CLOSED;
            sources.delete(es.#id);
          }
          es.dispatchEvent(new Event('error'));
        }
      };
    }
  }

  for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSED', CLOSED]]) {
    const desc = { value, enumerable: true, writable: false, configurable: false };
    Object.defineProperty(EventSource, name, desc);
    Object.defineProperty(EventSource.prototype, name, desc);
  }
  Object.defineProperty(EventSource.prototype, Symbol.toStringTag, { value: 'EventSource', configurable: true });

  return { EventSource };
})
