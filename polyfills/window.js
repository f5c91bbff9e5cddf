// The internal `_window` group of every browser-like context (one with at
// least one API group): `window` and `self` are the global object itself, and
// `location` a read-mostly Location for the URL given at spawn (`url=`; see
// actors/apis/window.py). The URL's parts come from the host once, on the
// first read of a Location property, with one `native.callSync`.
//
// Contexts do not navigate: writing `location`, `location.href` (or another
// part), assign(), replace() and reload() change nothing; the first attempt
// logs a warning on `actors.console`. That is what jsdom does, and what
// libraries that "redirect" on load tolerate.
//
// A global the user (or a worker's scope) replaced before this group loaded
// keeps its value: only names still lazy are defined.
// @shared windowEventTypes
(function install(native, g, shared) {
  'use strict';

  let parts = null;
  const part = (name) => {
    if (parts === null) parts = native.callSync('_window.url');
    return parts[name];
  };
  let warned = false;
  const navigate = (how, url) => {
    if (warned) return;
    warned = true;
    native.log(30, `location: ${how}(${JSON.stringify(String(url)).slice(0, 200)}) ignored: contexts do not navigate`);
  };

  const KEY = Symbol('Location');
  class Location {
    constructor(key) {
      if (key !== KEY) throw new TypeError('Illegal constructor');
    }
    get href() { return part('href'); }
    set href(v) { navigate('href=', v); }
    get protocol() { return part('protocol'); }
    set protocol(v) { navigate('protocol=', v); }
    get host() { return part('host'); }
    set host(v) { navigate('host=', v); }
    get hostname() { return part('hostname'); }
    set hostname(v) { navigate('hostname=', v); }
    get port() { return part('port'); }
    set port(v) { navigate('port=', v); }
    get pathname() { return part('pathname'); }
    set pathname(v) { navigate('pathname=', v); }
    get search() { return part('search'); }
    set search(v) { navigate('search=', v); }
    get hash() { return part('hash'); }
    set hash(v) { navigate('hash=', v); }
    get origin() { return part('origin'); }
    get ancestorOrigins() { return []; }
    assign(url) { navigate('assign', url); }
    replace(url) { navigate('replace', url); }
    reload() { navigate('reload', ''); }
    toString() { return part('href'); }
  }
  Object.defineProperty(Location.prototype, Symbol.toStringTag, { value: 'Location', configurable: true });
  const location = new Location(KEY);

  // still the lazy accessor the group was installed with (not replaced by the user)
  const lazy = (name) => {
    const d = Object.getOwnPropertyDescriptor(g, name);
    return d !== undefined && typeof d.get === 'function';
  };
  if (lazy('location')) {
    Object.defineProperty(g, 'location', {
      get() { return location; },
      set(v) { navigate('location=', v); },
      configurable: true,
      enumerable: true,
    });
  }
  // with the events group, the global is an event target with on<event>
  // properties (polyfills/window_events.js). The properties come with the
  // window, as plain data that group reads at dispatch; the group itself
  // (and the events group under it, ~80 KB a context) waits for the first
  // touch of addEventListener or dispatchEvent: a UMD wrapper reads `self`
  // on load, and most libraries never listen on the global.
  if (lazy('addEventListener')) {
    for (const type of shared.windowEventTypes()) {
      const name = 'on' + type;
      if (!Object.prototype.hasOwnProperty.call(g, name)) {
        Object.defineProperty(g, name, { value: null, writable: true, configurable: true, enumerable: true });
      }
    }
  }
  const exports = {};
  if (lazy('window')) exports.window = g;
  if (lazy('self')) exports.self = g;
  if (lazy('Location')) exports.Location = Location;
  return exports;
})
