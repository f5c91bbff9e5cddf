// The `dom` group's traversal: a part of polyfills/dom.js compiled apart and
// loaded on first use (see part() there, and actors/apis/loader.py). Called
// with the document's internals; returns what the core calls.
(function traversalPart(core) {
  'use strict';

  const {
    checkNode, DOMException, illegal, KEY, KIDS, liveIterators, nextSib, PARENT,
    prevSib, T,
  } = core;

  const FILTER_ACCEPT = 1, FILTER_REJECT = 2, FILTER_SKIP = 3;
  // NodeFilter is a callback interface: its interface object only carries the constants
  function NodeFilter() { throw illegal(); }
  const NODE_FILTER_CONSTANTS = {
    FILTER_ACCEPT, FILTER_REJECT, FILTER_SKIP, SHOW_ALL: 0xffffffff, SHOW_ELEMENT: 0x1, SHOW_ATTRIBUTE: 0x2,
    SHOW_TEXT: 0x4, SHOW_CDATA_SECTION: 0x8, SHOW_ENTITY_REFERENCE: 0x10, SHOW_ENTITY: 0x20,
    SHOW_PROCESSING_INSTRUCTION: 0x40, SHOW_COMMENT: 0x80, SHOW_DOCUMENT: 0x100, SHOW_DOCUMENT_TYPE: 0x200,
    SHOW_DOCUMENT_FRAGMENT: 0x400, SHOW_NOTATION: 0x800,
  };
  for (const [k, v] of Object.entries(NODE_FILTER_CONSTANTS)) {
    Object.defineProperty(NodeFilter, k, { value: v, enumerable: true });
  }
  Object.defineProperty(NodeFilter, 'prototype', { value: Object.create(Object.prototype), writable: false });

  // the node after `n` in tree order within `root`'s subtree (null at its end)
  function followingIn(n, root) {
    const k = n[KIDS];
    if (k !== undefined && k.length !== 0) return k[0];
    for (; n !== root && n !== null; n = n[PARENT]) {
      const s = nextSib(n);
      if (s !== null) return s;
    }
    return null;
  }
  // the node after `n` and its descendants within `root`'s subtree
  function followingSkipping(n, root) {
    for (; n !== root && n !== null; n = n[PARENT]) {
      const s = nextSib(n);
      if (s !== null) return s;
    }
    return null;
  }
  function lastInclusiveDescendant(n) {
    for (;;) {
      const k = n[KIDS];
      if (k === undefined || k.length === 0) return n;
      n = k[k.length - 1];
    }
  }
  function precedingIn(n, root) {
    if (n === root) return null;
    const p = prevSib(n);
    return p !== null ? lastInclusiveDescendant(p) : n[PARENT];
  }
  function isInclusiveAncestor(a, n) {
    for (; n !== null; n = n[PARENT]) if (n === a) return true;
    return false;
  }

  // Shared by NodeIterator and TreeWalker: root, whatToShow, filter and the
  // "active" flag that forbids re-entering the filter.
  let traversalInternals;
  class Traversal {
    #root;
    #show;
    #filter;
    #active = false;
    constructor(key, root, show, filter) {
      if (key !== KEY) throw illegal();
      this.#root = root;
      this.#show = show;
      this.#filter = filter;
    }
    get root() { return this.#root; }
    get whatToShow() { return this.#show; }
    get filter() { return this.#filter; }
    static {
      traversalInternals = {
        root: (t) => t.#root,
        // "filter a node": FILTER_ACCEPT, FILTER_REJECT or FILTER_SKIP
        filter(t, node, iface) {
          if (t.#active) throw new DOMException(`Failed to execute on '${iface}': The filter is already running.`, 'InvalidStateError');
          const bit = 1 << (node[T] - 1);
          if ((t.#show & bit) === 0) return FILTER_SKIP;
          const f = t.#filter;
          if (f === null) return FILTER_ACCEPT;
          t.#active = true;
          let result;
          try {
            if (typeof f === 'function') {
              result = f.call(undefined, node);
            } else {
              const accept = f.acceptNode;
              if (typeof accept !== 'function') throw new TypeError(`Failed to execute 'acceptNode' on 'NodeFilter': The provided callback is not callable.`);
              result = accept.call(f, node);
            }
          } finally {
            t.#active = false;
          }
          return Number(result) & 0xffff;
        },
      };
    }
  }
  function traversalArgs(doc, root, show, filter, method) {
    checkNode(root, method, 'Document');
    show = show === undefined ? 0xffffffff : show >>> 0;
    if (filter === undefined) filter = null;
    if (filter !== null && typeof filter !== 'function' && typeof filter !== 'object') {
      throw new TypeError(`Failed to execute '${method}' on 'Document': The provided value is not of type 'NodeFilter'.`);
    }
    return [root, show, filter];
  }

  // Live NodeIterators must follow removals (their "pre-removing steps"): they
  // are kept as WeakRefs in the core's liveIterators, so an iterator nobody
  // holds costs nothing after it is collected, and removals look at the list
  // (and call here) only while it is non-empty.
  function iteratorsPreRemove(node) {
    let live = 0;
    for (let i = 0; i < liveIterators.length; i++) {
      const it = liveIterators[i].deref();
      if (it === undefined) continue;
      liveIterators[live++] = liveIterators[i];
      iteratorInternals.preRemove(it, node);
    }
    liveIterators.length = live;
  }
  let iteratorInternals;
  class NodeIterator extends Traversal {
    #reference;
    #before = true;
    constructor(key, root, show, filter) {
      super(key, root, show, filter);
      this.#reference = root;
    }
    get referenceNode() { return this.#reference; }
    get pointerBeforeReferenceNode() { return this.#before; }
    nextNode() { return this.#traverse(true); }
    previousNode() { return this.#traverse(false); }
    detach() {}
    #traverse(next) {
      const root = traversalInternals.root(this);
      let node = this.#reference;
      let before = this.#before;
      for (;;) {
        if (next) {
          if (!before) {
            node = followingIn(node, root);
            if (node === null) return null;
          } else {
            before = false;
          }
        } else if (before) {
          node = precedingIn(node, root);
          if (node === null) return null;
        } else {
          before = true;
        }
        const result = traversalInternals.filter(this, node, 'NodeIterator');
        if (result === FILTER_ACCEPT) break;
      }
      this.#reference = node;
      this.#before = before;
      return node;
    }
    static {
      iteratorInternals = {
        preRemove(it, removed) {
          const root = traversalInternals.root(it);
          if (removed === root || !isInclusiveAncestor(removed, it.#reference)) return;
          if (it.#before) {
            const next = followingSkipping(removed, root);
            if (next !== null) {
              it.#reference = next;
              return;
            }
            it.#before = false;
          }
          const prev = prevSib(removed);
          it.#reference = prev === null ? removed[PARENT] : lastInclusiveDescendant(prev);
        },
      };
    }
  }
  class TreeWalker extends Traversal {
    #current;
    constructor(key, root, show, filter) {
      super(key, root, show, filter);
      this.#current = root;
    }
    get currentNode() { return this.#current; }
    set currentNode(node) { this.#current = checkNode(node, 'currentNode', 'TreeWalker'); }
    #filter(node) { return traversalInternals.filter(this, node, 'TreeWalker'); }
    parentNode() {
      const root = traversalInternals.root(this);
      let node = this.#current;
      while (node !== null && node !== root) {
        node = node[PARENT];
        if (node !== null && this.#filter(node) === FILTER_ACCEPT) {
          this.#current = node;
          return node;
        }
      }
      return null;
    }
    #children(first) {
      const root = traversalInternals.root(this);
      const kidsOf = (n) => (n[KIDS] === undefined || n[KIDS].length === 0 ? null : n[KIDS]);
      let k = kidsOf(this.#current);
      let node = k === null ? null : first ? k[0] : k[k.length - 1];
      while (node !== null) {
        const result = this.#filter(node);
        if (result === FILTER_ACCEPT) {
          this.#current = node;
          return node;
        }
        if (result === FILTER_SKIP) {
          k = kidsOf(node);
          if (k !== null) {
            node = first ? k[0] : k[k.length - 1];
            continue;
          }
        }
        for (;;) {
          const sibling = first ? nextSib(node) : prevSib(node);
          if (sibling !== null) {
            node = sibling;
            break;
          }
          const parent = node[PARENT];
          if (parent === null || parent === root || parent === this.#current) return null;
          node = parent;
        }
      }
      return null;
    }
    firstChild() { return this.#children(true); }
    lastChild() { return this.#children(false); }
    #siblings(next) {
      const root = traversalInternals.root(this);
      let node = this.#current;
      if (node === root) return null;
      for (;;) {
        let sibling = next ? nextSib(node) : prevSib(node);
        while (sibling !== null) {
          node = sibling;
          const result = this.#filter(node);
          if (result === FILTER_ACCEPT) {
            this.#current = node;
            return node;
          }
          const k = node[KIDS];
          sibling = k !== undefined && k.length !== 0 && result !== FILTER_REJECT ? (next ? k[0] : k[k.length - 1]) : null;
          if (sibling === null) sibling = next ? nextSib(node) : prevSib(node);
        }
        node = node[PARENT];
        if (node === null || node === root) return null;
        if (this.#filter(node) === FILTER_ACCEPT) return null;
      }
    }
    nextSibling() { return this.#siblings(true); }
    previousSibling() { return this.#siblings(false); }
    previousNode() {
      const root = traversalInternals.root(this);
      let node = this.#current;
      while (node !== root) {
        let sibling = prevSib(node);
        while (sibling !== null) {
          node = sibling;
          let result = this.#filter(node);
          while (result !== FILTER_REJECT && node[KIDS] !== undefined && node[KIDS].length !== 0) {
            node = node[KIDS][node[KIDS].length - 1];
            result = this.#filter(node);
          }
          if (result === FILTER_ACCEPT) {
            this.#current = node;
            return node;
          }
          sibling = prevSib(node);
        }
        if (node === root || node[PARENT] === null) return null;
        node = node[PARENT];
        if (this.#filter(node) === FILTER_ACCEPT) {
          this.#current = node;
          return node;
        }
      }
      return null;
    }
    nextNode() {
      const root = traversalInternals.root(this);
      let node = this.#current;
      let result = FILTER_ACCEPT;
      for (;;) {
        while (result !== FILTER_REJECT && node[KIDS] !== undefined && node[KIDS].length !== 0) {
          node = node[KIDS][0];
          result = this.#filter(node);
          if (result === FILTER_ACCEPT) {
            this.#current = node;
            return node;
          }
        }
        let sibling = null;
        for (let temp = node; temp !== null; temp = temp[PARENT]) {
          if (temp === root) return null;
          sibling = nextSib(temp);
          if (sibling !== null) break;
        }
        if (sibling === null) return null;
        node = sibling;
        result = this.#filter(node);
        if (result === FILTER_ACCEPT) {
          this.#current = node;
          return node;
        }
      }
    }
  }
  function createNodeIterator(doc, root, whatToShow, filter) {
    const [r, show, f] = traversalArgs(doc, root, whatToShow, filter, 'createNodeIterator');
    const it = new NodeIterator(KEY, r, show, f);
    liveIterators.push(new WeakRef(it));
    return it;
  }
  function createTreeWalker(doc, root, whatToShow, filter) {
    const [r, show, f] = traversalArgs(doc, root, whatToShow, filter, 'createTreeWalker');
    return new TreeWalker(KEY, r, show, f);
  }
  for (const C of [NodeIterator, TreeWalker]) {
    Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  }

  return { NodeFilter, NodeIterator, TreeWalker, iteratorsPreRemove, createNodeIterator, createTreeWalker };
})
