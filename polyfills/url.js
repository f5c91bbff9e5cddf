// The `url` group: WHATWG URL and URLSearchParams (https://url.spec.whatwg.org/).
// A parser written from the standard's state machine. Host names that need
// UTS #46 processing (non-ASCII, or an "xn--" label) go to the Python handler
// `url.domainToASCII`; everything else stays in JS.
(function install(native, g) {
  'use strict';

  const FAIL = Symbol('failure');
  const SPECIAL = { __proto__: null, ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
  const isSpecialScheme = (s) => s in SPECIAL;
  const defaultPort = (s) => (s in SPECIAL ? SPECIAL[s] : null);

  // ---- strings and bytes --------------------------------------------------

  const toUSV = (v) => {
    const s = String(v);
    return s.toWellFormed ? s.toWellFormed() : s;
  };

  function utf8Encode(s) {
    const out = [];
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  // UTF-8 decode without BOM, replacing maximal ill-formed subparts with U+FFFD.
  function utf8Decode(bytes) {
    let out = '';
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const b = bytes[i];
      if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
      let need, cp, lo = 0x80, hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0x0f;
        if (b === 0xe0) lo = 0xa0;
        if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x07;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f;
      } else { out += '\uFFFD'; i++; continue; }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        const c = bytes[j];
        if (j >= n || c < lo || c > hi) { ok = false; break; }
        lo = 0x80; hi = 0xbf;
        cp = (cp << 6) | (c & 63);
      }
      if (!ok) { out += '\uFFFD'; i = j; continue; }
      out += String.fromCodePoint(cp);
      i = j;
    }
    return out;
  }

  const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

  function percentDecodeBytes(bytes) {
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
        i += 2;
      } else out.push(b);
    }
    return out;
  }
  const percentDecode = (s) => percentDecodeBytes(utf8Encode(s));

  const HEX = '0123456789ABCDEF';
  const pctByte = (b) => '%' + HEX[b >> 4] + HEX[b & 15];

  // percent-encode sets, as predicates on a code point
  const C0_SET = (c) => c <= 0x1f || c > 0x7e;
  const FRAGMENT_SET = (c) => C0_SET(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const QUERY_SET = (c) => C0_SET(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const SPECIAL_QUERY_SET = (c) => QUERY_SET(c) || c === 0x27;
  const PATH_SET = (c) => QUERY_SET(c) || c === 0x3f || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7d;
  const USERINFO_SET = (c) => PATH_SET(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d ||
    c === 0x40 || (c >= 0x5b && c <= 0x5d) || c === 0x7c;
  const COMPONENT_SET = (c) => USERINFO_SET(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
  const FORM_SET = (c) => COMPONENT_SET(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

  // Each set as a table over ASCII (1 = encode); every set encodes all non-ASCII.
  const table = (set) => {
    const t = new Uint8Array(128);
    for (let c = 0; c < 128; c++) t[c] = set(c) ? 1 : 0;
    return t;
  };
  const T_C0 = table(C0_SET), T_FRAGMENT = table(FRAGMENT_SET), T_QUERY = table(QUERY_SET);
  const T_SPECIAL_QUERY = table(SPECIAL_QUERY_SET), T_PATH = table(PATH_SET);
  const T_USERINFO = table(USERINFO_SET), T_FORM = table(FORM_SET);

  function encodeCodePoint(ch, t) {
    const c = ch.charCodeAt(0);
    if (c < 128) return t[c] === 1 ? pctByte(c) : ch;
    let s = '';
    for (const b of utf8Encode(ch)) s += pctByte(b);
    return s;
  }
  function encodeString(str, t, spaceAsPlus = false) {
    // most strings need no encoding at all: find the first code unit that does
    const n = str.length;
    let i = 0;
    while (i < n) {
      const c = str.charCodeAt(i);
      if (c >= 128 || t[c] === 1 || (spaceAsPlus && c === 0x20)) break;
      i++;
    }
    if (i === n) return str;
    let out = str.slice(0, i);
    for (const ch of str.slice(i)) {
      out += spaceAsPlus && ch === ' ' ? '+' : encodeCodePoint(ch, t);
    }
    return out;
  }

  // ---- hosts --------------------------------------------------------------

  const FORBIDDEN_HOST = /[\u0000\t\n\r #/:<>?@[\\\]^|]/;
  const FORBIDDEN_DOMAIN = /[\u0000-\u001f #/:<>?@[\\\]^|%\u007f]/;

  const DEC_RE = /^[0-9]+$/, HEX_RE = /^[0-9a-fA-F]+$/, OCT_RE = /^[0-7]+$/;
  function parseIPv4Number(s) {
    if (s === '') return FAIL;
    let radix = 10;
    if (s.length >= 2 && (s.startsWith('0x') || s.startsWith('0X'))) { s = s.slice(2); radix = 16; }
    else if (s.length >= 2 && s[0] === '0') { s = s.slice(1); radix = 8; }
    if (s === '') return 0;
    if (!(radix === 10 ? DEC_RE : radix === 16 ? HEX_RE : OCT_RE).test(s)) return FAIL;
    return parseInt(s, radix);
  }

  function endsInNumber(input) {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== '' && DEC_RE.test(last)) return true;
    return parseIPv4Number(last) !== FAIL;
  }

  function parseIPv4(input) {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return FAIL;
    const nums = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (n === FAIL) return FAIL;
      nums.push(n);
    }
    for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return FAIL;
    const last = nums[nums.length - 1];
    if (last >= 256 ** (5 - nums.length)) return FAIL;
    let ipv4 = last;
    for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * 256 ** (3 - i);
    return ipv4;
  }

  function serializeIPv4(n) {
    const out = [];
    for (let i = 0; i < 4; i++) { out.unshift(String(n % 256)); n = Math.floor(n / 256); }
    return out.join('.');
  }

  function parseIPv6(input) {
    const addr = [0, 0, 0, 0, 0, 0, 0, 0];
    let piece = 0;
    let compress = null;
    let p = 0;
    const s = input;
    const at = (i) => (i < s.length ? s.charCodeAt(i) : -1);
    const isDigit = (c) => c >= 0x30 && c <= 0x39;
    if (at(p) === 0x3a) {
      if (at(p + 1) !== 0x3a) return FAIL;
      p += 2;
      piece++;
      compress = piece;
    }
    while (at(p) !== -1) {
      if (piece === 8) return FAIL;
      if (at(p) === 0x3a) {
        if (compress !== null) return FAIL;
        p++;
        piece++;
        compress = piece;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && isHex(at(p))) {
        value = value * 16 + parseInt(s[p], 16);
        p++;
        length++;
      }
      if (at(p) === 0x2e) {
        if (length === 0) return FAIL;
        p -= length;
        if (piece > 6) return FAIL;
        let numbersSeen = 0;
        while (at(p) !== -1) {
          let ipv4Piece = null;
          if (numbersSeen > 0) {
            if (at(p) === 0x2e && numbersSeen < 4) p++;
            else return FAIL;
          }
          if (!isDigit(at(p))) return FAIL;
          while (isDigit(at(p))) {
            const number = at(p) - 0x30;
            if (ipv4Piece === null) ipv4Piece = number;
            else if (ipv4Piece === 0) return FAIL;
            else ipv4Piece = ipv4Piece * 10 + number;
            if (ipv4Piece > 255) return FAIL;
            p++;
          }
          addr[piece] = addr[piece] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) piece++;
        }
        if (numbersSeen !== 4) return FAIL;
        break;
      } else if (at(p) === 0x3a) {
        p++;
        if (at(p) === -1) return FAIL;
      } else if (at(p) !== -1) return FAIL;
      addr[piece] = value;
      piece++;
    }
    if (compress !== null) {
      let swaps = piece - compress;
      piece = 7;
      while (piece !== 0 && swaps > 0) {
        const t = addr[piece];
        addr[piece] = addr[compress + swaps - 1];
        addr[compress + swaps - 1] = t;
        piece--;
        swaps--;
      }
    } else if (piece !== 8) return FAIL;
    return addr;
  }

  function serializeIPv6(addr) {
    // the first longest run of two or more zero pieces is compressed
    let best = -1, bestLen = 1;
    for (let i = 0; i < 8;) {
      if (addr[i] !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && addr[j] === 0) j++;
      if (j - i > bestLen) { best = i; bestLen = j - i; }
      i = j;
    }
    let out = '';
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && addr[i] === 0) continue;
      ignore0 = false;
      if (best === i) {
        out += i === 0 ? '::' : ':';
        ignore0 = true;
        continue;
      }
      out += addr[i].toString(16);
      if (i !== 7) out += ':';
    }
    return out;
  }

  const ASCII_RE = /^[\u0000-\u007f]*$/;
  function domainToASCII(domain) {
    // the common case needs no UTS #46 processing beyond lowercasing ASCII
    // (WPT expects ASCII labels that are invalid Punycode, like "xn--", to pass through too)
    if (ASCII_RE.test(domain)) return domain.toLowerCase();
    const r = native.callSync('url.domainToASCII', domain);
    return typeof r === 'string' ? r : FAIL;
  }

  function parseHost(input, isOpaque) {
    if (input[0] === '[') {
      if (input[input.length - 1] !== ']') return FAIL;
      const a = parseIPv6(input.slice(1, -1));
      return a === FAIL ? FAIL : '[' + serializeIPv6(a) + ']';
    }
    if (isOpaque) {
      if (FORBIDDEN_HOST.test(input)) return FAIL;
      return encodeString(input, T_C0);
    }
    // input is well-formed, so without '%' decoding changes nothing
    const domain = input.indexOf('%') < 0 ? input : utf8Decode(percentDecode(input));
    const ascii = domainToASCII(domain);
    if (ascii === FAIL || ascii === '') return FAIL;
    if (FORBIDDEN_DOMAIN.test(ascii)) return FAIL;
    if (endsInNumber(ascii)) {
      const n = parseIPv4(ascii);
      return n === FAIL ? FAIL : serializeIPv4(n);
    }
    return ascii;
  }

  // ---- the basic URL parser -----------------------------------------------

  // parser states, as constants: a switch on property reads costs one read per case tried
  const ST_SCHEME_START = 1, ST_SCHEME = 2, ST_NO_SCHEME = 3, ST_SPECIAL_RELATIVE_OR_AUTHORITY = 4,
    ST_PATH_OR_AUTHORITY = 5, ST_RELATIVE = 6, ST_RELATIVE_SLASH = 7, ST_SPECIAL_AUTHORITY_SLASHES = 8,
    ST_SPECIAL_AUTHORITY_IGNORE_SLASHES = 9, ST_AUTHORITY = 10, ST_HOST = 11, ST_HOSTNAME = 12,
    ST_PORT = 13, ST_FILE = 14, ST_FILE_SLASH = 15, ST_FILE_HOST = 16,
    ST_PATH_START = 17, ST_PATH = 18, ST_OPAQUE_PATH = 19, ST_QUERY = 20,
    ST_FRAGMENT = 21;

  // c is one code point as a string, or undefined at the end of input
  const isAlpha = (c) => {
    if (c === undefined || c.length !== 1) return false;
    const x = c.charCodeAt(0) | 0x20;
    return x >= 0x61 && x <= 0x7a;
  };
  const isSchemeChar = (c) => {
    if (c === undefined || c.length !== 1) return false;
    const x = c.charCodeAt(0);
    return isAlpha(c) || (x >= 0x30 && x <= 0x39) || x === 0x2b || x === 0x2d || x === 0x2e;
  };
  const isWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && (s[1] === ':' || s[1] === '|');
  const isNormalizedDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && s[1] === ':';
  function startsWithDriveLetter(cp, p) {
    if (cp.length - p < 2) return false;
    if (!isWindowsDriveLetter(cp[p] + cp[p + 1])) return false;
    if (cp.length - p === 2) return true;
    const c = cp[p + 2];
    return c === '/' || c === '\\' || c === '?' || c === '#';
  }
  const isSingleDot = (s) => s === '.' || (s.length === 3 && s.toLowerCase() === '%2e');
  const isDoubleDot = (s) => {
    if (s.length < 2 || s.length > 6 || (s[0] !== '.' && s[0] !== '%')) return false;
    const l = s.toLowerCase();
    return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e';
  };
  const hasOpaquePath = (url) => typeof url.path === 'string';
  const includesCredentials = (url) => url.username !== '' || url.password !== '';
  const cannotHaveCredentialsOrPort = (url) => url.host === null || url.host === '' || url.scheme === 'file';

  function shortenPath(url) {
    const path = url.path;
    if (url.scheme === 'file' && path.length === 1 && isNormalizedDriveLetter(path[0])) return;
    path.pop();
  }

  const newRecord = () => ({
    scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null,
  });

  const TRIM_RE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, TAB_NL_RE = /[\t\n\r]/, TAB_NL_G_RE = /[\t\n\r]/g;

  // Returns the URL record, or FAIL. With a state override, modifies `url`.
  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = newRecord();
      if (input.charCodeAt(0) <= 0x20 || input.charCodeAt(input.length - 1) <= 0x20) input = input.replace(TRIM_RE, '');
    }
    if (TAB_NL_RE.test(input)) input = input.replace(TAB_NL_G_RE, '');
    let state = stateOverride || ST_SCHEME_START;
    let buffer = '';
    let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
    const cp = Array.from(input);
    const len = cp.length;
    let scheme = null, special = false;
    for (let p = 0; ; p++) {
      const c = cp[p]; // undefined is EOF
      if (url.scheme !== scheme) {
        scheme = url.scheme;
        special = isSpecialScheme(scheme);
      }
      // Three switches by state range: a switch tries its cases one by one, and
      // that dominated the cost per code point with all 21 in one.
      if (state >= ST_PATH_START) {
        switch (state) {
          case ST_PATH: {
            const slash = c === '/' || (special && c === '\\');
            if (c === undefined || slash || (!stateOverride && (c === '?' || c === '#'))) {
              if (isDoubleDot(buffer)) {
                shortenPath(url);
                if (!slash) url.path.push('');
              } else if (isSingleDot(buffer) && !slash) url.path.push('');
              else if (!isSingleDot(buffer)) {
                if (url.scheme === 'file' && url.path.length === 0 && isWindowsDriveLetter(buffer)) {
                  buffer = buffer[0] + ':';
                }
                url.path.push(buffer);
              }
              buffer = '';
              if (c === '?') { url.query = ''; state = ST_QUERY; }
              else if (c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
            } else {
              // the rest of the segment at once
              let e = p + 1;
              for (; e < len; e++) {
                const d = cp[e];
                if (d === '/' || (special && d === '\\') || (!stateOverride && (d === '?' || d === '#'))) break;
              }
              buffer += encodeString(e === p + 1 ? c : cp.slice(p, e).join(''), T_PATH);
              p = e - 1;
            }
            break;
          }
          case ST_OPAQUE_PATH:
            if (c === '?') { url.query = ''; state = ST_QUERY; }
            else if (c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
            else if (c === ' ') {
              const next = cp[p + 1];
              url.path += next === '?' || next === '#' ? '%20' : ' ';
            } else if (c !== undefined) url.path += encodeCodePoint(c, T_C0);
            break;
          case ST_QUERY:
            if ((!stateOverride && c === '#') || c === undefined) {
              url.query += encodeString(buffer, special ? T_SPECIAL_QUERY : T_QUERY);
              buffer = '';
              if (c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
            } else {
              // up to the fragment at once
              let e = stateOverride ? -1 : cp.indexOf('#', p);
              if (e < 0) e = len;
              buffer += cp.slice(p, e).join('');
              p = e - 1;
            }
            break;
          case ST_FRAGMENT:
            if (c !== undefined) {
              url.fragment += encodeString(cp.slice(p).join(''), T_FRAGMENT);
              p = len - 1;
            }
            break;
          case ST_PATH_START:
            if (special) {
              state = ST_PATH;
              if (c !== '/' && c !== '\\') p--;
            } else if (!stateOverride && c === '?') { url.query = ''; state = ST_QUERY; }
            else if (!stateOverride && c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
            else if (c !== undefined) {
              state = ST_PATH;
              if (c !== '/') p--;
            } else if (stateOverride && url.host === null) url.path.push('');
            break;
        }
      } else if (state >= ST_AUTHORITY) {
        switch (state) {
          case ST_AUTHORITY:
            if (c === '@') {
              if (atSignSeen) buffer = '%40' + buffer;
              atSignSeen = true;
              for (const ch of buffer) {
                if (ch === ':' && !passwordTokenSeen) { passwordTokenSeen = true; continue; }
                const enc = encodeCodePoint(ch, T_USERINFO);
                if (passwordTokenSeen) url.password += enc;
                else url.username += enc;
              }
              buffer = '';
            } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special && c === '\\')) {
              if (atSignSeen && buffer === '') return FAIL;
              p -= Array.from(buffer).length + 1;
              buffer = '';
              state = ST_HOST;
            } else {
              let e = p + 1;
              for (; e < len; e++) {
                const d = cp[e];
                if (d === '@' || d === '/' || d === '?' || d === '#' || (special && d === '\\')) break;
              }
              buffer += e === p + 1 ? c : cp.slice(p, e).join('');
              p = e - 1;
            }
            break;
          case ST_HOST:
          case ST_HOSTNAME:
            if (stateOverride && url.scheme === 'file') { p--; state = ST_FILE_HOST; }
            else if (c === ':' && !insideBrackets) {
              if (buffer === '') return FAIL;
              if (stateOverride === ST_HOSTNAME) return FAIL;
              const host = parseHost(buffer, !special);
              if (host === FAIL) return FAIL;
              url.host = host;
              buffer = '';
              state = ST_PORT;
            } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special && c === '\\')) {
              p--;
              if (special && buffer === '') return FAIL;
              if (stateOverride && buffer === '' && (includesCredentials(url) || url.port !== null)) return FAIL;
              const host = parseHost(buffer, !special);
              if (host === FAIL) return FAIL;
              url.host = host;
              buffer = '';
              state = ST_PATH_START;
              if (stateOverride) return url;
            } else {
              let e = p;
              for (; e < len; e++) {
                const d = cp[e];
                if (d === '[') insideBrackets = true;
                else if (d === ']') insideBrackets = false;
                else if ((d === ':' && !insideBrackets) || d === '/' || d === '?' || d === '#' || (special && d === '\\')) {
                  break;
                }
              }
              buffer += cp.slice(p, e).join('');
              p = e - 1;
            }
            break;
          case ST_PORT:
            if (c !== undefined && c >= '0' && c <= '9') buffer += c;
            else if (c === undefined || c === '/' || c === '?' || c === '#' || (special && c === '\\') ||
                     stateOverride) {
              if (buffer !== '') {
                const port = parseInt(buffer, 10);
                if (port > 65535) return FAIL;
                url.port = port === defaultPort(url.scheme) ? null : port;
                buffer = '';
              } else if (stateOverride) return FAIL;
              if (stateOverride) return url;
              state = ST_PATH_START;
              p--;
            } else return FAIL;
            break;
          case ST_FILE:
            url.scheme = 'file';
            url.host = '';
            if (c === '/' || c === '\\') state = ST_FILE_SLASH;
            else if (base && base.scheme === 'file') {
              url.host = base.host;
              url.path = base.path.slice();
              url.query = base.query;
              if (c === '?') { url.query = ''; state = ST_QUERY; }
              else if (c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
              else if (c !== undefined) {
                url.query = null;
                if (!startsWithDriveLetter(cp, p)) shortenPath(url);
                else url.path = [];
                state = ST_PATH;
                p--;
              }
            } else { state = ST_PATH; p--; }
            break;
          case ST_FILE_SLASH:
            if (c === '/' || c === '\\') state = ST_FILE_HOST;
            else {
              if (base && base.scheme === 'file') {
                url.host = base.host;
                if (!startsWithDriveLetter(cp, p) && base.path.length > 0 && isNormalizedDriveLetter(base.path[0])) {
                  url.path.push(base.path[0]);
                }
              }
              state = ST_PATH;
              p--;
            }
            break;
          case ST_FILE_HOST:
            if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
              p--;
              if (!stateOverride && isWindowsDriveLetter(buffer)) state = ST_PATH;
              else if (buffer === '') {
                url.host = '';
                if (stateOverride) return url;
                state = ST_PATH_START;
              } else {
                let host = parseHost(buffer, !special);
                if (host === FAIL) return FAIL;
                if (host === 'localhost') host = '';
                url.host = host;
                if (stateOverride) return url;
                buffer = '';
                state = ST_PATH_START;
              }
            } else buffer += c;
            break;
        }
      } else {
        switch (state) {
          case ST_SCHEME_START:
            if (isAlpha(c)) { buffer += c.toLowerCase(); state = ST_SCHEME; }
            else if (!stateOverride) { state = ST_NO_SCHEME; p--; }
            else return FAIL;
            break;
          case ST_SCHEME:
            if (isSchemeChar(c)) buffer += c.toLowerCase();
            else if (c === ':') {
              if (stateOverride) {
                if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
                if ((includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
                if (url.scheme === 'file' && url.host === '') return url;
              }
              url.scheme = buffer;
              if (stateOverride) {
                if (url.port === defaultPort(url.scheme)) url.port = null;
                return url;
              }
              buffer = '';
              if (url.scheme === 'file') state = ST_FILE;
              else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) {
                state = ST_SPECIAL_RELATIVE_OR_AUTHORITY;
              } else if (isSpecialScheme(url.scheme)) state = ST_SPECIAL_AUTHORITY_SLASHES;
              else if (cp[p + 1] === '/') { state = ST_PATH_OR_AUTHORITY; p++; }
              else { url.path = ''; state = ST_OPAQUE_PATH; }
            } else if (!stateOverride) { buffer = ''; state = ST_NO_SCHEME; p = -1; }
            else return FAIL;
            break;
          case ST_NO_SCHEME:
            if (!base || (hasOpaquePath(base) && c !== '#')) return FAIL;
            if (hasOpaquePath(base) && c === '#') {
              url.scheme = base.scheme;
              url.path = base.path;
              url.query = base.query;
              url.fragment = '';
              state = ST_FRAGMENT;
            } else if (base.scheme !== 'file') { state = ST_RELATIVE; p--; }
            else { state = ST_FILE; p--; }
            break;
          case ST_SPECIAL_RELATIVE_OR_AUTHORITY:
            if (c === '/' && cp[p + 1] === '/') { state = ST_SPECIAL_AUTHORITY_IGNORE_SLASHES; p++; }
            else { state = ST_RELATIVE; p--; }
            break;
          case ST_PATH_OR_AUTHORITY:
            if (c === '/') state = ST_AUTHORITY;
            else { state = ST_PATH; p--; }
            break;
          case ST_RELATIVE:
            url.scheme = base.scheme;
            if (c === '/' || (isSpecialScheme(url.scheme) && c === '\\')) state = ST_RELATIVE_SLASH;
            else {
              url.username = base.username;
              url.password = base.password;
              url.host = base.host;
              url.port = base.port;
              url.path = base.path.slice();
              url.query = base.query;
              if (c === '?') { url.query = ''; state = ST_QUERY; }
              else if (c === '#') { url.fragment = ''; state = ST_FRAGMENT; }
              else if (c !== undefined) {
                url.query = null;
                shortenPath(url);
                state = ST_PATH;
                p--;
              }
            }
            break;
          case ST_RELATIVE_SLASH:
            if (special && (c === '/' || c === '\\')) state = ST_SPECIAL_AUTHORITY_IGNORE_SLASHES;
            else if (c === '/') state = ST_AUTHORITY;
            else {
              url.username = base.username;
              url.password = base.password;
              url.host = base.host;
              url.port = base.port;
              state = ST_PATH;
              p--;
            }
            break;
          case ST_SPECIAL_AUTHORITY_SLASHES:
            state = ST_SPECIAL_AUTHORITY_IGNORE_SLASHES;
            if (c === '/' && cp[p + 1] === '/') p++;
            else p--;
            break;
          case ST_SPECIAL_AUTHORITY_IGNORE_SLASHES:
            if (c !== '/' && c !== '\\') { state = ST_AUTHORITY; p--; }
            break;
        }
      }
      if (p >= len) break;
    }
    return url;
  }

  // ---- serializing ----------------------------------------------------------

  function serializePath(url) {
    if (hasOpaquePath(url)) return url.path;
    let out = '';
    for (const seg of url.path) out += '/' + seg;
    return out;
  }

  function serialize(url, excludeFragment = false) {
    let out = url.scheme + ':';
    if (url.host !== null) {
      out += '//';
      if (includesCredentials(url)) {
        out += url.username;
        if (url.password !== '') out += ':' + url.password;
        out += '@';
      }
      out += url.host;
      if (url.port !== null) out += ':' + url.port;
    } else if (!hasOpaquePath(url) && url.path.length > 1 && url.path[0] === '') out += '/.';
    out += serializePath(url);
    if (url.query !== null) out += '?' + url.query;
    if (!excludeFragment && url.fragment !== null) out += '#' + url.fragment;
    return out;
  }

  function origin(url) {
    switch (url.scheme) {
      case 'blob': {
        const inner = basicParse(serializePath(url), null);
        if (inner !== FAIL && (inner.scheme === 'http' || inner.scheme === 'https')) return origin(inner);
        return 'null';
      }
      case 'ftp': case 'http': case 'https': case 'ws': case 'wss':
        return url.scheme + '://' + url.host + (url.port !== null ? ':' + url.port : '');
      default:
        return 'null';
    }
  }

  // ---- application/x-www-form-urlencoded ------------------------------------

  // `s` is a well-formed string, so without '%' decoding it changes nothing
  function formDecode(s) {
    if (s.indexOf('+') >= 0) s = s.replaceAll('+', ' ');
    return s.indexOf('%') < 0 ? s : utf8Decode(percentDecode(s));
  }

  function formParse(input) {
    const out = [];
    for (const seq of input.split('&')) {
      if (seq === '') continue;
      const i = seq.indexOf('=');
      const name = i < 0 ? seq : seq.slice(0, i);
      const value = i < 0 ? '' : seq.slice(i + 1);
      out.push([
        formDecode(name),
        formDecode(value),
      ]);
    }
    return out;
  }

  function formSerialize(list) {
    return list.map(([n, v]) => encodeString(n, T_FORM, true) + '=' + encodeString(v, T_FORM, true)).join('&');
  }

  // ---- URLSearchParams -------------------------------------------------------

  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  let spSetList, spLink;

  class URLSearchParams {
    #list = [];
    #url = null; // the URL record of the linked URL object, or null

    constructor(init = '') {
      if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
        const iter = init[Symbol.iterator];
        if (iter !== undefined) {
          if (typeof iter !== 'function') throw new TypeError("URLSearchParams: init's @@iterator is not callable");
          for (const pair of init) {
            if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')) {
              throw new TypeError('URLSearchParams: each pair must be a sequence');
            }
            const items = Array.from(pair, toUSV);
            if (items.length !== 2) throw new TypeError('URLSearchParams: each pair must have exactly two items');
            this.#list.push(items);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            if (typeof key !== 'string') continue;
            const desc = Reflect.getOwnPropertyDescriptor(init, key);
            if (desc === undefined || !desc.enumerable) continue;
            this.#list.push([toUSV(key), toUSV(init[key])]);
          }
        }
      } else {
        let s = toUSV(init);
        if (s[0] === '?') s = s.slice(1);
        this.#list = formParse(s);
      }
    }

    static {
      spSetList = (sp, list) => { sp.#list = list; };
      spLink = (sp, url) => { sp.#url = url; };
    }

    #update() {
      const url = this.#url;
      if (url === null) return;
      const s = formSerialize(this.#list);
      url.record.query = s === '' ? null : s;
    }

    get size() { return this.#list.length; }

    append(name, value) {
      if (arguments.length < 2) throw new TypeError('URLSearchParams.append needs 2 arguments');
      this.#list.push([toUSV(name), toUSV(value)]);
      this.#update();
    }

    delete(name, value = undefined) {
      if (arguments.length < 1) throw new TypeError('URLSearchParams.delete needs 1 argument');
      name = toUSV(name);
      if (value === undefined) this.#list = this.#list.filter((e) => e[0] !== name);
      else {
        value = toUSV(value);
        this.#list = this.#list.filter((e) => e[0] !== name || e[1] !== value);
      }
      this.#update();
    }

    get(name) {
      if (arguments.length < 1) throw new TypeError('URLSearchParams.get needs 1 argument');
      name = toUSV(name);
      const e = this.#list.find((x) => x[0] === name);
      return e ? e[1] : null;
    }

    getAll(name) {
      if (arguments.length < 1) throw new TypeError('URLSearchParams.getAll needs 1 argument');
      name = toUSV(name);
      return this.#list.filter((x) => x[0] === name).map((x) => x[1]);
    }

    has(name, value = undefined) {
      if (arguments.length < 1) throw new TypeError('URLSearchParams.has needs 1 argument');
      name = toUSV(name);
      if (value === undefined) return this.#list.some((x) => x[0] === name);
      value = toUSV(value);
      return this.#list.some((x) => x[0] === name && x[1] === value);
    }

    set(name, value) {
      if (arguments.length < 2) throw new TypeError('URLSearchParams.set needs 2 arguments');
      name = toUSV(name);
      value = toUSV(value);
      const i = this.#list.findIndex((x) => x[0] === name);
      if (i < 0) this.#list.push([name, value]);
      else {
        this.#list[i][1] = value;
        this.#list = this.#list.filter((x, j) => j <= i || x[0] !== name);
      }
      this.#update();
    }

    sort() {
      // stable, by UTF-16 code units of the names
      this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#update();
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('URLSearchParams.forEach: callback is not a function');
      for (let i = 0; i < this.#list.length; i++) {
        const [n, v] = this.#list[i];
        callback.call(thisArg, v, n, this);
      }
    }

    entries() { return new URLSearchParamsIterator(() => this.#list, 'entries'); }
    keys() { return new URLSearchParamsIterator(() => this.#list, 'keys'); }
    values() { return new URLSearchParamsIterator(() => this.#list, 'values'); }

    toString() { return formSerialize(this.#list); }

    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  }
  URLSearchParams.prototype[Symbol.iterator] = URLSearchParams.prototype.entries;

  class URLSearchParamsIterator {
    #list;
    #kind;
    #index = 0;
    constructor(list, kind) { this.#list = list; this.#kind = kind; }
    next() {
      const list = this.#list();
      if (this.#index >= list.length) return { value: undefined, done: true };
      const [n, v] = list[this.#index++];
      return { value: this.#kind === 'keys' ? n : this.#kind === 'values' ? v : [n, v], done: false };
    }
    get [Symbol.toStringTag]() { return 'URLSearchParams Iterator'; }
  }
  Object.setPrototypeOf(URLSearchParamsIterator.prototype, IteratorPrototype);

  // ---- URL ----------------------------------------------------------------------

  // The common URLs in one regular expression each, skipping basicParse: an
  // absolute URL with a special scheme other than file, and a path-absolute
  // reference ("/a/b?c#d") against such a base. They accept only code points
  // that no state of the basic parser would encode, remove or rewrite (no
  // backslash, no percent sign in the host, no tab, newline or space, nothing
  // outside printable ASCII). Anything else, or anything the checks in
  // fastParse are unsure of, goes to basicParse, which gives the same record
  // for every input these accept (tests/polyfills/test_url.py checks that).
  const PATH_RE_SRC = '([!$-;=@-[\\]_a-z|~]*)'; // after a "/": no code point of the path set, no "\"
  const QUERY_FRAGMENT_RE_SRC =
    "(?:\\?([!$-&(-;=?-~]*))?" + // no code point of the special-query set
    '(?:#([!#-;=?-_a-~]*))?$'; // no code point of the fragment set
  //   1 scheme, 2 username, 3 password, 4 host, 5 port, 6 path, 7 query, 8 fragment
  const FAST_RE = new RegExp(
    '^(https?|wss?|ftp)://' +
      "(?:([!$-.\\w~]*)(?::([!$-.\\w~]*))?@)?" + // userinfo: no code point of the userinfo set
      '([\\w.-]+)' + // host: ASCII letters, digits, "_", "-", "."
      '(?::([0-9]{0,5}))?' +
      '(?:/' + PATH_RE_SRC + ')?' +
      QUERY_FRAGMENT_RE_SRC,
  );
  //   1 path, 2 query, 3 fragment
  const FAST_REL_RE = new RegExp('^/(?!/)' + PATH_RE_SRC + QUERY_FRAGMENT_RE_SRC);

  // Fills url.path, .query and .fragment; false when a dot segment needs basicParse.
  function fastTail(url, pathText, query, fragment) {
    if (pathText === undefined) url.path = [''];
    else {
      const segs = pathText.split('/');
      for (let i = 0; i < segs.length; i++) {
        const seg = segs[i];
        if ((seg[0] === '.' || seg[0] === '%') && (isSingleDot(seg) || isDoubleDot(seg))) return false;
      }
      url.path = segs;
    }
    if (query !== undefined) url.query = query;
    if (fragment !== undefined) url.fragment = fragment;
    return true;
  }

  function fastParse(input, base) {
    if (base !== null && input.charCodeAt(0) === 0x2f) {
      const scheme = base.scheme;
      if (scheme === 'file' || !(scheme in SPECIAL)) return null;
      const m = FAST_REL_RE.exec(input);
      if (m === null) return null;
      const url = newRecord();
      url.scheme = scheme;
      url.username = base.username;
      url.password = base.password;
      url.host = base.host;
      url.port = base.port;
      return fastTail(url, m[1], m[2], m[3]) ? url : null;
    }
    const m = FAST_RE.exec(input);
    if (m === null) return null;
    const host = m[4];
    // a last label starting with a digit may make this an IPv4 address
    let end = host.length;
    if (host.charCodeAt(end - 1) === 0x2e) end--;
    const start = host.lastIndexOf('.', end - 1) + 1;
    if (start < end) {
      const c = host.charCodeAt(start);
      if (c >= 0x30 && c <= 0x39) return null;
    }
    const url = newRecord();
    url.scheme = m[1];
    if (m[2] !== undefined) url.username = m[2];
    if (m[3] !== undefined) url.password = m[3];
    url.host = host.toLowerCase();
    const portText = m[5];
    if (portText !== undefined && portText !== '') {
      const port = +portText;
      if (port > 65535) return null;
      url.port = port === SPECIAL[url.scheme] ? null : port;
    }
    return fastTail(url, m[6], m[7], m[8]) ? url : null;
  }

  const parse = (input, base) => fastParse(input, base) ?? basicParse(input, base);

  // A base is parsed once for a run of calls with the same base string; the
  // parser only reads a base record, never changes or hands it out.
  let lastBase = null, lastBaseRecord = null;
  function parseBase(base) {
    if (base !== lastBase) {
      lastBaseRecord = parse(base, null);
      lastBase = base;
    }
    return lastBaseRecord;
  }

  function parseWithBase(url, base) {
    let parsedBase = null;
    if (base !== undefined) {
      parsedBase = parseBase(toUSV(base));
      if (parsedBase === FAIL) return FAIL;
    }
    return parse(toUSV(url), parsedBase);
  }

  class URL {
    #box; // { record }: shared with the search params object
    #params = null; // made on first use of searchParams, from the query then

    constructor(url, base = undefined) {
      if (arguments.length < 1) throw new TypeError('URL constructor: at least 1 argument required');
      const record = parseWithBase(url, base);
      if (record === FAIL) throw new TypeError(`Invalid URL: ${toUSV(url)}`);
      this.#box = { record };
    }

    static canParse(url, base = undefined) {
      if (arguments.length < 1) throw new TypeError('URL.canParse: at least 1 argument required');
      return parseWithBase(url, base) !== FAIL;
    }

    static parse(url, base = undefined) {
      if (arguments.length < 1) throw new TypeError('URL.parse: at least 1 argument required');
      try {
        return new URL(url, base);
      } catch {
        return null;
      }
    }

    get href() { return serialize(this.#box.record); }
    set href(value) {
      const record = parse(toUSV(value), null);
      if (record === FAIL) throw new TypeError(`Invalid URL: ${toUSV(value)}`);
      this.#box.record = record;
      if (this.#params !== null) spSetList(this.#params, record.query === null ? [] : formParse(record.query));
    }

    get origin() { return origin(this.#box.record); }

    get protocol() { return this.#box.record.scheme + ':'; }
    set protocol(value) { basicParse(toUSV(value) + ':', null, this.#box.record, ST_SCHEME_START); }

    get username() { return this.#box.record.username; }
    set username(value) {
      const url = this.#box.record;
      if (cannotHaveCredentialsOrPort(url)) return;
      url.username = encodeString(toUSV(value), T_USERINFO);
    }

    get password() { return this.#box.record.password; }
    set password(value) {
      const url = this.#box.record;
      if (cannotHaveCredentialsOrPort(url)) return;
      url.password = encodeString(toUSV(value), T_USERINFO);
    }

    get host() {
      const url = this.#box.record;
      if (url.host === null) return '';
      return url.port === null ? url.host : url.host + ':' + url.port;
    }
    set host(value) {
      const url = this.#box.record;
      if (hasOpaquePath(url)) return;
      basicParse(toUSV(value), null, url, ST_HOST);
    }

    get hostname() { return this.#box.record.host ?? ''; }
    set hostname(value) {
      const url = this.#box.record;
      if (hasOpaquePath(url)) return;
      basicParse(toUSV(value), null, url, ST_HOSTNAME);
    }

    get port() {
      const port = this.#box.record.port;
      return port === null ? '' : String(port);
    }
    set port(value) {
      const url = this.#box.record;
      if (cannotHaveCredentialsOrPort(url)) return;
      value = toUSV(value);
      if (value === '') url.port = null;
      else basicParse(value, null, url, ST_PORT);
    }

    get pathname() { return serializePath(this.#box.record); }
    set pathname(value) {
      const url = this.#box.record;
      if (hasOpaquePath(url)) return;
      url.path = [];
      basicParse(toUSV(value), null, url, ST_PATH_START);
    }

    get search() {
      const q = this.#box.record.query;
      return q === null || q === '' ? '' : '?' + q;
    }
    set search(value) {
      const url = this.#box.record;
      value = toUSV(value);
      if (value === '') {
        url.query = null;
        if (this.#params !== null) spSetList(this.#params, []);
        return;
      }
      const input = value[0] === '?' ? value.slice(1) : value;
      url.query = '';
      basicParse(input, null, url, ST_QUERY);
      if (this.#params !== null) spSetList(this.#params, formParse(input));
    }

    get searchParams() {
      if (this.#params === null) {
        const params = new URLSearchParams();
        const q = this.#box.record.query;
        spSetList(params, q === null ? [] : formParse(q));
        spLink(params, this.#box);
        this.#params = params;
      }
      return this.#params;
    }

    get hash() {
      const f = this.#box.record.fragment;
      return f === null || f === '' ? '' : '#' + f;
    }
    set hash(value) {
      const url = this.#box.record;
      value = toUSV(value);
      if (value === '') {
        url.fragment = null;
        return;
      }
      const input = value[0] === '#' ? value.slice(1) : value;
      url.fragment = '';
      basicParse(input, null, url, ST_FRAGMENT);
    }

    toString() { return serialize(this.#box.record); }
    toJSON() { return serialize(this.#box.record); }

    get [Symbol.toStringTag]() { return 'URL'; }
  }

  // WebIDL: attributes and operations are enumerable
  for (const C of [URL, URLSearchParams]) {
    for (const key of Object.getOwnPropertyNames(C.prototype)) {
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(C.prototype, key);
      d.enumerable = true;
      Object.defineProperty(C.prototype, key, d);
    }
  }

  return { URL, URLSearchParams };
})
