// actors.live client: binds data-on-<event> attributes, sends events over the
// session's WebSocket and applies the patches that come back. No build step.
// Patches are data, never code: no eval, no innerHTML; on* attributes, script
// URLs and <script> elements are never created.
(() => {
  'use strict';
  const root = document.querySelector('[data-live-root]');
  if (root === null) return;
  const statusEl = document.querySelector('[data-live-status]');
  const TYPES = ['click', 'input', 'change', 'submit', 'keydown', 'keyup'];
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background']);
  const SCRIPT_URL = /^[\x00-\x20]*(?:javascript|vbscript|data:text\/html)/i;
  let ws = null;
  let seq = 0;            // last event sent
  let acked = -1;         // last event answered
  let retry = 0;
  let final = false;      // the server closed the session for good

  function status(text, kind) {
    root.dataset.liveState = kind;
    if (statusEl === null) return;
    statusEl.textContent = text;
    statusEl.hidden = text === '';
  }

  // ---- building and patching -------------------------------------------------------
  function safeAttr(name, value) {
    const n = name.toLowerCase();
    if (n.startsWith('on') || n === 'srcdoc') return false;
    if (URL_ATTRS.has(n) && SCRIPT_URL.test(value)) return false;
    return true;
  }

  function setAttr(el, name, value) {
    try {
      if (value === null) el.removeAttribute(name);
      else if (safeAttr(name, value)) el.setAttribute(name, value);
    } catch (e) { /* an invalid name from the server: skip it */ }
  }

  function setProps(el, props) {
    if (!props) return;
    // Keep what the user is typing: a value for the focused field is applied only
    // when every event the page sent has been answered.
    const busy = el === document.activeElement && seq > acked;
    if ('value' in props && !busy && el.value !== props.value) el.value = props.value;
    if ('checked' in props && el.checked !== props.checked) el.checked = props.checked;
  }

  function build(spec, ns) {
    if (typeof spec === 'string') return document.createTextNode(spec);
    if (spec[0] === '#comment' || spec[0] === 'script') return document.createComment('');
    const eltNs = (spec[3] && spec[3].ns) || ns;
    const el = eltNs ? document.createElementNS(eltNs, spec[0]) : document.createElement(spec[0]);
    for (const k in spec[1]) setAttr(el, k, spec[1][k]);
    const kidNs = spec[0] === 'foreignObject' ? null : eltNs;
    for (const c of spec[2]) el.appendChild(build(c, kidNs));
    if (spec[3] && !spec[3].ns) setProps(el, spec[3]);
    return el;
  }

  function fits(node, spec) {
    if (typeof spec === 'string') return node.nodeType === 3;
    if (spec[0] === '#comment' || spec[0] === 'script') return node.nodeType === 8;
    return node.nodeType === 1 && node.localName === spec[0] &&
      (spec[3] && spec[3].ns ? node.namespaceURI === spec[3].ns : true);
  }

  // Make parent's children match specs, reusing nodes (focus, selection and scroll stay).
  function morph(parent, specs) {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const node = parent.childNodes[i];
      if (node === undefined) { parent.appendChild(build(spec, nsOf(parent))); continue; }
      if (!fits(node, spec)) { parent.replaceChild(build(spec, nsOf(parent)), node); continue; }
      if (typeof spec === 'string') { if (node.data !== spec) node.data = spec; continue; }
      if (node.nodeType !== 1) continue;
      for (const a of Array.from(node.attributes)) if (!(a.name in spec[1])) node.removeAttribute(a.name);
      for (const k in spec[1]) if (node.getAttribute(k) !== spec[1][k]) setAttr(node, k, spec[1][k]);
      morph(node, spec[2]);
      if (spec[3] && !spec[3].ns) setProps(node, spec[3]);
    }
    while (parent.childNodes.length > specs.length) parent.removeChild(parent.lastChild);
  }

  function nsOf(el) {
    const ns = el.namespaceURI;
    return ns === 'http://www.w3.org/1999/xhtml' || el.localName === 'foreignObject' ? null : ns;
  }

  function at(path) {
    let node = root;
    for (const i of path) {
      node = node.childNodes[i];
      if (node === undefined) throw new Error('stale path');
    }
    return node;
  }

  function apply(ops) {
    for (const op of ops) {
      const kind = op[0];
      if (kind === '=') { morph(root, op[1]); continue; }
      const node = at(op[1]);
      if (kind === 't') node.data = op[2];
      else if (kind === 'a') for (const k in op[2]) setAttr(node, k, op[2][k]);
      else if (kind === 'p') setProps(node, op[2]);
      else if (kind === 'r') node.parentNode.replaceChild(build(op[2], nsOf(node.parentNode)), node);
      else if (kind === '+') for (const c of op[2]) node.appendChild(build(c, nsOf(node)));
      else if (kind === '-') while (node.childNodes.length > op[2]) node.removeChild(node.lastChild);
    }
  }

  // ---- events ----------------------------------------------------------------------
  function pathOf(el) {
    const path = [];
    while (el !== root) {
      const parent = el.parentNode;
      if (parent === null) return null;
      path.push(Array.prototype.indexOf.call(parent.childNodes, el));
      el = parent;
    }
    return path.reverse();
  }

  function formValues(form) {
    const out = {};
    for (const [k, v] of new FormData(form)) {
      if (typeof v !== 'string') continue;
      if (k in out) out[k] = [].concat(out[k], v);
      else out[k] = v;
    }
    return out;
  }

  function onEvent(ev) {
    const attr = 'data-on-' + ev.type;
    const el = ev.target instanceof Element ? ev.target.closest('[' + attr + ']') : null;
    if (el === null || !root.contains(el)) return;
    if (ev.type === 'submit') ev.preventDefault();
    const want = el.getAttribute('data-key');
    if ((ev.type === 'keydown' || ev.type === 'keyup') && want && ev.key !== want) return;
    if (ws === null || ws.readyState !== 1) return;
    const path = pathOf(el);
    if (path === null) return;
    const msg = { t: 'e', seq: ++seq, h: el.getAttribute(attr), type: ev.type, path };
    const src = ev.target;
    const tag = src.localName;
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      msg.value = String(src.value);
      if (src.type === 'checkbox' || src.type === 'radio') msg.checked = !!src.checked;
    }
    if (typeof ev.key === 'string') msg.key = ev.key.slice(0, 32);
    if (ev.type === 'submit') msg.form = formValues(el);
    ws.send(JSON.stringify(msg));
  }

  for (const type of TYPES) root.addEventListener(type, onEvent, type === 'submit');

  // ---- the socket --------------------------------------------------------------------
  function connect() {
    const url = new URL(root.dataset.liveWs, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(url);
    ws.onopen = () => { retry = 0; };
    ws.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      const t = msg.t;
      if (t === 'patch') {
        if (typeof msg.ack === 'number') acked = Math.max(acked, msg.ack);
        try { apply(msg.ops); } catch (e) { ws.close(4000, 'resync'); }
      } else if (t === 'ack') {
        acked = Math.max(acked, msg.seq);
      } else if (t === 'reset' || t === 'restarted') {
        acked = seq;
        morph(root, msg.tree);
        status(t === 'restarted' ? 'Recovered after an error.' : '', 'live');
      } else if (t === 'restarting') {
        status('Something went wrong (' + String(msg.reason) + '); restarting...', 'restarting');
      } else if (t === 'error' || t === 'rejected') {
        status(String(msg.message), 'error');
      } else if (t === 'closed') {
        final = true;
        status(String(msg.message), 'closed');
      }
    };
    ws.onclose = () => {
      ws = null;
      if (final) return;
      status('Disconnected; reconnecting...', 'disconnected');
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 200 * 2 ** retry);
    };
  }
  status('', 'connecting');
  connect();
})();
