// The `dom` group's Attr nodes and NamedNodeMap (el.attributes): a part of polyfills/dom.js compiled apart and
// loaded on first use (see part() there, and actors/apis/loader.py). Called
// with the document's internals; returns what the core calls.
(function attrsPart(core) {
  'use strict';

  const {
    ATTRIBUTE_NODE, attrIndex, attrName, attrNamespace, ATTRS, bumpTreeVersion, DOMException, EXTRA,
    extra, findAttrNS, formAttributeChanged, getAttr, illegal, isObserved, KEY, mainDoc,
    makeList, Node, nodeDoc, noteNamespace, queueAttributeRecord, removeAttr, setAttr, SRC,
  } = core;

  // An Attr is attached to its element (its value and namespace live in the
  // element's ATTRS and attrNs) or detached, when it keeps its own copies.
  // Each attached attribute has at most one Attr (cached in the element's
  // attrNodes), so identity holds: `el.attributes[0] === el.getAttributeNode(n)`.
  let attrInternals;
  class Attr {
    #el;
    #name;
    #value;
    #ns;
    #prefix;
    #local;
    constructor(key, el, name, value, ns = null, prefix = null, local = name) {
      if (key !== KEY) throw illegal();
      this.#el = el;
      this.#name = name;
      this.#value = value;
      this.#ns = ns;
      this.#prefix = prefix;
      this.#local = local;
    }
    get name() { return this.#name; }
    get nodeName() { return this.#name; }
    get localName() {
      if (this.#el === null) return this.#local;
      const c = this.#name.indexOf(':');
      return c >= 0 && attrNamespace(this.#el, this.#name) !== null ? this.#name.slice(c + 1) : this.#name;
    }
    get prefix() {
      if (this.#el === null) return this.#prefix;
      const c = this.#name.indexOf(':');
      return c >= 0 && attrNamespace(this.#el, this.#name) !== null ? this.#name.slice(0, c) : null;
    }
    get namespaceURI() { return this.#el === null ? this.#ns : attrNamespace(this.#el, this.#name); }
    get nodeType() { return ATTRIBUTE_NODE; }
    get specified() { return true; }
    get ownerElement() { return this.#el; }
    get ownerDocument() { return this.#el === null ? mainDoc : nodeDoc(this.#el); }
    get parentNode() { return null; }
    get parentElement() { return null; }
    get firstChild() { return null; }
    get lastChild() { return null; }
    get previousSibling() { return null; }
    get nextSibling() { return null; }
    get isConnected() { return false; }
    hasChildNodes() { return false; }
    get value() {
      if (this.#el !== null) {
        const v = getAttr(this.#el, this.#name);
        if (v !== null) return v;
      }
      return this.#value;
    }
    set value(v) {
      v = v === null ? '' : String(v);
      if (this.#el !== null) setAttr(this.#el, this.#name, v);
      else this.#value = v;
    }
    get nodeValue() { return this.value; }
    set nodeValue(v) { this.value = v; }
    get textContent() { return this.value; }
    set textContent(v) { this.value = v; }
    cloneNode() {
      const ns = this.namespaceURI;
      return new Attr(KEY, null, this.#name, this.value, ns, this.prefix, this.localName);
    }
    static {
      attrInternals = {
        is: (a) => a !== null && typeof a === 'object' && #el in a,
        el: (a) => a.#el,
        detach(a, value, ns) {
          a.#ns = ns;
          const c = a.#name.indexOf(':');
          a.#prefix = ns !== null && c >= 0 ? a.#name.slice(0, c) : null;
          a.#local = ns !== null && c >= 0 ? a.#name.slice(c + 1) : a.#name;
          a.#value = value;
          a.#el = null;
        },
        attach(a, el) { a.#el = el; },
      };
    }
  }
  function attrNode(el, qname) {
    const x = extra(el);
    let map = x.attrNodes;
    if (map === undefined) map = x.attrNodes = new Map();
    let a = map.get(qname);
    if (a === undefined) {
      a = new Attr(KEY, el, qname, getAttr(el, qname));
      map.set(qname, a);
    }
    return a;
  }
  function checkAttr(attr, method, iface = 'Element') {
    if (!attrInternals.is(attr)) throw new TypeError(`Failed to execute '${method}' on '${iface}': parameter 1 is not of type 'Attr'.`);
    return attr;
  }
  // setAttributeNode / setNamedItem: attach `attr`, replacing the attribute
  // with its namespace and local name; returns the replaced Attr or null
  function setAttrNode(el, attr, method, iface) {
    checkAttr(attr, method, iface);
    const owner = attrInternals.el(attr);
    if (owner === el) return attr;
    if (owner !== null) throw new DOMException(`Failed to execute '${method}' on '${iface}': The node provided is an attribute node that is already an attribute of another Element; attribute nodes must be explicitly cloned.`, 'InUseAttributeError');
    const ns = attr.namespaceURI;
    const qname = attr.name;
    const value = attr.value;
    const existing = findAttrNS(el, ns, attr.localName);
    let old = null;
    if (existing !== null) {
      old = attrNode(el, existing);
      const i = attrIndex(el, existing);
      if (isObserved()) queueAttributeRecord(el, existing, el[ATTRS][i + 1]);
      const oldValue = el[ATTRS][i + 1];
      el[EXTRA].attrNodes.delete(existing);
      attrInternals.detach(old, oldValue, attrNamespace(el, existing));
      if (el[EXTRA].attrNs !== undefined) el[EXTRA].attrNs.delete(existing);
      el[ATTRS][i] = qname;
      el[ATTRS][i + 1] = value;
      noteNamespace(el, qname, ns);
      bumpTreeVersion();
      const x = el[EXTRA];
      if (x.form !== undefined) formAttributeChanged(x.form, qname);
    } else {
      noteNamespace(el, qname, ns);
      setAttr(el, qname, value);
    }
    const x = extra(el);
    if (x.attrNodes === undefined) x.attrNodes = new Map();
    x.attrNodes.set(qname, attr);
    attrInternals.attach(attr, el);
    return old;
  }
  function removeAttrNode(el, attr, method, iface) {
    checkAttr(attr, method, iface);
    if (attrInternals.el(attr) !== el) {
      throw new DOMException(`Failed to execute '${method}' on '${iface}': The node provided is owned by another element.`, 'NotFoundError');
    }
    removeAttr(el, attr.name);
    return attr;
  }
  class NamedNodeMap {
    constructor() { throw illegal(); }
    get length() { return this[SRC].el[ATTRS].length >> 1; }
    item(index) {
      const a = this[SRC].el[ATTRS];
      index >>>= 0;
      return index * 2 < a.length ? attrNode(this[SRC].el, a[index * 2]) : null;
    }
    getNamedItem(name) {
      const el = this[SRC].el;
      const q = attrName(el, name);
      return getAttr(el, q) === null ? null : attrNode(el, q);
    }
    getNamedItemNS(ns, local) {
      const el = this[SRC].el;
      const q = findAttrNS(el, ns, local);
      return q === null ? null : attrNode(el, q);
    }
    setNamedItem(attr) { return setAttrNode(this[SRC].el, attr, 'setNamedItem', 'NamedNodeMap'); }
    setNamedItemNS(attr) { return setAttrNode(this[SRC].el, attr, 'setNamedItemNS', 'NamedNodeMap'); }
    removeNamedItem(name) {
      const el = this[SRC].el;
      const q = attrName(el, name);
      if (getAttr(el, q) === null) throw new DOMException(`Failed to execute 'removeNamedItem' on 'NamedNodeMap': No item with name '${name}' was found.`, 'NotFoundError');
      const a = attrNode(el, q);
      removeAttr(el, q);
      return a;
    }
    removeNamedItemNS(ns, local) {
      const el = this[SRC].el;
      const q = findAttrNS(el, ns, local);
      if (q === null) throw new DOMException(`Failed to execute 'removeNamedItemNS' on 'NamedNodeMap': No item with that namespace and local name was found.`, 'NotFoundError');
      const a = attrNode(el, q);
      removeAttr(el, q);
      return a;
    }
    [Symbol.iterator]() {
      const el = this[SRC].el;
      const a = el[ATTRS];
      const out = [];
      for (let i = 0; i < a.length; i += 2) out.push(attrNode(el, a[i]));
      return out.values();
    }
  }
  function attributesOf(el) {
    const x = extra(el);
    if (x.attributes === undefined) {
      x.attributes = makeList(NamedNodeMap.prototype, {
        el,
        isAttrs: true,  // the core's list proxy hands out Attr nodes for these (attrNode)
        items() {
          const a = el[ATTRS];
          const out = [];
          for (let i = 0; i < a.length; i += 2) out.push(a[i]);
          return out;
        },
        named(name) {
          const q = attrName(el, name);
          return getAttr(el, q) === null ? undefined : attrNode(el, q);
        },
      });
    }
    return x.attributes;
  }
  Object.setPrototypeOf(Attr.prototype, Node.prototype);
  Object.setPrototypeOf(Attr, Node);
  for (const C of [Attr, NamedNodeMap]) {
    Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  }
  // an attached Attr whose attribute is removed keeps the last value and namespace
  const detach = (a, value, ns) => attrInternals.detach(a, value, ns);

  return { Attr, NamedNodeMap, attrNode, attributesOf, setAttrNode, removeAttrNode, detach };
})
