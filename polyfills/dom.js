// The `dom` API group: a document per context, after the DOM Standard
// (dom.spec.whatwg.org), the HTML fragment serialization algorithm and
// Selectors Level 4. HTML is parsed on the host by a real HTML5 parser
// (`native.callSync('dom.parse', html, contextNameOrNull)`), which answers
// with a flat array of node records that build() turns into nodes here.
//
// Storage contract (read by the native side without running JS): every node
// keeps its state as own plain data properties under private symbols:
// T (nodeType), NAME (element local name / doctype name), ATTRS (a flat
// array [qname, value, ...]), KIDS (an array of child nodes), DATA (text and
// comment data) and CONTENT (a template's content fragment). The symbols are
// handed to `native.domAttach(document, keys)` once. A node without
// attributes or children shares one frozen empty array until its first
// attribute or child: leaf nodes stay small, and every write goes through
// attrsW()/kidsW(), which swap in a node's own array first.
//
// Other private state (parent, index hint, owner document, listeners,
// observers, lazily created wrappers such as classList) is also kept under
// symbols, so nothing shows up as string keys on nodes or on globalThis.
//
// Events dispatched to nodes go through the tree (capture, target, bubble)
// by the `events` group's own dispatch (reached through shared.events), with
// the node's listener map as the listener list: an Event's state stays in
// that group's #private fields.
//
// Walks over the tree (serialization, textContent, cloning, selectors) are
// iterative: a 10,000-deep tree does not exhaust the JS stack.
// @shared events
(function install(native, g, shared) {
  'use strict';

  const events = shared.events(true);
  const { EventTarget, Event, CustomEvent, DOMException } = events;

  // ---- storage keys ----------------------------------------------------------------------------

  const T = Symbol('nodeType');
  const NAME = Symbol('name');
  const ATTRS = Symbol('attributes');
  const KIDS = Symbol('children');
  const DATA = Symbol('data');
  const CONTENT = Symbol('content');
  const PARENT = Symbol('parent');
  const IDX = Symbol('index'); // a hint: where the node was last seen in its parent's KIDS
  const OWNER = Symbol('ownerDocument'); // present only when not the context's document
  const NSC = Symbol('namespaceCode'); // on prototypes: 0 HTML, 1 SVG, 2 MathML, 3 other (own NS)
  const NS = Symbol('namespace');
  const PREFIX = Symbol('prefix');
  const PUBID = Symbol('publicId');
  const SYSID = Symbol('systemId');
  const EXTRA = Symbol('extra'); // lazily: { listeners, observers, childNodes, classList, ... }
  const DOC = Symbol('documentState'); // on documents: { html, contentType }
  const SRC = Symbol('source'); // of NodeList, HTMLCollection, ...
  const KEY = Symbol('internal');

  const ELEMENT_NODE = 1, ATTRIBUTE_NODE = 2, TEXT_NODE = 3, CDATA_SECTION_NODE = 4,
    ENTITY_REFERENCE_NODE = 5, ENTITY_NODE = 6, PROCESSING_INSTRUCTION_NODE = 7, COMMENT_NODE = 8,
    DOCUMENT_NODE = 9, DOCUMENT_TYPE_NODE = 10, DOCUMENT_FRAGMENT_NODE = 11, NOTATION_NODE = 12;

  const HTML_NS = 'http://www.w3.org/1999/xhtml';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';
  const XML_NS = 'http://www.w3.org/XML/1998/namespace';
  const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
  const XLINK_NS = 'http://www.w3.org/1999/xlink';
  const NS_BY_CODE = [HTML_NS, SVG_NS, MATHML_NS];

  const EMPTY = Object.freeze([]);

  let mainDoc = null; // the context's `document`
  let treeVersion = 0; // bumped by every tree or attribute change (live collections cache on it)

  const illegal = () => new TypeError('Illegal constructor');
  const notNode = (method, iface, n = 1) =>
    new TypeError(`Failed to execute '${method}' on '${iface}': parameter ${n} is not of type 'Node'.`);
  const hierarchy = (msg) => new DOMException(msg, 'HierarchyRequestError');
  const isNode = (x) => x !== null && typeof x === 'object' && x[T] !== undefined;
  const isElement = (x) => x !== null && typeof x === 'object' && x[T] === 1;

  function report(error) {
    queueMicrotask(() => { throw error; });
  }

  function asciiLower(s) {
    return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
  }
  const upperCache = new Map();
  function asciiUpper(s) {
    let u = upperCache.get(s);
    if (u === undefined) {
      u = /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
      if (upperCache.size > 256) upperCache.clear();
      upperCache.set(s, u);
    }
    return u;
  }
  const WS = /[\t\n\f\r ]+/;
  function splitTokens(s) {
    const out = [];
    for (const t of s.split(WS)) if (t !== '' && !out.includes(t)) out.push(t);
    return out;
  }
  // is `token` one of the ASCII-whitespace separated tokens of `s`? (no allocation)
  function hasToken(s, token) {
    if (token === '') return false;
    let from = 0;
    for (;;) {
      const i = s.indexOf(token, from);
      if (i < 0) return false;
      const before = i === 0 ? 32 : s.charCodeAt(i - 1);
      const j = i + token.length;
      const after = j === s.length ? 32 : s.charCodeAt(j);
      if (isWsCode(before) && isWsCode(after)) return true;
      from = i + 1;
    }
  }
  function isWsCode(c) {
    return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
  }

  // ---- raw node helpers ------------------------------------------------------------------------

  // The context's document has the URL given at spawn (the `_window` group's
  // `url=`, asked of the host once); other documents are about:blank.
  let mainURL = null;
  function docURL(doc) {
    if (doc !== mainDoc) return 'about:blank';
    if (mainURL === null) {
      let url;
      try {
        url = native.callSync('_window.url').href;
      } catch (e) {
        url = undefined;
      }
      mainURL = typeof url === 'string' ? url : 'about:blank';
    }
    return mainURL;
  }
  function nodeDoc(n) {
    return n[T] === DOCUMENT_NODE ? n : (n[OWNER] || mainDoc);
  }
  function isHtmlDoc(doc) {
    return doc[DOC].html;
  }
  function kidsW(n) {
    let k = n[KIDS];
    if (k === EMPTY) k = n[KIDS] = [];
    return k;
  }
  function attrsW(n) {
    let a = n[ATTRS];
    if (a === EMPTY) a = n[ATTRS] = [];
    return a;
  }
  function extra(n) {
    let x = n[EXTRA];
    if (x === undefined) x = n[EXTRA] = {};
    return x;
  }
  // the index of `n` in its parent's KIDS (the hint is checked and refreshed)
  function indexOf(n) {
    const k = n[PARENT][KIDS];
    let i = n[IDX];
    if (k[i] === n) return i;
    if (k[i + 1] === n) i += 1;
    else if (k[i - 1] === n) i -= 1;
    else i = k.indexOf(n);
    n[IDX] = i;
    return i;
  }
  function nextSib(n) {
    const p = n[PARENT];
    if (p === null) return null;
    const i = indexOf(n) + 1;
    const s = p[KIDS][i];
    if (s === undefined) return null;
    s[IDX] = i;
    return s;
  }
  function prevSib(n) {
    const p = n[PARENT];
    if (p === null) return null;
    const i = indexOf(n) - 1;
    if (i < 0) return null;
    const s = p[KIDS][i];
    s[IDX] = i;
    return s;
  }
  function nextElementSib(n) {
    const p = n[PARENT];
    if (p === null) return null;
    const k = p[KIDS];
    for (let i = indexOf(n) + 1; i < k.length; i++) if (k[i][T] === 1) return k[i];
    return null;
  }
  function prevElementSib(n) {
    const p = n[PARENT];
    if (p === null) return null;
    const k = p[KIDS];
    for (let i = indexOf(n) - 1; i >= 0; i--) if (k[i][T] === 1) return k[i];
    return null;
  }
  function firstElementChild(n) {
    const k = n[KIDS];
    for (let i = 0; i < k.length; i++) if (k[i][T] === 1) return k[i];
    return null;
  }
  function lastElementChild(n) {
    const k = n[KIDS];
    for (let i = k.length - 1; i >= 0; i--) if (k[i][T] === 1) return k[i];
    return null;
  }
  function parentElement(n) {
    const p = n[PARENT];
    return p !== null && p[T] === 1 ? p : null;
  }
  function rootOf(n) {
    while (n[PARENT] !== null) n = n[PARENT];
    return n;
  }
  // pre-order walk of the descendants of `root` (not root itself, not template
  // contents); stops at and returns the first node for which fn returns true
  function walk(root, fn) {
    let kids = root[KIDS];
    if (kids === undefined) return null;
    const stackK = [];
    const stackI = [];
    let i = 0;
    for (;;) {
      if (i < kids.length) {
        const n = kids[i++];
        if (fn(n)) return n;
        const ck = n[KIDS];
        if (ck !== undefined && ck.length !== 0) {
          stackK.push(kids);
          stackI.push(i);
          kids = ck;
          i = 0;
        }
      } else if (stackK.length !== 0) {
        kids = stackK.pop();
        i = stackI.pop();
      } else {
        return null;
      }
    }
  }
  function walkElements(root, fn) {
    return walk(root, (n) => n[T] === 1 && fn(n));
  }

  // ---- attributes ------------------------------------------------------------------------------

  function attrIndex(el, qname) {
    const a = el[ATTRS];
    for (let i = 0; i < a.length; i += 2) if (a[i] === qname) return i;
    return -1;
  }
  function getAttr(el, qname) {
    const a = el[ATTRS];
    for (let i = 0; i < a.length; i += 2) if (a[i] === qname) return a[i + 1];
    return null;
  }
  // the name setAttribute & co. look for: lowercased on HTML elements of HTML documents
  function attrName(el, name) {
    name = String(name);
    return el[NSC] === 0 && isHtmlDoc(nodeDoc(el)) ? asciiLower(name) : name;
  }
  // Attributes are stored by qualified name; the namespaced ones are those the
  // HTML parser puts in a namespace on foreign (SVG, MathML) elements.
  const FOREIGN_ATTRS = new Set(['xlink:actuate', 'xlink:arcrole', 'xlink:href', 'xlink:role', 'xlink:show',
    'xlink:title', 'xlink:type', 'xml:lang', 'xml:space', 'xmlns', 'xmlns:xlink']);
  // the namespace of attribute `qname` on `el`: the one recorded when it was
  // set with an explicit namespace (setAttributeNS, setAttributeNode, or
  // setAttribute of a name the parser would namespace), else the parser's rule
  function attrNamespace(el, qname) {
    if (el === null) return null;
    const x = el[EXTRA];
    if (x !== undefined && x.attrNs !== undefined && x.attrNs.has(qname)) return x.attrNs.get(qname);
    return derivedNamespace(el, qname);
  }
  function derivedNamespace(el, qname) {
    if (el[NSC] === 0 || !FOREIGN_ATTRS.has(qname)) return null;
    return qname.startsWith('xmlns') ? XMLNS_NS : qname.startsWith('xlink:') ? XLINK_NS : XML_NS;
  }
  // record the namespace of a new attribute when the parser's rule would say otherwise
  function noteNamespace(el, qname, ns) {
    const x = el[EXTRA];
    if (ns === derivedNamespace(el, qname)) {
      if (x !== undefined && x.attrNs !== undefined) x.attrNs.delete(qname);
      return;
    }
    const e = extra(el);
    if (e.attrNs === undefined) e.attrNs = new Map();
    e.attrNs.set(qname, ns);
  }
  function setAttr(el, qname, value) {
    value = String(value);
    const i = attrIndex(el, qname);
    const old = i < 0 ? null : el[ATTRS][i + 1];
    if (observed) queueAttributeRecord(el, qname, old);
    if (i < 0) {
      attrsW(el).push(qname, value);
    } else {
      el[ATTRS][i + 1] = value;
    }
    treeVersion++;
    const x = el[EXTRA];
    if (x !== undefined && x.form !== undefined) formAttributeChanged(x.form, qname);
  }
  // a new attribute set by name only (setAttribute, toggleAttribute): no namespace
  function setAttrByName(el, qname, value) {
    if (el[NSC] !== 0 && attrIndex(el, qname) < 0 && FOREIGN_ATTRS.has(qname)) noteNamespace(el, qname, null);
    setAttr(el, qname, value);
  }
  function removeAttrAt(el, i) {
    const a = el[ATTRS];
    const qname = a[i];
    const value = a[i + 1];
    if (observed) queueAttributeRecord(el, qname, value);
    a.copyWithin(i, i + 2);
    a.length -= 2;
    treeVersion++;
    const x = el[EXTRA];
    if (x !== undefined) {
      if (x.attrNodes !== undefined) {
        const node = x.attrNodes.get(qname);
        if (node !== undefined) {
          x.attrNodes.delete(qname);
          part('attrs').detach(node, value, attrNamespace(el, qname));  // loaded: it made the node
        }
      }
      if (x.attrNs !== undefined) x.attrNs.delete(qname);
      if (x.form !== undefined) formAttributeChanged(x.form, qname);
    }
  }
  function removeAttr(el, qname) {
    const i = attrIndex(el, qname);
    if (i >= 0) removeAttrAt(el, i);
  }

  // A form control's state (extra(el).form, made on first use): checkedness,
  // selectedness and value, each `undefined` while it still follows its
  // content attribute (checked, selected, value), and dirty flags set by the
  // IDL setters. A content attribute change makes a clean state follow the
  // attribute again, which is the HTML standard's rule for all three.
  function formAttributeChanged(f, qname) {
    if (qname === 'checked') {
      if (!f.dirtyChecked) f.checked = undefined;
    } else if (qname === 'selected') {
      if (!f.dirtySelected) f.selected = undefined;
    } else if (qname === 'value') {
      if (!f.dirtyValue) f.value = undefined;
    }
  }

  const VALID_ATTR = /^[^\t\n\f\r \0/=>]+$/;
  const VALID_ELEMENT = /^(?:[A-Za-z][^\t\n\f\r \0/>]*|[:_\u0080-\uffff][A-Za-z0-9\-.:_\u0080-\uffff]*)$/;
  function checkAttrName(name) {
    if (!VALID_ATTR.test(name)) {
      throw new DOMException(`'${name}' is not a valid attribute name.`, 'InvalidCharacterError');
    }
  }

  // ---- node construction -----------------------------------------------------------------------

  function newElement(doc, proto, name) {
    const el = Object.create(proto);
    el[T] = 1;
    el[NAME] = name;
    el[ATTRS] = EMPTY;
    el[KIDS] = EMPTY;
    el[PARENT] = null;
    el[IDX] = 0;
    if (doc !== mainDoc) el[OWNER] = doc;
    if (proto === HTMLTemplateElement.prototype) el[CONTENT] = newFragment(doc);
    return el;
  }
  function newCharData(doc, type, data) {
    const n = Object.create(type === TEXT_NODE ? Text.prototype : Comment.prototype);
    n[T] = type;
    n[DATA] = data;
    n[PARENT] = null;
    n[IDX] = 0;
    if (doc !== mainDoc) n[OWNER] = doc;
    return n;
  }
  function newFragment(doc) {
    const f = Object.create(DocumentFragment.prototype);
    f[T] = DOCUMENT_FRAGMENT_NODE;
    f[KIDS] = EMPTY;
    f[PARENT] = null;
    f[IDX] = 0;
    if (doc !== mainDoc) f[OWNER] = doc;
    return f;
  }
  function newDoctype(doc, name, publicId, systemId) {
    const d = Object.create(DocumentType.prototype);
    d[T] = DOCUMENT_TYPE_NODE;
    d[NAME] = name;
    d[PUBID] = publicId;
    d[SYSID] = systemId;
    d[PARENT] = null;
    d[IDX] = 0;
    if (doc !== mainDoc) d[OWNER] = doc;
    return d;
  }
  function newDocument(html, contentType) {
    const d = Object.create(Document.prototype);
    d[T] = DOCUMENT_NODE;
    d[KIDS] = EMPTY;
    d[PARENT] = null;
    d[IDX] = 0;
    d[DOC] = { html, contentType };
    return d;
  }
  function protoFor(code, name) {
    if (code === 0) {
      if (name === 'template') return HTMLTemplateElement.prototype;
      return htmlProtoFor(name);
    }
    if (code === 1) return SVGElement.prototype;
    if (code === 2) return MathMLElement.prototype;
    return Element.prototype;
  }
  // an element by namespace URI and qualified name (validated by the caller)
  function createElementNS(doc, ns, prefix, local) {
    const code = ns === HTML_NS ? 0 : ns === SVG_NS ? 1 : ns === MATHML_NS ? 2 : 3;
    const el = newElement(doc, protoFor(code, local), local);
    if (code === 3) el[NS] = ns;
    if (prefix !== null) el[PREFIX] = prefix;
    return el;
  }
  function validateAndExtract(ns, qname) {
    ns = ns === null || ns === undefined || ns === '' ? null : String(ns);
    qname = String(qname);
    let prefix = null;
    let local = qname;
    const colon = qname.indexOf(':');
    if (colon >= 0) {
      prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
    }
    if (!VALID_ELEMENT.test(local) || (prefix !== null && (prefix === '' || !VALID_ATTR.test(prefix) || local.includes(':')))) {
      throw new DOMException(`'${qname}' is not a valid qualified name.`, 'InvalidCharacterError');
    }
    if ((prefix !== null && ns === null) ||
        (prefix === 'xml' && ns !== XML_NS) ||
        ((qname === 'xmlns' || prefix === 'xmlns') && ns !== XMLNS_NS) ||
        (ns === XMLNS_NS && qname !== 'xmlns' && prefix !== 'xmlns')) {
      throw new DOMException('The namespace and the qualified name do not match.', 'NamespaceError');
    }
    return [ns, prefix, local];
  }

  // Nodes from the host parser's flat form (see actors/dom/parse.py): one
  // array of every node in tree order, each a record spread inline that starts
  // with its kind and its depth (0 for `root`'s own children):
  //   1, depth, name, ns, attrs           element (attrs: [qname, value, ...])
  //   3, depth, data                      text
  //   8, depth, data                      comment
  //   10, depth, name, publicId, systemId doctype
  //   11, depth                           the content fragment of the template
  //                                       element just before it; the contents
  //                                       follow at depth + 1
  // A node's parent is the closest record before it one level up, so one loop
  // builds a tree of any depth with `parents[d]`, the open parent of depth-d
  // nodes. `kids[d]` is that parent's KIDS once it has a child (null before):
  // its first child makes an exactly sized one-item array, later ones are
  // pushed. An attrs array is fresh from the parser and becomes the element's
  // ATTRS as is. `root` is a fresh document or fragment (no mutation records).
  function build(doc, root, list) {
    const n = list.length;
    const parents = [root];
    const kids = [null];
    let top = 0; // the deepest depth the next record may have
    let i = 0;
    while (i < n) {
      const kind = list[i];
      const d = list[i + 1];
      if (!(d >= 0 && d <= top)) throw new TypeError('dom.parse returned a malformed tree');
      const p = parents[d];
      let node;
      if (kind === 1) {
        const name = list[i + 2];
        node = newElement(doc, protoFor(list[i + 3], name), name);
        const attrs = list[i + 4];
        if (attrs.length !== 0) node[ATTRS] = attrs;
        top = d + 1;
        parents[top] = node;
        kids[top] = null;
        i += 5;
      } else if (kind === 3) {
        node = newCharData(doc, TEXT_NODE, list[i + 2]);
        top = d;
        i += 3;
      } else if (kind === 8) {
        node = newCharData(doc, COMMENT_NODE, list[i + 2]);
        top = d;
        i += 3;
      } else if (kind === 10) {
        node = newDoctype(doc, list[i + 2], list[i + 3], list[i + 4]);
        top = d;
        i += 5;
      } else if (kind === 11) {
        const content = p[CONTENT];
        if (content === undefined || kids[d] !== null) throw new TypeError('dom.parse returned a malformed tree');
        top = d + 1;
        parents[top] = content;
        kids[top] = null;
        i += 2;
        continue;
      } else {
        throw new TypeError('dom.parse returned an unknown node');
      }
      const k = kids[d];
      if (k === null) {
        kids[d] = p[KIDS] = [node]; // node[IDX] is already 0
      } else {
        node[IDX] = k.length;
        k.push(node);
      }
      node[PARENT] = p;
    }
    return root;
  }
  function appendFresh(parent, n) {
    const k = kidsW(parent);
    n[IDX] = k.length;
    k.push(n);
    n[PARENT] = parent;
  }
  function parse(html, context) {
    return native.callSync('dom.parse', String(html), context);
  }
  // the context name the parser gets for fragments parsed "in" element `el`
  // (the parser names a foreign context element "svg <name>" or "math <name>")
  function fragmentContext(el) {
    const code = el[NSC];
    return code === 1 ? 'svg ' + el[NAME] : code === 2 ? 'math ' + el[NAME] : el[NAME];
  }
  function parseFragment(el, html) {
    const doc = nodeDoc(el);
    const list = parse(html, fragmentContext(el));
    return build(doc, newFragment(doc), list);
  }

  // ---- mutation --------------------------------------------------------------------------------

  // is `node` an inclusive ancestor of `other`? (a node without children can
  // only be its own: appending fresh nodes to a deep tree stays O(1))
  function containsInclusive(node, other) {
    if (node === other) return true;
    const k = node[KIDS];
    if (k === undefined || k.length === 0) return false;
    for (let a = other[PARENT]; a !== null; a = a[PARENT]) if (a === node) return true;
    return false;
  }
  function ensurePreInsert(node, parent, child, method) {
    const pt = parent[T];
    if (pt !== DOCUMENT_NODE && pt !== DOCUMENT_FRAGMENT_NODE && pt !== ELEMENT_NODE) {
      throw hierarchy(`Failed to execute '${method}' on 'Node': This node type does not support this method.`);
    }
    if (containsInclusive(node, parent)) {
      throw hierarchy(`Failed to execute '${method}' on 'Node': The new child element contains the parent.`);
    }
    if (child !== null && child[PARENT] !== parent) {
      throw new DOMException(`Failed to execute '${method}' on 'Node': The node before which the new node is to be inserted is not a child of this node.`, 'NotFoundError');
    }
    const nt = node[T];
    if (nt === DOCUMENT_NODE) throw hierarchy(`Failed to execute '${method}' on 'Node': Nodes of type '#document' may not be inserted inside nodes of type '${parent.nodeName}'.`);
    if ((nt === TEXT_NODE && pt === DOCUMENT_NODE) || (nt === DOCUMENT_TYPE_NODE && pt !== DOCUMENT_NODE)) {
      throw hierarchy(`Failed to execute '${method}' on 'Node': Nodes of type '${node.nodeName}' may not be inserted inside nodes of type '${parent.nodeName}'.`);
    }
    if (pt === DOCUMENT_NODE) checkDocumentChildren(node, parent, child, null, method);
  }
  // the document-specific rules of pre-insert (replaced: the child being replaced, for replaceChild)
  function checkDocumentChildren(node, parent, child, replaced, method) {
    const nt = node[T];
    const kids = parent[KIDS];
    const bad = () => hierarchy(`Failed to execute '${method}' on 'Node': Only one element and one doctype are allowed on a Document, in that order.`);
    const hasElementOtherThan = (skip) => kids.some((k) => k[T] === 1 && k !== skip);
    const doctypeAfter = (c) => {
      if (c === null) return false;
      for (let i = indexOf(c) + 1; i < kids.length; i++) if (kids[i][T] === DOCUMENT_TYPE_NODE) return true;
      return false;
    };
    const elementBefore = (c) => {
      const end = c === null ? kids.length : indexOf(c);
      for (let i = 0; i < end; i++) if (kids[i][T] === 1 && kids[i] !== replaced) return true;
      return false;
    };
    if (nt === DOCUMENT_FRAGMENT_NODE) {
      let elements = 0;
      for (const k of node[KIDS]) {
        if (k[T] === 1) elements++;
        else if (k[T] === TEXT_NODE) throw bad();
      }
      if (elements > 1) throw bad();
      if (elements === 1) {
        if (hasElementOtherThan(replaced)) throw bad();
        if (replaced === null) {
          if ((child !== null && child[T] === DOCUMENT_TYPE_NODE) || doctypeAfter(child)) throw bad();
        } else if (doctypeAfter(replaced)) {
          throw bad();
        }
      }
    } else if (nt === ELEMENT_NODE) {
      if (hasElementOtherThan(replaced)) throw bad();
      if (replaced === null) {
        if ((child !== null && child[T] === DOCUMENT_TYPE_NODE) || doctypeAfter(child)) throw bad();
      } else if (doctypeAfter(replaced)) {
        throw bad();
      }
    } else if (nt === DOCUMENT_TYPE_NODE) {
      if (kids.some((k) => k[T] === DOCUMENT_TYPE_NODE && k !== replaced)) throw bad();
      if (replaced === null) {
        if (elementBefore(child) || (child === null && hasElementOtherThan(null))) throw bad();
      } else if (elementBefore(replaced)) {
        throw bad();
      }
    }
  }
  function preInsert(node, parent, child, method) {
    ensurePreInsert(node, parent, child, method);
    let ref = child;
    if (ref === node) ref = nextSib(node);
    insertNode(node, parent, ref, false);
    return node;
  }
  // set the owner document of node's inclusive descendants (and template contents)
  function adopt(node, doc) {
    if (nodeDoc(node) === doc) return;
    const set = (n) => {
      if (doc !== mainDoc || n[OWNER] !== undefined) n[OWNER] = doc;
      if (n[CONTENT] !== undefined) {
        set(n[CONTENT]);
        walk(n[CONTENT], (d) => { set(d); return false; });
      }
      return false;
    };
    set(node);
    walk(node, set);
  }
  // insert `node` (or a fragment's children) into `parent` before `child`;
  // returns the inserted nodes. Room in the kids array is made first and
  // whatever can fail runs before the commit, so running out of memory
  // leaves a consistent tree (at worst the node was taken out of its old parent).
  function insertNode(node, parent, child, suppress) {
    const isFrag = node[T] === DOCUMENT_FRAGMENT_NODE;
    const nodes = isFrag ? node[KIDS].slice() : [node];
    const count = nodes.length;
    if (count === 0) return nodes;
    const doc = nodeDoc(parent);
    const kids = kidsW(parent);
    const len0 = kids.length;
    try {
      for (let j = 0; j < count; j++) kids.push(null);
    } catch (e) {
      kids.length = len0;
      throw e;
    }
    try {
      if (!isFrag && node[PARENT] !== null) removeNode(node, false);
      for (const n of nodes) adopt(n, doc);
    } catch (e) {
      kids.length -= count; // the placeholders are still at the end
      throw e;
    }
    if (isFrag) {
      // no allocation: the fragment's children are `nodes` already
      for (const n of nodes) {
        n[PARENT] = null;
        n[IDX] = 0;
      }
      node[KIDS].length = 0;
    }
    const len = kids.length - count; // real children now (a removal may have shortened it)
    const at = child === null ? len : indexOf(child);
    kids.copyWithin(at + count, at, len);
    for (let j = 0; j < count; j++) {
      const n = nodes[j];
      kids[at + j] = n;
      n[PARENT] = parent;
      n[IDX] = at + j;
    }
    treeVersion++;
    if (observed) {
      if (isFrag) queueTreeRecord(node, EMPTY, nodes, null, null);
      if (!suppress) queueTreeRecord(parent, nodes, EMPTY, at === 0 ? null : kids[at - 1], child);
    }
    return nodes;
  }
  function removeNode(node, suppress) {
    if (liveIterators.length !== 0) iteratorsPreRemove(node);
    const parent = node[PARENT];
    const kids = parent[KIDS];
    const i = indexOf(node);
    if (observed) {
      if (!suppress) queueTreeRecord(parent, EMPTY, [node], i === 0 ? null : kids[i - 1], kids[i + 1] || null);
      addTransientObservers(parent, node);
    }
    kids.copyWithin(i, i + 1);
    kids.length -= 1;
    node[PARENT] = null;
    node[IDX] = 0;
    treeVersion++;
  }
  function removeAllChildren(parent, suppress) {
    const kids = parent[KIDS];
    if (kids.length === 0) return EMPTY;
    const removed = kids.slice();
    if (liveIterators.length !== 0) for (const n of removed) iteratorsPreRemove(n);
    if (observed) {
      for (const n of removed) addTransientObservers(parent, n);
    }
    for (const n of removed) {
      n[PARENT] = null;
      n[IDX] = 0;
    }
    kids.length = 0;
    treeVersion++;
    if (observed && !suppress) queueTreeRecord(parent, EMPTY, removed, null, null);
    return removed;
  }
  // "replace all" with node (may be null or a fragment)
  function replaceAll(parent, node) {
    if (node !== null) adopt(node, nodeDoc(parent));
    const added = node === null ? EMPTY : node[T] === DOCUMENT_FRAGMENT_NODE ? node[KIDS].slice() : [node];
    if (node !== null) {
      // make room first
      const kids = kidsW(parent);
      const len0 = kids.length;
      try {
        for (let j = 0; j < added.length; j++) kids.push(null);
      } catch (e) {
        kids.length = len0;
        throw e;
      }
      kids.length = len0;
    }
    const removed = removeAllChildren(parent, true);
    if (node !== null) insertNode(node, parent, null, true);
    if (observed && (added.length !== 0 || removed.length !== 0)) queueTreeRecord(parent, added, removed, null, null);
  }
  function replaceChild(parent, node, child) {
    const pt = parent[T];
    if (pt !== DOCUMENT_NODE && pt !== DOCUMENT_FRAGMENT_NODE && pt !== ELEMENT_NODE) {
      throw hierarchy("Failed to execute 'replaceChild' on 'Node': This node type does not support this method.");
    }
    if (containsInclusive(node, parent)) {
      throw hierarchy("Failed to execute 'replaceChild' on 'Node': The new child element contains the parent.");
    }
    if (child[PARENT] !== parent) {
      throw new DOMException("Failed to execute 'replaceChild' on 'Node': The node to be replaced is not a child of this node.", 'NotFoundError');
    }
    const nt = node[T];
    if (nt === DOCUMENT_NODE || (nt === TEXT_NODE && pt === DOCUMENT_NODE) || (nt === DOCUMENT_TYPE_NODE && pt !== DOCUMENT_NODE)) {
      throw hierarchy(`Failed to execute 'replaceChild' on 'Node': Nodes of type '${node.nodeName}' may not be inserted inside nodes of type '${parent.nodeName}'.`);
    }
    if (pt === DOCUMENT_NODE) checkDocumentChildren(node, parent, null, child, 'replaceChild');
    let ref = nextSib(child);
    if (ref === node) ref = nextSib(node);
    let prev = prevSib(child);
    if (prev === node) prev = prevSib(node);
    if (child[PARENT] !== null) removeNode(child, true);
    const nodes = insertNode(node, parent, ref, true);
    if (observed) {
      queueTreeRecord(parent, nodes, [child], prev && prev[PARENT] === parent ? prev : null, ref);
    }
    return child;
  }
  // nodes-or-strings -> one node (a fragment when more than one)
  function convertNodes(doc, args, method, iface) {
    if (args.length === 1) return toNode(doc, args[0], method, iface);
    const f = newFragment(doc);
    for (const a of args) {
      const n = toNode(doc, a, method, iface);
      if (n[T] === DOCUMENT_FRAGMENT_NODE || n[PARENT] !== null) preInsert(n, f, null, method);
      else appendFresh(f, n);
    }
    return f;
  }
  function toNode(doc, a, method, iface) {
    if (isNode(a)) {
      if (a[T] === DOCUMENT_NODE) throw hierarchy(`Failed to execute '${method}' on '${iface}': Nodes of type '#document' may not be inserted.`);
      return a;
    }
    return newCharData(doc, TEXT_NODE, String(a));
  }

  // ---- character data --------------------------------------------------------------------------

  function setData(n, data) {
    const old = n[DATA];
    if (observed) queueCharacterDataRecord(n, old);
    n[DATA] = data;
  }
  function replaceData(n, offset, count, data) {
    const old = n[DATA];
    offset = offset >>> 0;
    count = count >>> 0;
    if (offset > old.length) throw new DOMException(`The offset ${offset} is greater than the node's length (${old.length}).`, 'IndexSizeError');
    if (offset + count > old.length) count = old.length - offset;
    setData(n, old.slice(0, offset) + String(data) + old.slice(offset + count));
  }

  // ---- text content ----------------------------------------------------------------------------

  function textOf(root) {
    const parts = [];
    walk(root, (n) => {
      if (n[T] === TEXT_NODE) parts.push(n[DATA]);
      return false;
    });
    return parts.join('');
  }
  function setTextContent(n, value) {
    const t = n[T];
    if (t === ELEMENT_NODE || t === DOCUMENT_FRAGMENT_NODE) {
      const s = value === null || value === undefined ? '' : String(value);
      replaceAll(n, s === '' ? null : newCharData(nodeDoc(n), TEXT_NODE, s));
    } else if (t === TEXT_NODE || t === COMMENT_NODE) {
      setData(n, value === null || value === undefined ? '' : String(value));
    }
  }

  // ---- cloning ---------------------------------------------------------------------------------

  function cloneOne(n, doc) {
    switch (n[T]) {
      case ELEMENT_NODE: {
        const c = newElement(doc, Object.getPrototypeOf(n), n[NAME]);
        if (n[NS] !== undefined) c[NS] = n[NS];
        if (n[PREFIX] !== undefined) c[PREFIX] = n[PREFIX];
        if (n[ATTRS].length !== 0) c[ATTRS] = n[ATTRS].slice();
        const f = n[EXTRA] === undefined ? undefined : n[EXTRA].form;
        if (f !== undefined && (n[NAME] === 'input' || n[NAME] === 'textarea') && n[NSC] === 0) {
          // the cloning steps of input and textarea carry their state over
          const g = formState(c);
          g.checked = f.checked;
          g.dirtyChecked = f.dirtyChecked;
          g.value = f.value;
          g.dirtyValue = f.dirtyValue;
          g.indeterminate = f.indeterminate;
        }
        return c;
      }
      case TEXT_NODE:
      case COMMENT_NODE:
        return newCharData(doc, n[T], n[DATA]);
      case DOCUMENT_FRAGMENT_NODE:
        return newFragment(doc);
      case DOCUMENT_TYPE_NODE:
        return newDoctype(doc, n[NAME], n[PUBID], n[SYSID]);
      case DOCUMENT_NODE: {
        const d = newDocument(n[DOC].html, n[DOC].contentType);
        return d;
      }
    }
    throw new DOMException('This node cannot be cloned.', 'NotSupportedError');
  }
  function cloneNode(node, deep) {
    const doc = node[T] === DOCUMENT_NODE ? null : nodeDoc(node);
    const top = cloneOne(node, doc);
    if (!deep) return top;
    const targetDoc = top[T] === DOCUMENT_NODE ? top : doc;
    // work list of [source parent, copy parent]
    const work = [node, top];
    while (work.length !== 0) {
      const dst = work.pop();
      const src = work.pop();
      if (src[T] === 1 && src[CONTENT] !== undefined && src[CONTENT][KIDS].length !== 0) {
        work.push(src[CONTENT], dst[CONTENT]);
      }
      const kids = src[KIDS];
      if (kids === undefined) continue;
      for (let i = 0; i < kids.length; i++) {
        const c = cloneOne(kids[i], targetDoc);
        appendFresh(dst, c);
        if ((kids[i][KIDS] !== undefined && kids[i][KIDS].length !== 0) || kids[i][CONTENT] !== undefined) work.push(kids[i], c);
      }
    }
    return top;
  }

  // ---- serialization ---------------------------------------------------------------------------

  const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img',
    'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
  const RAWTEXT = new Set(['style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext', 'noscript']);
  const TEXT_ESC = /[&<>\u00a0]/g;
  // attribute values escape < and > too (HTML standard since 2025): markup
  // in an attribute can never be re-read as a tag by a lenient consumer
  const ATTR_ESC = /[&"<>\u00a0]/g;
  const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00a0': '&nbsp;' };
  const escapeChar = (c) => ESC[c];
  function escText(s) {
    TEXT_ESC.lastIndex = 0;
    return TEXT_ESC.test(s) ? s.replace(TEXT_ESC, escapeChar) : s;
  }
  function escAttr(s) {
    ATTR_ESC.lastIndex = 0;
    return ATTR_ESC.test(s) ? s.replace(ATTR_ESC, escapeChar) : s;
  }
  function serialTag(el) {
    const code = el[NSC];
    if (code !== 3 || el[PREFIX] === undefined) return el[NAME];
    return el[PREFIX] + ':' + el[NAME];
  }
  function kidsForSerial(n) {
    return n[CONTENT] !== undefined ? n[CONTENT][KIDS] : n[KIDS];
  }
  function serializeStart(parts, el) {
    parts.push('<', serialTag(el));
    const a = el[ATTRS];
    for (let i = 0; i < a.length; i += 2) parts.push(' ', a[i], '="', escAttr(a[i + 1]), '"');
    parts.push('>');
  }
  // serialize the children of `root` (or root itself when `self`)
  function serialize(root, self) {
    const parts = [];
    const stackN = [];
    const stackK = [];
    const stackI = [];
    let parent = self ? root[PARENT] : root;
    let kids = self ? [root] : kidsForSerial(root);
    let i = 0;
    let closing = null; // the element whose end tag follows `kids`
    for (;;) {
      if (i < kids.length) {
        const n = kids[i++];
        switch (n[T]) {
          case ELEMENT_NODE: {
            serializeStart(parts, n);
            if (n[NSC] === 0 && VOID.has(n[NAME])) break;
            const ck = kidsForSerial(n);
            if (ck.length === 0) {
              parts.push('</', serialTag(n), '>');
              break;
            }
            stackN.push(closing, parent);
            stackK.push(kids);
            stackI.push(i);
            closing = n;
            parent = n;
            kids = ck;
            i = 0;
            break;
          }
          case TEXT_NODE: {
            const raw = parent !== null && parent[T] === 1 && parent[NSC] === 0 && RAWTEXT.has(parent[NAME]);
            parts.push(raw ? n[DATA] : escText(n[DATA]));
            break;
          }
          case COMMENT_NODE:
            parts.push('<!--', n[DATA], '-->');
            break;
          case DOCUMENT_TYPE_NODE:
            parts.push('<!DOCTYPE ', n[NAME], '>');
            break;
          default:
            break;
        }
      } else if (stackK.length !== 0) {
        parts.push('</', serialTag(closing), '>');
        kids = stackK.pop();
        i = stackI.pop();
        parent = stackN.pop();
        closing = stackN.pop();
      } else {
        return parts.join('');
      }
    }
  }

  // ---- collections -----------------------------------------------------------------------------

  function indexKey(k) {
    if (typeof k !== 'string') return -1;
    const c = k.charCodeAt(0);
    if (c < 48 || c > 57) return -1;
    const i = +k;
    return String(i) === k && i < 4294967295 ? i : -1;
  }
  // items of a NodeList / HTMLCollection / ... behind a proxy
  function itemsOf(list) {
    const s = list[SRC];
    if (Array.isArray(s)) return s;
    if (s[T] !== undefined) return s[KIDS];
    return s.items();
  }
  const listHandler = {
    get(t, k, r) {
      const i = indexKey(k);
      if (i >= 0) {
        const v = itemsOf(t)[i];
        return v === undefined ? undefined : t[SRC].isAttrs === true ? attrNode(t[SRC].el, v) : v;
      }
      if (typeof k === 'string' && t[SRC].named !== undefined && !(k in t)) {
        return t[SRC].named(k);
      }
      return Reflect.get(t, k, r);
    },
    has(t, k) {
      const i = indexKey(k);
      if (i >= 0) return i < itemsOf(t).length;
      return Reflect.has(t, k);
    },
    set(t, k, v, r) {
      if (indexKey(k) >= 0) return true;
      return Reflect.set(t, k, v, t);
    },
    ownKeys(t) {
      const n = itemsOf(t).length;
      const keys = [];
      for (let i = 0; i < n; i++) keys.push(String(i));
      for (const k of Reflect.ownKeys(t)) keys.push(k);
      return keys;
    },
    getOwnPropertyDescriptor(t, k) {
      const i = indexKey(k);
      if (i >= 0) {
        const items = itemsOf(t);
        if (i >= items.length) return undefined;
        const v = t[SRC].isAttrs === true ? attrNode(t[SRC].el, items[i]) : items[i];
        return { value: v, writable: false, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    defineProperty(t, k, d) {
      if (indexKey(k) >= 0) return false;
      return Reflect.defineProperty(t, k, d);
    },
  };
  function makeList(proto, src) {
    const t = Object.create(proto);
    Object.defineProperty(t, SRC, { value: src });
    return new Proxy(t, listHandler);
  }
  const staticList = (nodes) => makeList(NodeList.prototype, nodes);

  class NodeList {
    constructor() { throw illegal(); }
    get length() { return itemsOf(this).length; }
    item(index) {
      const v = itemsOf(this)[index >>> 0];
      return v === undefined ? null : v;
    }
    forEach(callback, thisArg = undefined) {
      const items = itemsOf(this);
      for (let i = 0; i < items.length; i++) callback.call(thisArg, items[i], i, this);
    }
    keys() { return itemsOf(this).slice().keys(); }
    values() { return itemsOf(this).slice().values(); }
    entries() { return itemsOf(this).slice().entries(); }
    [Symbol.iterator]() { return itemsOf(this).slice().values(); }
  }

  // a live, filtered view of the tree, recomputed when the tree changed
  class LiveSource {
    constructor(root, test, direct) {
      this.root = root;
      this.test = test;
      this.direct = direct;
      this.version = -1;
      this.cache = null;
    }
    items() {
      if (this.version !== treeVersion) {
        const out = [];
        if (this.direct) {
          for (const k of this.root[KIDS]) if (k[T] === 1 && this.test(k)) out.push(k);
        } else {
          walkElements(this.root, (el) => {
            if (this.test(el)) out.push(el);
            return false;
          });
        }
        this.cache = out;
        this.version = treeVersion;
      }
      return this.cache;
    }
    named(name) {
      if (name === '') return undefined;
      for (const el of this.items()) {
        if (getAttr(el, 'id') === name || (el[NSC] === 0 && getAttr(el, 'name') === name)) return el;
      }
      return undefined;
    }
  }
  class HTMLCollection {
    constructor() { throw illegal(); }
    get length() { return itemsOf(this).length; }
    item(index) {
      const v = itemsOf(this)[index >>> 0];
      return v === undefined ? null : v;
    }
    namedItem(name) {
      const v = this[SRC].named(String(name));
      return v === undefined ? null : v;
    }
    [Symbol.iterator]() { return itemsOf(this).slice().values(); }
  }
  const liveCollection = (root, test, direct = false) =>
    makeList(HTMLCollection.prototype, new LiveSource(root, test, direct));

  function byTagName(root, qname) {
    qname = String(qname);
    if (qname === '*') return liveCollection(root, () => true);
    const lower = asciiLower(qname);
    return liveCollection(root, (el) => qualifiedName(el) === (el[NSC] === 0 ? lower : qname));
  }
  function byClassName(root, names) {
    const classes = splitTokens(String(names));
    if (classes.length === 0) return liveCollection(root, () => false);
    return liveCollection(root, (el) => {
      const c = getAttr(el, 'class');
      return c !== null && classes.every((x) => hasToken(c, x));
    });
  }
  function byId(root, id) {
    id = String(id);
    if (id === '') return null;
    return walkElements(root, (el) => getAttr(el, 'id') === id);
  }

  // ---- DOMTokenList, dataset, style: parts ----------------------------------------------------

  // polyfills/dom.tokens.js (classList, relList) and polyfills/dom.style.js (dataset, style)
  function tokenList(el, attr) {
    return part('tokens').tokenList(el, attr);
  }
  // ---- attributes: Attr and NamedNodeMap are a part (polyfills/dom.attrs.js) ----

  function findAttrNS(el, ns, local) {
    ns = ns === null || ns === undefined || ns === '' ? null : String(ns);
    local = String(local);
    const a = el[ATTRS];
    for (let i = 0; i < a.length; i += 2) {
      const q = a[i];
      const aNs = attrNamespace(el, q);
      const c = q.indexOf(':');
      const aLocal = aNs !== null && c >= 0 ? q.slice(c + 1) : q;
      if (aNs === ns && aLocal === local) return q;
    }
    return null;
  }
  function attrNode(el, qname) {
    return part('attrs').attrNode(el, qname);
  }
  function attributesOf(el) {
    return part('attrs').attributesOf(el);
  }
  function setAttrNode(el, attr, method, iface) {
    return part('attrs').setAttrNode(el, attr, method, iface);
  }
  function removeAttrNode(el, attr, method, iface) {
    return part('attrs').removeAttrNode(el, attr, method, iface);
  }
  // ---- selectors -------------------------------------------------------------------------------

  // The selector engine is a part (polyfills/dom.selectors.js), loaded by the
  // first selector that is not one of these: the selectors a component
  // typically starts with cost a context no compiled selector code.
  const SIMPLE_TAG = /^[a-z][a-z0-9-]*$/;
  const SIMPLE_ID_OR_CLASS = /^[#.][A-Za-z_][A-Za-z0-9_-]*$/;
  function simpleTest(text) {
    if (SIMPLE_TAG.test(text)) return (el) => el[NAME] === text;  // lowercase: the same in any namespace
    if (!SIMPLE_ID_OR_CLASS.test(text)) return null;
    const name = text.slice(1);
    if (text[0] === '#') return (el) => getAttr(el, 'id') === name;
    return (el) => {
      const v = getAttr(el, 'class');
      return v !== null && (v === name || hasToken(v, name));
    };
  }
  function querySelectorAll(root, text, method, iface, firstOnly) {
    text = String(text);
    const test = simpleTest(text);
    if (test === null) return part('selectors').querySelectorAll(root, text, method, iface, firstOnly);
    if (firstOnly) return walkElements(root, test);
    const out = [];
    walkElements(root, (el) => {
      if (test(el)) out.push(el);
      return false;
    });
    return out;
  }
  function compileSelector(text, method, iface) {
    return part('selectors').compileSelector(text, method, iface);
  }
  function matchesList(list, el, scope) {
    return part('selectors').matchesList(list, el, scope);
  }
  const FORM_CONTROLS = new Set(['button', 'input', 'select', 'textarea', 'optgroup', 'option', 'fieldset']);
  function isDisabled(el) {
    if (el[NSC] !== 0 || !FORM_CONTROLS.has(el[NAME])) return false;
    if (getAttr(el, 'disabled') !== null) return true;
    const name = el[NAME];
    if (name === 'option') {
      const p = el[PARENT];
      return p !== null && p[T] === 1 && p[NSC] === 0 && p[NAME] === 'optgroup' && getAttr(p, 'disabled') !== null;
    }
    if (name === 'optgroup') return false;
    // a disabled fieldset ancestor disables it, unless it is inside that fieldset's first legend
    let child = el;
    for (let p = el[PARENT]; p !== null && p[T] === 1; child = p, p = p[PARENT]) {
      if (p[NSC] === 0 && p[NAME] === 'fieldset' && getAttr(p, 'disabled') !== null) {
        const legend = p[KIDS].find((k) => k[T] === 1 && k[NSC] === 0 && k[NAME] === 'legend');
        if (legend === undefined || legend !== child) return true;
      }
    }
    return false;
  }

  // ---- parts -----------------------------------------------------------------------------------

  // Code of this group compiled apart and loaded on first use (actors/apis/loader.py
  // writes the ids): a context that never uses a part never holds its functions.
  // A part gets the internals it names from coreScope(); a failed load (a limit
  // hit while loading) is retried by the next use.
  const PARTS = __PARTS__;
  // the group's globals that a part defines: lazy until read, like the HTML interfaces
  const PART_GLOBALS = { __proto__: null, NodeFilter: 'traversal', NodeIterator: 'traversal', TreeWalker: 'traversal',
    DOMTokenList: 'tokens', Attr: 'attrs', NamedNodeMap: 'attrs',
  };
  const loadedParts = { __proto__: null };
  let partScope = null;
  function part(name) {
    let p = loadedParts[name];
    if (p === undefined) {
      if (partScope === null) partScope = coreScope();
      p = native.loadPart(PARTS[name])(partScope);
      loadedParts[name] = p;
    }
    return p;
  }
  function coreScope() {
    return {
      __proto__: null,
      COMMENT_NODE, DATA, DOCUMENT_NODE, DOMException, FORM_CONTROLS, KIDS, NAME, NS,
      NSC, PARENT, T, TEXT_NODE, asciiLower, checkedness, getAttr, hasToken,
      indexOf, inputType, isDisabled, isWsCode, nextElementSib, optionSelected, prevElementSib, walkElements,
      // traversal
      checkNode, illegal, KEY, liveIterators, nextSib, prevSib,
      // tokens, style
      ATTRS, checkAttrName, EMPTY, indexKey, removeAttr, setAttr, splitTokens, SRC,
      // forms
      currentTreeVersion: () => treeVersion, Event, extendHTML, extra, formOwner, formState, liveCollection,
      parseInteger, peekForm, removeNode, setTextContent, staticList, textOf, tokenListFor,
      // attrs
      ATTRIBUTE_NODE, attrIndex, attrName, attrNamespace, bumpTreeVersion: () => { treeVersion++; }, EXTRA,
      findAttrNS, formAttributeChanged, isObserved: () => observed, mainDoc, makeList, Node, nodeDoc, noteNamespace,
      queueAttributeRecord,
    };
  }

  // ---- events ----------------------------------------------------------------------------------

  // a node's listeners: a Map type -> [record] in its EXTRA, made on the first one
  function listenersOf(node, create) {
    const x = create ? extra(node) : node[EXTRA];
    if (x === undefined) return undefined;
    if (x.listeners === undefined && create) x.listeners = new Map();
    return x.listeners;
  }
  const removeListener = (node, type, record) => events.removeListener(node, type, record, listenersOf);
  // Event handlers (`el.onclick = fn`) are listener records flagged `handler`:
  // the first assignment puts one in the listener list (so it runs in order
  // with addEventListener's listeners), later ones replace its callback in
  // place, null removes it. A handler returning false cancels the event.
  // Content attributes (`onclick="..."`) are never compiled: markup cannot
  // run code in this DOM.
  function getHandler(node, type) {
    const x = node[EXTRA];
    const r = x === undefined || x.handlers === undefined ? undefined : x.handlers.get(type);
    return r === undefined ? null : r.callback;
  }
  function setHandler(node, type, value) {
    if (!isNode(node)) throw new TypeError('Illegal invocation');
    const fn = value !== null && (typeof value === 'function' || typeof value === 'object') ? value : null;
    const x = extra(node);
    let r = x.handlers === undefined ? undefined : x.handlers.get(type);
    if (fn === null) {
      if (r !== undefined) {
        x.handlers.delete(type);
        removeListener(node, type, r);
      }
      return;
    }
    if (r !== undefined) {
      r.callback = fn;
      return;
    }
    if (x.handlers === undefined) x.handlers = new Map();
    r = { callback: fn, capture: false, once: false, passive: false, removed: false, signal: null, algorithm: null, handler: true };
    const map = listenersOf(node, true);
    let list = map.get(type);
    if (list === undefined) map.set(type, (list = []));
    list.push(r);
    x.handlers.set(type, r);
  }
  const HANDLER_EVENTS = ('abort auxclick beforeinput beforematch beforetoggle blur cancel canplay canplaythrough ' +
    'change click close contextlost contextmenu contextrestored copy cuechange cut dblclick drag dragend ' +
    'dragenter dragleave dragover dragstart drop durationchange emptied ended error focus formdata input ' +
    'invalid keydown keypress keyup load loadeddata loadedmetadata loadstart mousedown mouseenter mouseleave ' +
    'mousemove mouseout mouseover mouseup mousewheel paste pause play playing progress ratechange reset resize ' +
    'scroll scrollend securitypolicyviolation seeked seeking select selectionchange selectstart slotchange ' +
    'stalled submit suspend timeupdate toggle volumechange waiting webkitanimationend webkitanimationiteration ' +
    'webkitanimationstart webkittransitionend wheel animationstart animationiteration animationend ' +
    'animationcancel transitionrun transitionstart transitionend transitioncancel gotpointercapture ' +
    'lostpointercapture pointerdown pointermove pointerrawupdate pointerup pointercancel pointerover pointerout ' +
    'pointerenter pointerleave touchstart touchend touchmove touchcancel').split(' ');
  // one accessor pair per event type, shared by every interface that has the handlers
  const handlerDescriptors = {};
  for (const type of HANDLER_EVENTS) {
    handlerDescriptors['on' + type] = {
      get() { return isNode(this) ? getHandler(this, type) : null; },
      set(v) { setHandler(this, type, v); },
      configurable: true,
      enumerable: true,
    };
  }
  function dispatch(target, event) {
    const path = [];
    for (let n = target; n !== null; n = n[PARENT]) path.push(n);
    return events.dispatchPath(target, event, path, listenersOf,
      "Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.");
  }

  // ---- mutation observers ----------------------------------------------------------------------

  let observed = false; // is any node observed? (no records are built otherwise)
  let registrations = 0;
  let pendingObservers = [];
  let deliveryQueued = false;
  let observerIds = 0;
  let moInternals; // static accessors into MutationObserver

  function registrationsOf(node, create) {
    const x = create ? extra(node) : node[EXTRA];
    if (x === undefined) return undefined;
    if (x.observers === undefined && create) x.observers = [];
    return x.observers;
  }
  function setRegistrations(delta) {
    registrations += delta;
    observed = registrations > 0;
  }
  // the observers interested in a mutation of `target`: Map observer -> oldValue
  function interested(target, type, name, oldValue) {
    let found = null;
    for (let n = target; n !== null; n = n[PARENT]) {
      const regs = registrationsOf(n, false);
      if (regs === undefined || regs.length === 0) continue;
      for (const r of regs) {
        const o = r.options;
        if (n !== target && !o.subtree) continue;
        if (type === 'attributes') {
          if (!o.attributes) continue;
          if (o.attributeFilter !== null && (attrNamespace(target, name) !== null || !o.attributeFilter.includes(name))) continue;
        } else if (type === 'characterData') {
          if (!o.characterData) continue;
        } else if (!o.childList) {
          continue;
        }
        if (found === null) found = new Map();
        const wantsOld = (type === 'attributes' && o.attributeOldValue) || (type === 'characterData' && o.characterDataOldValue);
        if (!found.has(r.observer) || wantsOld) found.set(r.observer, wantsOld ? oldValue : (found.get(r.observer) ?? null));
      }
    }
    return found;
  }
  function enqueue(found, make) {
    for (const [observer, old] of found) moInternals.push(observer, make(old));
    if (!deliveryQueued) {
      deliveryQueued = true;
      queueMicrotask(deliver);
    }
  }
  function queueAttributeRecord(el, qname, oldValue) {
    const found = interested(el, 'attributes', qname, oldValue);
    if (found === null) return;
    const c = qname.indexOf(':');
    const ns = attrNamespace(el, qname);
    const local = ns !== null && c >= 0 ? qname.slice(c + 1) : qname;
    enqueue(found, (old) => new MutationRecord(KEY, 'attributes', el, local, ns, old, EMPTY, EMPTY, null, null));
  }
  function queueCharacterDataRecord(n, oldValue) {
    const found = interested(n, 'characterData', null, oldValue);
    if (found === null) return;
    enqueue(found, (old) => new MutationRecord(KEY, 'characterData', n, null, null, old, EMPTY, EMPTY, null, null));
  }
  function queueTreeRecord(target, added, removed, prev, next) {
    const found = interested(target, 'childList', null, null);
    if (found === null) return;
    enqueue(found, () => new MutationRecord(KEY, 'childList', target, null, null, null, added, removed, prev, next));
  }
  // a removed node stays observed by its old ancestors' subtree observers until delivery
  function addTransientObservers(parent, node) {
    for (let n = parent; n !== null; n = n[PARENT]) {
      const regs = registrationsOf(n, false);
      if (regs === undefined) continue;
      for (const r of regs) {
        if (!r.options.subtree) continue;
        const t = { observer: r.observer, options: r.options, source: r };
        registrationsOf(node, true).push(t);
        moInternals.addTransient(r.observer, node, t);
        setRegistrations(1);
      }
    }
  }
  function deliver() {
    deliveryQueued = false;
    const list = pendingObservers;
    pendingObservers = [];
    list.sort((a, b) => moInternals.id(a) - moInternals.id(b));
    for (const mo of list) {
      moInternals.dropTransients(mo);
      const records = mo.takeRecords();
      if (records.length === 0) continue;
      try {
        moInternals.callback(mo).call(mo, records, mo);
      } catch (error) {
        report(error);
      }
    }
  }

  class MutationRecord {
    constructor(key, type, target, attributeName, attributeNamespace, oldValue, added, removed, prev, next) {
      if (key !== KEY) throw illegal();
      this.type = type;
      this.target = target;
      this.addedNodes = staticList(added);
      this.removedNodes = staticList(removed);
      this.previousSibling = prev;
      this.nextSibling = next;
      this.attributeName = attributeName;
      this.attributeNamespace = attributeNamespace;
      this.oldValue = oldValue;
    }
  }

  class MutationObserver {
    #callback;
    #records = [];
    #nodes = []; // nodes with a registration of this observer
    #transients = []; // [node, registration] pairs
    #id = ++observerIds;

    constructor(callback) {
      if (typeof callback !== 'function') {
        throw new TypeError("Failed to construct 'MutationObserver': The callback provided as parameter 1 is not a function.");
      }
      this.#callback = callback;
    }

    observe(target, options = {}) {
      if (!isNode(target)) throw notNode('observe', 'MutationObserver');
      if (options === null || typeof options !== 'object') options = {};
      const o = {
        childList: !!options.childList,
        attributes: options.attributes === undefined ? undefined : !!options.attributes,
        characterData: options.characterData === undefined ? undefined : !!options.characterData,
        subtree: !!options.subtree,
        attributeOldValue: options.attributeOldValue === undefined ? undefined : !!options.attributeOldValue,
        characterDataOldValue: options.characterDataOldValue === undefined ? undefined : !!options.characterDataOldValue,
        attributeFilter: options.attributeFilter === undefined ? null : Array.from(options.attributeFilter, String),
      };
      if (o.attributes === undefined && (o.attributeOldValue !== undefined || o.attributeFilter !== null)) o.attributes = true;
      if (o.characterData === undefined && o.characterDataOldValue !== undefined) o.characterData = true;
      const fail = (m) => new TypeError(`Failed to execute 'observe' on 'MutationObserver': ${m}`);
      if (!o.childList && !o.attributes && !o.characterData) {
        throw fail("The options object must set at least one of 'attributes', 'characterData', or 'childList' to true.");
      }
      if (o.attributeOldValue && !o.attributes) throw fail("The options object may only set 'attributeOldValue' to true when 'attributes' is true or not present.");
      if (o.attributeFilter !== null && !o.attributes) throw fail("The options object may only set 'attributeFilter' when 'attributes' is true or not present.");
      if (o.characterDataOldValue && !o.characterData) throw fail("The options object may only set 'characterDataOldValue' to true when 'characterData' is true or not present.");
      o.attributes = !!o.attributes;
      o.characterData = !!o.characterData;
      o.attributeOldValue = !!o.attributeOldValue;
      o.characterDataOldValue = !!o.characterDataOldValue;
      const regs = registrationsOf(target, true);
      const existing = regs.find((r) => r.observer === this && r.source === undefined);
      if (existing !== undefined) {
        // replace the options; drop the transients it created
        this.#transients = this.#transients.filter(([node, t]) => {
          if (t.source !== existing) return true;
          removeRegistration(node, t);
          return false;
        });
        existing.options = o;
      } else {
        regs.push({ observer: this, options: o, source: undefined });
        this.#nodes.push(target);
        setRegistrations(1);
      }
    }

    disconnect() {
      for (const node of this.#nodes) {
        const regs = registrationsOf(node, false);
        if (regs === undefined) continue;
        for (let i = regs.length - 1; i >= 0; i--) {
          if (regs[i].observer === this && regs[i].source === undefined) {
            regs.splice(i, 1);
            setRegistrations(-1);
          }
        }
      }
      this.#nodes = [];
      this.#dropTransients();
      this.#records = [];
    }

    takeRecords() {
      const r = this.#records;
      this.#records = [];
      return r;
    }

    #dropTransients() {
      for (const [node, t] of this.#transients) removeRegistration(node, t);
      this.#transients = [];
    }

    static {
      moInternals = {
        push(mo, record) {
          if (mo.#records.length === 0 && !pendingObservers.includes(mo)) pendingObservers.push(mo);
          mo.#records.push(record);
        },
        addTransient(mo, node, t) { mo.#transients.push([node, t]); },
        dropTransients(mo) { mo.#dropTransients(); },
        callback(mo) { return mo.#callback; },
        id(mo) { return mo.#id; },
      };
    }
  }
  function removeRegistration(node, reg) {
    const regs = registrationsOf(node, false);
    if (regs === undefined) return;
    const i = regs.indexOf(reg);
    if (i >= 0) {
      regs.splice(i, 1);
      setRegistrations(-1);
    }
  }

  // ---- traversal (NodeFilter, NodeIterator, TreeWalker) ------------------------------------------

  // A part (polyfills/dom.traversal.js). Live NodeIterators must follow removals
  // (their "pre-removing steps"): the part keeps them here as WeakRefs, and
  // removals call it only while the list is non-empty.
  const liveIterators = [];
  function iteratorsPreRemove(node) {
    part('traversal').iteratorsPreRemove(node);
  }
  // ---- the node classes ------------------------------------------------------------------------

  function qualifiedName(el) {
    const p = el[PREFIX];
    return p === undefined ? el[NAME] : p + ':' + el[NAME];
  }
  const rootRanks = new WeakMap();
  let rootRankNext = 0;
  function rootRank(root) {
    let r = rootRanks.get(root);
    if (r === undefined) rootRanks.set(root, (r = ++rootRankNext));
    return r;
  }
  function checkNode(x, method, iface = 'Node', n = 1) {
    if (!isNode(x)) throw notNode(method, iface, n);
    return x;
  }

  class Node extends EventTarget {
    constructor() {
      throw illegal();
    }

    get nodeType() { return this[T]; }
    get nodeName() {
      switch (this[T]) {
        case ELEMENT_NODE: return this.tagName;
        case TEXT_NODE: return '#text';
        case COMMENT_NODE: return '#comment';
        case DOCUMENT_NODE: return '#document';
        case DOCUMENT_FRAGMENT_NODE: return '#document-fragment';
        case DOCUMENT_TYPE_NODE: return this[NAME];
      }
      return '';
    }
    get nodeValue() {
      const t = this[T];
      return t === TEXT_NODE || t === COMMENT_NODE ? this[DATA] : null;
    }
    set nodeValue(v) {
      const t = this[T];
      if (t === TEXT_NODE || t === COMMENT_NODE) setData(this, v === null ? '' : String(v));
    }
    get textContent() {
      const t = this[T];
      if (t === TEXT_NODE || t === COMMENT_NODE) return this[DATA];
      if (t === ELEMENT_NODE || t === DOCUMENT_FRAGMENT_NODE) return textOf(this);
      return null;
    }
    set textContent(v) { setTextContent(this, v); }
    get ownerDocument() { return this[T] === DOCUMENT_NODE ? null : nodeDoc(this); }
    get parentNode() { return this[PARENT]; }
    get parentElement() { return parentElement(this); }
    get childNodes() {
      const x = extra(this);
      if (x.childNodes === undefined) x.childNodes = makeList(NodeList.prototype, this[KIDS] === undefined ? EMPTY : this);
      return x.childNodes;
    }
    get firstChild() {
      const k = this[KIDS];
      return k !== undefined && k.length !== 0 ? k[0] : null;
    }
    get lastChild() {
      const k = this[KIDS];
      return k !== undefined && k.length !== 0 ? k[k.length - 1] : null;
    }
    get previousSibling() { return prevSib(this); }
    get nextSibling() { return nextSib(this); }
    get isConnected() { return rootOf(this)[T] === DOCUMENT_NODE; }
    get baseURI() { return docURL(nodeDoc(this)); }
    hasChildNodes() {
      const k = this[KIDS];
      return k !== undefined && k.length !== 0;
    }
    getRootNode() { return rootOf(this); }
    contains(other) {
      if (other === null || other === undefined) return false;
      checkNode(other, 'contains');
      for (let n = other; n !== null; n = n[PARENT]) if (n === this) return true;
      return false;
    }
    appendChild(node) {
      checkNode(node, 'appendChild');
      return preInsert(node, this, null, 'appendChild');
    }
    insertBefore(node, child) {
      checkNode(node, 'insertBefore');
      if (child === undefined) child = null;
      if (child !== null) checkNode(child, 'insertBefore', 'Node', 2);
      return preInsert(node, this, child, 'insertBefore');
    }
    removeChild(child) {
      checkNode(child, 'removeChild');
      if (child[PARENT] !== this) {
        throw new DOMException("Failed to execute 'removeChild' on 'Node': The node to be removed is not a child of this node.", 'NotFoundError');
      }
      removeNode(child, false);
      return child;
    }
    replaceChild(node, child) {
      checkNode(node, 'replaceChild');
      checkNode(child, 'replaceChild', 'Node', 2);
      return replaceChild(this, node, child);
    }
    cloneNode(deep = false) {
      return cloneNode(this, !!deep);
    }
    isSameNode(other) { return this === other; }
    isEqualNode(other) {
      if (!isNode(other)) return false;
      const a = [this];
      const b = [other];
      while (a.length !== 0) {
        const x = a.pop();
        const y = b.pop();
        if (x[T] !== y[T]) return false;
        switch (x[T]) {
          case ELEMENT_NODE: {
            if (x[NAME] !== y[NAME] || x.namespaceURI !== y.namespaceURI || x[PREFIX] !== y[PREFIX]) return false;
            const xa = x[ATTRS];
            const ya = y[ATTRS];
            if (xa.length !== ya.length) return false;
            for (let i = 0; i < xa.length; i += 2) if (getAttr(y, xa[i]) !== xa[i + 1]) return false;
            break;
          }
          case TEXT_NODE:
          case COMMENT_NODE:
            if (x[DATA] !== y[DATA]) return false;
            break;
          case DOCUMENT_TYPE_NODE:
            if (x[NAME] !== y[NAME] || x[PUBID] !== y[PUBID] || x[SYSID] !== y[SYSID]) return false;
            break;
        }
        const xk = x[KIDS];
        const yk = y[KIDS];
        if (xk !== undefined) {
          if (xk.length !== yk.length) return false;
          for (let i = 0; i < xk.length; i++) {
            a.push(xk[i]);
            b.push(yk[i]);
          }
        }
      }
      return true;
    }
    normalize() {
      const texts = [];
      walk(this, (n) => {
        if (n[T] === TEXT_NODE) texts.push(n);
        return false;
      });
      for (const n of texts) {
        if (n[PARENT] === null) continue; // merged away already
        if (n[DATA] === '') {
          removeNode(n, false);
          continue;
        }
        let data = n[DATA];
        const merged = [];
        for (let s = nextSib(n); s !== null && s[T] === TEXT_NODE; s = nextSib(s)) merged.push(s);
        if (merged.length === 0) continue;
        for (const s of merged) data += s[DATA];
        setData(n, data);
        for (const s of merged) removeNode(s, false);
      }
    }
    compareDocumentPosition(other) {
      checkNode(other, 'compareDocumentPosition');
      if (other === this) return 0;
      const chainA = [];
      for (let n = this; n !== null; n = n[PARENT]) chainA.push(n);
      const chainB = [];
      for (let n = other; n !== null; n = n[PARENT]) chainB.push(n);
      const rootA = chainA[chainA.length - 1];
      const rootB = chainB[chainB.length - 1];
      if (rootA !== rootB) {
        // any order will do, as long as it is the same both ways
        return Node.DOCUMENT_POSITION_DISCONNECTED | Node.DOCUMENT_POSITION_IMPLEMENTATION_SPECIFIC |
          (rootRank(rootA) < rootRank(rootB) ? Node.DOCUMENT_POSITION_FOLLOWING : Node.DOCUMENT_POSITION_PRECEDING);
      }
      let i = chainA.length - 1;
      let j = chainB.length - 1;
      while (i >= 0 && j >= 0 && chainA[i] === chainB[j]) {
        i--;
        j--;
      }
      if (i < 0) return Node.DOCUMENT_POSITION_CONTAINED_BY | Node.DOCUMENT_POSITION_FOLLOWING; // this contains other
      if (j < 0) return Node.DOCUMENT_POSITION_CONTAINS | Node.DOCUMENT_POSITION_PRECEDING;
      return indexOf(chainA[i]) < indexOf(chainB[j]) ? Node.DOCUMENT_POSITION_FOLLOWING : Node.DOCUMENT_POSITION_PRECEDING;
    }
    lookupNamespaceURI(prefix) {
      if (prefix === '' || prefix === undefined) prefix = null;
      if (prefix === 'xml') return XML_NS;
      if (prefix === 'xmlns') return XMLNS_NS;
      let el = this[T] === DOCUMENT_NODE ? firstElementChild(this) : this[T] === 1 ? this : parentElement(this);
      for (; el !== null; el = parentElement(el)) {
        if (prefix === null ? el[PREFIX] === undefined : el[PREFIX] === prefix) {
          const ns = el.namespaceURI;
          if (ns !== null) return ns;
        }
      }
      return null;
    }
    isDefaultNamespace(ns) {
      return (ns === '' || ns === undefined ? null : ns) === this.lookupNamespaceURI(null);
    }

    addEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) {
        throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': 2 arguments required.");
      }
      events.addListener(this, type, callback, options, listenersOf);
    }
    removeEventListener(type, callback, options = undefined) {
      if (arguments.length < 2) {
        throw new TypeError("Failed to execute 'removeEventListener' on 'EventTarget': 2 arguments required.");
      }
      type = String(type);
      const r = events.findListener(this, type, callback, options, listenersOf);
      if (r) removeListener(this, type, r);
    }
    dispatchEvent(event) {
      return dispatch(this, event);
    }
  }
  const NODE_CONSTANTS = {
    ELEMENT_NODE, ATTRIBUTE_NODE, TEXT_NODE, CDATA_SECTION_NODE, ENTITY_REFERENCE_NODE, ENTITY_NODE,
    PROCESSING_INSTRUCTION_NODE, COMMENT_NODE, DOCUMENT_NODE, DOCUMENT_TYPE_NODE, DOCUMENT_FRAGMENT_NODE,
    NOTATION_NODE, DOCUMENT_POSITION_DISCONNECTED: 1, DOCUMENT_POSITION_PRECEDING: 2,
    DOCUMENT_POSITION_FOLLOWING: 4, DOCUMENT_POSITION_CONTAINS: 8, DOCUMENT_POSITION_CONTAINED_BY: 16,
    DOCUMENT_POSITION_IMPLEMENTATION_SPECIFIC: 32,
  };
  for (const [k, v] of Object.entries(NODE_CONSTANTS)) {
    Object.defineProperty(Node, k, { value: v, enumerable: true });
    Object.defineProperty(Node.prototype, k, { value: v, enumerable: true });
  }

  // ParentNode: Document, DocumentFragment, Element
  const parentNodeMixin = {
    get children() {
      const x = extra(this);
      if (x.children === undefined) x.children = liveCollection(this, () => true, true);
      return x.children;
    },
    get childElementCount() {
      let c = 0;
      for (const k of this[KIDS]) if (k[T] === 1) c++;
      return c;
    },
    get firstElementChild() { return firstElementChild(this); },
    get lastElementChild() { return lastElementChild(this); },
    append(...nodes) {
      const node = convertNodes(nodeDoc(this), nodes, 'append', this.constructor.name);
      preInsert(node, this, null, 'append');
    },
    prepend(...nodes) {
      const node = convertNodes(nodeDoc(this), nodes, 'prepend', this.constructor.name);
      preInsert(node, this, this[KIDS].length ? this[KIDS][0] : null, 'prepend');
    },
    replaceChildren(...nodes) {
      const node = convertNodes(nodeDoc(this), nodes, 'replaceChildren', this.constructor.name);
      ensurePreInsert(node, this, null, 'replaceChildren');
      replaceAll(this, node);
    },
    querySelector(selectors) {
      return querySelectorAll(this, selectors, 'querySelector', ifaceName(this), true);
    },
    querySelectorAll(selectors) {
      return staticList(querySelectorAll(this, selectors, 'querySelectorAll', ifaceName(this), false));
    },
  };
  // ChildNode: Element, CharacterData, DocumentType
  const childNodeMixin = {
    before(...nodes) {
      const parent = this[PARENT];
      if (parent === null) return;
      let prev = prevSib(this);
      while (prev !== null && nodes.includes(prev)) prev = prevSib(prev);
      const node = convertNodes(nodeDoc(this), nodes, 'before', this.constructor.name);
      const ref = prev === null ? (parent[KIDS][0] || null) : nextSib(prev);
      preInsert(node, parent, ref, 'before');
    },
    after(...nodes) {
      const parent = this[PARENT];
      if (parent === null) return;
      let next = nextSib(this);
      while (next !== null && nodes.includes(next)) next = nextSib(next);
      const node = convertNodes(nodeDoc(this), nodes, 'after', this.constructor.name);
      preInsert(node, parent, next, 'after');
    },
    replaceWith(...nodes) {
      const parent = this[PARENT];
      if (parent === null) return;
      let next = nextSib(this);
      while (next !== null && nodes.includes(next)) next = nextSib(next);
      const node = convertNodes(nodeDoc(this), nodes, 'replaceWith', this.constructor.name);
      if (this[PARENT] === parent) replaceChild(parent, node, this);
      else preInsert(node, parent, next, 'replaceWith');
    },
    remove() {
      if (this[PARENT] !== null) removeNode(this, false);
    },
  };
  // NonDocumentTypeChildNode: Element, CharacterData
  const siblingsMixin = {
    get previousElementSibling() { return prevElementSib(this); },
    get nextElementSibling() { return nextElementSib(this); },
  };
  function mix(target, ...sources) {
    for (const s of sources) {
      for (const k of Object.getOwnPropertyNames(s)) {
        const d = Object.getOwnPropertyDescriptor(s, k);
        d.enumerable = false;
        Object.defineProperty(target.prototype, k, d);
      }
    }
  }
  function ifaceName(n) {
    switch (n[T]) {
      case DOCUMENT_NODE: return 'Document';
      case DOCUMENT_FRAGMENT_NODE: return 'DocumentFragment';
      default: return 'Element';
    }
  }

  function insertAdjacent(el, where, node, method) {
    switch (asciiLower(String(where))) {
      case 'beforebegin':
        if (el[PARENT] === null) return null;
        preInsert(node, el[PARENT], el, method);
        return node;
      case 'afterbegin':
        preInsert(node, el, el[KIDS].length ? el[KIDS][0] : null, method);
        return node;
      case 'beforeend':
        preInsert(node, el, null, method);
        return node;
      case 'afterend':
        if (el[PARENT] === null) return null;
        preInsert(node, el[PARENT], nextSib(el), method);
        return node;
    }
    throw new DOMException(`Failed to execute '${method}' on 'Element': The value provided ('${where}') is not one of 'beforeBegin', 'afterBegin', 'beforeEnd', or 'afterEnd'.`, 'SyntaxError');
  }

  class Element extends Node {
    get tagName() {
      const q = qualifiedName(this);
      return this[NSC] === 0 && isHtmlDoc(nodeDoc(this)) ? asciiUpper(q) : q;
    }
    get localName() { return this[NAME]; }
    get namespaceURI() {
      const c = this[NSC];
      return c === 3 ? this[NS] : NS_BY_CODE[c];
    }
    get prefix() {
      const p = this[PREFIX];
      return p === undefined ? null : p;
    }
    get id() {
      const v = getAttr(this, 'id');
      return v === null ? '' : v;
    }
    set id(v) { setAttr(this, 'id', v); }
    get className() {
      const v = getAttr(this, 'class');
      return v === null ? '' : v;
    }
    set className(v) { setAttr(this, 'class', v); }
    get classList() {
      const x = extra(this);
      if (x.classList === undefined) x.classList = tokenList(this, 'class');
      return x.classList;
    }
    set classList(v) { setAttr(this, 'class', v); }
    get slot() {
      const v = getAttr(this, 'slot');
      return v === null ? '' : v;
    }
    set slot(v) { setAttr(this, 'slot', v); }
    get attributes() { return attributesOf(this); }
    hasAttributes() { return this[ATTRS].length !== 0; }
    getAttributeNames() {
      const a = this[ATTRS];
      const out = [];
      for (let i = 0; i < a.length; i += 2) out.push(a[i]);
      return out;
    }
    getAttribute(name) { return getAttr(this, attrName(this, name)); }
    getAttributeNS(ns, local) {
      const q = findAttrNS(this, ns, local);
      return q === null ? null : getAttr(this, q);
    }
    hasAttribute(name) { return getAttr(this, attrName(this, name)) !== null; }
    hasAttributeNS(ns, local) { return findAttrNS(this, ns, local) !== null; }
    setAttribute(name, value) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'setAttribute' on 'Element': 2 arguments required.");
      name = String(name);
      checkAttrName(name);
      setAttrByName(this, attrName(this, name), value);
    }
    setAttributeNS(ns, qname, value) {
      const [n, prefix, local] = validateAndExtract(ns, qname);
      const existing = findAttrNS(this, n, local);
      if (existing !== null) {
        setAttr(this, existing, value);
        return;
      }
      const q = prefix === null ? local : prefix + ':' + local;
      noteNamespace(this, q, n);
      setAttr(this, q, value);
    }
    removeAttribute(name) { removeAttr(this, attrName(this, name)); }
    removeAttributeNS(ns, local) {
      const q = findAttrNS(this, ns, local);
      if (q !== null) removeAttr(this, q);
    }
    toggleAttribute(name, force = undefined) {
      name = String(name);
      checkAttrName(name);
      const q = attrName(this, name);
      if (getAttr(this, q) === null) {
        if (force === undefined || force) {
          setAttrByName(this, q, '');
          return true;
        }
        return false;
      }
      if (force === undefined || !force) {
        removeAttr(this, q);
        return false;
      }
      return true;
    }
    getAttributeNode(name) {
      const q = attrName(this, name);
      return getAttr(this, q) === null ? null : attrNode(this, q);
    }
    getAttributeNodeNS(ns, local) {
      const q = findAttrNS(this, ns, local);
      return q === null ? null : attrNode(this, q);
    }
    setAttributeNode(attr) { return setAttrNode(this, attr, 'setAttributeNode', 'Element'); }
    setAttributeNodeNS(attr) { return setAttrNode(this, attr, 'setAttributeNodeNS', 'Element'); }
    removeAttributeNode(attr) { return removeAttrNode(this, attr, 'removeAttributeNode', 'Element'); }
    get innerHTML() { return serialize(this, false); }
    set innerHTML(html) {
      html = html === null ? '' : String(html);
      const frag = parseFragment(this, html);
      replaceAll(this[CONTENT] !== undefined ? this[CONTENT] : this, frag);
    }
    get outerHTML() { return serialize(this, true); }
    set outerHTML(html) {
      html = html === null ? '' : String(html);
      const parent = this[PARENT];
      if (parent === null) return;
      if (parent[T] === DOCUMENT_NODE) {
        throw new DOMException("Failed to set the 'outerHTML' property on 'Element': This element's parent is of type '#document'.", 'NoModificationAllowedError');
      }
      const ctx = parent[T] === DOCUMENT_FRAGMENT_NODE ? 'body' : fragmentContext(parent);
      const doc = nodeDoc(this);
      const frag = build(doc, newFragment(doc), parse(html, ctx));
      replaceChild(parent, frag, this);
    }
    insertAdjacentHTML(where, html) {
      const pos = asciiLower(String(where));
      let ctxEl;
      if (pos === 'beforebegin' || pos === 'afterend') {
        ctxEl = this[PARENT];
        if (ctxEl === null || ctxEl[T] === DOCUMENT_NODE) {
          throw new DOMException("Failed to execute 'insertAdjacentHTML' on 'Element': The element has no parent.", 'NoModificationAllowedError');
        }
      } else if (pos === 'afterbegin' || pos === 'beforeend') {
        ctxEl = this;
      } else {
        throw new DOMException(`Failed to execute 'insertAdjacentHTML' on 'Element': The value provided ('${where}') is not one of 'beforeBegin', 'afterBegin', 'beforeEnd', or 'afterEnd'.`, 'SyntaxError');
      }
      let ctx;
      if (ctxEl[T] !== 1 || (ctxEl[NSC] === 0 && ctxEl[NAME] === 'html' && isHtmlDoc(nodeDoc(ctxEl)))) ctx = 'body';
      else ctx = fragmentContext(ctxEl);
      const doc = nodeDoc(this);
      const frag = build(doc, newFragment(doc), parse(String(html), ctx));
      insertAdjacent(this, pos, frag, 'insertAdjacentHTML');
    }
    insertAdjacentElement(where, element) {
      if (!isElement(element)) throw new TypeError("Failed to execute 'insertAdjacentElement' on 'Element': parameter 2 is not of type 'Element'.");
      return insertAdjacent(this, where, element, 'insertAdjacentElement');
    }
    insertAdjacentText(where, data) {
      insertAdjacent(this, where, newCharData(nodeDoc(this), TEXT_NODE, String(data)), 'insertAdjacentText');
    }
    matches(selectors) {
      return matchesList(compileSelector(selectors, 'matches', 'Element'), this, this);
    }
    webkitMatchesSelector(selectors) {
      return matchesList(compileSelector(selectors, 'webkitMatchesSelector', 'Element'), this, this);
    }
    closest(selectors) {
      const list = compileSelector(selectors, 'closest', 'Element');
      for (let el = this; el !== null; el = parentElement(el)) {
        if (matchesList(list, el, this)) return el;
      }
      return null;
    }
    getElementsByTagName(name) { return byTagName(this, name); }
    getElementsByClassName(names) { return byClassName(this, names); }
    getElementsByTagNameNS(ns, local) {
      ns = ns === '' || ns === undefined ? null : ns;
      local = String(local);
      return liveCollection(this, (el) => (ns === '*' || el.namespaceURI === ns) && (local === '*' || el[NAME] === local));
    }
  }
  Element.prototype[NSC] = 3;
  mix(Element, parentNodeMixin, childNodeMixin, siblingsMixin);

  function reflectString(proto, prop, attr) {
    Object.defineProperty(proto, prop, {
      get() {
        const v = getAttr(this, attr);
        return v === null ? '' : v;
      },
      set(v) { setAttr(this, attr, v); },
      configurable: true,
      enumerable: true,
    });
  }
  function reflectBool(proto, prop, attr) {
    Object.defineProperty(proto, prop, {
      get() { return getAttr(this, attr) !== null; },
      set(v) {
        if (v) setAttr(this, attr, '');
        else removeAttr(this, attr);
      },
      configurable: true,
      enumerable: true,
    });
  }
  // the HTML standard's "rules for parsing integers" (null when there is none)
  function parseInteger(s) {
    const m = /^[\t\n\f\r ]*([-+]?)([0-9]+)/.exec(s);
    if (m === null) return null;
    const v = parseInt(m[2], 10) * (m[1] === '-' ? -1 : 1);
    return v >= -2147483648 && v <= 2147483647 ? v : null;
  }
  // a `long` attribute: `min` (if given) is the smallest valid value
  function reflectLong(proto, prop, attr, def, min = -2147483648) {
    Object.defineProperty(proto, prop, {
      get() {
        const v = getAttr(this, attr);
        const n = v === null ? null : parseInteger(v);
        return n === null || n < min ? def : n;
      },
      set(v) {
        v = Number(v) | 0;
        if (v < min) throw new DOMException(`The value provided (${v}) is out of range.`, 'IndexSizeError');
        setAttr(this, attr, String(v));
      },
      configurable: true,
      enumerable: true,
    });
  }
  // an enumerated attribute: `values` are the keywords (lowercase); missing / invalid defaults
  function reflectEnum(proto, prop, attr, values, missing, invalid = missing) {
    Object.defineProperty(proto, prop, {
      get() {
        const v = getAttr(this, attr);
        if (v === null) return missing;
        const l = asciiLower(v);
        return values.includes(l) ? l : invalid;
      },
      set(v) { setAttr(this, attr, v); },
      configurable: true,
      enumerable: true,
    });
  }
  function reflectAll(proto, spec) {
    for (const item of spec.split(' ')) {
      if (item === '') continue;
      const [kind, prop, attr = asciiLower(prop)] = item.split(':');
      if (kind === 's') reflectString(proto, prop, attr);
      else if (kind === 'b') reflectBool(proto, prop, attr);
      else if (kind === 'l') reflectLong(proto, prop, attr, 0);
      else if (kind === 'u') reflectLong(proto, prop, attr, 0, 0);
    }
  }

  class HTMLElement extends Element {
    get innerText() { return this.textContent; }
    set innerText(v) { this.textContent = v; }
    get outerText() { return this.textContent; }
    get dataset() {
      const x = extra(this);
      if (x.dataset === undefined) x.dataset = part('style').dataset(this);
      return x.dataset;
    }
    get style() {
      const x = extra(this);
      if (x.style === undefined) x.style = part('style').style(this);
      return x.style;
    }
    set style(v) { setAttr(this, 'style', v); }
    get tabIndex() {
      const v = getAttr(this, 'tabindex');
      const n = v === null ? null : parseInteger(v);
      if (n !== null) return n;
      return FOCUSABLE.has(this[NAME]) && (this[NAME] !== 'a' || getAttr(this, 'href') !== null) ? 0 : -1;
    }
    set tabIndex(v) { setAttr(this, 'tabindex', String(Number(v) | 0)); }
    get isContentEditable() { return false; }
    get contentEditable() {
      const v = getAttr(this, 'contenteditable');
      if (v === null) return 'inherit';
      const l = asciiLower(v);
      return l === '' || l === 'true' ? 'true' : l === 'false' ? 'false' : l === 'plaintext-only' ? l : 'inherit';
    }
    set contentEditable(v) {
      const l = asciiLower(String(v));
      if (l === 'inherit') removeAttr(this, 'contenteditable');
      else if (l === 'true' || l === 'false' || l === 'plaintext-only') setAttr(this, 'contenteditable', l);
      else throw new DOMException(`Failed to set the 'contentEditable' property on 'HTMLElement': The value provided ('${v}') is not one of 'true', 'false', 'plaintext-only', or 'inherit'.`, 'SyntaxError');
    }
    get draggable() {
      const v = getAttr(this, 'draggable');
      if (v !== null) return asciiLower(v) === 'true';
      return (this[NAME] === 'img') || (this[NAME] === 'a' && getAttr(this, 'href') !== null);
    }
    set draggable(v) { setAttr(this, 'draggable', v ? 'true' : 'false'); }
    get spellcheck() {
      const v = getAttr(this, 'spellcheck');
      return v === null || asciiLower(v) !== 'false';
    }
    set spellcheck(v) { setAttr(this, 'spellcheck', v ? 'true' : 'false'); }
    get translate() {
      const v = getAttr(this, 'translate');
      return v === null || asciiLower(v) !== 'no';
    }
    set translate(v) { setAttr(this, 'translate', v ? 'yes' : 'no'); }
    get offsetParent() { return null; }
    get offsetTop() { return 0; }
    get offsetLeft() { return 0; }
    get offsetWidth() { return 0; }
    get offsetHeight() { return 0; }
    click() {
      if (isDisabled(this)) return;
      clickWithActivation(this);
    }
    focus() {}
    blur() {}
  }
  HTMLElement.prototype[NSC] = 0;
  reflectAll(HTMLElement.prototype, 's:title s:lang s:accessKey s:autocapitalize s:inputMode s:enterKeyHint ' +
    's:nonce s:popover b:hidden b:inert b:autofocus');
  reflectEnum(HTMLElement.prototype, 'dir', 'dir', ['ltr', 'rtl', 'auto'], '', '');
  const FOCUSABLE = new Set(['a', 'area', 'button', 'input', 'select', 'textarea', 'iframe', 'summary']);

  // HTML element interfaces: [class name, tag names, reflected attributes (see
  // reflectAll: s string, b boolean, l long, u non-negative long; prop:attr)]
  const HTML_INTERFACES = [
    ['HTMLAnchorElement', 'a', 's:href s:target s:download s:ping s:rel s:hreflang s:type s:referrerPolicy s:name'],
    ['HTMLAreaElement', 'area', 's:href s:target s:download s:ping s:rel s:alt s:coords s:shape s:referrerPolicy'],
    ['HTMLAudioElement', 'audio', 's:src s:preload s:crossOrigin b:autoplay b:loop b:controls b:muted:muted'],
    ['HTMLVideoElement', 'video', 's:src s:preload s:crossOrigin s:poster b:autoplay b:loop b:controls b:playsInline u:width u:height'],
    ['HTMLBaseElement', 'base', 's:href s:target'],
    ['HTMLBodyElement', 'body', ''],
    ['HTMLBRElement', 'br', ''],
    ['HTMLButtonElement', 'button', 's:name s:value s:formAction s:formTarget b:disabled b:formNoValidate s:popoverTargetAction s:command s:commandFor'],
    ['HTMLCanvasElement', 'canvas', 'u:width u:height'],
    ['HTMLDataElement', 'data', 's:value'],
    ['HTMLDataListElement', 'datalist', ''],
    ['HTMLDetailsElement', 'details', 'b:open s:name'],
    ['HTMLDialogElement', 'dialog', 'b:open'],
    ['HTMLDivElement', 'div', 's:align'],
    ['HTMLDListElement', 'dl', ''],
    ['HTMLEmbedElement', 'embed', 's:src s:type s:width s:height'],
    ['HTMLFieldSetElement', 'fieldset', 'b:disabled s:name'],
    ['HTMLFormElement', 'form', 's:acceptCharset:accept-charset s:action s:autocomplete s:name s:target s:rel b:noValidate'],
    ['HTMLHeadElement', 'head', ''],
    ['HTMLHeadingElement', 'h1 h2 h3 h4 h5 h6', 's:align'],
    ['HTMLHRElement', 'hr', ''],
    ['HTMLHtmlElement', 'html', ''],
    ['HTMLIFrameElement', 'iframe', 's:src s:srcdoc s:name s:allow b:allowFullscreen s:width s:height s:referrerPolicy s:loading'],
    ['HTMLImageElement', 'img', 's:src s:alt s:srcset s:sizes s:crossOrigin s:useMap b:isMap u:width u:height s:referrerPolicy s:decoding s:loading s:name'],
    ['HTMLInputElement', 'input', 's:accept s:alt s:autocomplete s:dirName b:disabled s:formAction s:formTarget b:formNoValidate u:height s:max u:maxLength s:min u:minLength b:multiple s:name s:pattern s:placeholder b:readOnly b:required s:src s:step u:width s:popoverTargetAction'],
    ['HTMLLabelElement', 'label', 's:htmlFor:for'],
    ['HTMLLegendElement', 'legend', ''],
    ['HTMLLIElement', 'li', 'l:value s:type'],
    ['HTMLLinkElement', 'link', 's:href s:rel s:media s:hreflang s:type s:as s:crossOrigin s:integrity s:referrerPolicy s:sizes b:disabled'],
    ['HTMLMapElement', 'map', 's:name'],
    ['HTMLMetaElement', 'meta', 's:name s:content s:httpEquiv:http-equiv s:media'],
    ['HTMLMeterElement', 'meter', ''],
    ['HTMLModElement', 'ins del', 's:cite s:dateTime:datetime'],
    ['HTMLObjectElement', 'object', 's:data s:type s:name s:useMap s:width s:height'],
    ['HTMLOListElement', 'ol', 'b:reversed l:start s:type'],
    ['HTMLOptGroupElement', 'optgroup', 'b:disabled s:label'],
    ['HTMLOptionElement', 'option', 'b:disabled b:defaultSelected:selected'],
    ['HTMLOutputElement', 'output', 's:name'],
    ['HTMLParagraphElement', 'p', 's:align'],
    ['HTMLParamElement', 'param', 's:name s:value'],
    ['HTMLPictureElement', 'picture', ''],
    ['HTMLPreElement', 'pre listing xmp', ''],
    ['HTMLProgressElement', 'progress', ''],
    ['HTMLQuoteElement', 'q blockquote', 's:cite'],
    ['HTMLScriptElement', 'script', 's:src s:type s:charset b:async b:defer s:crossOrigin s:integrity s:referrerPolicy b:noModule'],
    ['HTMLSelectElement', 'select', 's:autocomplete b:disabled b:multiple s:name b:required u:size'],
    ['HTMLSlotElement', 'slot', 's:name'],
    ['HTMLSourceElement', 'source', 's:src s:type s:srcset s:sizes s:media u:width u:height'],
    ['HTMLSpanElement', 'span', ''],
    ['HTMLStyleElement', 'style', 's:media b:disabled'],
    ['HTMLTableCaptionElement', 'caption', ''],
    ['HTMLTableCellElement', 'td th', 's:abbr s:scope s:headers'],
    ['HTMLTableColElement', 'col colgroup', ''],
    ['HTMLTableElement', 'table', ''],
    ['HTMLTableRowElement', 'tr', ''],
    ['HTMLTableSectionElement', 'thead tbody tfoot', ''],
    ['HTMLTextAreaElement', 'textarea', 's:autocomplete u:cols b:disabled s:dirName u:maxLength u:minLength s:name s:placeholder b:readOnly b:required u:rows s:wrap'],
    ['HTMLTimeElement', 'time', 's:dateTime:datetime'],
    ['HTMLTitleElement', 'title', ''],
    ['HTMLTrackElement', 'track', 's:kind s:src s:srclang s:label b:default'],
    ['HTMLUListElement', 'ul', ''],
  ];
  // The interface classes are made on first use (an element of one of their
  // tags, or a read of their global through the group's "@resolve"): a
  // context that touches the DOM pays for the few interfaces its markup uses,
  // not for ~60 classes and their ~250 reflected accessors. extendHTML()
  // registers what a class adds beyond its reflected attributes; it runs when
  // the class is made, after the reflected attributes.
  const htmlClasses = new Map(); // name -> class, once made
  const htmlSpecs = new Map(); // name -> reflected attribute spec
  const htmlIfaceByTag = new Map(); // tag -> interface name
  const htmlExtensions = new Map(); // name -> [fn(prototype)]
  for (const [name, tags, spec] of HTML_INTERFACES) {
    htmlSpecs.set(name, spec);
    for (const tag of tags.split(' ')) htmlIfaceByTag.set(tag, name);
  }
  function extendHTML(name, fn) {
    const list = htmlExtensions.get(name);
    if (list === undefined) htmlExtensions.set(name, [fn]);
    else list.push(fn);
  }
  function htmlClass(name) {
    let C = htmlClasses.get(name);
    if (C === undefined) {
      if (FORMS_PART.has(name)) part('forms');  // its extendHTML calls, before the class is made
      C = { [name]: class extends HTMLElement {} }[name];
      reflectAll(C.prototype, htmlSpecs.get(name));
      const ext = htmlExtensions.get(name);
      if (ext !== undefined) for (const fn of ext) fn(C.prototype);
      htmlClasses.set(name, C);
    }
    return C;
  }
  function htmlProtoFor(tag) {
    const name = htmlIfaceByTag.get(tag);
    return name === undefined ? HTMLElement.prototype : htmlClass(name).prototype;
  }
  let formDescriptor = null; // one accessor shared by the form-associated interfaces
  for (const name of ['HTMLInputElement', 'HTMLTextAreaElement', 'HTMLSelectElement', 'HTMLButtonElement',
    'HTMLOutputElement', 'HTMLFieldSetElement', 'HTMLOptionElement', 'HTMLLabelElement']) {
    extendHTML(name, (p) => {
      if (formDescriptor === null) {
        formDescriptor = { get() { return formOwner(this); }, configurable: true, enumerable: true };
      }
      Object.defineProperty(p, 'form', formDescriptor);
    });
  }
  extendHTML('HTMLTableCellElement', (p) => {
    reflectLong(p, 'colSpan', 'colspan', 1, 1);
    reflectLong(p, 'rowSpan', 'rowspan', 1, 0);
  });
  extendHTML('HTMLButtonElement', (p) => reflectEnum(p, 'type', 'type', ['submit', 'reset', 'button'], 'submit'));
  extendHTML('HTMLFormElement', (p) => reflectEnum(p, 'method', 'method', ['get', 'post', 'dialog'], 'get'));
  const ENCTYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
  extendHTML('HTMLFormElement', (p) => {
    reflectEnum(p, 'enctype', 'enctype', ENCTYPES, ENCTYPES[0]);
    reflectEnum(p, 'encoding', 'enctype', ENCTYPES, ENCTYPES[0]);
  });
  extendHTML('HTMLInputElement', (p) => Object.defineProperty(p, 'type', {
    get() { return inputType(this); },
    set(v) { setAttr(this, 'type', v); },
    configurable: true,
    enumerable: true,
  }));

  // the nearest form ancestor (the `form` content attribute is not followed)
  function formOwner(el) {
    for (let p = el[PARENT]; p !== null && p[T] === 1; p = p[PARENT]) {
      if (p[NSC] === 0 && p[NAME] === 'form') return p;
    }
    return null;
  }
  function formState(el) {
    const x = extra(el);
    if (x.form === undefined) {
      x.form = { checked: undefined, dirtyChecked: false, selected: undefined, dirtySelected: false,
        value: undefined, dirtyValue: false, cleared: -1, indeterminate: false };
    }
    return x.form;
  }
  function peekForm(el) {
    const x = el[EXTRA];
    return x === undefined ? undefined : x.form;
  }
  const INPUT_TYPES = new Set(['hidden', 'text', 'search', 'tel', 'url', 'email', 'password', 'date', 'month',
    'week', 'time', 'datetime-local', 'number', 'range', 'color', 'checkbox', 'radio', 'file', 'submit',
    'image', 'reset', 'button']);
  function inputType(el) {
    const t = getAttr(el, 'type');
    if (t === null) return 'text';
    const l = asciiLower(t);
    return INPUT_TYPES.has(l) ? l : 'text';
  }
  function checkedness(el) {
    const f = peekForm(el);
    return f !== undefined && f.checked !== undefined ? f.checked : getAttr(el, 'checked') !== null;
  }
  // set an input's checkedness; a checked radio button unchecks the rest of its group
  function setCheckedness(el, v, dirty) {
    const f = formState(el);
    f.checked = v;
    if (dirty) f.dirtyChecked = true;
    if (!v || inputType(el) !== 'radio') return;
    const name = getAttr(el, 'name');
    if (name === null || name === '') return;
    const form = formOwner(el);
    walkElements(rootOf(el), (o) => {
      if (o !== el && o[NSC] === 0 && o[NAME] === 'input' && getAttr(o, 'name') === name &&
          inputType(o) === 'radio' && formOwner(o) === form) {
        formState(o).checked = false;
      }
      return false;
    });
  }
  const NEWLINES = /[\r\n]+/g;
  const FLOAT = /^-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
  // the value sanitization algorithm of an input type (the common ones)
  function sanitizeValue(type, v) {
    switch (type) {
      case 'text': case 'search': case 'tel': case 'password':
        return v.replace(NEWLINES, '');
      case 'url': case 'email':
        return v.replace(NEWLINES, '').replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
      case 'number':
        return FLOAT.test(v) ? v : '';
      case 'range':
        return FLOAT.test(v) ? v : '50';
      case 'color':
        return /^#[0-9a-fA-F]{6}$/.test(v) ? asciiLower(v) : '#000000';
    }
    return v;
  }
  function valueMode(type) {
    switch (type) {
      case 'hidden': case 'submit': case 'image': case 'reset': case 'button': return 'default';
      case 'checkbox': case 'radio': return 'default/on';
      case 'file': return 'filename';
    }
    return 'value';
  }
  function inputValue(el) {
    const type = inputType(el);
    const mode = valueMode(type);
    if (mode === 'value') {
      const f = peekForm(el);
      if (f !== undefined && f.value !== undefined) return f.value;
      const v = getAttr(el, 'value');
      return sanitizeValue(type, v === null ? '' : v);
    }
    const v = getAttr(el, 'value');
    if (mode === 'default/on') return v === null ? 'on' : v;
    return mode === 'filename' ? '' : v === null ? '' : v;
  }
  extendHTML('HTMLInputElement', (p) => Object.defineProperties(p, {
    value: {
      get() { return inputValue(this); },
      set(v) {
        v = v === null ? '' : String(v);
        const type = inputType(this);
        const mode = valueMode(type);
        if (mode === 'value') {
          const f = formState(this);
          f.value = sanitizeValue(type, v);
          f.dirtyValue = true;
        } else if (mode === 'filename') {
          if (v !== '') throw new DOMException("Failed to set the 'value' property on 'HTMLInputElement': This input element accepts a filename, which may only be programmatically set to the empty string.", 'InvalidStateError');
        } else {
          setAttr(this, 'value', v);
        }
      },
      configurable: true,
      enumerable: true,
    },
    defaultValue: {
      get() {
        const v = getAttr(this, 'value');
        return v === null ? '' : v;
      },
      set(v) { setAttr(this, 'value', v === null ? '' : v); },
      configurable: true,
      enumerable: true,
    },
    checked: {
      get() { return checkedness(this); },
      set(v) { setCheckedness(this, !!v, true); },
      configurable: true,
      enumerable: true,
    },
    defaultChecked: {
      get() { return getAttr(this, 'checked') !== null; },
      set(v) {
        if (v) setAttr(this, 'checked', '');
        else removeAttr(this, 'checked');
      },
      configurable: true,
      enumerable: true,
    },
    indeterminate: {
      get() { const f = peekForm(this); return f !== undefined && f.indeterminate; },
      set(v) { formState(this).indeterminate = !!v; },
      configurable: true,
      enumerable: true,
    },
    files: { get() { return null; }, configurable: true, enumerable: true },
    select: { value() {}, configurable: true, writable: true },
    setSelectionRange: { value() {}, configurable: true, writable: true },
  }));
  // the raw value of a textarea: its child text until the value is set
  function textareaChildText(el) {
    let out = '';
    for (const k of el[KIDS]) if (k[T] === TEXT_NODE) out += k[DATA];
    return out;
  }
  function textareaValue(el) {
    const f = peekForm(el);
    const v = f !== undefined && f.dirtyValue ? f.value : textareaChildText(el);
    return v.replace(/\r\n?/g, '\n');
  }
  extendHTML('HTMLTextAreaElement', (p) => Object.defineProperties(p, {
    value: {
      get() { return textareaValue(this); },
      set(v) {
        const f = formState(this);
        f.value = v === null ? '' : String(v);
        f.dirtyValue = true;
      },
      configurable: true,
      enumerable: true,
    },
    defaultValue: {
      get() { return textareaChildText(this); },
      set(v) { setTextContent(this, v); },
      configurable: true,
      enumerable: true,
    },
    textLength: { get() { return textareaValue(this).length; }, configurable: true, enumerable: true },
    type: { get() { return 'textarea'; }, configurable: true, enumerable: true },
    select: { value() {}, configurable: true, writable: true },
    setSelectionRange: { value() {}, configurable: true, writable: true },
  }));

  // ---- select, option, form: a part (polyfills/dom.forms.js) ----

  // loaded by htmlClass before it makes one of these interfaces
  const FORMS_PART = new Set(['HTMLSelectElement', 'HTMLOptionElement', 'HTMLFormElement']);
  function optionSelected(o) {
    return part('forms').optionSelected(o);
  }
  extendHTML('HTMLLabelElement', (p) => Object.defineProperties(p, {
    control: {
      get() {
        const id = getAttr(this, 'for');
        if (id !== null) {
          const el = byId(rootOf(this), id);
          return el !== null && el[NSC] === 0 && LABELABLE.has(el[NAME]) ? el : null;
        }
        return walkElements(this, (el) => el[NSC] === 0 && LABELABLE.has(el[NAME]));
      },
      configurable: true,
      enumerable: true,
    },
  }));
  const LABELABLE = new Set(['button', 'input', 'meter', 'output', 'progress', 'select', 'textarea']);
  extendHTML('HTMLScriptElement', (p) => Object.defineProperties(p, {
    text: {
      get() { return textareaChildText(this); },
      set(v) { setTextContent(this, v); },
      configurable: true,
      enumerable: true,
    },
  }));
  extendHTML('HTMLAnchorElement', (p) => Object.defineProperties(p, {
    text: {
      get() { return textOf(this); },
      set(v) { setTextContent(this, v); },
      configurable: true,
      enumerable: true,
    },
    relList: { get() { return tokenListFor(this, 'relList', 'rel'); }, configurable: true, enumerable: true },
  }));
  extendHTML('HTMLOutputElement', (p) => Object.defineProperties(p, {
    value: {
      get() { return textOf(this); },
      set(v) { setTextContent(this, v); },
      configurable: true,
      enumerable: true,
    },
    type: { get() { return 'output'; }, configurable: true, enumerable: true },
  }));
  function tokenListFor(el, key, attr) {
    const x = extra(el);
    if (x[key] === undefined) x[key] = tokenList(el, attr);
    return x[key];
  }

  // click(): a checkbox or radio button changes its checkedness before the
  // click event (restored if the event is canceled) and fires input and
  // change after it, the "legacy-pre-activation behavior" of the standard
  function clickWithActivation(el) {
    const checkable = el[NAME] === 'input' && (inputType(el) === 'checkbox' || inputType(el) === 'radio');
    if (!checkable) {
      el.dispatchEvent(new Event('click', { bubbles: true, cancelable: true, composed: true }));
      return;
    }
    const radio = inputType(el) === 'radio';
    const before = checkedness(el);
    let group = null;
    if (radio) {
      const name = getAttr(el, 'name');
      group = [];
      if (name !== null && name !== '') {
        const form = formOwner(el);
        walkElements(rootOf(el), (o) => {
          if (o !== el && o[NSC] === 0 && o[NAME] === 'input' && getAttr(o, 'name') === name && inputType(o) === 'radio' && formOwner(o) === form && checkedness(o)) group.push(o);
          return false;
        });
      }
      setCheckedness(el, true, true);
    } else {
      setCheckedness(el, !before, true);
    }
    const ok = el.dispatchEvent(new Event('click', { bubbles: true, cancelable: true, composed: true }));
    if (!ok) {
      setCheckedness(el, before, true);
      if (radio) for (const o of group) setCheckedness(o, true, false);
      return;
    }
    if (checkedness(el) !== before) {
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }

  Object.defineProperties(HTMLElement.prototype, handlerDescriptors);

  class HTMLTemplateElement extends HTMLElement {
    get content() { return this[CONTENT]; }
  }
  class SVGElement extends Element {
    get dataset() { return Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'dataset').get.call(this); }
    get style() { return Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'style').get.call(this); }
  }
  SVGElement.prototype[NSC] = 1;
  Object.defineProperties(SVGElement.prototype, handlerDescriptors);
  class MathMLElement extends Element {
    get dataset() { return Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'dataset').get.call(this); }
    get style() { return Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'style').get.call(this); }
  }
  MathMLElement.prototype[NSC] = 2;
  Object.defineProperties(MathMLElement.prototype, handlerDescriptors);

  class CharacterData extends Node {
    get data() { return this[DATA]; }
    set data(v) { setData(this, v === null ? '' : String(v)); }
    get length() { return this[DATA].length; }
    substringData(offset, count) {
      const d = this[DATA];
      offset >>>= 0;
      if (offset > d.length) throw new DOMException(`The offset ${offset} is greater than the node's length (${d.length}).`, 'IndexSizeError');
      return d.substr(offset, count >>> 0);
    }
    appendData(data) { setData(this, this[DATA] + String(data)); }
    insertData(offset, data) { replaceData(this, offset, 0, data); }
    deleteData(offset, count) { replaceData(this, offset, count, ''); }
    replaceData(offset, count, data) { replaceData(this, offset, count, data); }
  }
  mix(CharacterData, childNodeMixin, siblingsMixin);

  class Text extends CharacterData {
    constructor(data = '') {
      return newCharData(mainDoc, TEXT_NODE, String(data));
    }
    splitText(offset) {
      const d = this[DATA];
      offset >>>= 0;
      if (offset > d.length) throw new DOMException(`The offset ${offset} is larger than the Text node's length.`, 'IndexSizeError');
      const fresh = newCharData(nodeDoc(this), TEXT_NODE, d.slice(offset));
      if (this[PARENT] !== null) insertNode(fresh, this[PARENT], nextSib(this), false);
      setData(this, d.slice(0, offset));
      return fresh;
    }
    get wholeText() {
      let start = this;
      for (let p = prevSib(start); p !== null && p[T] === TEXT_NODE; p = prevSib(p)) start = p;
      let out = '';
      for (let n = start; n !== null && n[T] === TEXT_NODE; n = nextSib(n)) out += n[DATA];
      return out;
    }
  }
  class Comment extends CharacterData {
    constructor(data = '') {
      return newCharData(mainDoc, COMMENT_NODE, String(data));
    }
  }

  class DocumentFragment extends Node {
    constructor() {
      return newFragment(mainDoc);
    }
    getElementById(id) { return byId(this, id); }
  }
  mix(DocumentFragment, parentNodeMixin);

  class DocumentType extends Node {
    get name() { return this[NAME]; }
    get publicId() { return this[PUBID]; }
    get systemId() { return this[SYSID]; }
  }
  mix(DocumentType, childNodeMixin);

  class DOMImplementation {
    #doc;
    constructor(key, doc) {
      if (key !== KEY) throw illegal();
      this.#doc = doc;
    }
    createHTMLDocument(title = undefined) {
      const d = newDocument(true, 'text/html');
      appendFresh(d, newDoctype(d, 'html', '', ''));
      const html = newElement(d, protoFor(0, 'html'), 'html');
      appendFresh(d, html);
      const head = newElement(d, protoFor(0, 'head'), 'head');
      appendFresh(html, head);
      if (title !== undefined) {
        const t = newElement(d, protoFor(0, 'title'), 'title');
        appendFresh(head, t);
        appendFresh(t, newCharData(d, TEXT_NODE, String(title)));
      }
      appendFresh(html, newElement(d, protoFor(0, 'body'), 'body'));
      return d;
    }
    createDocumentType(name, publicId, systemId) {
      name = String(name);
      if (/[\t\n\f\r \0>]/.test(name)) throw new DOMException(`'${name}' is not a valid doctype name.`, 'InvalidCharacterError');
      return newDoctype(this.#doc, name, String(publicId), String(systemId));
    }
    createDocument(ns, qname, doctype = null) {
      const d = newDocument(false, ns === HTML_NS ? 'application/xhtml+xml' : ns === SVG_NS ? 'image/svg+xml' : 'application/xml');
      if (doctype !== null && doctype !== undefined) preInsert(checkNode(doctype, 'createDocument'), d, null, 'createDocument');
      if (qname !== null && qname !== undefined && String(qname) !== '') {
        const [n, prefix, local] = validateAndExtract(ns, qname);
        appendFresh(d, createElementNS(d, n, prefix, local));
      }
      return d;
    }
    hasFeature() { return true; }
  }

  class Document extends Node {
    constructor() {
      return newDocument(false, 'application/xml');
    }
    get implementation() {
      const x = extra(this);
      if (x.implementation === undefined) x.implementation = new DOMImplementation(KEY, this);
      return x.implementation;
    }
    get URL() { return docURL(this); }
    get documentURI() { return docURL(this); }
    get contentType() { return this[DOC].contentType; }
    get characterSet() { return 'UTF-8'; }
    get charset() { return 'UTF-8'; }
    get inputEncoding() { return 'UTF-8'; }
    get readyState() { return 'complete'; }
    get compatMode() {
      const dt = this.doctype;
      return !this[DOC].html || (dt !== null && asciiLower(dt[NAME]) === 'html') ? 'CSS1Compat' : 'BackCompat';
    }
    get defaultView() { return null; }
    get doctype() {
      for (const k of this[KIDS]) if (k[T] === DOCUMENT_TYPE_NODE) return k;
      return null;
    }
    get documentElement() { return firstElementChild(this); }
    get head() {
      const html = firstElementChild(this);
      if (html === null || html[NSC] !== 0 || html[NAME] !== 'html') return null;
      for (const k of html[KIDS]) if (k[T] === 1 && k[NSC] === 0 && k[NAME] === 'head') return k;
      return null;
    }
    get body() {
      const html = firstElementChild(this);
      if (html === null || html[NSC] !== 0 || html[NAME] !== 'html') return null;
      for (const k of html[KIDS]) if (k[T] === 1 && k[NSC] === 0 && (k[NAME] === 'body' || k[NAME] === 'frameset')) return k;
      return null;
    }
    set body(v) {
      if (!isElement(v) || v[NSC] !== 0 || (v[NAME] !== 'body' && v[NAME] !== 'frameset')) {
        throw new DOMException("Failed to set the 'body' property on 'Document': The new body element must be a 'BODY' or 'FRAMESET' element.", 'HierarchyRequestError');
      }
      const old = this.body;
      if (old === v) return;
      if (old !== null) {
        replaceChild(old[PARENT], v, old);
        return;
      }
      const html = firstElementChild(this);
      if (html === null) throw new DOMException("Failed to set the 'body' property on 'Document': No document element exists.", 'HierarchyRequestError');
      preInsert(v, html, null, 'appendChild');
    }
    get title() {
      const root = firstElementChild(this);
      if (root === null) return '';
      let t;
      if (root[NSC] === 1 && root[NAME] === 'svg') {
        t = root[KIDS].find((k) => k[T] === 1 && k[NSC] === 1 && k[NAME] === 'title');
      } else {
        t = walkElements(this, (el) => el[NSC] === 0 && el[NAME] === 'title');
      }
      if (!t) return '';
      return textOf(t).replace(/[\t\n\f\r ]+/g, ' ').replace(/^ | $/g, '');
    }
    set title(v) {
      v = String(v);
      let t = walkElements(this, (el) => el[NSC] === 0 && el[NAME] === 'title');
      if (t === null) {
        const head = this.head;
        if (head === null) return;
        t = newElement(this, protoFor(0, 'title'), 'title');
        preInsert(t, head, null, 'appendChild');
      }
      setTextContent(t, v);
    }
    get activeElement() { return this.body; }
    // The document's cookie string: no cookie jar behind it (nothing is ever
    // sent anywhere), so it reads '' and writes are dropped, as in a
    // cookie-averse document.
    get cookie() { return ''; }
    set cookie(v) {}
    get location() { return this === mainDoc && g.location !== undefined ? g.location : null; }
    get domain() { return ''; }
    get referrer() { return ''; }
    get lastModified() { return '01/01/1970 00:00:00'; }
    get dir() {
      const el = firstElementChild(this);
      return el !== null && el[NSC] === 0 && el[NAME] === 'html' ? el.dir : '';
    }
    set dir(v) {
      const el = firstElementChild(this);
      if (el !== null && el[NSC] === 0 && el[NAME] === 'html') el.dir = v;
    }
    get designMode() { return 'off'; }
    set designMode(v) {}
    get hidden() { return true; }
    get visibilityState() { return 'hidden'; }
    get currentScript() { return null; }
    get scrollingElement() { return this[DOC].html ? this.body : this.documentElement; }
    get fullscreenEnabled() { return false; }
    get fullscreenElement() { return null; }
    get pointerLockElement() { return null; }
    get all() { return this.getElementsByTagName('*'); }
    getSelection() { return null; }
    elementFromPoint() { return null; }
    elementsFromPoint() { return []; }
    execCommand() { return false; }
    queryCommandEnabled() { return false; }
    queryCommandSupported() { return false; }
    queryCommandState() { return false; }
    queryCommandValue() { return ''; }
    // document.open/write/close. There is no streaming parser: the text
    // written since open() is kept and the whole of it re-parsed into the
    // document on each write (nodes from earlier writes are replaced), which
    // gives the tree a browser builds once the writes are done, since no
    // script runs during parsing here. A write after close() opens the
    // document again, wiping it, as it does in a loaded browser document.
    open(type = undefined, replace = undefined) {
      if (arguments.length > 2) throw new DOMException("Failed to execute 'open' on 'Document': opening a window is not supported.", 'NotSupportedError');
      if (!this[DOC].html) throw new DOMException("Failed to execute 'open' on 'Document': Only HTML documents support open().", 'InvalidStateError');
      const st = this[DOC];
      if (st.writing === true) return this;
      if (this[KIDS].length !== 0) replaceAll(this, null);
      st.writing = true;
      st.written = '';
      return this;
    }
    close() {
      if (!this[DOC].html) throw new DOMException("Failed to execute 'close' on 'Document': Only HTML documents support close().", 'InvalidStateError');
      const st = this[DOC];
      if (st.writing !== true) return;
      st.writing = false;
      st.written = '';
    }
    write(...text) { documentWrite(this, text.join(''), 'write'); }
    writeln(...text) { documentWrite(this, text.join('') + '\n', 'writeln'); }

    hasFocus() { return false; }
    getElementById(id) { return byId(this, id); }
    getElementsByTagName(name) { return byTagName(this, name); }
    getElementsByClassName(names) { return byClassName(this, names); }
    getElementsByName(name) {
      name = String(name);
      return liveCollection(this, (el) => el[NSC] === 0 && getAttr(el, 'name') === name);
    }
    getElementsByTagNameNS(ns, local) { return Element.prototype.getElementsByTagNameNS.call(this, ns, local); }
    createElement(localName, options = undefined) {
      localName = String(localName);
      if (!VALID_ELEMENT.test(localName)) {
        throw new DOMException(`Failed to execute 'createElement' on 'Document': The tag name provided ('${localName}') is not a valid name.`, 'InvalidCharacterError');
      }
      const html = this[DOC].html;
      if (html) localName = asciiLower(localName);
      if (html || this[DOC].contentType === 'application/xhtml+xml') return createElementNS(this, HTML_NS, null, localName);
      return createElementNS(this, null, null, localName);
    }
    createElementNS(ns, qname, options = undefined) {
      const [n, prefix, local] = validateAndExtract(ns, qname);
      return createElementNS(this, n, prefix, local);
    }
    createTextNode(data) { return newCharData(this, TEXT_NODE, String(data)); }
    createComment(data) { return newCharData(this, COMMENT_NODE, String(data)); }
    createDocumentFragment() { return newFragment(this); }
    createNodeIterator(root, whatToShow = undefined, filter = undefined) {
      return part('traversal').createNodeIterator(this, root, whatToShow, filter);
    }
    createTreeWalker(root, whatToShow = undefined, filter = undefined) {
      return part('traversal').createTreeWalker(this, root, whatToShow, filter);
    }
    createAttribute(name) {
      name = String(name);
      checkAttrName(name);
      return new (part('attrs').Attr)(KEY, null, this[DOC].html ? asciiLower(name) : name, '');
    }
    createAttributeNS(ns, qname) {
      const [n, prefix, local] = validateAndExtract(ns, qname);
      return new (part('attrs').Attr)(KEY, null, prefix === null ? local : prefix + ':' + local, '', n, prefix, local);
    }
    createEvent(kind) {
      const k = asciiLower(String(kind));
      if (k === 'event' || k === 'events' || k === 'htmlevents') return new Event('');
      if (k === 'customevent') return new CustomEvent('');
      throw new DOMException(`The provided event type ('${kind}') is invalid.`, 'NotSupportedError');
    }
    importNode(node, deep = false) {
      checkNode(node, 'importNode', 'Document');
      if (node[T] === DOCUMENT_NODE) throw new DOMException("Failed to execute 'importNode' on 'Document': The node provided is a document, which may not be imported.", 'NotSupportedError');
      const c = cloneNode(node, !!deep);
      adopt(c, this);
      return c;
    }
    adoptNode(node) {
      checkNode(node, 'adoptNode', 'Document');
      if (node[T] === DOCUMENT_NODE) throw new DOMException("Failed to execute 'adoptNode' on 'Document': The node provided is a document, which may not be adopted.", 'NotSupportedError');
      if (node[PARENT] !== null) removeNode(node, false);
      adopt(node, this);
      return node;
    }
  }
  mix(Document, parentNodeMixin);
  Object.defineProperties(Document.prototype, handlerDescriptors);
  for (const type of ['readystatechange', 'visibilitychange', 'fullscreenchange', 'fullscreenerror',
    'pointerlockchange', 'pointerlockerror', 'freeze', 'resume']) {
    Object.defineProperty(Document.prototype, 'on' + type, {
      get() { return isNode(this) ? getHandler(this, type) : null; },
      set(v) { setHandler(this, type, v); },
      configurable: true,
      enumerable: true,
    });
  }
  // live collections of the document (HTMLCollection, made once per document)
  for (const [prop, test] of [
    ['images', (el) => el[NSC] === 0 && el[NAME] === 'img'],
    ['forms', (el) => el[NSC] === 0 && el[NAME] === 'form'],
    ['scripts', (el) => el[NSC] === 0 && el[NAME] === 'script'],
    ['embeds', (el) => el[NSC] === 0 && el[NAME] === 'embed'],
    ['plugins', (el) => el[NSC] === 0 && el[NAME] === 'embed'],
    ['links', (el) => el[NSC] === 0 && (el[NAME] === 'a' || el[NAME] === 'area') && getAttr(el, 'href') !== null],
    ['anchors', (el) => el[NSC] === 0 && el[NAME] === 'a' && getAttr(el, 'name') !== null],
    ['applets', () => false],
  ]) {
    Object.defineProperty(Document.prototype, prop, {
      get() {
        const x = extra(this);
        const key = 'collection:' + prop;
        if (x[key] === undefined) x[key] = liveCollection(this, test);
        return x[key];
      },
      configurable: true,
      enumerable: true,
    });
  }


  function documentWrite(doc, text, method) {
    if (!doc[DOC].html) throw new DOMException(`Failed to execute '${method}' on 'Document': Only HTML documents support ${method}().`, 'InvalidStateError');
    const st = doc[DOC];
    if (st.writing !== true) doc.open();
    const all = st.written + text;
    const fresh = build(doc, newFragment(doc), parse(all, null));
    st.written = all;
    replaceAll(doc, fresh);
  }

  class DOMParser {
    parseFromString(string, type) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'parseFromString' on 'DOMParser': 2 arguments required.");
      type = String(type);
      if (type === 'text/html') {
        const d = newDocument(true, 'text/html');
        build(d, d, parse(string, null));
        return d;
      }
      if (['text/xml', 'application/xml', 'application/xhtml+xml', 'image/svg+xml'].includes(type)) {
        throw new DOMException(`Failed to execute 'parseFromString' on 'DOMParser': XML documents ('${type}') are not supported.`, 'NotSupportedError');
      }
      throw new TypeError(`Failed to execute 'parseFromString' on 'DOMParser': The provided value '${type}' is not a valid enum value of type DOMParserSupportedType.`);
    }
  }

  for (const C of [Node, Element, HTMLElement, HTMLTemplateElement, SVGElement, MathMLElement, CharacterData,
    Text, Comment, DocumentFragment, DocumentType, Document, DOMParser, DOMImplementation, NodeList,
    HTMLCollection, MutationObserver,
    MutationRecord]) {
    Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  }

  // ---- the context's document ------------------------------------------------------------------

  const document = newDocument(true, 'text/html');
  mainDoc = document;
  {
    const html = newElement(document, protoFor(0, 'html'), 'html');
    appendFresh(document, html);
    appendFresh(html, newElement(document, protoFor(0, 'head'), 'head'));
    appendFresh(html, newElement(document, protoFor(0, 'body'), 'body'));
  }
  if (typeof native.domAttach === 'function') {
    native.domAttach(document, [T, NAME, ATTRS, KIDS, DATA, CONTENT]);
  }

  const exports = {
    MathMLElement, document, DOMParser, Node, Element, HTMLElement, HTMLTemplateElement, SVGElement, CharacterData, Text,
    Comment, DocumentFragment, Document, DocumentType, NodeList, HTMLCollection,
    MutationObserver, MutationRecord,
  };
  // the HTML element interfaces and the parts' globals stay lazy until read (see htmlClass, part)
  Object.defineProperty(exports, '@resolve', {
    value: (name) => {
      if (htmlSpecs.has(name)) return htmlClass(name);
      const from = PART_GLOBALS[name];
      return from === undefined ? undefined : part(from)[name];
    },
  });
  return exports;
})
