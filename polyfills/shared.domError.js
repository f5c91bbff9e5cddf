// Shared piece `domError` (see shared.events.js for what a piece is):
// `shared.domError(name, message)` is the error a group throws where the
// specs say DOMException. With the `events` group it is that group's
// DOMException (the group is loaded on first use, not before). Without it,
// as before pieces existed: the DOMException global (the engine's own, unless
// a script replaced it in a context that has no events group), or failing
// that an Error with that `name`.
// @shared events
(name, message) => {
  const events = shared.events();
  if (events !== null) return new events.DOMException(message, name);
  let D;
  try { D = g.DOMException; } catch (_) { /* a script's throwing getter */ }
  if (typeof D === 'function') {
    try { return new D(message, name); } catch (_) { /* fall through */ }
  }
  const e = new Error(message);
  e.name = name;
  return e;
}
