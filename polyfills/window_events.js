// The internal `_window_events` group: the global object as an event target,
// in browser-like contexts that have the `events` group. `addEventListener`,
// `removeEventListener` and `dispatchEvent` on the global (bare or through
// `window`/`self`) work on one hidden EventTarget; an event dispatched there
// reports the global as its `target`, `srcElement` and (while it runs)
// `currentTarget`. The `on<event>` handler properties exist on the global
// from the first touch of `window`, `self` or one of these functions, as
// plain data properties (null until set); a function stored in one runs
// before the listeners of its event type, with the global as `this`, and a
// `false` result cancels a cancelable event.
//
// Events of the DOM (`dom` group) do not propagate from the document to the
// global: listeners on the global see only events dispatched to it.
(function install(native, g) {
  'use strict';

  const EventTarget = g.EventTarget;
  const target = new EventTarget();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const preventDefault = g.Event.prototype.preventDefault;
  const TYPES = ('abort afterprint auxclick beforeinput beforematch beforeprint beforetoggle beforeunload blur ' +
    'cancel canplay canplaythrough change click close contextlost contextmenu contextrestored copy cuechange ' +
    'cut dblclick drag dragend dragenter dragleave dragover dragstart drop durationchange emptied ended error ' +
    'focus formdata hashchange input invalid keydown keypress keyup languagechange load loadeddata ' +
    'loadedmetadata loadstart message messageerror mousedown mouseenter mouseleave mousemove mouseout ' +
    'mouseover mouseup mousewheel offline online pagehide pagereveal pageshow pageswap paste pause play ' +
    'playing popstate progress ratechange rejectionhandled reset resize scroll scrollend ' +
    'securitypolicyviolation seeked seeking select selectionchange selectstart slotchange stalled storage ' +
    'submit suspend timeupdate toggle unhandledrejection unload volumechange waiting webkitanimationend ' +
    'webkitanimationiteration webkitanimationstart webkittransitionend wheel animationstart ' +
    'animationiteration animationend animationcancel transitionrun transitionstart transitionend ' +
    'transitioncancel gotpointercapture lostpointercapture pointerdown pointermove pointerrawupdate ' +
    'pointerup pointercancel pointerover pointerout pointerenter pointerleave touchstart touchend touchmove ' +
    'touchcancel').split(' ');
  for (const type of TYPES) {
    const name = 'on' + type;
    if (!Object.prototype.hasOwnProperty.call(g, name)) {
      Object.defineProperty(g, name, { value: null, writable: true, configurable: true, enumerable: true });
    }
  }

  // a function listener runs with the global as `this`: the hidden target
  // sees one wrapper per function (so removal finds it)
  const wrappers = new WeakMap();
  function wrapped(callback, make) {
    if (typeof callback !== 'function') return callback;
    let w = wrappers.get(callback);
    if (w === undefined && make) {
      w = function (event) { return callback.call(g, event); };
      wrappers.set(callback, w);
    }
    return w === undefined ? callback : w;
  }
  function addEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError("Failed to execute 'addEventListener' on 'Window': 2 arguments required.");
    }
    return add.call(target, type, wrapped(callback, true), options);
  }
  function removeEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) {
      throw new TypeError("Failed to execute 'removeEventListener' on 'Window': 2 arguments required.");
    }
    return remove.call(target, type, wrapped(callback, false), options);
  }
  function dispatchEvent(event) {
    if (!(event instanceof g.Event)) {
      throw new TypeError("Failed to execute 'dispatchEvent' on 'Window': parameter 1 is not of type 'Event'.");
    }
    // the global stands in for the hidden target; the handler property runs
    // first, as a listener registered before the others would
    let running = true;
    Object.defineProperties(event, {
      target: { value: g, configurable: true },
      srcElement: { value: g, configurable: true },
      currentTarget: { get() { return running ? g : null; }, configurable: true },
    });
    const handler = g['on' + event.type];
    if (TYPES.includes(event.type) && typeof handler === 'function' && !event.cancelBubble) {
      try {
        if (handler.call(g, event) === false && event.cancelable) preventDefault.call(event);
      } catch (e) {
        queueMicrotask(() => { throw e; });
      }
    }
    try {
      return dispatch.call(target, event);
    } finally {
      running = false;
    }
  }
  return { addEventListener, removeEventListener, dispatchEvent };
})
