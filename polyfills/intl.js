// The `intl` group: ECMA-402 `Intl` over CLDR data from the host (actors/apis/intl.py, Babel).
// The host hands over data only (symbols, patterns, names, time zone transitions), once per
// locale and kind per context (the caches below); all formatting runs here, so a loop of
// `format` calls makes no host call. Every host request is bounded here first (tag lengths,
// list lengths) and again on the host.
(function install(native, g) {
  'use strict';
  const MAX_TAG = 255;
  const MAX_LOCALES = 64;
  const O = Object, A = Array;
  const hasOwn = (o, k) => O.prototype.hasOwnProperty.call(o, k);
  // internal records have no prototype: a setter a script put on Object.prototype never runs
  const rec = (o) => O.setPrototypeOf(o, null);
  const DEFAULT_LOCALE = 'en-US';
  const DEFAULT_ZONE = 'UTC';

  function host(name, ...args) {
    try {
      return native.callSync('intl.' + name, ...args);
    } catch (e) {
      throw new RangeError(e && e.message ? e.message : String(e));
    }
  }
  // per-context caches of host answers; keys are bounded strings, counts bounded by Babel's tables
  const dataCache = new Map();
  function data(kind, lid, arg = '') {
    const key = kind + '\u0000' + lid + '\u0000' + arg;
    let v = dataCache.get(key);
    if (v === undefined) {
      v = host('data', kind, lid, arg);
      dataCache.set(key, v === undefined ? null : v);
    }
    return v === undefined ? null : v;
  }

  function defineMethods(target, methods, { getters = false } = {}) {
    for (const k of Reflect.ownKeys(methods)) {
      const d = O.getOwnPropertyDescriptor(methods, k);
      d.enumerable = false;
      O.defineProperty(target, k, d);
    }
  }
  function tag(proto, name) {
    O.defineProperty(proto, Symbol.toStringTag, { value: name, configurable: true });
  }

  // ---- options -------------------------------------------------------------------------------
  function toObjectOptions(options) {
    if (options === undefined) return O.create(null);
    if (options === null || (typeof options !== 'object' && typeof options !== 'function')) throw new TypeError('options must be an object');
    return options;
  }
  function coerceOptions(options) {
    if (options === undefined) return O.create(null);
    if (options === null) throw new TypeError('Cannot convert undefined or null to object');
    return O(options);
  }
  function getOption(options, prop, type, values, fallback) {
    let v = options[prop];
    if (v === undefined) return fallback;
    if (type === 'boolean') v = Boolean(v);
    else if (type === 'number') { v = Number(v); if (Number.isNaN(v)) throw new RangeError(`${prop} is not a number`); }
    else v = `${v}`;
    if (values !== undefined && !values.includes(v)) throw new RangeError(`Value ${String(v)} out of range for option ${prop}`);
    return v;
  }
  function defaultNumberOption(v, min, max, fallback, prop) {
    if (v === undefined) return fallback;
    v = Number(v);
    if (Number.isNaN(v) || v < min || v > max) throw new RangeError(`${prop} value is out of range`);
    return Math.floor(v);
  }
  function getNumberOption(options, prop, min, max, fallback) {
    return defaultNumberOption(options[prop], min, max, fallback, prop);
  }
  const TYPE_RE = /^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i;

  // ---- language tags -------------------------------------------------------------------------
  const LANG_ALIAS = { iw: 'he', in: 'id', ji: 'yi', jw: 'jv', mo: 'ro', tl: 'fil', no: 'nb', sh: 'sr-Latn', cmn: 'zh', aar: 'aa', heb: 'he', ces: 'cs', swe: 'sv' };
  const REGION_ALIAS = { DD: 'DE', FX: 'FR', UK: 'GB', BU: 'MM', TP: 'TL', YD: 'YE', ZR: 'CD', 276: 'DE', 840: 'US' };
  const ALPHA = /^[a-z]+$/, DIGIT = /^[0-9]+$/, ALNUM = /^[a-z0-9]+$/;
  function parseTag(tag) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG) return null;
    const s = tag.toLowerCase().split('-');
    if (s.some((x) => x.length === 0 || !ALNUM.test(x))) return null;
    let i = 0;
    const r = { language: '', script: '', region: '', variants: [], ext: [], priv: '' };
    const lang = s[i];
    if (!ALPHA.test(lang) || !(lang.length >= 2 && lang.length <= 3 || lang.length >= 5 && lang.length <= 8)) return null;
    r.language = lang; i++;
    if (i < s.length && s[i].length === 4 && ALPHA.test(s[i])) { r.script = s[i][0].toUpperCase() + s[i].slice(1); i++; }
    if (i < s.length && (s[i].length === 2 && ALPHA.test(s[i]) || s[i].length === 3 && DIGIT.test(s[i]))) { r.region = s[i].toUpperCase(); i++; }
    while (i < s.length && (s[i].length >= 5 && s[i].length <= 8 || s[i].length === 4 && /^[0-9]/.test(s[i]))) {
      if (r.variants.includes(s[i])) return null;
      r.variants.push(s[i]); i++;
    }
    const seen = new Set();
    while (i < s.length) {
      const single = s[i];
      if (single.length !== 1) return null;
      if (single === 'x') {
        const rest = s.slice(i + 1);
        if (!rest.length || rest.some((x) => x.length > 8)) return null;
        r.priv = rest.join('-');
        break;
      }
      if (seen.has(single)) return null;
      seen.add(single);
      i++;
      const sub = [];
      while (i < s.length && s[i].length > 1) { if (s[i].length > 8) return null; sub.push(s[i]); i++; }
      if (!sub.length) return null;
      if (single === 'u') { const u = canonicalU(sub); if (u === null) return null; r.ext.push(['u', u]); }
      else if (single === 't') { const t = canonicalT(sub); if (t === null) return null; r.ext.push(['t', t]); }
      else r.ext.push([single, sub.join('-')]);
    }
    return r;
  }
  function canonicalU(sub) {
    const attrs = [];
    let i = 0;
    while (i < sub.length && sub[i].length >= 3) { if (!attrs.includes(sub[i])) attrs.push(sub[i]); i++; }
    const keys = new Map();
    while (i < sub.length) {
      const key = sub[i];
      if (key.length !== 2 || !/^[a-z0-9][a-z]$/.test(key)) return null;
      i++;
      const types = [];
      while (i < sub.length && sub[i].length >= 3) { types.push(sub[i]); i++; }
      let v = types.join('-');
      if (v === 'true') v = '';
      if (!keys.has(key)) keys.set(key, v);
    }
    attrs.sort();
    const ks = [...keys.keys()].sort();
    const out = [...attrs];
    for (const k of ks) { out.push(k); if (keys.get(k)) out.push(keys.get(k)); }
    return out.join('-');
  }
  function canonicalT(sub) {
    let i = 0;
    const lang = [];
    while (i < sub.length && !/^[a-z][0-9]$/.test(sub[i])) lang.push(sub[i++]);
    let out = [];
    if (lang.length) {
      const p = parseTag(lang.join('-'));
      if (!p || p.ext.length || p.priv) return null;
      out.push(baseName(p).toLowerCase());
    }
    const fields = [];
    while (i < sub.length) {
      const k = sub[i++];
      if (!/^[a-z][0-9]$/.test(k)) return null;
      const vals = [];
      while (i < sub.length && !/^[a-z][0-9]$/.test(sub[i])) vals.push(sub[i++]);
      if (!vals.length) return null;
      fields.push([k, vals.join('-')]);
    }
    fields.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [k, v] of fields) out.push(k, v);
    return out.join('-');
  }
  function aliasLanguage(r) {
    const a = LANG_ALIAS[r.language];
    if (a) {
      const [l, sc] = a.split('-');
      r.language = l;
      if (sc && !r.script) r.script = sc;
    }
    if (REGION_ALIAS[r.region]) r.region = REGION_ALIAS[r.region];
    r.variants.sort();
  }
  function baseName(r) {
    let t = r.language;
    if (r.script) t += '-' + r.script;
    if (r.region) t += '-' + r.region;
    for (const v of r.variants) t += '-' + v;
    return t;
  }
  function tagString(r) {
    let t = baseName(r);
    for (const [k, v] of [...r.ext].sort((a, b) => (a[0] < b[0] ? -1 : 1))) t += '-' + k + '-' + v;
    if (r.priv) t += '-x-' + r.priv;
    return t;
  }
  const canonCache = new Map();
  function canonicalizeTag(tag) {
    let c = canonCache.get(tag);
    if (c !== undefined) return c;
    const r = parseTag(tag);
    if (!r) throw new RangeError(`Incorrect locale information provided: ${String(tag).slice(0, 64)}`);
    aliasLanguage(r);
    c = tagString(r);
    if (canonCache.size < 1024) canonCache.set(tag, c);
    return c;
  }
  function canonicalizeLocaleList(locales) {
    if (locales === undefined) return [];
    if (locales === null) throw new TypeError('Cannot convert undefined or null to object');
    const seen = [];
    let O2;
    if (typeof locales === 'string' || (typeof locales === 'object' && locales !== null && localeSlots.has(locales))) O2 = [locales];
    else O2 = O(locales);
    const len = Math.min(Math.max(0, Math.floor(Number(O2.length)) || 0), 2 ** 53 - 1);
    for (let k = 0; k < len; k++) {
      if (!(k in O2)) continue;
      const v = O2[k];
      if (typeof v !== 'string' && (typeof v !== 'object' || v === null)) throw new TypeError('locale must be a string or an object');
      const t = typeof v === 'object' && localeSlots.has(v) ? localeSlots.get(v).tag : String(v);
      const c = canonicalizeTag(t);
      if (!seen.includes(c)) {
        if (seen.length >= MAX_LOCALES) throw new RangeError(`at most ${MAX_LOCALES} locales`);
        seen.push(c);
      }
    }
    return seen;
  }

  // ---- locale resolution ---------------------------------------------------------------------
  const matchCache = new Map(); // base tag -> [babel id, available tag] | null
  function match(bases) {
    const need = bases.filter((b) => !matchCache.has(b));
    if (need.length) {
      const got = host('match', need);
      need.forEach((b, i) => matchCache.set(b, got[i] || null));
    }
    return bases.map((b) => matchCache.get(b));
  }
  function stripExt(tag) {
    const r = parseTag(tag);
    return { base: baseName(r), u: (r.ext.find((e) => e[0] === 'u') || [])[1] || '' };
  }
  function uKeywords(u) {
    const out = new Map();
    const parts = u ? u.split('-') : [];
    let i = 0;
    while (i < parts.length && parts[i].length > 2) i++;
    while (i < parts.length) {
      const k = parts[i++];
      const v = [];
      while (i < parts.length && parts[i].length > 2) v.push(parts[i++]);
      out.set(k, v.join('-') || 'true');
    }
    return out;
  }
  // relevant: {key: [supported values] | fn(value) -> bool}; opts: {key: value from options}
  function resolveLocale(requested, opts, relevant) {
    const bases = requested.map(stripExt);
    const matched = bases.length ? match(bases.map((b) => b.base)) : [];
    let found = null, kw = new Map();
    for (let i = 0; i < bases.length; i++) {
      if (matched[i]) { found = matched[i]; kw = uKeywords(bases[i].u); break; }
    }
    if (!found) found = match([DEFAULT_LOCALE])[0] || ['en', 'en'];
    const [lid, avail] = found;
    const result = rec({ locale: avail, lid });
    let ext = '';
    for (const key of O.keys(relevant)) {
      const ok = relevant[key];
      let value = undefined;
      let fromTag = false;
      if (kw.has(key)) {
        const v = kw.get(key);
        if (ok(v, lid)) { value = v; fromTag = true; }
        else if (v === 'true' && ok('true', lid)) { value = 'true'; fromTag = true; }
      }
      const ov = opts[key];
      if (ov !== undefined && ov !== null) {
        const sv = String(ov);
        if (ok(sv, lid)) { if (sv !== value) fromTag = false; value = sv; }
      }
      result[key] = value;
      if (fromTag) ext += '-' + key + (value === 'true' ? '' : '-' + value);
    }
    if (ext) result.locale = avail + '-u' + ext;
    return result;
  }
  function supportedLocalesOf(locales, options) {
    const req = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const bases = req.map(stripExt);
    const m = bases.length ? match(bases.map((b) => b.base)) : [];
    return req.filter((_, i) => m[i]);
  }

  // ---- numbering systems -----------------------------------------------------------------------
  const DIGITS = {
    adlm: 0x1e950, ahom: 0x11730, arab: 0x660, arabext: 0x6f0, bali: 0x1b50, beng: 0x9e6, bhks: 0x11c50, brah: 0x11066,
    cakm: 0x11136, cham: 0xaa50, deva: 0x966, diak: 0x11950, fullwide: 0xff10, gong: 0x11da0, gonm: 0x11d50, gujr: 0xae6,
    guru: 0xa66, hmng: 0x16b50, hmnp: 0x1e140, java: 0xa9d0, kali: 0xa900, kawi: 0x11f50, khmr: 0x17e0, knda: 0xce6,
    lana: 0x1a80, lanatham: 0x1a90, laoo: 0xed0, latn: 0x30, lepc: 0x1c40, limb: 0x1946, mathbold: 0x1d7ce,
    mathdbl: 0x1d7d8, mathmono: 0x1d7f6, mathsanb: 0x1d7ec, mathsans: 0x1d7e2, mlym: 0xd66, modi: 0x11650, mong: 0x1810,
    mroo: 0x16a60, mtei: 0xabf0, mymr: 0x1040, mymrshan: 0x1090, mymrtlng: 0xa9f0, nagm: 0x1e4f0, newa: 0x11450, nkoo: 0x7c0, olck: 0x1c50,
    orya: 0xb66, osma: 0x104a0, rohg: 0x10d30, saur: 0xa8d0, segment: 0x1fbf0, shrd: 0x111d0, sind: 0x112f0, sinh: 0xde6,
    sora: 0x110f0, sund: 0x1bb0, takr: 0x116c0, talu: 0x19d0, tamldec: 0xbe6, telu: 0xc66, thai: 0xe50, tibt: 0xf20,
    tirh: 0x114d0, tnsa: 0x16ac0, vaii: 0xa620, wara: 0x118e0, wcho: 0x1e2f0,
  };
  const HANIDEC = '〇一二三四五六七八九';
  function digitMap(nu) {
    if (nu === 'latn' || !nu) return null;
    if (nu === 'hanidec') return [...HANIDEC];
    const z = DIGITS[nu];
    return z === undefined ? null : A.from({ length: 10 }, (_, i) => String.fromCodePoint(z + i));
  }
  function translit(s, map) {
    if (!map) return s;
    let out = '';
    for (const ch of s) { const c = ch.charCodeAt(0) - 48; out += c >= 0 && c <= 9 ? map[c] : ch; }
    return out;
  }
  const nuOk = (v) => hasOwn(DIGITS, v) || v === 'hanidec';

  // ---- plural rules --------------------------------------------------------------------------
  function operands(s) {
    // s: plain decimal string (no sign, no grouping), possibly with exponent c
    let [num, c] = s.split('c');
    const [i, f = ''] = num.split('.');
    const t = f.replace(/0+$/, '');
    return { n: Math.abs(Number(num)), i: Number(i), v: f.length, w: t.length, f: Number(f || 0), t: Number(t || 0), c: Number(c || 0), e: Number(c || 0) };
  }
  function evalPlural(node, op) {
    switch (node[0]) {
      case 'and': return evalPlural(node[1][0], op) && evalPlural(node[1][1], op);
      case 'or': return evalPlural(node[1][0], op) || evalPlural(node[1][1], op);
      case 'not': return !evalPlural(node[1][0], op);
      case 'relation': {
        const [method, expr, ranges] = node[1];
        const x = evalExpr(expr, op);
        for (const [lo, hi] of ranges[1]) {
          const a = lo[1][0], b = hi[1][0];
          if (method === 'in' ? x === Math.trunc(x) && x >= a && x <= b : x >= a && x <= b) return true;
        }
        return false;
      }
      default: return false;
    }
  }
  function evalExpr(e, op) {
    if (e[0] === 'mod') return evalExpr(e[1][0], op) % e[1][1][1][0];
    if (e[0] === 'value') return e[1][0];
    return op[e[0]];
  }
  function pluralCategory(rules, s) {
    const op = operands(s);
    for (const [tag, ast] of rules) if (evalPlural(ast, op)) return tag;
    return 'other';
  }

  // ---- decimal arithmetic ----------------------------------------------------------------------
  // A value is {neg, m: BigInt, k: fraction digits} = (-1)^neg * m / 10^k, or {special: 'nan'|'inf'}.
  const TEN = 10n;
  const pow10 = (n) => TEN ** BigInt(n);
  function fromNumber(x) {
    if (Number.isNaN(x)) return { special: 'nan', neg: false };
    const neg = x < 0 || Object.is(x, -0);
    if (!Number.isFinite(x)) return { special: 'inf', neg };
    return fromDecimalString(String(Math.abs(x)), neg);
  }
  function fromDecimalString(s, neg) {
    const m = /^([0-9]*)(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?$/i.exec(s);
    if (!m) return { special: 'nan', neg: false };
    const ip = m[1] || '', fp = m[2] || '';
    let exp = m[3] ? Number(m[3]) : 0;
    if (!Number.isFinite(exp) || Math.abs(exp) > 10000) {
      // absurd exponents: saturate (the value is then zero or infinite for display purposes)
      const zero = /^0*$/.test(ip + fp);
      if (zero) return { neg, m: 0n, k: 0 };
      return exp > 0 ? { special: 'inf', neg } : { neg, m: 0n, k: 0 };
    }
    let digits = (ip + fp).replace(/^0+/, '') || '0';
    let k = fp.length - exp;
    if (k < 0) { digits += '0'.repeat(-k); k = 0; }
    return { neg, m: BigInt(digits), k };
  }
  function toIntlMV(x) {
    if (typeof x === 'bigint') return { neg: x < 0n, m: x < 0n ? -x : x, k: 0 };
    if (typeof x === 'string') {
      const s = x.trim().replace(/_/g, '\u0000');
      if (s === '') return { neg: false, m: 0n, k: 0 };
      if (/^0[xob]/i.test(s)) { try { return { neg: false, m: BigInt(s), k: 0 }; } catch { return { special: 'nan', neg: false }; } }
      const mm = /^([+-]?)(Infinity|[0-9]*\.?[0-9]*(?:e[+-]?[0-9]+)?)$/i.exec(s);
      if (!mm || mm[2] === '' || mm[2] === '.' || /^\.?e/i.test(mm[2]) || (/^infinity$/i.test(mm[2]) && mm[2] !== 'Infinity')) return { special: 'nan', neg: false };
      const neg = mm[1] === '-';
      if (mm[2] === 'Infinity') return { special: 'inf', neg };
      return fromDecimalString(mm[2], neg);
    }
    return fromNumber(Number(x));
  }
  const isZero = (v) => v.m === 0n;
  function magnitude(v) { // floor(log10(|v|)), v nonzero
    return v.m.toString().length - 1 - v.k;
  }
  function roundUp(mode, neg, r2cmp, rNonzero, lastOdd) {
    // r2cmp: compare(2*remainder, unit): -1, 0, 1
    if (!rNonzero) return false;
    switch (mode) {
      case 'ceil': return !neg;
      case 'floor': return neg;
      case 'expand': return true;
      case 'trunc': return false;
      case 'halfCeil': return r2cmp > 0 || (r2cmp === 0 && !neg);
      case 'halfFloor': return r2cmp > 0 || (r2cmp === 0 && neg);
      case 'halfTrunc': return r2cmp > 0;
      case 'halfEven': return r2cmp > 0 || (r2cmp === 0 && lastOdd);
      default: return r2cmp >= 0; // halfExpand
    }
  }
  // round to a multiple of inc * 10^-f
  function roundTo(v, f, inc, mode) {
    if (f >= v.k && inc === 1) return { neg: v.neg, m: v.m * pow10(f - v.k), k: f };
    let M = v.m, k = v.k;
    if (f > k) { M *= pow10(f - k); k = f; }
    const U = pow10(k - f) * BigInt(inc);
    let q = M / U;
    const r = M % U;
    const c = 2n * r > U ? 1 : 2n * r === U ? 0 : -1;
    if (roundUp(mode, v.neg, c, r !== 0n, (q & 1n) === 1n)) q += 1n;
    return { neg: v.neg, m: q * BigInt(inc), k: f };
  }
  // digits string of v with at least minF fraction digits, stripping zeros beyond
  function decString(v, minF) {
    let s = v.m.toString();
    let k = v.k;
    if (k < 0) { s += '0'.repeat(-k); k = 0; }
    if (v.m === 0n) s = '';
    while (k > minF && (s === '' || s.endsWith('0'))) { s = s.slice(0, -1); k--; }
    if (k < 0) { s += '0'.repeat(-k); k = 0; }
    if (s.length <= k) s = '0'.repeat(k - s.length + 1) + s;
    return k ? [s.slice(0, s.length - k), s.slice(s.length - k)] : [s, ''];
  }

  // ---- NumberFormat ------------------------------------------------------------------------------
  const SANCTIONED = ['acre', 'bit', 'byte', 'celsius', 'centimeter', 'day', 'degree', 'fahrenheit', 'fluid-ounce', 'foot', 'gallon', 'gigabit', 'gigabyte', 'gram', 'hectare', 'hour', 'inch', 'kilobit', 'kilobyte', 'kilogram', 'kilometer', 'liter', 'megabit', 'megabyte', 'meter', 'microsecond', 'mile', 'mile-scandinavian', 'milliliter', 'millimeter', 'millisecond', 'minute', 'month', 'nanosecond', 'ounce', 'percent', 'petabyte', 'pound', 'second', 'stone', 'terabit', 'terabyte', 'week', 'yard', 'year'];
  function wellFormedUnit(u) {
    if (SANCTIONED.includes(u)) return true;
    const i = u.indexOf('-per-');
    return i > 0 && SANCTIONED.includes(u.slice(0, i)) && SANCTIONED.includes(u.slice(i + 5));
  }
  const INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000];
  const nfSlots = new WeakMap();

  function parsePattern(p) {
    // -> {prefix, suffix, neg: {prefix, suffix} | null, minInt, g1, g2}
    let pos = p, negp = null;
    const semi = splitUnquoted(p, ';');
    if (semi.length > 1) { pos = semi[0]; negp = semi[1]; }
    const one = (q) => {
      const m = /^([^#0-9@,.]*)([#0-9@,.E+]+)(.*)$/.exec(q);
      if (!m) return { prefix: q, suffix: '', num: '0' };
      return { prefix: unquote(m[1]), num: m[2], suffix: unquote(m[3]) };
    };
    const a = one(pos);
    const intPart = a.num.split('.')[0].split('E')[0];
    const groups = intPart.split(',');
    const g1 = groups.length > 1 ? groups[groups.length - 1].length : 0;
    const g2 = groups.length > 2 ? groups[groups.length - 2].length : g1;
    return { prefix: a.prefix, suffix: a.suffix, neg: negp ? one(negp) : null, g1, g2 };
  }
  function splitUnquoted(p, ch) {
    const out = [];
    let cur = '', q = false;
    for (const c of p) { if (c === "'") q = !q; if (c === ch && !q) { out.push(cur); cur = ''; } else cur += c; }
    out.push(cur);
    return out;
  }
  function unquote(s) { return s.replace(/'([^']*)'/g, (m, x) => (x === '' ? "'" : '\u0001' + x + '\u0002')); }

  function NumberFormat(locales, options) {
    const nf = new.target ? this : O.create(NumberFormat.prototype);
    if (new.target && O.getPrototypeOf(this) !== NumberFormat.prototype) { /* subclass */ }
    initNumberFormat(nf, locales, options);
    if (!new.target && this !== undefined && this !== null && O.prototype.isPrototypeOf.call(NumberFormat.prototype, this) && this !== NumberFormat.prototype) {
      O.defineProperty(this, FALLBACK, { value: nf });
      return this;
    }
    return nf;
  }
  const FALLBACK = Symbol('IntlLegacyConstructedSymbol');

  function setDigitOptions(s, options, mnfdDefault, mxfdDefault, notation) {
    const mnid = getNumberOption(options, 'minimumIntegerDigits', 1, 21, 1);
    let mnfd = options.minimumFractionDigits;
    let mxfd = options.maximumFractionDigits;
    let mnsd = options.minimumSignificantDigits;
    let mxsd = options.maximumSignificantDigits;
    s.minimumIntegerDigits = mnid;
    const inc = getNumberOption(options, 'roundingIncrement', 1, 5000, 1);
    if (!INCREMENTS.includes(inc)) throw new RangeError('roundingIncrement value is out of range');
    const mode = getOption(options, 'roundingMode', 'string', ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'], 'halfExpand');
    const priority = getOption(options, 'roundingPriority', 'string', ['auto', 'morePrecision', 'lessPrecision'], 'auto');
    const tzd = getOption(options, 'trailingZeroDisplay', 'string', ['auto', 'stripIfInteger'], 'auto');
    if (inc !== 1) mxfdDefault = mnfdDefault;
    s.roundingIncrement = inc; s.roundingMode = mode; s.trailingZeroDisplay = tzd;
    const hasSd = mnsd !== undefined || mxsd !== undefined;
    const hasFd = mnfd !== undefined || mxfd !== undefined;
    let needSd = true, needFd = true;
    if (priority === 'auto') {
      needSd = hasSd;
      if (needSd || (!hasFd && notation === 'compact')) needFd = false;
    }
    if (needSd) {
      if (hasSd) {
        mnsd = defaultNumberOption(mnsd, 1, 21, 1, 'minimumSignificantDigits');
        mxsd = defaultNumberOption(mxsd, mnsd, 21, 21, 'maximumSignificantDigits');
        s.minimumSignificantDigits = mnsd; s.maximumSignificantDigits = mxsd;
      } else { s.minimumSignificantDigits = 1; s.maximumSignificantDigits = 21; }
    }
    if (needFd) {
      if (hasFd) {
        mnfd = defaultNumberOption(mnfd, 0, 100, undefined, 'minimumFractionDigits');
        mxfd = defaultNumberOption(mxfd, 0, 100, undefined, 'maximumFractionDigits');
        if (mnfd === undefined) mnfd = Math.min(mnfdDefault, mxfd);
        else if (mxfd === undefined) mxfd = Math.max(mxfdDefault, mnfd);
        else if (mnfd > mxfd) throw new RangeError('minimumFractionDigits is greater than maximumFractionDigits');
        s.minimumFractionDigits = mnfd; s.maximumFractionDigits = mxfd;
      } else { s.minimumFractionDigits = mnfdDefault; s.maximumFractionDigits = mxfdDefault; }
    }
    if (!needSd && !needFd) {
      s.minimumFractionDigits = 0; s.maximumFractionDigits = 0;
      s.minimumSignificantDigits = 1; s.maximumSignificantDigits = 2;
      s.roundingType = 'morePrecision'; s.roundingPriority = 'morePrecision';
    } else if (priority === 'auto') {
      s.roundingType = needSd ? 'significantDigits' : 'fractionDigits'; s.roundingPriority = 'auto';
    } else { s.roundingType = priority; s.roundingPriority = priority; }
    if (inc !== 1) {
      if (s.roundingType !== 'fractionDigits') throw new TypeError('roundingIncrement requires fraction digit rounding');
      if (s.maximumFractionDigits !== s.minimumFractionDigits) throw new RangeError('roundingIncrement requires equal minimum and maximum fraction digits');
    }
  }

  function initNumberFormat(nf, locales, options) {
    const requested = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    const opt = rec({});
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const nu = getOption(options, 'numberingSystem', 'string', undefined, undefined);
    if (nu !== undefined && !TYPE_RE.test(nu)) throw new RangeError(`Invalid numberingSystem: ${nu}`);
    opt.nu = nu;
    const r = resolveLocale(requested, opt, { nu: nuOk });
    const s = rec({ locale: r.locale, lid: r.lid });
    const ndata = data('number', r.lid, r.nu || 'latn');
    s.numberingSystem = r.nu || (nuOk(ndata.ns) ? ndata.ns : 'latn');
    // unit options
    const style = getOption(options, 'style', 'string', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
    let currency = getOption(options, 'currency', 'string', undefined, undefined);
    if (currency !== undefined && !/^[a-z]{3}$/i.test(currency)) throw new RangeError(`Invalid currency code: ${currency}`);
    const currencyDisplay = getOption(options, 'currencyDisplay', 'string', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
    const currencySign = getOption(options, 'currencySign', 'string', ['standard', 'accounting'], 'standard');
    const unit = getOption(options, 'unit', 'string', undefined, undefined);
    if (unit !== undefined && !wellFormedUnit(unit)) throw new RangeError(`Invalid unit argument: ${unit}`);
    const unitDisplay = getOption(options, 'unitDisplay', 'string', ['short', 'narrow', 'long'], 'short');
    if (style === 'currency' && currency === undefined) throw new TypeError('Currency code is required with currency style.');
    if (style === 'unit' && unit === undefined) throw new TypeError('Unit is required with unit style.');
    s.style = style;
    if (style === 'currency') {
      s.currency = currency.toUpperCase(); s.currencyDisplay = currencyDisplay; s.currencySign = currencySign;
    }
    if (style === 'unit') { s.unit = unit; s.unitDisplay = unitDisplay; }
    let mnfdDefault = 0, mxfdDefault = style === 'percent' ? 0 : 3;
    if (style === 'currency') {
      s.cdata = data('currency', r.lid, s.currency);
      mnfdDefault = mxfdDefault = s.cdata.digits;
    }
    const notation = getOption(options, 'notation', 'string', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
    s.notation = notation;
    setDigitOptions(s, options, mnfdDefault, mxfdDefault, notation);
    const compactDisplay = getOption(options, 'compactDisplay', 'string', ['short', 'long'], 'short');
    if (notation === 'compact') s.compactDisplay = compactDisplay;
    const defaultGrouping = notation === 'compact' ? 'min2' : 'auto';
    let ug = options.useGrouping;
    if (ug === undefined) ug = defaultGrouping;
    else if (ug === true) ug = 'always';
    else if (!ug) ug = false;
    else {
      ug = String(ug);
      if (ug === 'true' || ug === 'false') ug = defaultGrouping;
      else if (!['min2', 'auto', 'always'].includes(ug)) throw new RangeError(`Invalid useGrouping: ${ug}`);
    }
    s.useGrouping = ug;
    s.signDisplay = getOption(options, 'signDisplay', 'string', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
    s.data = ndata;
    s.digits = digitMap(s.numberingSystem);
    s.plural = null;
    if (style === 'unit') s.udata = data('unit', r.lid, unit.includes('-per-') ? unit : unit);
    nfSlots.set(nf, s);
    return nf;
  }
  function nfPlural(s) {
    if (!s.plural) s.plural = data('plural', s.lid, 'cardinal');
    return s.plural;
  }

  function roundValue(s, v) {
    // -> [rounded value, fraction digits to keep at least]
    const fd = () => {
      const r = roundTo(v, s.maximumFractionDigits, s.roundingIncrement, s.roundingMode);
      return [r, s.minimumFractionDigits, s.maximumFractionDigits];
    };
    const sd = () => {
      if (isZero(v)) return [{ neg: v.neg, m: 0n, k: s.minimumSignificantDigits - 1 }, s.minimumSignificantDigits - 1, s.maximumSignificantDigits - 1];
      const e = magnitude(v);
      const r = roundTo(v, s.maximumSignificantDigits - 1 - e, 1, s.roundingMode);
      const e2 = isZero(r) ? e : magnitude(r);
      return [r, Math.max(0, s.minimumSignificantDigits - 1 - e2), s.maximumSignificantDigits - 1 - e];
    };
    if (s.roundingType === 'fractionDigits') return fd();
    if (s.roundingType === 'significantDigits') return sd();
    const a = sd(), b = fd();
    const more = s.roundingType === 'morePrecision';
    // the result with more (less) precision is the one rounding at the smaller (larger) magnitude
    if (more ? a[2] >= b[2] : a[2] <= b[2]) return a;
    return b;
  }

  function formatToPartsNF(s, x) {
    const v = toIntlMV(x);
    const parts = [];
    const sym = s.data.sym;
    let pattern, exponent = 0, compactText = null;
    let num = null; // [int, frac]
    let rounded = v;
    if (!v.special) {
      let scaled = v;
      if (s.style === 'percent') scaled = { neg: v.neg, m: v.m * 100n, k: v.k };
      if (s.notation === 'scientific' || s.notation === 'engineering') {
        if (!isZero(scaled)) {
          let e = magnitude(scaled);
          if (s.notation === 'engineering') e = Math.floor(e / 3) * 3;
          let sv = { neg: scaled.neg, m: scaled.m, k: scaled.k + e };
          let [r, minF] = roundValue(s, sv);
          if (!isZero(r) && magnitude(r) >= (s.notation === 'engineering' ? 3 : 1)) {
            e += s.notation === 'engineering' ? 3 : 1;
            sv = { neg: scaled.neg, m: scaled.m, k: scaled.k + e };
            [r, minF] = roundValue(s, sv);
          }
          exponent = e; rounded = r; num = decString(r, minF);
        }
      } else if (s.notation === 'compact') {
        if (!isZero(scaled) && magnitude(scaled) >= 3) {
          const pick = (mag) => compactPattern(s, mag, scaled);
          let mag = magnitude(scaled);
          let cp = pick(mag);
          if (cp) {
            let sv = { neg: scaled.neg, m: scaled.m, k: scaled.k + cp.exp };
            let [r, minF] = roundValue(s, sv);
            if (!isZero(r) && magnitude(r) + cp.exp > mag) {
              const cp2 = pick(magnitude(r) + cp.exp);
              if (cp2 && cp2.exp !== cp.exp) { cp = cp2; sv = { neg: scaled.neg, m: scaled.m, k: scaled.k + cp.exp }; [r, minF] = roundValue(s, sv); }
            }
            rounded = r; num = decString(r, minF); compactText = cp;
          }
        }
      }
      if (num === null) {
        const [r, minF] = roundValue(s, scaled);
        rounded = r; num = decString(r, minF);
      }
      if (s.trailingZeroDisplay === 'stripIfInteger' && /^0*$/.test(num[1])) num = [num[0], ''];
      if (num[0].length < s.minimumIntegerDigits) num[0] = '0'.repeat(s.minimumIntegerDigits - num[0].length) + num[0];
    }
    const zero = v.special ? false : isZero(rounded);
    const neg = v.special === 'nan' ? false : v.neg;
    let sign = '';
    switch (s.signDisplay) {
      case 'auto': sign = neg ? '-' : ''; break;
      case 'always': sign = neg ? '-' : '+'; break;
      case 'exceptZero': sign = zero ? '' : neg ? '-' : '+'; break;
      case 'negative': sign = neg && !zero ? '-' : ''; break;
      default: sign = '';
    }
    if (v.special === 'nan') sign = s.signDisplay === 'always' ? '+' : '';
    // choose the pattern
    const d = s.data;
    let pat;
    if (s.style === 'percent') pat = d.percent;
    else if (s.style === 'currency') pat = s.currencySign === 'accounting' && d.accounting ? d.accounting : d.currency;
    else pat = d.decimal;
    const pp = patternCache(pat);
    let prefix = pp.prefix, suffix = pp.suffix;
    let signInPattern = false;
    if (sign === '-' && pp.neg) { prefix = pp.neg.prefix; suffix = pp.neg.suffix; signInPattern = !/-/.test(pp.neg.prefix + pp.neg.suffix) ? true : false; if (signInPattern) sign = ''; }
    // number parts
    const numParts = [];
    if (v.special === 'nan') numParts.push({ type: 'nan', value: sym.nan });
    else if (v.special === 'inf') numParts.push({ type: 'infinity', value: sym.infinity });
    else {
      let [ip, fp] = num;
      const groupOn = s.useGrouping !== false && pp.g1 > 0 && !(s.useGrouping === 'min2' && ip.length < pp.g1 + 2);
      if (groupOn && ip.length > pp.g1) {
        const groups = [];
        let rest = ip.slice(0, ip.length - pp.g1);
        groups.unshift(ip.slice(ip.length - pp.g1));
        while (rest.length > pp.g2) { groups.unshift(rest.slice(rest.length - pp.g2)); rest = rest.slice(0, rest.length - pp.g2); }
        if (rest) groups.unshift(rest);
        groups.forEach((gr, i) => {
          if (i) numParts.push({ type: 'group', value: sym.group });
          numParts.push({ type: 'integer', value: translit(gr, s.digits) });
        });
      } else numParts.push({ type: 'integer', value: translit(ip, s.digits) });
      if (fp) { numParts.push({ type: 'decimal', value: sym.decimal }); numParts.push({ type: 'fraction', value: translit(fp, s.digits) }); }
      if (s.notation === 'scientific' || s.notation === 'engineering') {
        numParts.push({ type: 'exponentSeparator', value: sym.exponential });
        if (exponent < 0) numParts.push({ type: 'exponentMinusSign', value: sym.minusSign });
        numParts.push({ type: 'exponentInteger', value: translit(String(Math.abs(exponent)), s.digits) });
      }
    }
    // currency / unit text
    let curText = null;
    if (s.style === 'currency') {
      const c = s.cdata;
      if (s.currencyDisplay === 'code') curText = s.currency;
      else if (s.currencyDisplay === 'narrowSymbol') curText = c.narrow || c.symbol;
      else if (s.currencyDisplay === 'name') curText = null;
      else curText = c.symbol;
    }
    const expand = (text, where) => {
      const out = [];
      let lit = '';
      const flush = () => { if (lit) { out.push({ type: 'literal', value: lit }); lit = ''; } };
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '\u0001') { const j = text.indexOf('\u0002', i); lit += text.slice(i + 1, j); i = j; continue; }
        if (ch === '%') { flush(); out.push({ type: 'percentSign', value: sym.percentSign }); }
        else if (ch === '\u2030') { flush(); out.push({ type: 'percentSign', value: ch }); }
        else if (ch === '-') { flush(); out.push({ type: 'minusSign', value: sym.minusSign }); }
        else if (ch === '+') { flush(); out.push({ type: 'plusSign', value: sym.plusSign }); }
        else if (ch === '\u00a4') {
          if (curText === null) continue;
          flush();
          let ct = curText;
          // currency spacing: a symbol ending (starting) in a letter gets a no-break space beside the digits
          if (where === 'prefix' && i === text.length - 1 && /\p{L}$/u.test(ct)) ct += '\u00a0';
          if (where === 'suffix' && i === 0 && /^\p{L}/u.test(ct) && !/^\s/.test(text)) out.push({ type: 'literal', value: '\u00a0' });
          if (ct.endsWith('\u00a0')) { out.push({ type: 'currency', value: ct.slice(0, -1) }); out.push({ type: 'literal', value: '\u00a0' }); }
          else out.push({ type: 'currency', value: ct });
        } else lit += ch;
      }
      flush();
      return out;
    };
    let pre = expand(prefix, 'prefix'), suf = expand(suffix, 'suffix');
    if (s.style === 'currency' && s.currencyDisplay === 'name') { pre = pre.filter((p) => p.type !== 'literal' || p.value.trim()); suf = suf.filter((p) => p.type !== 'literal' || p.value.trim()); }
    const signPart = sign === '-' ? { type: 'minusSign', value: sym.minusSign } : sign === '+' ? { type: 'plusSign', value: sym.plusSign } : null;
    if (signPart) {
      const minusIdx = pre.findIndex((p) => p.type === 'minusSign');
      if (minusIdx < 0) pre.unshift(signPart);
    } else {
      pre = pre.filter((p) => p.type !== 'minusSign');
    }
    let body = [...pre, ...numParts];
    if (compactText) body.push(...compactText.parts(rounded, num, s));
    body.push(...suf);
    if (s.style === 'currency' && s.currencyDisplay === 'name') body = wrapCurrencyName(s, body, num);
    if (s.style === 'unit') body = wrapUnit(s, body, num, numParts);
    return body;
  }
  const patCache = new Map();
  function patternCache(p) {
    let r = patCache.get(p);
    if (!r) { r = parsePattern(p); patCache.set(p, r); }
    return r;
  }
  function pluralOfNum(s, num, exp) {
    let t = num ? (num[1] ? num[0] + '.' + num[1] : num[0]) : '0';
    if (exp) t += 'c' + exp;
    return pluralCategory(nfPlural(s), t);
  }
  function compactPattern(s, mag, v) {
    const table = s.style === 'currency' ? s.data.ccompact : s.data.compact[s.compactDisplay] || s.data.compact.short;
    if (!table) return null;
    const other = table.other || O.values(table)[0];
    let key = null;
    for (const k of O.keys(other)) if (k.length - 1 <= mag && (key === null || k.length > key.length)) key = k;
    if (key === null) return null;
    const pat = other[key];
    if (pat === '0') return null;
    const zeros = (/0+/.exec(pat) || ['0'])[0].length;
    const exp = key.length - 1 - (zeros - 1);
    return {
      exp,
      parts(rounded, num, st) {
        const cat = pluralOfNum(st, num, exp);
        const p = (table[cat] || other)[key] || pat;
        const text = p.replace(/^[^0]*0+/, '').replace(/'([^']*)'/g, '$1').replace(/¤/g, '');
        const pre = p.replace(/0+.*$/, '').replace(/'([^']*)'/g, '$1');
        const out = [];
        const ws = /^\s+/.exec(text);
        if (ws) out.push({ type: 'literal', value: ws[0] });
        if (text.trim()) out.push({ type: 'compact', value: text.trim() });
        if (pre.trim()) out.unshift({ type: 'compact', value: pre.trim() });
        return out;
      },
    };
  }
  function wrapCurrencyName(s, body, num) {
    const cat = pluralOfNum(s, num, 0);
    const pats = s.data.cunit || {};
    const pat = pats[cat] || pats.other || '{0} {1}';
    const name = (s.cdata.plural && (s.cdata.plural[cat] || s.cdata.plural.other)) || s.cdata.name || s.currency;
    return fillPattern(pat, body, { type: 'currency', value: name });
  }
  function wrapUnit(s, body, num) {
    const u = s.udata;
    const cat = pluralOfNum(s, num, 0);
    const width = s.unitDisplay === 'long' ? 'long' : s.unitDisplay === 'narrow' ? 'narrow' : 'short';
    let pat = null;
    if (u) { const t = u[width] || u.short || u.long; if (t) pat = t[cat] || t.other; }
    if (!pat) pat = '{0} ' + s.unit;
    return fillPattern(pat, body, null, 'unit');
  }
  function fillPattern(pat, body, item, textType) {
    const out = [];
    const pieces = pat.split(/(\{[01]\})/);
    for (const p of pieces) {
      if (p === '{0}') out.push(...body);
      else if (p === '{1}') { if (item) out.push(item); }
      else if (p) {
        if (textType) {
          const m = /^(\s*)(.*?)(\s*)$/s.exec(p);
          if (m[1]) out.push({ type: 'literal', value: m[1] });
          if (m[2]) out.push({ type: textType, value: m[2] });
          if (m[3]) out.push({ type: 'literal', value: m[3] });
        } else out.push({ type: 'literal', value: p });
      }
    }
    return out;
  }
  const joinParts = (parts) => { let s = ''; for (const p of parts) s += p.value; return s; };
  function thisNF(nf, method) {
    if (nf !== null && typeof nf === 'object' && !nfSlots.has(nf) && O.prototype.isPrototypeOf.call(NumberFormat.prototype, nf) && nf[FALLBACK]) nf = nf[FALLBACK];
    const s = nf !== null && typeof nf === 'object' ? nfSlots.get(nf) : undefined;
    if (!s) throw new TypeError(`Method Intl.NumberFormat.prototype.${method} called on incompatible receiver`);
    return s;
  }
  function toNumeric(x) {
    if (typeof x === 'bigint' || typeof x === 'string') return x;
    const p = typeof x === 'object' && x !== null ? (typeof x.valueOf === 'function' || typeof x[Symbol.toPrimitive] === 'function' ? primitive(x) : x) : x;
    return typeof p === 'bigint' || typeof p === 'string' ? p : Number(p);
  }
  function primitive(x) {
    const tp = x[Symbol.toPrimitive];
    if (tp !== undefined) { const r = tp.call(x, 'number'); if (r !== null && typeof r === 'object') throw new TypeError('cannot convert to primitive'); return r; }
    for (const m of ['valueOf', 'toString']) { const f = x[m]; if (typeof f === 'function') { const r = f.call(x); if (r === null || typeof r !== 'object') return r; } }
    throw new TypeError('cannot convert object to primitive value');
  }
  const nfFormatters = new WeakMap();
  defineMethods(NumberFormat.prototype, {
    get format() {
      const s = thisNF(this, 'format');
      let f = nfFormatters.get(s);
      if (!f) {
        f = (x) => joinParts(formatToPartsNF(s, toNumeric(x)));
        O.defineProperty(f, 'name', { value: '' });
        nfFormatters.set(s, f);
      }
      return f;
    },
    formatToParts(x) { return formatToPartsNF(thisNF(this, 'formatToParts'), toNumeric(x)); },
    formatRange(a, b) {
      const s = thisNF(this, 'formatRange');
      if (a === undefined || b === undefined) throw new TypeError('start and end are required');
      const x = toNumeric(a), y = toNumeric(b);
      if (toIntlMV(x).special === 'nan' || toIntlMV(y).special === 'nan') throw new RangeError('NaN in formatRange');
      const fa = joinParts(formatToPartsNF(s, x)), fb = joinParts(formatToPartsNF(s, y));
      return fa === fb ? '~' + fa : fa + '\u2013' + fb;
    },
    formatRangeToParts(a, b) {
      const s = thisNF(this, 'formatRangeToParts');
      if (a === undefined || b === undefined) throw new TypeError('start and end are required');
      const x = toNumeric(a), y = toNumeric(b);
      if (toIntlMV(x).special === 'nan' || toIntlMV(y).special === 'nan') throw new RangeError('NaN in formatRange');
      const pa = formatToPartsNF(s, x).map((p) => ({ ...p, source: 'startRange' }));
      const pb = formatToPartsNF(s, y).map((p) => ({ ...p, source: 'endRange' }));
      return [...pa, { type: 'literal', value: '\u2013', source: 'shared' }, ...pb];
    },
    resolvedOptions() {
      const s = thisNF(this, 'resolvedOptions');
      const r = {};
      const keys = ['locale', 'numberingSystem', 'style', 'currency', 'currencyDisplay', 'currencySign', 'unit', 'unitDisplay', 'minimumIntegerDigits', 'minimumFractionDigits', 'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits', 'useGrouping', 'notation', 'compactDisplay', 'signDisplay', 'roundingIncrement', 'roundingMode', 'roundingPriority', 'trailingZeroDisplay'];
      for (const k of keys) if (s[k] !== undefined) r[k] = s[k];
      return r;
    },
  });
  tag(NumberFormat.prototype, 'Intl.NumberFormat');

  // ---- PluralRules ---------------------------------------------------------------------------
  const prSlots = new WeakMap();
  function PluralRules(locales, options) {
    if (!new.target) throw new TypeError("Constructor Intl.PluralRules requires 'new'");
    const requested = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const type = getOption(options, 'type', 'string', ['cardinal', 'ordinal'], 'cardinal');
    const notation = getOption(options, 'notation', 'string', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
    const s = rec({ type, notation });
    setDigitOptions(s, options, 0, 3, notation);
    const r = resolveLocale(requested, {}, {});
    s.locale = r.locale; s.lid = r.lid;
    s.rules = data('plural', r.lid, type);
    s.style = 'decimal'; s.useGrouping = false; s.signDisplay = 'never'; s.data = { sym: {}, decimal: '0' };
    prSlots.set(this, s);
  }
  function thisPR(pr, m) {
    const s = pr !== null && typeof pr === 'object' ? prSlots.get(pr) : undefined;
    if (!s) throw new TypeError(`Method Intl.PluralRules.prototype.${m} called on incompatible receiver`);
    return s;
  }
  function prSelect(s, n) {
    const v = fromNumber(n);
    if (v.special) return 'other';
    const [r, minF] = roundValue(s, { neg: false, m: v.m, k: v.k });
    const [ip, fp] = decString(r, minF);
    return pluralCategory(s.rules, fp ? ip + '.' + fp : ip);
  }
  defineMethods(PluralRules.prototype, {
    select(n) { return prSelect(thisPR(this, 'select'), Number(n)); },
    selectRange(a, b) {
      const s = thisPR(this, 'selectRange');
      if (a === undefined || b === undefined) throw new TypeError('start and end are required');
      const x = Number(a), y = Number(b);
      if (Number.isNaN(x) || Number.isNaN(y)) throw new RangeError('NaN in selectRange');
      return prSelect(s, y);
    },
    resolvedOptions() {
      const s = thisPR(this, 'resolvedOptions');
      const cats = new Set(s.rules.map((r) => r[0]));
      cats.add('other');
      const order = ['zero', 'one', 'two', 'few', 'many', 'other'];
      const r = { locale: s.locale, type: s.type, notation: s.notation, minimumIntegerDigits: s.minimumIntegerDigits };
      for (const k of ['minimumFractionDigits', 'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits']) if (s[k] !== undefined) r[k] = s[k];
      r.pluralCategories = order.filter((c) => cats.has(c));
      r.roundingIncrement = s.roundingIncrement; r.roundingMode = s.roundingMode; r.roundingPriority = s.roundingPriority; r.trailingZeroDisplay = s.trailingZeroDisplay;
      return r;
    },
  });
  tag(PluralRules.prototype, 'Intl.PluralRules');

  // ---- time zones ------------------------------------------------------------------------------
  const zoneCache = new Map();
  function zoneInfo(name) {
    const key = name.toLowerCase();
    let z = zoneCache.get(key);
    if (z === undefined) {
      const got = name.length <= 64 ? host('zone', name) : null;
      z = got ? { id: got[0], canon: got[5], times: got[1], offs: got[2], dst: got[3], rule: parsePosix(got[4]) } : null;
      zoneCache.set(key, z);
    }
    return z;
  }
  const OFFSET_RE = /^([+-])([01][0-9]|2[0-3])(?::?([0-5][0-9]))?$/;
  function offsetZone(name) {
    const m = OFFSET_RE.exec(name);
    if (!m) return null;
    const mins = (Number(m[2]) * 60 + Number(m[3] || 0)) * (m[1] === '-' ? -1 : 1);
    const id = (mins < 0 ? '-' : '+') + String(Math.floor(Math.abs(mins) / 60)).padStart(2, '0') + ':' + String(Math.abs(mins) % 60).padStart(2, '0');
    return { id, fixed: mins * 60 };
  }
  function parsePosix(rule) {
    // "EST5EDT,M3.2.0,M11.1.0": std offset, dst rules (M form only; others: no DST)
    if (!rule) return null;
    const m = /^(<[^>]+>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})(?:(<[^>]+>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})?,M(\d+)\.(\d)\.(\d)(?:\/([+-]?\d+(?::\d+){0,2}))?,M(\d+)\.(\d)\.(\d)(?:\/([+-]?\d+(?::\d+){0,2}))?)?$/.exec(rule);
    if (!m) return null;
    const secs = (t) => { if (t === undefined) return 7200; const neg = t[0] === '-'; const p = t.replace(/^[+-]/, '').split(':').map(Number); const v = p[0] * 3600 + (p[1] || 0) * 60 + (p[2] || 0); return neg ? -v : v; };
    const std = -secs(m[2]);
    if (!m[3]) return { std, dst: null };
    const dst = m[4] !== undefined ? -secs(m[4]) : std + 3600;
    return { std, dst, start: [+m[5], +m[6], +m[7], secs(m[8])], end: [+m[9], +m[10], +m[11], secs(m[12])] };
  }
  function ruleTransition(year, [mon, week, dow, time], offBefore) {
    const first = Date.UTC(year, mon - 1, 1);
    const fdow = new Date(first).getUTCDay();
    let day = 1 + ((dow - fdow + 7) % 7) + (week - 1) * 7;
    const dim = new Date(Date.UTC(year, mon, 0)).getUTCDate();
    while (day > dim) day -= 7;
    return (Date.UTC(year, mon - 1, day) / 1000) + time - offBefore;
  }
  function zoneOffset(z, ms) {
    // -> [offset seconds, isDst]
    if (z.fixed !== undefined) return [z.fixed, 0];
    const t = Math.floor(ms / 1000);
    const times = z.times;
    if (z.rule && t >= times[times.length - 1]) {
      const r = z.rule;
      if (!r.dst) return [r.std, 0];
      const y = new Date(ms).getUTCFullYear();
      const a = ruleTransition(y, r.start, r.std), b = ruleTransition(y, r.end, r.dst);
      const inDst = a < b ? t >= a && t < b : !(t >= b && t < a);
      return inDst ? [r.dst, 1] : [r.std, 0];
    }
    let lo = 0, hi = times.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (times[mid] <= t) lo = mid; else hi = mid - 1; }
    return [z.offs[lo], z.dst[lo]];
  }
  function canonicalZone(tz) {
    const off = offsetZone(tz);
    if (off) return off;
    return zoneInfo(tz);
  }

  // ---- DateTimeFormat ------------------------------------------------------------------------
  const dtfSlots = new WeakMap();
  const FIELDS = [
    ['weekday', ['narrow', 'short', 'long']], ['era', ['narrow', 'short', 'long']], ['year', ['2-digit', 'numeric']],
    ['month', ['2-digit', 'numeric', 'narrow', 'short', 'long']], ['day', ['2-digit', 'numeric']],
    ['dayPeriod', ['narrow', 'short', 'long']], ['hour', ['2-digit', 'numeric']], ['minute', ['2-digit', 'numeric']],
    ['second', ['2-digit', 'numeric']], ['fractionalSecondDigits', null],
    ['timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric']],
  ];
  const CALENDARS = ['gregory', 'iso8601'];
  function DateTimeFormat(locales, options) {
    const dtf = new.target ? this : O.create(DateTimeFormat.prototype);
    initDateTimeFormat(dtf, locales, options, 'any', 'date');
    if (!new.target && this !== undefined && this !== null && O.prototype.isPrototypeOf.call(DateTimeFormat.prototype, this) && this !== DateTimeFormat.prototype) {
      O.defineProperty(this, FALLBACK, { value: dtf });
      return this;
    }
    return dtf;
  }
  function initDateTimeFormat(dtf, locales, options, required, defaults) {
    const requested = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const ca = getOption(options, 'calendar', 'string', undefined, undefined);
    if (ca !== undefined && !TYPE_RE.test(ca)) throw new RangeError(`Invalid calendar: ${ca}`);
    const nu = getOption(options, 'numberingSystem', 'string', undefined, undefined);
    if (nu !== undefined && !TYPE_RE.test(nu)) throw new RangeError(`Invalid numberingSystem: ${nu}`);
    const hour12 = getOption(options, 'hour12', 'boolean', undefined, undefined);
    let hourCycle = getOption(options, 'hourCycle', 'string', ['h11', 'h12', 'h23', 'h24'], undefined);
    if (hour12 !== undefined) hourCycle = null;
    const r = resolveLocale(requested, { ca, nu, hc: hourCycle }, { ca: (v) => CALENDARS.includes(v), hc: (v) => ['h11', 'h12', 'h23', 'h24'].includes(v), nu: nuOk });
    const s = rec({ locale: r.locale, lid: r.lid });
    s.calendar = r.ca || 'gregory';
    const d = data('date', r.lid);
    s.data = d;
    s.numberingSystem = r.nu || 'latn';
    s.digits = digitMap(s.numberingSystem);
    let tz = options.timeZone;
    let zone;
    if (tz === undefined) zone = { id: DEFAULT_ZONE, fixed: 0 };
    else {
      tz = String(tz);
      zone = canonicalZone(tz);
      if (!zone) throw new RangeError(`Invalid time zone specified: ${tz.slice(0, 64)}`);
    }
    s.timeZone = zone.id;
    s.zone = zone;
    const opt = rec({});
    let any = false;
    for (const [name, values] of FIELDS) {
      let v;
      if (name === 'fractionalSecondDigits') v = getNumberOption(options, name, 1, 3, undefined);
      else v = getOption(options, name, 'string', values, undefined);
      opt[name] = v;
      if (v !== undefined) any = true;
    }
    getOption(options, 'formatMatcher', 'string', ['basic', 'best fit'], 'best fit');
    const dateStyle = getOption(options, 'dateStyle', 'string', ['full', 'long', 'medium', 'short'], undefined);
    const timeStyle = getOption(options, 'timeStyle', 'string', ['full', 'long', 'medium', 'short'], undefined);
    if ((dateStyle !== undefined || timeStyle !== undefined) && any) throw new TypeError('dateStyle and timeStyle cannot be combined with other date-time options');
    if (required === 'date' && timeStyle !== undefined && dateStyle === undefined) throw new TypeError('Invalid option : timeStyle');
    if (required === 'time' && dateStyle !== undefined && timeStyle === undefined) throw new TypeError('Invalid option : dateStyle');
    // locale's hour cycle
    const localeHc = d.hc;
    let hc = r.hc || null;
    if (hour12 !== undefined) hc = hour12 ? (localeHc === 'h11' || localeHc === 'h23' && /^ja/.test(r.lid) ? 'h11' : 'h12') : 'h23';
    if (!hc) hc = localeHc;
    s.dateStyle = dateStyle; s.timeStyle = timeStyle;
    let pattern;
    if (dateStyle || timeStyle) {
      const dp = dateStyle ? d.date[dateStyle] : '';
      let tp = timeStyle ? d.time[timeStyle] : '';
      if (tp && hc !== localeHc) tp = adjustHour(tp, hc);
      pattern = dp && tp ? (d.datetime[dateStyle] || '{1} {0}').replace('{1}', dp).replace('{0}', tp) : dp || tp;
    } else {
      let need = true;
      if (required === 'date' || required === 'any') for (const k of ['weekday', 'year', 'month', 'day']) if (opt[k] !== undefined) need = false;
      if (required === 'time' || required === 'any') for (const k of ['dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits']) if (opt[k] !== undefined) need = false;
      if (need && (defaults === 'date' || defaults === 'all')) { opt.year = opt.month = opt.day = 'numeric'; }
      if (need && (defaults === 'time' || defaults === 'all')) { opt.hour = opt.minute = opt.second = 'numeric'; }
      pattern = patternFor(s.lid, opt, hc);
    }
    s.pattern = pattern;
    s.tokens = tokenize(pattern);
    s.hasHour = s.tokens.some((t) => 'hHkK'.includes(t.ch));
    s.hourCycle = s.hasHour ? hc : undefined;
    // resolved field widths come from the pattern actually used
    if (!dateStyle && !timeStyle) {
      s.fields = rec({});
      for (const t of s.tokens) {
        if (!t.ch) continue;
        const n = t.len;
        switch (t.ch) {
          case 'E': case 'c': s.fields.weekday = n >= 5 ? 'narrow' : n === 4 ? 'long' : 'short'; break;
          case 'G': s.fields.era = n >= 5 ? 'narrow' : n === 4 ? 'long' : 'short'; break;
          case 'y': s.fields.year = n === 2 ? '2-digit' : 'numeric'; break;
          case 'M': case 'L': s.fields.month = n >= 5 ? 'narrow' : n === 4 ? 'long' : n === 3 ? 'short' : n === 2 ? '2-digit' : 'numeric'; break;
          case 'd': s.fields.day = n === 2 ? '2-digit' : 'numeric'; break;
          case 'B': case 'b': if (opt.dayPeriod) s.fields.dayPeriod = opt.dayPeriod; break;
          case 'h': case 'H': case 'k': case 'K': s.fields.hour = n === 2 ? '2-digit' : 'numeric'; break;
          case 'm': s.fields.minute = n === 2 ? '2-digit' : 'numeric'; break;
          case 's': s.fields.second = n === 2 ? '2-digit' : 'numeric'; break;
          case 'S': s.fields.fractionalSecondDigits = n; break;
          case 'z': case 'O': case 'v': case 'V': case 'x': case 'X': s.fields.timeZoneName = opt.timeZoneName; break;
        }
      }
      if (opt.dayPeriod && !s.fields.dayPeriod && !s.hasHour) s.fields.dayPeriod = opt.dayPeriod;
    }
    s.opt = opt;
    dtfSlots.set(dtf, s);
    return dtf;
  }
  function adjustHour(p, hc) {
    const ch = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' }[hc];
    let out = p.replace(/([hHkK])+/g, (m) => ch.repeat(m.length));
    if ((hc === 'h23' || hc === 'h24')) out = out.replace(/\s*\ba\b\s*/g, (m) => (m.trim() === 'a' ? '' : m)).replace(/\s+$/, '');
    else if (!/a|b|B/.test(out.replace(/'[^']*'/g, ''))) out += ' a';
    return out;
  }
  const patternMemo = new Map();
  function patternFor(lid, opt, hc) {
    let sk = '';
    const w = { narrow: 5, short: 3, long: 4 };
    if (opt.era) sk += 'G'.repeat(w[opt.era]);
    if (opt.year) sk += opt.year === '2-digit' ? 'yy' : 'y';
    if (opt.month) sk += { numeric: 'M', '2-digit': 'MM', short: 'MMM', long: 'MMMM', narrow: 'MMMMM' }[opt.month];
    if (opt.weekday) sk += 'E'.repeat(w[opt.weekday]);
    if (opt.day) sk += opt.day === '2-digit' ? 'dd' : 'd';
    if (opt.hour) sk += opt.hour === '2-digit' ? 'jj' : 'j';
    if (opt.minute) sk += opt.minute === '2-digit' ? 'mm' : 'm';
    if (opt.second) sk += opt.second === '2-digit' ? 'ss' : 's';
    if (opt.timeZoneName) sk += { short: 'z', long: 'zzzz', shortOffset: 'O', longOffset: 'OOOO', shortGeneric: 'v', longGeneric: 'vvvv' }[opt.timeZoneName];
    const key = lid + '|' + sk + '|' + hc;
    let p = patternMemo.get(key);
    if (p === undefined) {
      p = sk ? host('pattern', lid, sk, hc) : '';
      if (opt.fractionalSecondDigits) p = p.replace(/(ss?)(?![^']*'(?:[^']*'[^']*')*[^']*$)/, '$1' + '.' + 'S'.repeat(opt.fractionalSecondDigits));
      if (opt.fractionalSecondDigits && !/S/.test(p)) p = (p ? p + ' ' : '') + 'S'.repeat(opt.fractionalSecondDigits);
      if (opt.dayPeriod && !opt.hour) p = (p ? p + ' ' : '') + 'B'.repeat(w[opt.dayPeriod] === 4 ? 4 : w[opt.dayPeriod] === 5 ? 5 : 1);
      else if (opt.dayPeriod && /a/.test(p)) p = p.replace(/a+/, 'B'.repeat(w[opt.dayPeriod] === 4 ? 4 : w[opt.dayPeriod] === 5 ? 5 : 1));
      if (patternMemo.size < 512) patternMemo.set(key, p);
    }
    return p;
  }
  function tokenize(p) {
    const out = [];
    let i = 0;
    while (i < p.length) {
      const ch = p[i];
      if (ch === "'") {
        let j = i + 1, lit = '';
        while (j < p.length) { if (p[j] === "'") { if (p[j + 1] === "'") { lit += "'"; j += 2; continue; } break; } lit += p[j++]; }
        out.push({ lit: i + 1 === j ? "'" : lit });
        i = j + 1;
        continue;
      }
      if (/[A-Za-z]/.test(ch)) {
        let j = i;
        while (j < p.length && p[j] === ch) j++;
        out.push({ ch, len: j - i });
        i = j;
      } else {
        let j = i;
        while (j < p.length && p[j] !== "'" && !/[A-Za-z]/.test(p[j])) j++;
        out.push({ lit: p.slice(i, j) });
        i = j;
      }
    }
    return out;
  }
  function pad(n, w) { const s = String(n); return s.length >= w ? s : '0'.repeat(w - s.length) + s; }
  function gmtOffset(d, off, long) {
    if (off === 0) return d.gmtZero || 'GMT';
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    const h = Math.floor(a / 3600), m = Math.floor((a % 3600) / 60);
    const body = long ? sign + pad(h, 2) + ':' + pad(m, 2) : sign + h + (m ? ':' + pad(m, 2) : '');
    return (d.gmt || 'GMT%s').replace('%s', body);
  }
  function formatDateParts(s, x) {
    const z = s.zone;
    const [off, isDst] = zoneOffset(z, x);
    const dt = new Date(x + off * 1000);
    const Y = dt.getUTCFullYear(), Mo = dt.getUTCMonth(), D = dt.getUTCDate(), wd = dt.getUTCDay();
    const H = dt.getUTCHours(), Mi = dt.getUTCMinutes(), Se = dt.getUTCSeconds(), ms = dt.getUTCMilliseconds();
    const d = s.data;
    const parts = [];
    const num = (v) => translit(String(v), s.digits);
    const WID = { 3: 'abbreviated', 4: 'wide', 5: 'narrow' };
    for (const t of s.tokens) {
      if (t.lit !== undefined) { if (t.lit) parts.push({ type: 'literal', value: t.lit }); continue; }
      const n = t.len;
      let type, value;
      switch (t.ch) {
        case 'G': type = 'era'; value = d.eras[WID[Math.min(Math.max(n, 3), 5)]][Y > 0 ? '1' : '0']; break;
        case 'y': case 'Y': case 'u': {
          type = 'year';
          const ey = s.tokens.some((k) => k.ch === 'G') || t.ch === 'y' ? (Y > 0 ? Y : 1 - Y) : Y;
          value = n === 2 ? pad(ey % 100, 2) : pad(ey, n);
          value = num(value);
          break;
        }
        case 'M': case 'L': {
          type = 'month';
          if (n <= 2) value = num(n === 2 ? pad(Mo + 1, 2) : Mo + 1);
          else { const ctx = t.ch === 'L' ? 'stand-alone' : 'format'; value = (d.months[ctx] || d.months.format)[WID[Math.min(n, 5)]][String(Mo + 1)] || d.months.format[WID[Math.min(n, 5)]][String(Mo + 1)]; }
          break;
        }
        case 'd': type = 'day'; value = num(n === 2 ? pad(D, 2) : D); break;
        case 'E': case 'c': case 'e': {
          type = 'weekday';
          const keys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
          const ctx = t.ch === 'c' ? 'stand-alone' : 'format';
          const wid = WID[Math.min(Math.max(n, 3), 5)];
          const tab = (d.days[ctx] && d.days[ctx][wid]) || d.days.format[wid];
          value = tab[keys[wd]] !== undefined ? tab[keys[wd]] : tab[String((wd + 6) % 7)];
          break;
        }
        case 'a': case 'b': case 'B': {
          type = 'dayPeriod';
          const wid = t.ch === 'a' ? 'abbreviated' : WID[n >= 5 ? 5 : n === 4 ? 4 : 3];
          const tab = d.periods.format[wid] || d.periods.format.abbreviated;
          if (t.ch === 'a') value = H < 12 ? tab.am : tab.pm;
          else {
            const key = H >= 6 && H < 12 ? 'morning1' : H >= 12 && H < 18 ? 'afternoon1' : H >= 18 && H < 21 ? 'evening1' : 'night1';
            value = (H === 12 && Mi === 0 && tab.noon) || tab[key] || (H < 12 ? tab.am : tab.pm);
          }
          break;
        }
        case 'h': type = 'hour'; value = num(n === 2 ? pad(H % 12 || 12, 2) : H % 12 || 12); break;
        case 'K': type = 'hour'; value = num(n === 2 ? pad(H % 12, 2) : H % 12); break;
        case 'H': type = 'hour'; value = num(n === 2 ? pad(H, 2) : H); break;
        case 'k': type = 'hour'; value = num(n === 2 ? pad(H || 24, 2) : H || 24); break;
        case 'm': type = 'minute'; value = num(n === 2 ? pad(Mi, 2) : Mi); break;
        case 's': type = 'second'; value = num(n === 2 ? pad(Se, 2) : Se); break;
        case 'S': type = 'fractionalSecond'; value = num(pad(ms, 3).slice(0, n)); break;
        case 'z': case 'v': case 'O': case 'V': case 'x': case 'X': {
          type = 'timeZoneName';
          value = zoneName(s, t.ch, n, off, isDst);
          break;
        }
        case 'Q': case 'q': type = 'quarter'; value = num(Math.floor(Mo / 3) + 1); break;
        default: type = 'literal'; value = t.ch.repeat(n);
      }
      parts.push({ type, value });
    }
    return parts;
  }
  function zoneName(s, ch, n, off, isDst) {
    const d = s.data;
    if (ch === 'O' || ch === 'x' || ch === 'X') return gmtOffset(d, off, n >= 4);
    if (s.zone.fixed !== undefined && s.zone.id !== 'UTC') return gmtOffset(d, off, n >= 4);
    if (s.zone.id === 'UTC' || s.zone.canon === 'UTC') return ch === 'z' && n >= 4 ? (d.utcLong || 'Coordinated Universal Time') : 'UTC';
    if (!s.znames) {
      try { s.znames = data('zone', s.lid, s.zone.canon || s.zone.id) || {}; } catch (e) { s.znames = {}; }
    }
    const w = n >= 4 ? 'long' : 'short';
    if (ch === 'z') {
      const set = isDst ? s.znames.dst : s.znames.std;
      const v = set && set[w];
      if (v && /\p{L}/u.test(v) && !/^GMT|^UTC/.test(v)) return v;
      return gmtOffset(d, off, n >= 4);
    }
    if (ch === 'v') { const v = s.znames.generic && s.znames.generic[w]; if (v && !/^GMT|^UTC/.test(v)) return v; return n >= 4 && s.znames.location ? s.znames.location : gmtOffset(d, off, false); }
    return s.zone.id;
  }
  function thisDTF(dtf, m) {
    if (dtf !== null && typeof dtf === 'object' && !dtfSlots.has(dtf) && O.prototype.isPrototypeOf.call(DateTimeFormat.prototype, dtf) && dtf[FALLBACK]) dtf = dtf[FALLBACK];
    const s = dtf !== null && typeof dtf === 'object' ? dtfSlots.get(dtf) : undefined;
    if (!s) throw new TypeError(`Method Intl.DateTimeFormat.prototype.${m} called on incompatible receiver`);
    return s;
  }
  function timeValue(date) {
    let x = date === undefined ? Date.now() : Number(date);
    if (!Number.isFinite(x) || Math.abs(x) > 8.64e15) throw new RangeError('Invalid time value');
    return Math.trunc(x) + 0;
  }
  const dtfFormatters = new WeakMap();
  defineMethods(DateTimeFormat.prototype, {
    get format() {
      const s = thisDTF(this, 'format');
      let f = dtfFormatters.get(s);
      if (!f) {
        f = (date) => joinParts(formatDateParts(s, timeValue(date)));
        O.defineProperty(f, 'name', { value: '' });
        dtfFormatters.set(s, f);
      }
      return f;
    },
    formatToParts(date) { return formatDateParts(thisDTF(this, 'formatToParts'), timeValue(date)); },
    formatRange(a, b) {
      const s = thisDTF(this, 'formatRange');
      if (a === undefined || b === undefined) throw new TypeError('startDate and endDate are required');
      const x = timeValue(a), y = timeValue(b);
      const fa = joinParts(formatDateParts(s, x)), fb = joinParts(formatDateParts(s, y));
      return fa === fb ? fa : fa + ' \u2013 ' + fb;
    },
    formatRangeToParts(a, b) {
      const s = thisDTF(this, 'formatRangeToParts');
      if (a === undefined || b === undefined) throw new TypeError('startDate and endDate are required');
      const x = timeValue(a), y = timeValue(b);
      const pa = formatDateParts(s, x), pb = formatDateParts(s, y);
      if (joinParts(pa) === joinParts(pb)) return pa.map((p) => ({ ...p, source: 'shared' }));
      return [...pa.map((p) => ({ ...p, source: 'startRange' })), { type: 'literal', value: ' \u2013 ', source: 'shared' }, ...pb.map((p) => ({ ...p, source: 'endRange' }))];
    },
    resolvedOptions() {
      const s = thisDTF(this, 'resolvedOptions');
      const r = { locale: s.locale, calendar: s.calendar, numberingSystem: s.numberingSystem, timeZone: s.timeZone };
      if (s.hourCycle !== undefined) { r.hourCycle = s.hourCycle; r.hour12 = s.hourCycle === 'h11' || s.hourCycle === 'h12'; }
      if (s.fields) for (const [k] of FIELDS) if (s.fields[k] !== undefined) r[k] = s.fields[k];
      if (s.dateStyle) r.dateStyle = s.dateStyle;
      if (s.timeStyle) r.timeStyle = s.timeStyle;
      return r;
    },
  });
  tag(DateTimeFormat.prototype, 'Intl.DateTimeFormat');

  // ---- Collator ------------------------------------------------------------------------------
  const colSlots = new WeakMap();
  function Collator(locales, options) {
    const col = new.target ? this : O.create(Collator.prototype);
    const requested = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    const usage = getOption(options, 'usage', 'string', ['sort', 'search'], 'sort');
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const co = getOption(options, 'collation', 'string', undefined, undefined);
    if (co !== undefined && !TYPE_RE.test(co)) throw new RangeError(`Invalid collation: ${co}`);
    const kn = getOption(options, 'numeric', 'boolean', undefined, undefined);
    const kf = getOption(options, 'caseFirst', 'string', ['upper', 'lower', 'false'], undefined);
    const r = resolveLocale(requested, { kn: kn === undefined ? undefined : String(kn), kf }, { co: () => false, kf: (v) => ['upper', 'lower', 'false'].includes(v), kn: (v) => v === 'true' || v === 'false' });
    const sensitivity = getOption(options, 'sensitivity', 'string', ['base', 'accent', 'case', 'variant'], usage === 'sort' ? 'variant' : 'variant');
    const ip = getOption(options, 'ignorePunctuation', 'boolean', undefined, /^th\b/.test(r.locale));
    colSlots.set(col, { locale: r.locale, usage, sensitivity, ignorePunctuation: ip, collation: 'default', numeric: r.kn === 'true', caseFirst: r.kf || 'false' });
    return col;
  }
  function collKey(s, str) {
    let t = String(str).normalize('NFD');
    if (s.ignorePunctuation) t = t.replace(/[\p{P}\s]/gu, '');
    const base = t.replace(/\p{M}/gu, '').toLowerCase();
    return { t, base };
  }
  function cmpNumeric(a, b) {
    const re = /(\d+)|(\D+)/g;
    const pa = a.match(re) || [], pb = b.match(re) || [];
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const x = pa[i], y = pb[i];
      const dx = /^\d/.test(x), dy = /^\d/.test(y);
      if (dx && dy) {
        const nx = x.replace(/^0+/, ''), ny = y.replace(/^0+/, '');
        if (nx.length !== ny.length) return nx.length < ny.length ? -1 : 1;
        if (nx !== ny) return nx < ny ? -1 : 1;
      } else if (x !== y) return cmpBase(x, y);
    }
    return pa.length === pb.length ? 0 : pa.length < pb.length ? -1 : 1;
  }
  // Primary order: whitespace and punctuation, then symbols, then digits, then letters by code point.
  function weight(cp) {
    const c = String.fromCodePoint(cp);
    if (/\s/u.test(c)) return 0x100000 + cp;
    if (/\p{P}/u.test(c)) return 0x200000 + cp;
    if (/\p{S}/u.test(c)) return 0x300000 + cp;
    if (/\p{N}/u.test(c)) return 0x400000 + cp;
    return 0x500000 + cp;
  }
  function cmpBase(a, b) {
    if (a === b) return 0;
    const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
    for (;;) {
      const x = ia.next(), y = ib.next();
      if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
      if (x.value !== y.value) { const wx = weight(x.value.codePointAt(0)), wy = weight(y.value.codePointAt(0)); return wx < wy ? -1 : wx > wy ? 1 : 0; }
    }
  }
  function compareStrings(s, a, b) {
    if (a === b) return 0;
    const ka = collKey(s, a), kb = collKey(s, b);
    let c = s.numeric ? cmpNumeric(ka.base, kb.base) : cmpBase(ka.base, kb.base);
    if (c || s.sensitivity === 'base') return c;
    if (s.sensitivity !== 'case') {
      const ma = ka.t.replace(/[^\p{M}]/gu, ''), mb = kb.t.replace(/[^\p{M}]/gu, '');
      if (ma !== mb) return ma < mb ? -1 : 1;
      if (s.sensitivity === 'accent') return 0;
    }
    const ca = ka.t.replace(/\p{M}/gu, ''), cb = kb.t.replace(/\p{M}/gu, '');
    if (ca !== cb) {
      for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        if (ca[i] !== cb[i]) {
          const ua = ca[i] !== ca[i].toLowerCase(), ub = cb[i] !== cb[i].toLowerCase();
          if (ua !== ub) return (ua ? 1 : -1) * (s.caseFirst === 'upper' ? -1 : 1);
        }
      }
      if (s.sensitivity === 'case') return 0;
    }
    if (s.sensitivity === 'case') return 0;
    const na = String(a).normalize('NFC'), nb = String(b).normalize('NFC');
    return na === nb ? 0 : na < nb ? -1 : 1;
  }
  function thisCol(c, m) {
    const s = c !== null && typeof c === 'object' ? colSlots.get(c) : undefined;
    if (!s) throw new TypeError(`Method Intl.Collator.prototype.${m} called on incompatible receiver`);
    return s;
  }
  const colCompare = new WeakMap();
  defineMethods(Collator.prototype, {
    get compare() {
      const s = thisCol(this, 'compare');
      let f = colCompare.get(s);
      if (!f) {
        f = (x, y) => compareStrings(s, String(x), String(y));
        O.defineProperty(f, 'name', { value: '' });
        colCompare.set(s, f);
      }
      return f;
    },
    resolvedOptions() {
      const s = thisCol(this, 'resolvedOptions');
      return { locale: s.locale, usage: s.usage, sensitivity: s.sensitivity, ignorePunctuation: s.ignorePunctuation, collation: s.collation, numeric: s.numeric, caseFirst: s.caseFirst };
    },
  });
  tag(Collator.prototype, 'Intl.Collator');

  // ---- RelativeTimeFormat --------------------------------------------------------------------
  const rtfSlots = new WeakMap();
  const RT_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
  function RelativeTimeFormat(locales, options) {
    if (!new.target) throw new TypeError("Constructor Intl.RelativeTimeFormat requires 'new'");
    const requested = canonicalizeLocaleList(locales);
    options = coerceOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const nu = getOption(options, 'numberingSystem', 'string', undefined, undefined);
    if (nu !== undefined && !TYPE_RE.test(nu)) throw new RangeError(`Invalid numberingSystem: ${nu}`);
    const r = resolveLocale(requested, { nu }, { nu: nuOk });
    const style = getOption(options, 'style', 'string', ['long', 'short', 'narrow'], 'long');
    const numeric = getOption(options, 'numeric', 'string', ['always', 'auto'], 'always');
    const nf = new NumberFormat(r.locale.replace(/-u-.*$/, '') + (r.nu ? '-u-nu-' + r.nu : ''), O.create(null));
    rtfSlots.set(this, { locale: r.locale, lid: r.lid, style, numeric, numberingSystem: r.nu || 'latn', nf, fields: data('relative', r.lid), pr: new PluralRules(r.locale.replace(/-u-.*$/, '')) });
  }
  function thisRTF(x, m) {
    const s = x !== null && typeof x === 'object' ? rtfSlots.get(x) : undefined;
    if (!s) throw new TypeError(`Method Intl.RelativeTimeFormat.prototype.${m} called on incompatible receiver`);
    return s;
  }
  function rtfParts(s, value, unit) {
    value = Number(value);
    unit = String(unit);
    let u = unit.endsWith('s') ? unit.slice(0, -1) : unit;
    if (!RT_UNITS.includes(u)) throw new RangeError(`Invalid unit argument: ${unit}`);
    if (!Number.isFinite(value)) throw new RangeError('Invalid value');
    const key = s.style === 'long' ? u : u + '-' + s.style;
    const f = s.fields[key] || s.fields[u] || {};
    if (s.numeric === 'auto' && f.relative) {
      const txt = f.relative[String(value)];
      if (txt !== undefined && !(Object.is(value, -0) && value === 0 && f.relative['-0'] === undefined && false)) return [{ type: 'literal', value: txt }];
    }
    const past = value < 0 || Object.is(value, -0);
    const pats = (past ? f.past : f.future) || {};
    const nparts = formatToPartsNF(nfSlots.get(s.nf), Math.abs(value));
    const cat = prSelect(prSlots.get(s.pr), Math.abs(value));
    const pat = pats[cat] || pats.other || (past ? '{0} ' + u + ' ago' : 'in {0} ' + u);
    const out = [];
    for (const piece of pat.split(/(\{0\})/)) {
      if (piece === '{0}') for (const p of nparts) out.push({ type: p.type, value: p.value, unit: u });
      else if (piece) out.push({ type: 'literal', value: piece });
    }
    return out;
  }
  defineMethods(RelativeTimeFormat.prototype, {
    format(value, unit) { return joinParts(rtfParts(thisRTF(this, 'format'), value, unit)); },
    formatToParts(value, unit) { return rtfParts(thisRTF(this, 'formatToParts'), value, unit); },
    resolvedOptions() { const s = thisRTF(this, 'resolvedOptions'); return { locale: s.locale, style: s.style, numeric: s.numeric, numberingSystem: s.numberingSystem }; },
  });
  tag(RelativeTimeFormat.prototype, 'Intl.RelativeTimeFormat');

  // ---- ListFormat ----------------------------------------------------------------------------
  const lfSlots = new WeakMap();
  function ListFormat(locales, options) {
    if (!new.target) throw new TypeError("Constructor Intl.ListFormat requires 'new'");
    const requested = canonicalizeLocaleList(locales);
    options = toObjectOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const r = resolveLocale(requested, {}, {});
    const type = getOption(options, 'type', 'string', ['conjunction', 'disjunction', 'unit'], 'conjunction');
    const style = getOption(options, 'style', 'string', ['long', 'short', 'narrow'], 'long');
    const lists = data('list', r.lid);
    const base = type === 'conjunction' ? 'standard' : type === 'disjunction' ? 'or' : 'unit';
    const pats = { ...lists.standard, ...lists[base], ...lists[style === 'long' ? base : base + '-' + style] };
    lfSlots.set(this, { locale: r.locale, type, style, pats });
  }
  function thisLF(x, m) {
    const s = x !== null && typeof x === 'object' ? lfSlots.get(x) : undefined;
    if (!s) throw new TypeError(`Method Intl.ListFormat.prototype.${m} called on incompatible receiver`);
    return s;
  }
  function stringList(iterable) {
    if (iterable === undefined) return [];
    const out = [];
    for (const v of iterable) {
      if (typeof v !== 'string') throw new TypeError('ListFormat accepts only strings');
      out.push(v);
    }
    return out;
  }
  function lfParts(s, list) {
    const n = list.length;
    if (n === 0) return [];
    if (n === 1) return [{ type: 'element', value: list[0] }];
    const fill = (pat, a, b) => {
      const out = [];
      for (const piece of pat.split(/(\{[01]\})/)) {
        if (piece === '{0}') out.push(...a);
        else if (piece === '{1}') out.push(...b);
        else if (piece) out.push({ type: 'literal', value: piece });
      }
      return out;
    };
    const el = (v) => [{ type: 'element', value: v }];
    if (n === 2) return fill(s.pats['2'], el(list[0]), el(list[1]));
    let acc = fill(s.pats.end, el(list[n - 2]), el(list[n - 1]));
    for (let i = n - 3; i >= 0; i--) acc = fill(i === 0 ? s.pats.start : s.pats.middle, el(list[i]), acc);
    return acc;
  }
  defineMethods(ListFormat.prototype, {
    format(list) { const s = thisLF(this, 'format'); return joinParts(lfParts(s, stringList(list))); },
    formatToParts(list) { const s = thisLF(this, 'formatToParts'); return lfParts(s, stringList(list)); },
    resolvedOptions() { const s = thisLF(this, 'resolvedOptions'); return { locale: s.locale, type: s.type, style: s.style }; },
  });
  tag(ListFormat.prototype, 'Intl.ListFormat');

  // ---- Segmenter -----------------------------------------------------------------------------
  const segSlots = new WeakMap();
  let GRAPHEME;
  try {
    GRAPHEME = /\r\n|\p{RI}\p{RI}|\p{Extended_Pictographic}(?:[\p{M}\uFE0F\u{1F3FB}-\u{1F3FF}]*\u200D\p{Extended_Pictographic})*[\p{M}\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]*|[\u1100-\u115F]+[\u1160-\u11A7]*[\u11A8-\u11FF]*|[\s\S][\p{M}\u200C\u200D\uFE0F]*/gu;
  } catch (e) {
    GRAPHEME = /\r\n|[\s\S][\p{M}\u200C\u200D\uFE0F]*/gu;
  }
  const WORD = /[\p{L}\p{M}\p{N}_]+(?:['’.:][\p{L}\p{N}]+)*|\r\n|[\s\S]/gu;
  const SENTENCE = /[^.!?\u3002]*(?:[.!?\u3002]+["'”’)\]]*\s*|$)/gu;
  function Segmenter(locales, options) {
    if (!new.target) throw new TypeError("Constructor Intl.Segmenter requires 'new'");
    const requested = canonicalizeLocaleList(locales);
    options = toObjectOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const r = resolveLocale(requested, {}, {});
    const granularity = getOption(options, 'granularity', 'string', ['grapheme', 'word', 'sentence'], 'grapheme');
    segSlots.set(this, { locale: r.locale, granularity });
  }
  function segmentAll(gran, str) {
    const re = gran === 'word' ? WORD : gran === 'sentence' ? SENTENCE : GRAPHEME;
    const out = [];
    re.lastIndex = 0;
    let m;
    while (re.lastIndex < str.length && (m = re.exec(str)) !== null) {
      if (m[0] === '') { if (re.lastIndex >= str.length) break; re.lastIndex++; continue; }
      out.push([m.index, m[0]]);
    }
    return out;
  }
  function segData(gran, str, idx, seg) {
    const o = { segment: seg, index: idx, input: str };
    if (gran === 'word') o.isWordLike = /[\p{L}\p{N}]/u.test(seg);
    return o;
  }
  const segmentsSlots = new WeakMap();
  const SegmentsProto = {};
  defineMethods(SegmentsProto, {
    containing(index) {
      const s = segmentsSlots.get(this);
      if (!s) throw new TypeError('containing called on incompatible receiver');
      let n = Number(index);
      n = Number.isNaN(n) ? 0 : Math.trunc(n);
      if (n < 0 || n >= s.str.length) return undefined;
      if (!s.all) s.all = segmentAll(s.gran, s.str);
      for (const [i, seg] of s.all) if (n >= i && n < i + seg.length) return segData(s.gran, s.str, i, seg);
      return undefined;
    },
    [Symbol.iterator]() {
      const s = segmentsSlots.get(this);
      if (!s) throw new TypeError('Segments iterator called on incompatible receiver');
      const it = O.create(SegmentIteratorProto);
      iterSlots.set(it, { s, pos: 0 });
      return it;
    },
  });
  const iterSlots = new WeakMap();
  const SegmentIteratorProto = O.create(O.getPrototypeOf(O.getPrototypeOf([][Symbol.iterator]())));
  defineMethods(SegmentIteratorProto, {
    next() {
      const st = iterSlots.get(this);
      if (!st) throw new TypeError('next called on incompatible receiver');
      const s = st.s;
      if (!s.all) s.all = segmentAll(s.gran, s.str);
      if (st.pos >= s.all.length) return { value: undefined, done: true };
      const [i, seg] = s.all[st.pos++];
      return { value: segData(s.gran, s.str, i, seg), done: false };
    },
  });
  tag(SegmentIteratorProto, 'Segmenter String Iterator');
  defineMethods(Segmenter.prototype, {
    segment(string) {
      const s = segSlots.get(this);
      if (!s) throw new TypeError('Method Intl.Segmenter.prototype.segment called on incompatible receiver');
      const str = String(string);
      const segs = O.create(SegmentsProto);
      segmentsSlots.set(segs, { gran: s.granularity, str, all: null });
      return segs;
    },
    resolvedOptions() {
      const s = segSlots.get(this);
      if (!s) throw new TypeError('Method Intl.Segmenter.prototype.resolvedOptions called on incompatible receiver');
      return { locale: s.locale, granularity: s.granularity };
    },
  });
  tag(Segmenter.prototype, 'Intl.Segmenter');

  // ---- DisplayNames --------------------------------------------------------------------------
  const dnSlots = new WeakMap();
  function DisplayNames(locales, options) {
    if (!new.target) throw new TypeError("Constructor Intl.DisplayNames requires 'new'");
    const requested = canonicalizeLocaleList(locales);
    if (options === undefined) throw new TypeError('options are required');
    options = toObjectOptions(options);
    getOption(options, 'localeMatcher', 'string', ['lookup', 'best fit'], 'best fit');
    const r = resolveLocale(requested, {}, {});
    const style = getOption(options, 'style', 'string', ['narrow', 'short', 'long'], 'long');
    const type = getOption(options, 'type', 'string', ['language', 'region', 'script', 'currency', 'calendar', 'dateTimeField'], undefined);
    if (type === undefined) throw new TypeError('type is required');
    const fallback = getOption(options, 'fallback', 'string', ['code', 'none'], 'code');
    const languageDisplay = getOption(options, 'languageDisplay', 'string', ['dialect', 'standard'], 'dialect');
    const s = { locale: r.locale, lid: r.lid, style, type, fallback };
    if (type === 'language') s.languageDisplay = languageDisplay;
    dnSlots.set(this, s);
  }
  const DT_FIELDS = ['era', 'year', 'quarter', 'month', 'weekOfYear', 'weekday', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'timeZoneName'];
  defineMethods(DisplayNames.prototype, {
    of(code) {
      const s = dnSlots.get(this);
      if (!s) throw new TypeError('Method Intl.DisplayNames.prototype.of called on incompatible receiver');
      code = String(code);
      let canon = code;
      switch (s.type) {
        case 'language': { const r = parseTag(code); if (!r || r.ext.length || r.priv || /^root$/i.test(code) || r.language.length === 4) throw new RangeError(`invalid language code ${code.slice(0, 64)}`); aliasLanguage(r); canon = baseName(r); break; }
        case 'region': if (!/^([a-z]{2}|[0-9]{3})$/i.test(code)) throw new RangeError(`invalid region code ${code.slice(0, 64)}`); canon = code.toUpperCase(); break;
        case 'script': if (!/^[a-z]{4}$/i.test(code)) throw new RangeError(`invalid script code ${code.slice(0, 64)}`); canon = code[0].toUpperCase() + code.slice(1).toLowerCase(); break;
        case 'currency': if (!/^[a-z]{3}$/i.test(code)) throw new RangeError(`invalid currency code ${code.slice(0, 64)}`); canon = code.toUpperCase(); break;
        case 'calendar': if (!TYPE_RE.test(code) || /_/.test(code)) throw new RangeError(`invalid calendar ${code.slice(0, 64)}`); canon = code.toLowerCase(); break;
        case 'dateTimeField': if (!DT_FIELDS.includes(code)) throw new RangeError(`invalid dateTimeField ${code.slice(0, 64)}`); break;
      }
      const kind = s.type === 'currency' ? 'currencyName' : s.type;
      const arg = s.type === 'dateTimeField' ? { weekOfYear: 'week', dayPeriod: 'dayperiod', timeZoneName: 'zone' }[canon] || canon : canon;
      const name = data(kind, s.lid, arg);
      if (name) return name;
      return s.fallback === 'code' ? canon : undefined;
    },
    resolvedOptions() {
      const s = dnSlots.get(this);
      if (!s) throw new TypeError('Method Intl.DisplayNames.prototype.resolvedOptions called on incompatible receiver');
      const r = { locale: s.locale, style: s.style, type: s.type, fallback: s.fallback };
      if (s.languageDisplay) r.languageDisplay = s.languageDisplay;
      return r;
    },
  });
  tag(DisplayNames.prototype, 'Intl.DisplayNames');

  // ---- Locale --------------------------------------------------------------------------------
  const localeSlots = new WeakMap();
  function Locale(tagArg, options) {
    if (!new.target) throw new TypeError("Constructor Intl.Locale requires 'new'");
    if (typeof tagArg !== 'string' && (typeof tagArg !== 'object' || tagArg === null)) throw new TypeError('First argument to Intl.Locale constructor must be a string or an object');
    let t = typeof tagArg === 'object' && localeSlots.has(tagArg) ? localeSlots.get(tagArg).tag : String(tagArg);
    options = coerceOptions(options);
    const r = parseTag(t);
    if (!r) throw new RangeError(`Incorrect locale information provided: ${t.slice(0, 64)}`);
    const lang = getOption(options, 'language', 'string', undefined, undefined);
    if (lang !== undefined) { if (!/^[a-z]{2,3}$|^[a-z]{5,8}$/i.test(lang)) throw new RangeError('invalid language'); r.language = lang.toLowerCase(); }
    const script = getOption(options, 'script', 'string', undefined, undefined);
    if (script !== undefined) { if (!/^[a-z]{4}$/i.test(script)) throw new RangeError('invalid script'); r.script = script[0].toUpperCase() + script.slice(1).toLowerCase(); }
    const region = getOption(options, 'region', 'string', undefined, undefined);
    if (region !== undefined) { if (!/^([a-z]{2}|[0-9]{3})$/i.test(region)) throw new RangeError('invalid region'); r.region = region.toUpperCase(); }
    const kw = {};
    const readKw = (name, key, values) => {
      const v = getOption(options, name, name === 'numeric' ? 'boolean' : 'string', values, undefined);
      if (v !== undefined) {
        const sv = String(v);
        if (name !== 'numeric' && !values && !TYPE_RE.test(sv)) throw new RangeError(`invalid ${name}`);
        kw[key] = sv.toLowerCase();
      }
    };
    readKw('calendar', 'ca');
    readKw('collation', 'co');
    readKw('hourCycle', 'hc', ['h11', 'h12', 'h23', 'h24']);
    readKw('caseFirst', 'kf', ['upper', 'lower', 'false']);
    readKw('numeric', 'kn');
    readKw('numberingSystem', 'nu');
    aliasLanguage(r);
    const u = r.ext.find((e) => e[0] === 'u');
    const map = uKeywords(u ? u[1] : '');
    const attrs = u ? u[1].split('-').filter((x, i, arr) => x.length > 2 && arr.slice(0, i).every((y) => y.length > 2)) : [];
    for (const k of O.keys(kw)) map.set(k, kw[k]);
    if (map.size || attrs.length) {
      const keys = [...map.keys()].sort();
      const val = [...attrs, ...keys.flatMap((k) => (map.get(k) === 'true' || map.get(k) === '' ? [k] : [k, map.get(k)]))].join('-');
      if (u) u[1] = val; else r.ext.push(['u', val]);
    }
    const full = tagString(r);
    localeSlots.set(this, { tag: full, r, kw: map });
  }
  function thisLoc(x) {
    const s = x !== null && typeof x === 'object' ? localeSlots.get(x) : undefined;
    if (!s) throw new TypeError('Intl.Locale method called on incompatible receiver');
    return s;
  }
  const likelyCache = new Map();
  defineMethods(Locale.prototype, {
    toString() { return thisLoc(this).tag; },
    toJSON() { return thisLoc(this).tag; },
    maximize() {
      const s = thisLoc(this);
      const m = match([baseName(s.r)])[0];
      if (!m) return new Locale(s.tag);
      const [lid] = m;
      const p = lid.split('_');
      const r = { ...s.r, variants: [...s.r.variants], ext: s.r.ext.map((e) => [...e]) };
      if (!r.script && p[1] && p[1].length === 4) r.script = p[1];
      if (!r.region) { const reg = p.find((x, i) => i > 0 && x.length !== 4); if (reg) r.region = reg; }
      return new Locale(tagString(r));
    },
    minimize() {
      const s = thisLoc(this);
      const r = { ...s.r, variants: [...s.r.variants], ext: s.r.ext.map((e) => [...e]) };
      r.script = ''; r.region = '';
      return new Locale(tagString(r));
    },
    get baseName() { return baseName(thisLoc(this).r); },
    get calendar() { return thisLoc(this).kw.get('ca'); },
    get caseFirst() { const v = thisLoc(this).kw.get('kf'); return v === 'true' ? '' : v; },
    get collation() { return thisLoc(this).kw.get('co'); },
    get hourCycle() { return thisLoc(this).kw.get('hc'); },
    get numeric() { const v = thisLoc(this).kw.get('kn'); return v === 'true' || v === ''; },
    get numberingSystem() { return thisLoc(this).kw.get('nu'); },
    get language() { return thisLoc(this).r.language; },
    get script() { return thisLoc(this).r.script || undefined; },
    get region() { return thisLoc(this).r.region || undefined; },
    get variants() { const v = thisLoc(this).r.variants; return v.length ? v.join('-') : undefined; },
    getCalendars() { const s = thisLoc(this); return [s.kw.get('ca') || 'gregory']; },
    getCollations() { const s = thisLoc(this); return [s.kw.get('co') || 'emoji'].filter((x) => x !== 'standard' && x !== 'search'); },
    getHourCycles() { const s = thisLoc(this); if (s.kw.get('hc')) return [s.kw.get('hc')]; const m = match([baseName(s.r)])[0]; return [m ? data('date', m[0]).hc : 'h12']; },
    getNumberingSystems() { const s = thisLoc(this); return [s.kw.get('nu') || 'latn']; },
    getTimeZones() { return s_region(this); },
    getTextInfo() { const s = thisLoc(this); return { direction: /^(ar|he|fa|ur|yi|ps|sd|ug|dv|ckb)$/.test(s.r.language) || /^(Arab|Hebr|Thaa|Syrc)$/.test(s.r.script) ? 'rtl' : 'ltr' }; },
    getWeekInfo() { return { firstDay: 7, weekend: [6, 7], minimalDays: 1 }; },
  });
  function s_region(loc) { const s = thisLoc(loc); return s.r.region ? undefined : undefined; }
  tag(Locale.prototype, 'Intl.Locale');

  // ---- Intl ----------------------------------------------------------------------------------
  const Intl = {};
  const ctorDefs = { Collator, DateTimeFormat, DisplayNames, ListFormat, Locale, NumberFormat, PluralRules, RelativeTimeFormat, Segmenter };
  const ctorLength = { Collator: 0, DateTimeFormat: 0, DisplayNames: 2, ListFormat: 0, Locale: 1, NumberFormat: 0, PluralRules: 0, RelativeTimeFormat: 0, Segmenter: 0 };
  for (const [name, C] of O.entries(ctorDefs)) {
    O.defineProperty(C, 'length', { value: ctorLength[name], configurable: true });
    O.defineProperty(C, 'prototype', { writable: false, enumerable: false, configurable: false });
    if (name !== 'Locale') {
      defineMethods(C, { supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); } });
      O.defineProperty(C.supportedLocalesOf, 'length', { value: 1, configurable: true });
    }
    O.defineProperty(Intl, name, { value: C, writable: true, enumerable: false, configurable: true });
  }
  function supportedValuesOf(key) {
    key = `${key}`;
    let list;
    switch (key) {
      case 'calendar': list = ['gregory', 'iso8601']; break;
      case 'collation': list = []; break;
      case 'numberingSystem': list = [...O.keys(DIGITS), 'hanidec'].sort(); break;
      case 'currency': case 'timeZone': case 'unit':
        list = key === 'unit' ? SANCTIONED.filter((u) => u !== 'mile-scandinavian' || true).slice().sort() : host('supported', key);
        break;
      default: throw new RangeError(`Invalid key : ${key.slice(0, 64)}`);
    }
    return list;
  }
  defineMethods(Intl, {
    getCanonicalLocales(locales) { return canonicalizeLocaleList(locales); },
    supportedValuesOf,
  });
  O.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });

  // ---- locale-sensitive methods of the built-ins -----------------------------------------------
  const dnf = new Map();
  function cachedNF(locales, options) {
    if (options === undefined && (locales === undefined || typeof locales === 'string')) {
      const k = locales === undefined ? '' : locales;
      let f = dnf.get(k);
      if (!f) { f = new NumberFormat(locales); if (dnf.size < 64) dnf.set(k, f); }
      return f;
    }
    return new NumberFormat(locales, options);
  }
  const ddf = new Map();
  function dateFormatter(locales, options, required, defaults) {
    const cacheable = options === undefined && (locales === undefined || typeof locales === 'string');
    const k = required + '|' + defaults + '|' + (locales === undefined ? '' : locales);
    if (cacheable) { const f = ddf.get(k); if (f) return f; }
    const f = O.create(DateTimeFormat.prototype);
    initDateTimeFormat(f, locales, options, required, defaults);
    if (cacheable && ddf.size < 64) ddf.set(k, f);
    return f;
  }
  const thisNumber = (x, name) => {
    if (typeof x === 'number') return x;
    if (x instanceof Number) return Number.prototype.valueOf.call(x);
    throw new TypeError(`${name} requires that 'this' be a Number`);
  };
  const thisTime = (x, name) => {
    if (!(x instanceof Date)) { try { return Date.prototype.getTime.call(x); } catch (e) { throw new TypeError(`${name} requires that 'this' be a Date`); } }
    return Date.prototype.getTime.call(x);
  };
  const methods = {
    Number: {
      toLocaleString(locales = undefined, options = undefined) {
        return joinParts(formatToPartsNF(nfSlots.get(cachedNF(locales, options)), thisNumber(this, 'Number.prototype.toLocaleString')));
      },
    },
    BigInt: {
      toLocaleString(locales = undefined, options = undefined) {
        const v = typeof this === 'bigint' ? this : BigInt.prototype.valueOf.call(this);
        return joinParts(formatToPartsNF(nfSlots.get(cachedNF(locales, options)), v));
      },
    },
    Date: {
      toLocaleString(locales = undefined, options = undefined) {
        const t = thisTime(this, 'toLocaleString');
        if (Number.isNaN(t)) return 'Invalid Date';
        return joinParts(formatDateParts(dtfSlots.get(dateFormatter(locales, options, 'any', 'all')), t));
      },
      toLocaleDateString(locales = undefined, options = undefined) {
        const t = thisTime(this, 'toLocaleDateString');
        if (Number.isNaN(t)) return 'Invalid Date';
        return joinParts(formatDateParts(dtfSlots.get(dateFormatter(locales, options, 'date', 'date')), t));
      },
      toLocaleTimeString(locales = undefined, options = undefined) {
        const t = thisTime(this, 'toLocaleTimeString');
        if (Number.isNaN(t)) return 'Invalid Date';
        return joinParts(formatDateParts(dtfSlots.get(dateFormatter(locales, options, 'time', 'time')), t));
      },
    },
    String: {
      localeCompare(that, locales = undefined, options = undefined) {
        if (this === undefined || this === null) throw new TypeError('String.prototype.localeCompare called on null or undefined');
        const s = String(this), t = String(that);
        let c;
        if (options === undefined && locales === undefined) { if (!defaultCollator) defaultCollator = new Collator(); c = defaultCollator; }
        else c = new Collator(locales, options);
        return compareStrings(colSlots.get(c), s, t);
      },
      toLocaleUpperCase(locales = undefined) {
        if (this === undefined || this === null) throw new TypeError('String.prototype.toLocaleUpperCase called on null or undefined');
        const s = String(this);
        const l = canonicalizeLocaleList(locales)[0] || '';
        if (/^(tr|az)\b/.test(l)) return s.replace(/i/g, '\u0130').toUpperCase();
        if (/^lt\b/.test(l)) return s.replace(/([iIjJ\u012f\u012e])\u0307/g, '$1').toUpperCase();
        return s.toUpperCase();
      },
      toLocaleLowerCase(locales = undefined) {
        if (this === undefined || this === null) throw new TypeError('String.prototype.toLocaleLowerCase called on null or undefined');
        const s = String(this);
        const l = canonicalizeLocaleList(locales)[0] || '';
        if (/^(tr|az)\b/.test(l)) return s.replace(/I\u0307/g, 'i').replace(/I/g, '\u0131').replace(/\u0130/g, 'i').toLowerCase();
        if (/^lt\b/.test(l)) return s.replace(/([IJ\u012e])(?=[\u0300-\u036f]*[\u0300\u0301\u0303])/g, (m) => m.toLowerCase() + '\u0307').replace(/\u00cc/g, 'i\u0307\u0300').replace(/\u00cd/g, 'i\u0307\u0301').replace(/\u0128/g, 'i\u0307\u0303').toLowerCase();
        return s.toLowerCase();
      },
    },
    Array: {
      toLocaleString(locales = undefined, options = undefined) {
        const o = O(this);
        const len = Math.min(Math.max(0, Math.floor(Number(o.length)) || 0), 2 ** 53 - 1);
        let r = '';
        for (let k = 0; k < len; k++) {
          if (k > 0) r += ',';
          const e = o[k];
          if (e !== undefined && e !== null) r += String(O(e).toLocaleString.call(e, locales, options));
        }
        return r;
      },
    },
  };
  let defaultCollator = null;
  const TypedArrayProto = O.getPrototypeOf(Int8Array.prototype);
  const typedToLocale = {
    toLocaleString(locales = undefined, options = undefined) {
      const len = O.getOwnPropertyDescriptor(TypedArrayProto, 'length').get.call(this);
      let r = '';
      for (let k = 0; k < len; k++) {
        if (k > 0) r += ',';
        const e = this[k];
        if (e !== undefined && e !== null) r += String(O(e).toLocaleString.call(e, locales, options));
      }
      return r;
    },
  };
  // Replace a built-in only while it is still the engine's (or our lazy stub): a method the
  // script installed itself before touching Intl stays.
  const nativeFn = (f, name) => typeof f === 'function' && f.name === name && /\[native code\]/.test(Function.prototype.toString.call(f));
  const patch = (target, impl) => {
    for (const name of O.keys(impl)) {
      if (hasOwn(target, name) && !nativeFn(target[name], name)) continue;
      O.defineProperty(target, name, { value: impl[name], writable: true, enumerable: false, configurable: true });
    }
  };
  for (const [ctor, impl] of O.entries(methods)) patch(g[ctor].prototype, impl);
  patch(TypedArrayProto, typedToLocale);

  return { Intl };
})
