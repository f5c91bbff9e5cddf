// Shared piece `messageEvent` (see shared.events.js for what a piece is):
// `shared.messageEvent()` answers the context's one MessageEvent class, made
// by whichever group needs it first (`channel` exports it as the global;
// `eventsource`, `websocket` and `worker` fire it) and kept on the private
// `native` object, so events of every group are instances of one class and a
// script's own `MessageEvent` global never stands in for it.
// @shared events
() => {
  // read and written with syntax only (see shared.events.js)
  if (!('@MessageEvent' in {}) && '@MessageEvent' in native) return native['@MessageEvent'];
  const { Event } = shared.events(true);

  class MessageEvent extends Event {
    #data;
    #origin;
    #lastEventId;
    #source;
    #ports;

    constructor(type, init = {}) {
      if (arguments.length < 1) throw new TypeError("MessageEvent: 1 argument required, but only 0 present.");
      if (init === null || init === undefined) init = {};
      if (typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError('MessageEvent: the event init must be an object');
      }
      super(type, init);
      this.#data = init.data === undefined ? null : init.data;
      this.#origin = init.origin === undefined ? '' : String(init.origin);
      this.#lastEventId = init.lastEventId === undefined ? '' : String(init.lastEventId);
      this.#source = init.source === undefined ? null : init.source;
      this.#ports = Object.freeze(Array.from(init.ports === undefined ? [] : init.ports));
    }

    get data() { return this.#data; }
    get origin() { return this.#origin; }
    get lastEventId() { return this.#lastEventId; }
    get source() { return this.#source; }
    get ports() { return this.#ports; }
  }
  Object.defineProperty(MessageEvent.prototype, Symbol.toStringTag, { value: 'MessageEvent', configurable: true });
  // a class field defines an own property of the object its base constructor
  // returns, without a setter a script put on Object.prototype
  class Carrier { constructor(o) { return o; } }
  class Keep extends Carrier {
    '@MessageEvent' = MessageEvent;
    constructor(o) { super(o); }
  }
  new Keep(native);
  return MessageEvent;
}
