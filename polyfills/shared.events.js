// Shared piece `events`, linked into the groups whose polyfill names it on a
// `// @shared ...` line (actors/apis/loader.py): `shared.events(required)`
// answers the `events` group's internals (what events.js publishes as
// `native.events`: its classes as loaded, and its dispatch), loading the group
// first if this context has it and it is not loaded yet. A group reads them
// here, not from globalThis, so a script that replaced `DOMException` or
// `EventTarget` does not change what the group builds or extends.
//
// Without the events group (or when a script replaced all of its globals
// before anything loaded it) the answer is null, or a TypeError when
// `required` (for the groups that require events: they cannot work without).
(function events(native, g) {
  'use strict';
  const ownValue = (o, key) => {
    const d = Object.getOwnPropertyDescriptor(o, key); // never a value a script put on Object.prototype
    return d === undefined ? undefined : d.value;
  };
  // a lazy global of the group loads it on first read; any one left in place will do
  const GLOBALS = ['DOMException', 'Event', 'EventTarget', 'CustomEvent', 'AbortSignal', 'AbortController'];
  let found = null;
  return function events(required = false) {
    if (found !== null) return found;
    for (let i = 0; found === null; i++) {
      const internals = ownValue(native, 'events');
      if (internals !== undefined) {
        found = internals;
      } else if (i === GLOBALS.length) {
        if (required) throw new TypeError('the events API group could not be loaded: a script replaced its globals first');
        return null;
      } else {
        try { void g[GLOBALS[i]]; } catch (_) { /* a failed load or a script's own getter: try the next */ }
      }
    }
    return found;
  };
})
