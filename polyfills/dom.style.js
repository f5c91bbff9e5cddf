// The `dom` group's el.dataset (DOMStringMap) and el.style (CSSStyleDeclaration): a part of polyfills/dom.js compiled apart and
// loaded on first use (see part() there, and actors/apis/loader.py). Called
// with the document's internals; returns what the core calls.
(function stylePart(core) {
  'use strict';

  const {
    asciiLower, ATTRS, checkAttrName, DOMException, EMPTY, getAttr, illegal, indexKey,
    removeAttr, setAttr, SRC,
  } = core;

  class DOMStringMap {
    constructor() { throw illegal(); }
  }
  const dataAttr = (prop) => 'data-' + prop.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const dataProp = (attr) => attr.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  const datasetHandler = {
    get(t, k) {
      if (typeof k !== 'string') return Reflect.get(t, k);
      const v = getAttr(t[SRC], dataAttr(k));
      return v === null ? Reflect.get(t, k) : v;
    },
    set(t, k, v) {
      if (typeof k !== 'string') return Reflect.set(t, k, v);
      if (/-[a-z]/.test(k)) throw new DOMException(`'${k}' is not a valid dataset property name.`, 'SyntaxError');
      const name = dataAttr(k);
      checkAttrName(name);
      setAttr(t[SRC], name, v);
      return true;
    },
    has(t, k) {
      return typeof k === 'string' ? getAttr(t[SRC], dataAttr(k)) !== null : Reflect.has(t, k);
    },
    deleteProperty(t, k) {
      if (typeof k !== 'string') return Reflect.deleteProperty(t, k);
      removeAttr(t[SRC], dataAttr(k));
      return true;
    },
    ownKeys(t) {
      const out = [];
      const a = t[SRC][ATTRS];
      for (let i = 0; i < a.length; i += 2) {
        const n = a[i];
        if (n.startsWith('data-') && !/[A-Z]/.test(n)) out.push(dataProp(n));
      }
      return out.concat(Reflect.ownKeys(t));
    },
    getOwnPropertyDescriptor(t, k) {
      if (typeof k !== 'string') return Reflect.getOwnPropertyDescriptor(t, k);
      const v = getAttr(t[SRC], dataAttr(k));
      return v === null ? undefined : { value: v, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(t, k, d) {
      if (typeof k !== 'string') return Reflect.defineProperty(t, k, d);
      return datasetHandler.set(t, k, d.value);
    },
  };

  // ---- style (CSSStyleDeclaration over the style attribute) ------------------------------------

  // "color: red; background: url(a;b)" -> [['color', 'red', ''], ...]
  function parseStyle(text) {
    const out = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      let j = i;
      let depth = 0;
      let quote = 0;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (quote) {
          if (c === 92) j++;
          else if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) quote = c;
        else if (c === 40) depth++;
        else if (c === 41) depth = Math.max(0, depth - 1);
        else if (c === 59 && depth === 0) break;
      }
      const decl = text.slice(i, j);
      i = j + 1;
      const colon = decl.indexOf(':');
      if (colon < 0) continue;
      const name = decl.slice(0, colon).trim();
      let value = decl.slice(colon + 1).trim();
      if (name === '' || value === '') continue;
      let priority = '';
      const imp = /\s*!\s*important\s*$/i.exec(value);
      if (imp) {
        priority = 'important';
        value = value.slice(0, imp.index).trim();
      }
      const prop = name.startsWith('--') ? name : asciiLower(name);
      const at = out.findIndex((d) => d[0] === prop);
      if (at >= 0) out.splice(at, 1);
      out.push([prop, value, priority]);
    }
    return out;
  }
  function cssName(k) {
    if (k.startsWith('--')) return k;
    if (k === 'cssFloat') return 'float';
    if (k.includes('-')) return asciiLower(k);
    let name = k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if (/^(webkit|moz|ms|o)-/.test(name) && /^[A-Z]/.test(k)) name = '-' + name;
    else if (/^webkit-/.test(name)) name = '-' + name;
    return name;
  }
  const STYLE_KEY = /^(?:[a-zA-Z][a-zA-Z0-9]*|-{1,2}[a-zA-Z0-9-]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)$/;
  function declsOf(style) {
    const src = style[SRC];
    const v = getAttr(src.el, 'style');
    if (v !== src.value) {
      src.value = v;
      src.decls = v === null ? EMPTY : parseStyle(v);
    }
    return src.decls;
  }
  const cssTextOf = (decls) => decls.map((d) => `${d[0]}: ${d[1]}${d[2] ? ' !important' : ''};`).join(' ');
  function writeDecls(style, decls) {
    const src = style[SRC];
    const text = cssTextOf(decls);
    setAttr(src.el, 'style', text);
    src.value = text;
    src.decls = decls;
  }
  const propName = (name) => (name.startsWith('--') ? name : asciiLower(name));
  const styleNames = (style) => declsOf(style).map((d) => d[0]);
  class CSSStyleDeclaration {
    constructor() { throw illegal(); }
    get cssText() { return cssTextOf(declsOf(this)); }
    set cssText(v) { writeDecls(this, parseStyle(v === null ? '' : String(v))); }
    get length() { return declsOf(this).length; }
    item(index) {
      const d = declsOf(this)[index >>> 0];
      return d === undefined ? '' : d[0];
    }
    getPropertyValue(name) {
      const prop = propName(String(name));
      const d = declsOf(this).find((x) => x[0] === prop);
      return d === undefined ? '' : d[1];
    }
    getPropertyPriority(name) {
      const prop = propName(String(name));
      const d = declsOf(this).find((x) => x[0] === prop);
      return d === undefined ? '' : d[2];
    }
    setProperty(name, value, priority = '') {
      const prop = propName(String(name));
      value = value === null || value === undefined ? '' : String(value).trim();
      if (value === '') {
        this.removeProperty(prop);
        return;
      }
      priority = String(priority);
      if (priority !== '' && asciiLower(priority) !== 'important') return;
      const decls = declsOf(this).slice();
      const at = decls.findIndex((x) => x[0] === prop);
      const d = [prop, value, priority === '' ? '' : 'important'];
      if (at >= 0) decls[at] = d;
      else decls.push(d);
      writeDecls(this, decls);
    }
    removeProperty(name) {
      const prop = propName(String(name));
      const decls = declsOf(this);
      const at = decls.findIndex((x) => x[0] === prop);
      if (at < 0) return '';
      const old = decls[at][1];
      writeDecls(this, decls.filter((_, i) => i !== at));
      return old;
    }
    get parentRule() { return null; }
  }
  const styleHandler = {
    get(t, k) {
      if (typeof k === 'string' && !(k in t)) {
        const i = indexKey(k);
        if (i >= 0) return styleNames(t)[i];
        if (STYLE_KEY.test(k)) return t.getPropertyValue(cssName(k));
      }
      return Reflect.get(t, k, t);
    },
    set(t, k, v) {
      if (typeof k === 'string' && !(k in t) && STYLE_KEY.test(k)) {
        t.setProperty(cssName(k), v);
        return true;
      }
      return Reflect.set(t, k, v, t);
    },
    has(t, k) {
      if (typeof k === 'string' && indexKey(k) >= 0) return indexKey(k) < styleNames(t).length;
      return Reflect.has(t, k);
    },
    ownKeys(t) {
      return styleNames(t).map((_, i) => String(i)).concat(Reflect.ownKeys(t));
    },
    getOwnPropertyDescriptor(t, k) {
      const i = indexKey(k);
      if (i >= 0) {
        const v = styleNames(t)[i];
        return v === undefined ? undefined : { value: v, writable: false, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
  };
  // el.dataset and el.style (made once per element by the core)
  function dataset(el) {
    const t = Object.create(DOMStringMap.prototype);
    Object.defineProperty(t, SRC, { value: el });
    return new Proxy(t, datasetHandler);
  }
  function style(el) {
    const t = Object.create(CSSStyleDeclaration.prototype);
    Object.defineProperty(t, SRC, { value: { el, value: undefined, decls: EMPTY } });
    return new Proxy(t, styleHandler);
  }
  for (const C of [DOMStringMap, CSSStyleDeclaration]) {
    Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  }

  return { dataset, style };
})
