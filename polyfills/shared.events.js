// Shared piece `events`. A piece is one function, written once in
// polyfills/shared.<name>.js and linked at compile time into the groups that
// name it on a `// @shared ...` line (actors/apis/loader.py); it runs in the
// scope of the group's installer, so `native`, `g` (globalThis) and `shared`
// (the other pieces) are in scope, and no script can reach it.
//
// `shared.events(required)` answers the `events` group's internals (what
// events.js publishes as `native['@events']`: its classes as loaded, and its
// dispatch), loading the group first if this context has it and it is not
// loaded yet. A group reads them here, not from globalThis, so a script that
// replaced `DOMException` or `EventTarget` does not change what the group
// builds or extends. Without the events group (or when a script replaced all
// of its globals before anything loaded it) the answer is null, or a
// TypeError when `required` (the groups that require events cannot work
// without it).
(required = false) => {
  // any lazy global of the group left in place loads it on first read
  const GLOBALS = ['DOMException', 'Event', 'EventTarget', 'CustomEvent', 'AbortSignal', 'AbortController'];
  for (let i = 0; ; i++) {
    // `native` must never reach a script, so only syntax touches it: a
    // function a script replaced (Object.getOwnPropertyDescriptor) would be
    // handed it, and so would a getter a script put on Object.prototype under
    // this key, were it read while absent. `in` runs no script; native's only
    // prototype is Object.prototype, so when `{}` lacks the key, `in native`
    // means native's own property (a script that puts the key on
    // Object.prototype only goes without the group's internals).
    if (!('@events' in {}) && '@events' in native) return native['@events'];
    if (i === GLOBALS.length) {
      if (required) throw new TypeError('the events API group could not be loaded: a script replaced its globals first');
      return null;
    }
    try { void g[GLOBALS[i]]; } catch (_) { /* a failed load or a script's own getter: try the next */ }
  }
}
