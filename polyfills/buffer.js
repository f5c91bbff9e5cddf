// The `buffer` group: Blob, File, and Node's Buffer (a Uint8Array subclass).
// Text codecs (UTF-8, UTF-16LE, latin1, ASCII, hex, base64, base64url) are
// implemented here so the group needs nothing but `_streams` (Blob.stream()).
(function install(native, g) {
  'use strict';

  const INTERNAL = {};

  // ---- text codecs -------------------------------------------------------------------------------

  function utf8Encode(str) {
    str = String(str);
    const out = new Uint8Array(str.length * 3);
    let o = 0;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      }
      if (c < 0x80) out[o++] = c;
      else if (c < 0x800) { out[o++] = 0xc0 | (c >> 6); out[o++] = 0x80 | (c & 63); }
      else if (c < 0x10000) { out[o++] = 0xe0 | (c >> 12); out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63); }
      else {
        out[o++] = 0xf0 | (c >> 18); out[o++] = 0x80 | ((c >> 12) & 63);
        out[o++] = 0x80 | ((c >> 6) & 63); out[o++] = 0x80 | (c & 63);
      }
    }
    return out.slice(0, o);
  }

  // (join, not +=: concatenation makes rope strings, which the host codec cannot send yet)
  function codeUnitsToString(units, n) {
    if (n <= 8192) return String.fromCharCode.apply(null, units.subarray(0, n));
    const parts = [];
    for (let i = 0; i < n; i += 8192) parts.push(String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + 8192))));
    return parts.join('');
  }

  // WHATWG UTF-8 decode with U+FFFD for each maximal invalid subpart.
  function utf8Decode(b) {
    const units = new Uint16Array(b.length);
    let n = 0, i = 0;
    const len = b.length;
    while (i < len) {
      const c = b[i];
      if (c < 0x80) { units[n++] = c; i++; continue; }
      let need, cp, lower = 0x80, upper = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
      else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0xf; if (c === 0xe0) lower = 0xa0; if (c === 0xed) upper = 0x9f; }
      else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 7; if (c === 0xf0) lower = 0x90; if (c === 0xf4) upper = 0x8f; }
      else { units[n++] = 0xfffd; i++; continue; }
      let j = i + 1, ok = true;
      for (let k = 0; k < need; k++, j++) {
        const d = j < len ? b[j] : -1;
        if (d < lower || d > upper) { ok = false; break; }
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (d & 0x3f);
      }
      if (!ok) { units[n++] = 0xfffd; i = j; continue; }
      i = j;
      if (cp >= 0x10000) { cp -= 0x10000; units[n++] = 0xd800 + (cp >> 10); units[n++] = 0xdc00 + (cp & 0x3ff); }
      else units[n++] = cp;
    }
    return codeUnitsToString(units, n);
  }

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const B64REV = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) { B64REV[B64.charCodeAt(i)] = i; B64REV[B64URL.charCodeAt(i)] = i; }

  function base64Encode(b, url) {
    const abc = url ? B64URL : B64;
    const units = new Uint16Array(Math.ceil(b.length / 3) * 4);
    let n = 0, i = 0;
    for (; i + 2 < b.length; i += 3) {
      const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      units[n++] = abc.charCodeAt(v >> 18); units[n++] = abc.charCodeAt((v >> 12) & 63);
      units[n++] = abc.charCodeAt((v >> 6) & 63); units[n++] = abc.charCodeAt(v & 63);
    }
    const rest = b.length - i;
    if (rest) {
      const v = (b[i] << 16) | (rest === 2 ? b[i + 1] << 8 : 0);
      units[n++] = abc.charCodeAt(v >> 18); units[n++] = abc.charCodeAt((v >> 12) & 63);
      if (rest === 2) units[n++] = abc.charCodeAt((v >> 6) & 63);
      if (!url) { if (rest === 2) units[n++] = 61; else { units[n++] = 61; units[n++] = 61; } }
    }
    return codeUnitsToString(units, n);
  }
  // Lenient like Node: either alphabet, whitespace and junk skipped, stops at '='.
  function base64Decode(str) {
    const out = new Uint8Array(Math.ceil(str.length * 3 / 4));
    let o = 0, acc = 0, bits = 0;
    for (let i = 0; i < str.length; i++) {
      const c = str.charCodeAt(i);
      if (c === 61) break;
      const v = c < 128 ? B64REV[c] : -1;
      if (v < 0) continue;
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 255; }
    }
    return out.slice(0, o);
  }
  const HEX = '0123456789abcdef';
  function hexEncode(b) {
    const units = new Uint16Array(b.length * 2);
    for (let i = 0; i < b.length; i++) { units[2 * i] = HEX.charCodeAt(b[i] >> 4); units[2 * i + 1] = HEX.charCodeAt(b[i] & 15); }
    return codeUnitsToString(units, units.length);
  }
  function hexDecode(str) {
    const out = new Uint8Array(str.length >> 1);
    let o = 0;
    for (let i = 0; i + 1 < str.length; i += 2) {
      const hi = parseInt(str[i], 16), lo = parseInt(str[i + 1], 16);
      if (Number.isNaN(hi) || Number.isNaN(lo)) break;
      out[o++] = (hi << 4) | lo;
    }
    return out.slice(0, o);
  }
  function latin1Encode(str) {
    const out = new Uint8Array(str.length);
    for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 255;
    return out;
  }
  function latin1Decode(b, mask) {
    const units = new Uint16Array(b.length);
    for (let i = 0; i < b.length; i++) units[i] = b[i] & mask;
    return codeUnitsToString(units, b.length);
  }
  function utf16Encode(str) {
    const out = new Uint8Array(str.length * 2);
    for (let i = 0; i < str.length; i++) { const c = str.charCodeAt(i); out[2 * i] = c & 255; out[2 * i + 1] = c >> 8; }
    return out;
  }
  function utf16Decode(b) {
    const n = b.length >> 1;
    const units = new Uint16Array(n);
    for (let i = 0; i < n; i++) units[i] = b[2 * i] | (b[2 * i + 1] << 8);
    return codeUnitsToString(units, n);
  }

  function normEncoding(enc) {
    if (enc === undefined || enc === null) return 'utf8';
    switch (String(enc).toLowerCase()) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'latin1': case 'binary': return 'latin1';
      case 'ascii': return 'ascii';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
      default: return null;
    }
  }
  function encodingOf(enc) {
    const e = normEncoding(enc);
    if (e === null) throw new TypeError(`Unknown encoding: ${enc}`);
    return e;
  }
  function encodeString(str, enc) {
    str = String(str);
    switch (enc) {
      case 'utf8': return utf8Encode(str);
      case 'hex': return hexDecode(str);
      case 'base64': case 'base64url': return base64Decode(str);
      case 'latin1': case 'ascii': return latin1Encode(str);
      case 'utf16le': return utf16Encode(str);
    }
    throw new TypeError(`Unknown encoding: ${enc}`);
  }
  function decodeBytes(b, enc) {
    switch (enc) {
      case 'utf8': return utf8Decode(b);
      case 'hex': return hexEncode(b);
      case 'base64': return base64Encode(b, false);
      case 'base64url': return base64Encode(b, true);
      case 'latin1': return latin1Decode(b, 255);
      case 'ascii': return latin1Decode(b, 127);
      case 'utf16le': return utf16Decode(b);
    }
    throw new TypeError(`Unknown encoding: ${enc}`);
  }

  function viewBytes(v) {
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    if (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer) return new Uint8Array(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return null;
  }

  // ---- Blob and File -----------------------------------------------------------------------------

  let blobBytes;

  function normalizeType(t) {
    if (t === undefined) return '';
    t = String(t);
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) return '';
    }
    return t.toLowerCase();
  }

  function blobParts(parts, endings) {
    if (parts === undefined) return new Uint8Array(0);
    if (parts === null || typeof parts !== 'object' || typeof parts[Symbol.iterator] !== 'function') {
      throw new TypeError("Blob parts must be a sequence (an array or other iterable)");
    }
    const chunks = [];
    let total = 0;
    for (const part of parts) {
      let bytes = viewBytes(part);
      if (bytes) bytes = bytes.slice();
      else if (part !== null && typeof part === 'object' && blobBytes(part)) bytes = blobBytes(part);
      else {
        let s = String(part);
        if (endings === 'native') s = s.replace(/\r\n?/g, '\n');
        bytes = utf8Encode(s);
      }
      chunks.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
    return out;
  }

  function relIndex(v, size, dflt) {
    if (v === undefined) return dflt;
    let n = Math.trunc(Number(v)) || 0;
    if (n < 0) n = Math.max(size + n, 0);
    return Math.min(n, size);
  }

  class Blob {
    #bytes;
    #type;
    constructor(blobParts_ = undefined, options = undefined) {
      if (blobParts_ === INTERNAL) { this.#bytes = options.bytes; this.#type = options.type; return; }
      const opts = options == null ? {} : options;
      if (typeof opts !== 'object' && typeof opts !== 'function') throw new TypeError('Blob options must be an object');
      const endings = opts.endings === undefined ? 'transparent' : String(opts.endings);
      if (endings !== 'transparent' && endings !== 'native') throw new TypeError(`invalid endings '${endings}'`);
      this.#bytes = blobParts(blobParts_, endings);
      this.#type = normalizeType(opts.type);
    }
    static {
      blobBytes = (o) => (#bytes in o ? o.#bytes : null);
    }
    get size() { return this.#bytes.length; }
    get type() { return this.#type; }
    slice(start = undefined, end = undefined, contentType = undefined) {
      const size = this.#bytes.length;
      const from = relIndex(start, size, 0), to = relIndex(end, size, size);
      const bytes = this.#bytes.subarray(from, Math.max(from, to));
      return new Blob(INTERNAL, { bytes, type: normalizeType(contentType) });
    }
    text() { return Promise.resolve(utf8Decode(this.#bytes)); }
    arrayBuffer() { return Promise.resolve(this.#bytes.slice().buffer); }
    bytes() { return Promise.resolve(this.#bytes.slice()); }
    stream() {
      const bytes = this.#bytes;
      let pos = 0;
      return new g.ReadableStream({
        type: 'bytes',
        pull(c) {
          if (pos >= bytes.length) { c.close(); return; }
          const end = Math.min(bytes.length, pos + 65536);
          c.enqueue(bytes.slice(pos, end));
          pos = end;
          if (pos >= bytes.length) c.close();
        },
      });
    }
    get [Symbol.toStringTag]() { return 'Blob'; }
  }

  class File extends Blob {
    #name;
    #lastModified;
    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) throw new TypeError('File requires (fileBits, fileName)');
      super(fileBits, options);
      this.#name = String(fileName);
      const lm = options == null ? undefined : options.lastModified;
      this.#lastModified = lm === undefined ? Date.now() : (Math.trunc(Number(lm)) || 0);
    }
    get name() { return this.#name; }
    get lastModified() { return this.#lastModified; }
    get webkitRelativePath() { return ''; }
    get [Symbol.toStringTag]() { return 'File'; }
  }

  // ---- Buffer ------------------------------------------------------------------------------------

  function outOfRange(name, range, value) {
    const e = new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${value}`);
    e.code = 'ERR_OUT_OF_RANGE';
    return e;
  }
  function checkOffset(buf, offset, size) {
    if (offset === undefined) offset = 0;
    if (typeof offset !== 'number') throw new TypeError('The "offset" argument must be of type number');
    if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
      if (buf.length - size < 0) {
        const e = new RangeError('Attempt to access memory outside buffer bounds');
        e.code = 'ERR_BUFFER_OUT_OF_BOUNDS';
        throw e;
      }
      throw outOfRange('offset', `>= 0 and <= ${buf.length - size}`, offset);
    }
    return offset;
  }
  function dv(buf) { return new DataView(buf.buffer, buf.byteOffset, buf.byteLength); }
  function checkInt(value, min, max) {
    if (typeof value !== 'number' && typeof value !== 'bigint') value = Number(value);
    if (value < min || value > max) throw outOfRange('value', `>= ${min} and <= ${max}`, value);
    return value;
  }

  function toBytesArg(value, enc) {
    if (typeof value === 'string') return encodeString(value, encodingOf(enc));
    const b = viewBytes(value);
    if (b) return b;
    throw new TypeError('The argument must be a string, Buffer, or Uint8Array');
  }

  function indexOfBytes(hay, needle, from, last) {
    const n = needle.length, h = hay.length;
    if (last) {
      for (let i = Math.min(from, h - n); i >= 0; i--) {
        let j = 0;
        while (j < n && hay[i + j] === needle[j]) j++;
        if (j === n) return i;
      }
      return -1;
    }
    if (n === 0) return from <= h ? from : h;
    const first = needle[0];
    for (let i = from; i <= h - n; i++) {
      if (hay[i] !== first) continue;
      let j = 1;
      while (j < n && hay[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    return -1;
  }

  function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }

  function searchArgs(buf, value, byteOffset, encoding, last) {
    if (typeof byteOffset === 'string') { encoding = byteOffset; byteOffset = undefined; }
    let off = byteOffset === undefined ? (last ? buf.length : 0) : Math.trunc(Number(byteOffset));
    if (Number.isNaN(off)) off = last ? buf.length : 0;
    if (off < 0) off = buf.length + off;
    if (off < 0) off = last ? -1 : 0;
    let needle;
    if (typeof value === 'number') needle = new Uint8Array([value & 255]);
    else needle = toBytesArg(value, encoding);
    return [needle, off];
  }

  class Buffer extends Uint8Array {
    static poolSize = 8192;

    static from(value, encodingOrOffset = undefined, length = undefined) {
      if (typeof value === 'string') {
        const bytes = encodeString(value, encodingOf(encodingOrOffset));
        return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
      }
      if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) {
        const off = encodingOrOffset === undefined ? 0 : Math.trunc(Number(encodingOrOffset)) || 0;
        if (off < 0 || off > value.byteLength) throw new RangeError('"offset" is outside of buffer bounds');
        const len = length === undefined ? value.byteLength - off : Math.trunc(Number(length)) || 0;
        if (len < 0 || off + len > value.byteLength) throw new RangeError('"length" is outside of buffer bounds');
        return new Buffer(value, off, len);
      }
      if (value === null || value === undefined || typeof value !== 'object') {
        throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
      }
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        const out = Buffer.alloc(value.length);
        for (let i = 0; i < value.length; i++) out[i] = Number(value[i]) & 255;
        return out;
      }
      if (value instanceof DataView) {
        return Buffer.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      }
      const prim = typeof value.valueOf === 'function' ? value.valueOf() : value;
      if (prim !== value && prim !== null && prim !== undefined) return Buffer.from(prim, encodingOrOffset, length);
      if (value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data);
      if (typeof value.length === 'number' || Array.isArray(value)) {
        const out = Buffer.alloc(value.length >>> 0);
        for (let i = 0; i < out.length; i++) out[i] = Number(value[i]) & 255;
        return out;
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
    }
    static alloc(size, fill = undefined, encoding = undefined) {
      const buf = new Buffer(checkSize(size));
      if (fill !== undefined && fill !== 0 && buf.length > 0) buf.fill(fill, 0, buf.length, encoding);
      return buf;
    }
    static allocUnsafe(size) { return new Buffer(checkSize(size)); }
    static allocUnsafeSlow(size) { return new Buffer(checkSize(size)); }
    static isBuffer(obj) { return obj instanceof Buffer; }
    static isEncoding(enc) { return typeof enc === 'string' && normEncoding(enc) !== null; }
    static byteLength(value, encoding = undefined) {
      if (typeof value === 'string') return encodeString(value, normEncoding(encoding) || 'utf8').length;
      const b = viewBytes(value);
      if (b) return b.length;
      throw new TypeError('The "string" argument must be of type string or an instance of Buffer or ArrayBuffer.');
    }
    static concat(list, totalLength = undefined) {
      if (!Array.isArray(list)) throw new TypeError('The "list" argument must be an instance of Array.');
      let total = 0;
      for (const item of list) {
        if (!(item instanceof Uint8Array)) throw new TypeError('The "list" argument must contain only Buffer or Uint8Array instances.');
        total += item.length;
      }
      if (totalLength !== undefined) total = checkSize(totalLength);
      const out = Buffer.alloc(total);
      let o = 0;
      for (const item of list) {
        if (o >= total) break;
        const part = item.length > total - o ? item.subarray(0, total - o) : item;
        out.set(part, o);
        o += part.length;
      }
      return out;
    }
    static compare(a, b) {
      if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) throw new TypeError('Buffer.compare arguments must be Buffers or Uint8Arrays');
      return compareBytes(a, b);
    }

    toString(encoding = undefined, start = undefined, end = undefined) {
      const enc = encodingOf(encoding);
      let s = start === undefined ? 0 : Math.max(0, Math.trunc(Number(start)) || 0);
      let e = end === undefined ? this.length : Math.min(this.length, Math.trunc(Number(end)) || 0);
      if (e <= s) return '';
      return decodeBytes(new Uint8Array(this.buffer, this.byteOffset + s, e - s), enc);
    }
    toLocaleString(encoding, start, end) { return this.toString(encoding, start, end); }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
    equals(other) {
      if (!(other instanceof Uint8Array)) throw new TypeError('The "otherBuffer" argument must be a Buffer or Uint8Array');
      return compareBytes(this, other) === 0;
    }
    compare(target, targetStart = undefined, targetEnd = undefined, sourceStart = undefined, sourceEnd = undefined) {
      if (!(target instanceof Uint8Array)) throw new TypeError('The "target" argument must be a Buffer or Uint8Array');
      const t = target.subarray(targetStart ?? 0, targetEnd ?? target.length);
      const s = this.subarray(sourceStart ?? 0, sourceEnd ?? this.length);
      return compareBytes(s, t);
    }
    copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
      targetStart = Math.max(0, Math.trunc(targetStart) || 0);
      sourceStart = Math.max(0, Math.trunc(sourceStart) || 0);
      sourceEnd = Math.min(this.length, Math.trunc(sourceEnd) || 0);
      if (sourceEnd <= sourceStart || targetStart >= target.length) return 0;
      const n = Math.min(sourceEnd - sourceStart, target.length - targetStart);
      target.set(new Uint8Array(this.buffer, this.byteOffset + sourceStart, n), targetStart);
      return n;
    }
    slice(start = undefined, end = undefined) { return this.subarray(start, end); }
    write(string, offset = undefined, length = undefined, encoding = undefined) {
      if (typeof string !== 'string') throw new TypeError('The "string" argument must be of type string');
      if (typeof offset === 'string') { encoding = offset; offset = undefined; length = undefined; }
      else if (typeof length === 'string') { encoding = length; length = undefined; }
      const off = offset === undefined ? 0 : Math.trunc(Number(offset));
      if (!(off >= 0) || off > this.length) throw outOfRange('offset', `>= 0 && <= ${this.length}`, offset);
      const room = this.length - off;
      let max = length === undefined ? room : Math.min(room, Math.max(0, Math.trunc(Number(length)) || 0));
      const enc = encodingOf(encoding);
      const bytes = encodeString(string, enc);
      let n = Math.min(max, bytes.length);
      if (n < bytes.length) {
        if (enc === 'utf8') {
          while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
        } else if (enc === 'utf16le') n &= ~1;
      }
      this.set(bytes.subarray(0, n), off);
      return n;
    }
    fill(value, offset = undefined, end = undefined, encoding = undefined) {
      if (typeof offset === 'string') { encoding = offset; offset = undefined; end = undefined; }
      else if (typeof end === 'string') { encoding = end; end = undefined; }
      const s = offset === undefined ? 0 : Math.trunc(Number(offset));
      const e = end === undefined ? this.length : Math.trunc(Number(end));
      if (!(s >= 0) || s > this.length) throw outOfRange('offset', `>= 0 && <= ${this.length}`, offset);
      if (!(e >= 0) || e > this.length) throw outOfRange('end', `>= 0 && <= ${this.length}`, end);
      if (e <= s) return this;
      if (typeof value === 'number' || typeof value === 'boolean') {
        Uint8Array.prototype.fill.call(this, Number(value) & 255, s, e);
        return this;
      }
      const pattern = typeof value === 'string' ? encodeString(value, encodingOf(encoding)) : viewBytes(value);
      if (!pattern) { Uint8Array.prototype.fill.call(this, 0, s, e); return this; }
      if (pattern.length === 0) {
        if (typeof value === 'string' && value.length === 0) { Uint8Array.prototype.fill.call(this, 0, s, e); return this; }
        throw new TypeError('The argument "value" is invalid.');
      }
      for (let i = s; i < e; i++) this[i] = pattern[(i - s) % pattern.length];
      return this;
    }
    indexOf(value, byteOffset = undefined, encoding = undefined) {
      const [needle, off] = searchArgs(this, value, byteOffset, encoding, false);
      return indexOfBytes(this, needle, off, false);
    }
    lastIndexOf(value, byteOffset = undefined, encoding = undefined) {
      const [needle, off] = searchArgs(this, value, byteOffset, encoding, true);
      if (off < 0) return -1;
      return indexOfBytes(this, needle, off, true);
    }
    includes(value, byteOffset = undefined, encoding = undefined) { return this.indexOf(value, byteOffset, encoding) !== -1; }

    swap16() { return swap(this, 2); }
    swap32() { return swap(this, 4); }
    swap64() { return swap(this, 8); }

    readUInt8(offset = 0) { return this[checkOffset(this, offset, 1)]; }
    readInt8(offset = 0) { return dv(this).getInt8(checkOffset(this, offset, 1)); }
    readUInt16LE(offset = 0) { return dv(this).getUint16(checkOffset(this, offset, 2), true); }
    readUInt16BE(offset = 0) { return dv(this).getUint16(checkOffset(this, offset, 2), false); }
    readInt16LE(offset = 0) { return dv(this).getInt16(checkOffset(this, offset, 2), true); }
    readInt16BE(offset = 0) { return dv(this).getInt16(checkOffset(this, offset, 2), false); }
    readUInt32LE(offset = 0) { return dv(this).getUint32(checkOffset(this, offset, 4), true); }
    readUInt32BE(offset = 0) { return dv(this).getUint32(checkOffset(this, offset, 4), false); }
    readInt32LE(offset = 0) { return dv(this).getInt32(checkOffset(this, offset, 4), true); }
    readInt32BE(offset = 0) { return dv(this).getInt32(checkOffset(this, offset, 4), false); }
    readFloatLE(offset = 0) { return dv(this).getFloat32(checkOffset(this, offset, 4), true); }
    readFloatBE(offset = 0) { return dv(this).getFloat32(checkOffset(this, offset, 4), false); }
    readDoubleLE(offset = 0) { return dv(this).getFloat64(checkOffset(this, offset, 8), true); }
    readDoubleBE(offset = 0) { return dv(this).getFloat64(checkOffset(this, offset, 8), false); }
    readBigUInt64LE(offset = 0) { return dv(this).getBigUint64(checkOffset(this, offset, 8), true); }
    readBigUInt64BE(offset = 0) { return dv(this).getBigUint64(checkOffset(this, offset, 8), false); }
    readBigInt64LE(offset = 0) { return dv(this).getBigInt64(checkOffset(this, offset, 8), true); }
    readBigInt64BE(offset = 0) { return dv(this).getBigInt64(checkOffset(this, offset, 8), false); }
    readUIntLE(offset, byteLength) { return readVar(this, offset, byteLength, true, false); }
    readUIntBE(offset, byteLength) { return readVar(this, offset, byteLength, false, false); }
    readIntLE(offset, byteLength) { return readVar(this, offset, byteLength, true, true); }
    readIntBE(offset, byteLength) { return readVar(this, offset, byteLength, false, true); }

    writeUInt8(value, offset = 0) { const o = checkOffset(this, offset, 1); this[o] = checkInt(value, 0, 0xff); return o + 1; }
    writeInt8(value, offset = 0) { const o = checkOffset(this, offset, 1); dv(this).setInt8(o, checkInt(value, -0x80, 0x7f)); return o + 1; }
    writeUInt16LE(value, offset = 0) { return writeDv(this, 'setUint16', 2, value, offset, true, 0, 0xffff); }
    writeUInt16BE(value, offset = 0) { return writeDv(this, 'setUint16', 2, value, offset, false, 0, 0xffff); }
    writeInt16LE(value, offset = 0) { return writeDv(this, 'setInt16', 2, value, offset, true, -0x8000, 0x7fff); }
    writeInt16BE(value, offset = 0) { return writeDv(this, 'setInt16', 2, value, offset, false, -0x8000, 0x7fff); }
    writeUInt32LE(value, offset = 0) { return writeDv(this, 'setUint32', 4, value, offset, true, 0, 0xffffffff); }
    writeUInt32BE(value, offset = 0) { return writeDv(this, 'setUint32', 4, value, offset, false, 0, 0xffffffff); }
    writeInt32LE(value, offset = 0) { return writeDv(this, 'setInt32', 4, value, offset, true, -0x80000000, 0x7fffffff); }
    writeInt32BE(value, offset = 0) { return writeDv(this, 'setInt32', 4, value, offset, false, -0x80000000, 0x7fffffff); }
    writeFloatLE(value, offset = 0) { return writeDv(this, 'setFloat32', 4, Number(value), offset, true); }
    writeFloatBE(value, offset = 0) { return writeDv(this, 'setFloat32', 4, Number(value), offset, false); }
    writeDoubleLE(value, offset = 0) { return writeDv(this, 'setFloat64', 8, Number(value), offset, true); }
    writeDoubleBE(value, offset = 0) { return writeDv(this, 'setFloat64', 8, Number(value), offset, false); }
    writeBigUInt64LE(value, offset = 0) { return writeDv(this, 'setBigUint64', 8, value, offset, true, 0n, 0xffffffffffffffffn); }
    writeBigUInt64BE(value, offset = 0) { return writeDv(this, 'setBigUint64', 8, value, offset, false, 0n, 0xffffffffffffffffn); }
    writeBigInt64LE(value, offset = 0) { return writeDv(this, 'setBigInt64', 8, value, offset, true, -(2n ** 63n), 2n ** 63n - 1n); }
    writeBigInt64BE(value, offset = 0) { return writeDv(this, 'setBigInt64', 8, value, offset, false, -(2n ** 63n), 2n ** 63n - 1n); }
    writeUIntLE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, true, false); }
    writeUIntBE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, false, false); }
    writeIntLE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, true, true); }
    writeIntBE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, false, true); }
  }

  function checkSize(size) {
    if (typeof size !== 'number') throw new TypeError('The "size" argument must be of type number');
    if (!(size >= 0) || size > 2 ** 32 || !Number.isFinite(size)) throw outOfRange('size', '>= 0 && <= 4294967296', size);
    return Math.trunc(size);
  }
  function swap(buf, n) {
    if (buf.length % n !== 0) throw new RangeError(`Buffer size must be a multiple of ${n * 8}-bits`);
    for (let i = 0; i < buf.length; i += n) {
      for (let a = i, b = i + n - 1; a < b; a++, b--) { const t = buf[a]; buf[a] = buf[b]; buf[b] = t; }
    }
    return buf;
  }
  function writeDv(buf, method, size, value, offset, le, min, max) {
    const o = checkOffset(buf, offset, size);
    if (min !== undefined) value = checkInt(value, min, max);
    dv(buf)[method](o, value, le);
    return o + size;
  }
  function checkByteLength(n) {
    if (!Number.isInteger(n) || n < 1 || n > 6) throw outOfRange('byteLength', '>= 1 and <= 6', n);
  }
  function readVar(buf, offset, byteLength, le, signed) {
    checkByteLength(byteLength);
    const o = checkOffset(buf, offset, byteLength);
    let v = 0;
    for (let i = 0; i < byteLength; i++) v += buf[o + (le ? i : byteLength - 1 - i)] * 2 ** (8 * i);
    if (signed && v >= 2 ** (8 * byteLength - 1)) v -= 2 ** (8 * byteLength);
    return v;
  }
  function writeVar(buf, value, offset, byteLength, le, signed) {
    checkByteLength(byteLength);
    const o = checkOffset(buf, offset, byteLength);
    const bits = 8 * byteLength;
    value = checkInt(value, signed ? -(2 ** (bits - 1)) : 0, signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1);
    let v = value < 0 ? value + 2 ** bits : value;
    for (let i = 0; i < byteLength; i++) {
      buf[o + (le ? i : byteLength - 1 - i)] = v % 256;
      v = Math.floor(v / 256);
    }
    return o + byteLength;
  }

  // Node's lower-case aliases (readUint8, writeUint16LE, ...).
  for (const name of Object.getOwnPropertyNames(Buffer.prototype)) {
    if (/^(read|write)(Big)?UInt/.test(name)) {
      const alias = name.replace('UInt', 'Uint');
      Object.defineProperty(Buffer.prototype, alias, {
        value: Buffer.prototype[name], writable: true, configurable: true, enumerable: false,
      });
    }
  }

  return { Blob, File, Buffer };
})
