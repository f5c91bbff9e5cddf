// The `dom` group's selectors (Selectors Level 4): a part of polyfills/dom.js
// compiled apart and loaded by the first selector that is not a plain tag
// name, #id or .class (see part() there, and actors/apis/loader.py). Called
// with the document's internals; returns what the core calls.
(function selectorsPart(core) {
  'use strict';

  const {
    COMMENT_NODE, DATA, DOCUMENT_NODE, DOMException, FORM_CONTROLS, KIDS, NAME, NS,
    NSC, PARENT, T, TEXT_NODE, asciiLower, checkedness, getAttr, hasToken,
    indexOf, inputType, isDisabled, isWsCode, nextElementSib, optionSelected, prevElementSib, walkElements,
  } = core;


  const SELECTOR_ERROR = {};
  const selectorCache = new Map();
  const SELECTOR_CACHE_SIZE = 64;

  function compileSelector(text, method, iface) {
    text = String(text);
    let m = selectorCache.get(text);
    if (m !== undefined) {
      selectorCache.delete(text);
      selectorCache.set(text, m);
      return m;
    }
    try {
      m = parseSelectors(text);
    } catch (e) {
      if (e === SELECTOR_ERROR) {
        throw new DOMException(`Failed to execute '${method}' on '${iface}': '${text}' is not a valid selector.`, 'SyntaxError');
      }
      throw e;
    }
    if (selectorCache.size >= SELECTOR_CACHE_SIZE) selectorCache.delete(selectorCache.keys().next().value);
    selectorCache.set(text, m);
    return m;
  }

  // A compiled selector list is an array of complex selectors; a complex
  // selector is an array of compounds, left to right; a compound is
  // { test(el, scope), comb } where comb joins it to the compound on its left.
  function matchesList(list, el, scope) {
    for (let i = 0; i < list.length; i++) {
      const parts = list[i];
      if (matchComplex(parts, parts.length - 1, el, scope)) return true;
    }
    return false;
  }
  function matchComplex(parts, i, el, scope) {
    const part = parts[i];
    if (el[T] !== 1) {
      // only a bare :scope can match a non-element (the scoping document or fragment)
      if (!(part.scopeOnly && el === scope)) return false;
    } else if (!part.test(el, scope)) {
      return false;
    }
    if (i === 0) return true;
    switch (part.comb) {
      case '>': {
        const p = el[PARENT];
        return p !== null && matchComplex(parts, i - 1, p, scope);
      }
      case ' ':
        for (let p = el[PARENT]; p !== null; p = p[PARENT]) {
          if (matchComplex(parts, i - 1, p, scope)) return true;
        }
        return false;
      case '+': {
        const s = prevElementSib(el);
        return s !== null && matchComplex(parts, i - 1, s, scope);
      }
      case '~':
        for (let s = prevElementSib(el); s !== null; s = prevElementSib(s)) {
          if (matchComplex(parts, i - 1, s, scope)) return true;
        }
        return false;
    }
    return false;
  }
  function querySelectorAll(root, text, method, iface, firstOnly) {
    const list = compileSelector(text, method, iface);
    const scope = root;
    if (firstOnly) {
      return walkElements(root, (el) => matchesList(list, el, scope));
    }
    const out = [];
    walkElements(root, (el) => {
      if (matchesList(list, el, scope)) out.push(el);
      return false;
    });
    return out;
  }

  function parseSelectors(s) {
    let pos = 0;
    const n = s.length;
    const fail = () => { throw SELECTOR_ERROR; };

    function skipWs() {
      const start = pos;
      for (;;) {
        const c = s.charCodeAt(pos);
        if (isWsCode(c)) {
          pos++;
        } else if (c === 47 && s.charCodeAt(pos + 1) === 42) {
          const end = s.indexOf('*/', pos + 2);
          pos = end < 0 ? n : end + 2;
        } else {
          break;
        }
      }
      return pos > start;
    }
    const isNameStart = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
    const isNameChar = (c) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
    function escapeAt(p) {
      // s[p] is a backslash: a valid escape unless followed by a newline or the end
      const c = s.charCodeAt(p + 1);
      return !(Number.isNaN(c) || c === 10 || c === 12 || c === 13);
    }
    function identStartsAt(p) {
      let c = s.charCodeAt(p);
      if (c === 45) {
        c = s.charCodeAt(p + 1);
        if (c === 45) return true;
        p += 1;
      }
      if (isNameStart(c)) return true;
      return c === 92 && escapeAt(p);
    }
    function readEscape() {
      // at a backslash
      pos++;
      const hex = /^[0-9a-fA-F]{1,6}/.exec(s.slice(pos, pos + 6));
      if (hex) {
        pos += hex[0].length;
        if (isWsCode(s.charCodeAt(pos))) pos++;
        const cp = parseInt(hex[0], 16);
        return cp === 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ? '\ufffd' : String.fromCodePoint(cp);
      }
      const cp = s.codePointAt(pos);
      pos += cp > 0xffff ? 2 : 1;
      return String.fromCodePoint(cp);
    }
    function ident() {
      if (!identStartsAt(pos)) fail();
      let out = '';
      while (pos < n) {
        const c = s.charCodeAt(pos);
        if (isNameChar(c)) {
          out += s[pos++];
        } else if (c === 92 && escapeAt(pos)) {
          out += readEscape();
        } else {
          break;
        }
      }
      return out;
    }
    function string() {
      const q = s[pos++];
      let out = '';
      while (pos < n) {
        const c = s[pos];
        if (c === q) {
          pos++;
          return out;
        }
        if (c === '\n') fail();
        if (c === '\\') {
          if (pos + 1 >= n) {
            pos++;
            continue;
          }
          if (s[pos + 1] === '\n') {
            pos += 2;
            continue;
          }
          out += readEscape();
        } else {
          out += c;
          pos++;
        }
      }
      return out; // an unterminated string ends at the end of input
    }

    // list := complex (',' complex)*, ended by ')' when nested
    function selectorList(nested, relative, forgiving) {
      const list = [];
      for (;;) {
        skipWs();
        const start = pos;
        try {
          list.push(complex(relative));
          skipWs();
        } catch (e) {
          if (e !== SELECTOR_ERROR || !forgiving) throw e;
          pos = start;
          skipToListEnd();
        }
        if (pos >= n) {
          if (nested) fail();
          break;
        }
        const c = s[pos];
        if (c === ',') {
          pos++;
          continue;
        }
        if (c === ')' && nested) break;
        if (forgiving) {
          skipToListEnd();
          if (s[pos] === ',') {
            pos++;
            continue;
          }
          if (s[pos] === ')') break;
        }
        fail();
      }
      return list;
    }
    function skipToListEnd() {
      let depth = 0;
      while (pos < n) {
        const c = s[pos];
        if (c === '"' || c === "'") {
          string();
          continue;
        }
        if (c === '\\') {
          pos += 2;
          continue;
        }
        if (c === '(' || c === '[') depth++;
        else if (c === ')' || c === ']') {
          if (depth === 0) return;
          depth--;
        } else if (c === ',' && depth === 0) {
          return;
        }
        pos++;
      }
    }
    function complex(relative) {
      const parts = [];
      let comb = null;
      if (relative) {
        skipWs();
        const c = s[pos];
        if (c === '>' || c === '+' || c === '~') {
          comb = c;
          pos++;
          skipWs();
        } else {
          comb = ' ';
        }
        parts.push({ test: (el, scope) => el === scope, comb: null, scopeOnly: true });
      }
      for (;;) {
        const part = compound();
        part.comb = comb;
        parts.push(part);
        const ws = skipWs();
        if (pos >= n) break;
        const c = s[pos];
        if (c === '>' || c === '+' || c === '~') {
          comb = c;
          pos++;
          skipWs();
        } else if (c === ',' || c === ')') {
          break;
        } else if (ws) {
          comb = ' ';
        } else {
          fail();
        }
      }
      if (relative) parts.relativeComb = parts[1].comb;
      return parts;
    }
    function compound() {
      const tests = [];
      let any = false;
      let scopeOnly = true;
      const c0 = s[pos];
      if (c0 === '*') {
        pos++;
        any = true;
        scopeOnly = false;
        if (s[pos] === '|') fail();
      } else if (identStartsAt(pos)) {
        tests.push(typeTest(ident()));
        if (s[pos] === '|') fail();
        any = true;
        scopeOnly = false;
      }
      for (;;) {
        const c = s[pos];
        if (c === '#') {
          pos++;
          const id = ident();
          tests.push((el) => getAttr(el, 'id') === id);
        } else if (c === '.') {
          pos++;
          const cls = ident();
          tests.push((el) => {
            const v = getAttr(el, 'class');
            return v !== null && (v === cls || hasToken(v, cls));
          });
        } else if (c === '[') {
          pos++;
          tests.push(attribute());
        } else if (c === ':') {
          pos++;
          const t = pseudo();
          if (t !== SCOPE_TEST) scopeOnly = false;
          tests.push(t);
          any = true;
          continue;
        } else {
          break;
        }
        scopeOnly = false;
        any = true;
      }
      if (!any) fail();
      let test;
      if (tests.length === 0) test = () => true;
      else if (tests.length === 1) test = tests[0];
      else if (tests.length === 2) {
        const [a, b] = tests;
        test = (el, scope) => a(el, scope) && b(el, scope);
      } else {
        test = (el, scope) => {
          for (let i = 0; i < tests.length; i++) if (!tests[i](el, scope)) return false;
          return true;
        };
      }
      return { test, comb: null, scopeOnly: scopeOnly && tests.length !== 0 };
    }
    function typeTest(name) {
      const lower = asciiLower(name);
      return (el) => el[NAME] === (el[NSC] === 0 ? lower : name);
    }
    function attribute() {
      skipWs();
      const name = ident();
      if (s[pos] === '|' && s[pos + 1] !== '=') fail();
      const lower = asciiLower(name);
      skipWs();
      let op = null;
      let value = '';
      let ci = false;
      if (s[pos] === ']') {
        pos++;
      } else {
        const c = s[pos];
        if (c === '=') {
          op = '=';
          pos++;
        } else if ('~|^$*'.includes(c) && s[pos + 1] === '=') {
          op = c + '=';
          pos += 2;
        } else {
          fail();
        }
        skipWs();
        if (s[pos] === '"' || s[pos] === "'") value = string();
        else value = ident();
        skipWs();
        if (identStartsAt(pos)) {
          const flag = asciiLower(ident());
          if (flag === 'i') ci = true;
          else if (flag !== 's') fail();
          skipWs();
        }
        if (s[pos] !== ']') fail();
        pos++;
      }
      const want = ci ? value.toLowerCase() : value;
      let check;
      switch (op) {
        case null: check = () => true; break;
        case '=': check = (v) => v === want; break;
        case '~=': check = (v) => want !== '' && !/[\t\n\f\r ]/.test(want) && hasToken(v, want); break;
        case '|=': check = (v) => v === want || v.startsWith(want + '-'); break;
        case '^=': check = (v) => want !== '' && v.startsWith(want); break;
        case '$=': check = (v) => want !== '' && v.endsWith(want); break;
        case '*=': check = (v) => want !== '' && v.includes(want); break;
      }
      return (el) => {
        const v = getAttr(el, el[NSC] === 0 ? lower : name);
        if (v === null) return false;
        return check(ci ? v.toLowerCase() : v);
      };
    }
    function nth() {
      // An+B, after '(' and whitespace
      skipWs();
      let a = 0;
      let b = 0;
      const rest = s.slice(pos);
      let m = /^(odd|even)(?![\w-])/i.exec(rest);
      if (m) {
        a = 2;
        b = m[1].toLowerCase() === 'odd' ? 1 : 0;
      } else if ((m = /^([+-]?)(\d*)n(?![\w-])(?:\s*([+-])\s*(\d+))?/i.exec(rest)) !== null) {
        if (m[1] === '+' && /^\+\s/.test(rest)) fail();
        a = m[2] === '' ? 1 : parseInt(m[2], 10);
        if (m[1] === '-') a = -a;
        if (m[3] !== undefined) b = parseInt(m[4], 10) * (m[3] === '-' ? -1 : 1);
      } else if ((m = /^([+-]?)(\d*)n-(\d+)/i.exec(rest)) !== null) {
        a = m[2] === '' ? 1 : parseInt(m[2], 10);
        if (m[1] === '-') a = -a;
        b = -parseInt(m[3], 10);
      } else if ((m = /^[+-]?\d+(?![\w.])/.exec(rest)) !== null) {
        b = parseInt(m[0], 10);
      } else {
        fail();
      }
      pos += m[0].length;
      skipWs();
      return [a, b];
    }
    function nthMatches(a, b, index) {
      if (a === 0) return index === b;
      const d = index - b;
      return d % a === 0 && d / a >= 0;
    }
    function pseudo() {
      if (s[pos] === ':') {
        // a pseudo-element: valid, matches no element
        pos++;
        ident();
        if (s[pos] === '(') {
          pos++;
          skipToListEnd();
          if (s[pos] !== ')') fail();
          pos++;
        }
        return NEVER;
      }
      const name = asciiLower(ident());
      if (s[pos] === '(') {
        pos++;
        return functional(name);
      }
      switch (name) {
        case 'first-child': return (el) => prevElementSib(el) === null;
        case 'last-child': return (el) => nextElementSib(el) === null;
        case 'only-child': return (el) => prevElementSib(el) === null && nextElementSib(el) === null;
        case 'first-of-type': return (el) => ofTypeIndex(el, false) === 1;
        case 'last-of-type': return (el) => ofTypeIndex(el, true) === 1;
        case 'only-of-type': return (el) => ofTypeIndex(el, false) === 1 && ofTypeIndex(el, true) === 1;
        case 'empty': return (el) => el[KIDS].every((k) => k[T] === COMMENT_NODE || (k[T] === TEXT_NODE && k[DATA] === ''));
        case 'root': return (el) => el[PARENT] !== null && el[PARENT][T] === DOCUMENT_NODE;
        case 'scope': return SCOPE_TEST;
        case 'checked': return isChecked;
        case 'disabled': return isDisabled;
        case 'enabled': return (el) => el[NSC] === 0 && FORM_CONTROLS.has(el[NAME]) && !isDisabled(el);
        case 'required': return (el) => el[NSC] === 0 && INPUTS.has(el[NAME]) && getAttr(el, 'required') !== null;
        case 'optional': return (el) => el[NSC] === 0 && INPUTS.has(el[NAME]) && getAttr(el, 'required') === null;
        case 'link':
        case 'any-link':
          return (el) => el[NSC] === 0 && (el[NAME] === 'a' || el[NAME] === 'area') && getAttr(el, 'href') !== null;
        case 'defined': return () => true;
        case 'visited': case 'hover': case 'active': case 'focus': case 'focus-visible':
        case 'focus-within': case 'target': case 'target-within':
          return NEVER;
        case 'before': case 'after': case 'first-line': case 'first-letter':
          return NEVER;
      }
      fail();
    }
    function functional(name) {
      switch (name) {
        case 'not': {
          const list = selectorList(true, false, false);
          pos++;
          return (el, scope) => !matchesList(list, el, scope);
        }
        case 'is':
        case 'matches':
        case 'where':
        case '-webkit-any': {
          const list = selectorList(true, false, true);
          pos++;
          return (el, scope) => matchesList(list, el, scope);
        }
        case 'has': {
          const list = selectorList(true, true, false);
          pos++;
          if (list.length === 0) fail();
          return (el) => list.some((parts) => hasMatch(parts, el));
        }
        case 'nth-child':
        case 'nth-last-child':
        case 'nth-of-type':
        case 'nth-last-of-type': {
          const [a, b] = nth();
          let of = null;
          if ((name === 'nth-child' || name === 'nth-last-child') && identStartsAt(pos)) {
            const save = pos;
            if (asciiLower(ident()) !== 'of') {
              pos = save;
              fail();
            }
            if (!skipWs()) fail();
            of = selectorList(true, false, false);
          }
          if (s[pos] !== ')') fail();
          pos++;
          const last = name.includes('last');
          if (name.endsWith('of-type')) return (el) => nthMatches(a, b, ofTypeIndex(el, last));
          if (of === null) return (el) => nthMatches(a, b, childIndex(el, last, null, null));
          return (el, scope) => matchesList(of, el, scope) && nthMatches(a, b, childIndex(el, last, of, scope));
        }
      }
      fail();
    }

    const list = selectorList(false, false, false);
    if (list.length === 0) fail();
    return list;
  }
  const NEVER = () => false;
  const SCOPE_TEST = (el, scope) => el === scope || (scope !== null && scope[T] === DOCUMENT_NODE && el === scope.documentElement);
  const INPUTS = new Set(['input', 'select', 'textarea']);
  function isChecked(el) {
    if (el[NSC] !== 0) return false;
    if (el[NAME] === 'input') {
      const t = inputType(el);
      return (t === 'checkbox' || t === 'radio') && checkedness(el);
    }
    return el[NAME] === 'option' && optionSelected(el);
  }
  function childIndex(el, fromEnd, of, scope) {
    const p = el[PARENT];
    if (p === null) return 1;
    const k = p[KIDS];
    let count = 1;
    const i = indexOf(el);
    if (!fromEnd) {
      for (let j = i - 1; j >= 0; j--) if (k[j][T] === 1 && (of === null || matchesList(of, k[j], scope))) count++;
    } else {
      for (let j = i + 1; j < k.length; j++) if (k[j][T] === 1 && (of === null || matchesList(of, k[j], scope))) count++;
    }
    return count;
  }
  function ofTypeIndex(el, fromEnd) {
    const p = el[PARENT];
    if (p === null) return 1;
    const k = p[KIDS];
    const name = el[NAME];
    const code = el[NSC];
    let count = 1;
    const i = indexOf(el);
    const same = (x) => x[T] === 1 && x[NAME] === name && x[NSC] === code && x[NS] === el[NS];
    if (!fromEnd) {
      for (let j = i - 1; j >= 0; j--) if (same(k[j])) count++;
    } else {
      for (let j = i + 1; j < k.length; j++) if (same(k[j])) count++;
    }
    return count;
  }
  // :has(): is there an element, relative to `el` as the relative selector says, that matches?
  function hasMatch(parts, el) {
    const last = parts.length - 1;
    const test = (cand) => matchComplex(parts, last, cand, el);
    if (parts.relativeComb === '+' || parts.relativeComb === '~') {
      for (let s = nextElementSib(el); s !== null; s = nextElementSib(s)) {
        if (test(s)) return true;
        if (parts.length > 2 && walkElements(s, test) !== null) return true;
        if (parts.relativeComb === '+' && parts.length === 2) return false;
      }
      return false;
    }
    if (parts.relativeComb === '>' && parts.length === 2) {
      for (const k of el[KIDS]) if (k[T] === 1 && test(k)) return true;
      return false;
    }
    return walkElements(el, test) !== null;
  }

  return { compileSelector, matchesList, querySelectorAll };
})
