// The internal `_window_events` group: the global object as an event target,
// in browser-like contexts that have the `events` group. `addEventListener`,
// `removeEventListener` and `dispatchEvent` on the global (bare or through
// `window`/`self`) keep the global's listeners in a hidden map and dispatch
// with the `events` group's own dispatch (reached through shared.events), so
// an event dispatched there has the global as its `target`, `srcElement` and
// (while it runs) `currentTarget`, in its #private state. The `on<event>`
// handler properties exist on the global
// from the first touch of `window`, `self` (polyfills/window.js defines them
// there, without loading this group) or one of these functions, as
// plain data properties (null until set); a function stored in one runs
// before the listeners of its event type, with the global as `this`, and a
// `false` result cancels a cancelable event.
//
// Events of the DOM (`dom` group) do not propagate from the document to the
// global: listeners on the global see only events dispatched to it.
// @shared events windowEventTypes
(function install(native, g, shared) {
  'use strict';

  const events = shared.events(true);
  const listeners = new Map(); // the global's: type -> [record]
  const listenersOf = () => listeners;
  const preventDefault = events.Event.prototype.preventDefault;
  const TYPES = shared.windowEventTypes();
  for (const type of TYPES) {
    const name = 'on' + type;
    if (!Object.prototype.hasOwnProperty.call(g, name)) {
      Object.defineProperty(g, name, { value: null, writable: true, configurable: true, enumerable: true });
    }
  }

  function addEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError("Failed to execute 'addEventListener' on 'Window': 2 arguments required.");
    }
    events.addListener(g, type, callback, options, listenersOf);
  }
  function removeEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError("Failed to execute 'removeEventListener' on 'Window': 2 arguments required.");
    }
    type = String(type);
    const record = events.findListener(g, type, callback, options, listenersOf);
    if (record) events.removeListener(g, type, record, listenersOf);
  }
  // the handler property runs first, as a listener registered before the others would
  function runHandler(event) {
    const handler = g['on' + event.type];
    if (TYPES.includes(event.type) && typeof handler === 'function') {
      if (handler.call(g, event) === false && event.cancelable) preventDefault.call(event);
    }
  }
  function dispatchEvent(event) {
    if (!events.isEvent(event)) {
      throw new TypeError("Failed to execute 'dispatchEvent' on 'Window': parameter 1 is not of type 'Event'.");
    }
    return events.dispatchPath(g, event, [g], listenersOf, 'The event is already being dispatched.', runHandler);
  }
  return { addEventListener, removeEventListener, dispatchEvent };
})
