// The live-session runtime, run in each session's context before the component.
// It gives the component the `live` global (on, keep, restored) and answers the
// host's three calls: __live_names, __live_tree and __live_event.
//
// The page mirrors document.body. A node is named by its path of child indices
// from body. After each event the runtime walks body into a plain tree of
// [tag, attrs, children, props] / "text" / ["#comment", ""] and diffs it against
// the tree it sent last; the ops are applied by the client in order. A
// MutationObserver on body tells whether anything changed at all (no walk when
// nothing did) and, outside events (timers, BroadcastChannel), schedules a push.
(() => {
  'use strict';
  const handlers = new Map();
  const send = Host.send;
  const MO = MutationObserver;
  const isArray = Array.isArray;
  let last = null;          // the tree the page has
  let version = 0;          // of `last`: every batch says which version it applies to
  let inEvent = 0;
  let pushQueued = false;
  let observer = null;
  const FORM_TAGS = { input: 1, textarea: 1, select: 1 };
  const HTML_NS = 'http://www.w3.org/1999/xhtml';

  // Dirty tracking. The observer's records name the elements whose attributes or
  // children changed (for text, its parent); those and their ancestors are walked
  // again, every other element reuses the spec it was last sent as (the same object,
  // so the diff skips it by identity). Form state (input.value = '') is a property no
  // observer reports: the controls are compared with their specs instead.
  const specOf = new WeakMap();     // element -> its spec in `last`
  const controlsOf = new WeakMap(); // spec -> the form controls under it (when any)
  let controls = new Set();         // form controls in `last`
  let dirty = null;                 // elements to walk again
  let delivered = [];               // records the observer's callback received

  function markDirty(records) {
    dirty = new Set();
    const body = document.body;
    const mark = (node) => {
      for (let n = node; n !== null && n !== body && !dirty.has(n); n = n.parentNode) dirty.add(n);
    };
    for (const r of records) mark(r.type === 'characterData' ? r.target.parentNode : r.target);
    for (const el of controls) {
      const spec = specOf.get(el);
      const props = spec === undefined ? null : spec[3];
      if (props === null || el.value !== props.value || ('checked' in props && el.checked !== props.checked)) {
        mark(el);
      }
    }
    if (records.length !== 0) dirty.add(body);
  }

  // firstChild/nextSibling and getAttributeNames: childNodes and attributes would give
  // every node a cached NodeList / NamedNodeMap (memory) and cost more per visit.
  function snap(node, found) {
    const type = node.nodeType;
    if (type === 3) return node.data;
    if (type !== 1) return ['#comment', ''];
    if (dirty !== null && !dirty.has(node)) {
      const old = specOf.get(node);
      if (old !== undefined) {
        const under = controlsOf.get(old);
        if (under !== undefined) for (const c of under) found.add(c);
        return old;
      }
    }
    const tag = node.localName;
    const attrs = {};
    if (node.hasAttributes()) for (const name of node.getAttributeNames()) attrs[name] = node.getAttribute(name);
    const kids = [];
    const mine = new Set();
    if (tag !== 'script') for (let c = node.firstChild; c !== null; c = c.nextSibling) kids.push(snap(c, mine));
    const out = [tag, attrs, kids];
    if (FORM_TAGS[tag] === 1) {
      mine.add(node);
      out.push(tag === 'input' && (node.type === 'checkbox' || node.type === 'radio')
        ? { value: node.value, checked: node.checked }
        : { value: node.value });
    } else if (node.namespaceURI !== HTML_NS) {
      out.push({ ns: node.namespaceURI });
    } else {
      out.push(null);
    }
    if (mine.size !== 0) {
      controlsOf.set(out, Array.from(mine));
      for (const c of mine) found.add(c);
    }
    specOf.set(node, out);
    return out;
  }

  function tree() {
    const kids = [];
    const found = new Set();
    for (let c = document.body.firstChild; c !== null; c = c.nextSibling) kids.push(snap(c, found));
    controls = found;
    dirty = null;
    return kids;
  }

  function sameKind(a, b) {
    if (typeof a === 'string' || typeof b === 'string') return typeof a === typeof b;
    if (a[0] !== b[0]) return false;
    const na = a[3] && a[3].ns, nb = b[3] && b[3].ns;
    return na === nb;
  }

  function diffNode(a, b, path, ops) {
    if (typeof a === 'string') {
      if (a !== b) ops.push(['t', path, b]);
      return;
    }
    if (a[0] === '#comment') return;
    const set = {};
    let changed = false;
    for (const k in b[1]) if (a[1][k] !== b[1][k]) { set[k] = b[1][k]; changed = true; }
    for (const k in a[1]) if (!(k in b[1])) { set[k] = null; changed = true; }
    if (changed) ops.push(['a', path, set]);
    diffKids(a[2], b[2], path, ops);
    const pa = a[3], pb = b[3];
    if (pb && FORM_TAGS[b[0]] === 1) {
      const props = {};
      let any = false;
      for (const k in pb) if (!pa || pa[k] !== pb[k]) { props[k] = pb[k]; any = true; }
      if (any) ops.push(['p', path, props]);
    }
  }

  function diffKids(a, b, path, ops) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] === b[i]) continue;  // a reused spec: nothing under it changed
      const p = path.concat(i);
      if (sameKind(a[i], b[i])) diffNode(a[i], b[i], p, ops);
      else ops.push(['r', p, b[i]]);
    }
    if (b.length > n) ops.push(['+', path, b.slice(n)]);
    else if (a.length > n) ops.push(['-', path, n]);
  }

  function observe() {
    if (observer !== null) observer.disconnect();
    observer = new MO((records) => {
      // delivered records are gone from takeRecords(): keep them for the next diff
      for (const r of records) delivered.push(r);
      if (inEvent > 0 || pushQueued) return;
      pushQueued = true;
      setTimeout(push, 0);
    });
    observer.observe(document.body, { childList: true, attributes: true, characterData: true, subtree: true });
  }

  // The ops that bring the page from `last` to now, as a batch; null when none.
  function changes() {
    pushQueued = false;
    if (last === null) {
      last = tree();
      return { base: version, ver: ++version, ops: [['=', last]] };
    }
    const records = delivered;
    delivered = [];
    if (observer !== null) for (const r of observer.takeRecords()) records.push(r);
    markDirty(records);
    if (dirty.size === 0) {
      dirty = null;
      return null;
    }
    const now = tree();
    const ops = [];
    diffKids(last, now, [], ops);
    last = now;
    if (ops.length === 0) return null;
    return { base: version, ver: ++version, ops };
  }

  function push() {
    if (inEvent > 0) return;
    const batch = changes();
    if (batch !== null) send({ t: 'patch', ...batch });
  }

  function nodeAt(path) {
    let node = document.body;
    for (const i of path) {
      node = node.childNodes[i];  // the event's own path only: a few NodeLists
      if (node === undefined) return null;
    }
    return node;
  }

  // A submitted form's text fields take the values the page sent, so that a handler
  // clearing one (input.value = '') is a change the next diff sends to the page.
  const NOT_TEXT = { checkbox: 1, radio: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1, hidden: 1 };
  function submitted(form, fields) {
    const stack = [form];
    while (stack.length !== 0) {
      const node = stack.pop();
      for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) stack.push(c);
      const tag = node.localName;
      if (tag !== 'input' && tag !== 'textarea') continue;
      const name = node.getAttribute('name');
      if (name === null || !Object.hasOwn(fields, name) || typeof fields[name] !== 'string') continue;
      if (tag === 'input' && NOT_TEXT[node.type] === 1) continue;
      fromPage(node, 'value', fields[name]);
    }
  }

  // Form state the page reported: the control takes it, and so does the spec the page
  // was last sent (the page has it already), so only a handler's change is patched.
  function fromPage(el, prop, v) {
    el[prop] = v;
    const spec = specOf.get(el);
    const props = spec === undefined ? null : spec[3];
    if (props !== null && prop in props) props[prop] = el[prop];
  }

  const live = {
    // live.on('name', fn): fn(event) runs for elements with data-on-<type>="name".
    on(name, fn) {
      if (typeof name !== 'string' || !/^[A-Za-z_][\w.-]{0,63}$/.test(name)) {
        throw new TypeError('live.on: a handler name is 1-64 letters, digits, _ . -, not starting with a digit');
      }
      if (typeof fn !== 'function') throw new TypeError('live.on: the handler must be a function');
      handlers.set(name, fn);
    },
    // live.keep(value): value survives a crash of this session's context; the
    // restarted component finds it in live.restored.
    keep(value) { send({ t: 'keep', v: value }); },
    restored: globalThis.__live_restored,
  };
  delete globalThis.__live_restored;
  Object.freeze(live);
  Object.defineProperty(globalThis, 'live', { value: live, enumerable: false });

  globalThis.__live_names = () => Array.from(handlers.keys());

  globalThis.__live_tree = () => {
    if (observer === null) observe();
    observer.takeRecords();
    delivered = [];
    pushQueued = false;
    dirty = null;
    last = tree();
    return { ver: ++version, tree: last };
  };

  globalThis.__live_event = async (ev) => {
    const fn = handlers.get(ev.h);
    if (fn === undefined) return null;
    const target = nodeAt(ev.path);
    // The browser's form state first, so the handler (and the next diff) see what the user sees.
    if (target !== null && target.nodeType === 1 && FORM_TAGS[target.localName] === 1) {
      if (typeof ev.value === 'string') fromPage(target, 'value', ev.value);
      if (typeof ev.checked === 'boolean') fromPage(target, 'checked', ev.checked);
    } else if (target !== null && target.nodeType === 1 && target.localName === 'form' && ev.form) {
      submitted(target, ev.form);
    }
    inEvent++;
    try {
      await fn({
        type: ev.type, target, value: ev.value, checked: ev.checked, key: ev.key, form: ev.form ?? {},
      });
    } finally {
      inEvent--;
    }
    return changes();
  };
})();
