// The `dom` group's DOMTokenList (el.classList, a.relList): a part of polyfills/dom.js compiled apart and
// loaded on first use (see part() there, and actors/apis/loader.py). Called
// with the document's internals; returns what the core calls.
(function tokensPart(core) {
  'use strict';

  const {
    DOMException, EMPTY, getAttr, illegal, indexKey, setAttr, splitTokens, SRC,
  } = core;

  function tokensOf(list) {
    const src = list[SRC];
    const v = getAttr(src.el, src.attr);
    if (v !== src.value) {
      src.value = v;
      src.tokens = v === null ? EMPTY : splitTokens(v);
    }
    return src.tokens;
  }
  function updateTokens(list, tokens) {
    const src = list[SRC];
    if (getAttr(src.el, src.attr) === null && tokens.length === 0) return;
    setAttr(src.el, src.attr, tokens.join(' '));
  }
  function checkToken(token) {
    token = String(token);
    if (token === '') throw new DOMException('The token provided must not be empty.', 'SyntaxError');
    if (/[\t\n\f\r ]/.test(token)) {
      throw new DOMException(`The token provided ('${token}') contains HTML space characters, which are not valid in tokens.`, 'InvalidCharacterError');
    }
    return token;
  }
  class DOMTokenList {
    constructor() { throw illegal(); }
    get length() { return tokensOf(this).length; }
    get value() {
      const src = this[SRC];
      const v = getAttr(src.el, src.attr);
      return v === null ? '' : v;
    }
    set value(v) { setAttr(this[SRC].el, this[SRC].attr, v); }
    item(index) {
      const v = tokensOf(this)[index >>> 0];
      return v === undefined ? null : v;
    }
    contains(token) { return tokensOf(this).includes(String(token)); }
    add(...tokens) {
      tokens = tokens.map(checkToken);
      const list = tokensOf(this).slice();
      for (const t of tokens) if (!list.includes(t)) list.push(t);
      updateTokens(this, list);
    }
    remove(...tokens) {
      tokens = tokens.map(checkToken);
      updateTokens(this, tokensOf(this).filter((t) => !tokens.includes(t)));
    }
    toggle(token, force = undefined) {
      token = checkToken(token);
      const list = tokensOf(this);
      if (list.includes(token)) {
        if (force === undefined || !force) {
          updateTokens(this, list.filter((t) => t !== token));
          return false;
        }
        return true;
      }
      if (force === undefined || force) {
        updateTokens(this, [...list, token]);
        return true;
      }
      return false;
    }
    replace(token, newToken) {
      token = checkToken(token);
      newToken = checkToken(newToken);
      const list = tokensOf(this);
      if (!list.includes(token)) return false;
      const out = [];
      for (const t of list) {
        const v = t === token ? newToken : t;
        if (!out.includes(v)) out.push(v);
      }
      updateTokens(this, out);
      return true;
    }
    supports() {
      throw new TypeError(`DOMTokenList has no supported tokens for '${this[SRC].attr}'.`);
    }
    toString() { return this.value; }
    forEach(callback, thisArg = undefined) {
      const list = tokensOf(this).slice();
      for (let i = 0; i < list.length; i++) callback.call(thisArg, list[i], i, this);
    }
    keys() { return tokensOf(this).slice().keys(); }
    values() { return tokensOf(this).slice().values(); }
    entries() { return tokensOf(this).slice().entries(); }
    [Symbol.iterator]() { return tokensOf(this).slice().values(); }
  }
  const tokenListHandler = {
    get(t, k, r) {
      const i = indexKey(k);
      if (i >= 0) return tokensOf(t)[i];
      return Reflect.get(t, k, t);
    },
    set(t, k, v) {
      if (indexKey(k) >= 0) return true;
      return Reflect.set(t, k, v, t);
    },
    has(t, k) {
      const i = indexKey(k);
      return i >= 0 ? i < tokensOf(t).length : Reflect.has(t, k);
    },
    ownKeys(t) {
      return tokensOf(t).map((_, i) => String(i)).concat(Reflect.ownKeys(t));
    },
    getOwnPropertyDescriptor(t, k) {
      const i = indexKey(k);
      if (i >= 0) {
        const v = tokensOf(t)[i];
        return v === undefined ? undefined : { value: v, writable: false, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
  };
  function tokenList(el, attr) {
    const t = Object.create(DOMTokenList.prototype);
    Object.defineProperty(t, SRC, { value: { el, attr, value: undefined, tokens: EMPTY } });
    return new Proxy(t, tokenListHandler);
  }
  Object.defineProperty(DOMTokenList.prototype, Symbol.toStringTag, { value: 'DOMTokenList', configurable: true });

  return { DOMTokenList, tokenList };
})
