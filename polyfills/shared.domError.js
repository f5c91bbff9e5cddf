// Shared piece `domError` (see shared.events.js for how pieces are linked):
// `shared.domError(name, message)` is the error a group throws where the
// specs say DOMException. With the `events` group it is that group's
// DOMException (the group is loaded on first use, not before). Without it,
// the engine's own DOMException global, read once on first use (a script
// that replaced it before then is building its own errors, as it could
// before), or failing that an Error with that `name`.
// @shared events
(function (native, g, shared) {
  'use strict';
  let fallback; // the DOMException global of a context without events, once read
  return (name, message) => {
    const events = shared.events();
    if (events !== null) return new events.DOMException(message, name);
    if (fallback === undefined) {
      let D;
      try { D = g.DOMException; } catch (_) { /* a script's throwing getter */ }
      fallback = typeof D === 'function' ? D : null;
    }
    if (fallback !== null) {
      try { return new fallback(message, name); } catch (_) { /* fall through */ }
    }
    const e = new Error(message);
    e.name = name;
    return e;
  };
})
