// @shared domError
(function install(native, g, shared) {
  "use strict";

  // WHATWG Encoding Standard: [name, space-separated labels], generated from
  // the standard's encodings.json.
  const TABLE = [
    ["UTF-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"],
    ["IBM866", "866 cp866 csibm866 ibm866"],
    ["ISO-8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"],
    ["ISO-8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"],
    ["ISO-8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"],
    ["ISO-8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988"],
    ["ISO-8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"],
    ["ISO-8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"],
    ["ISO-8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual"],
    ["ISO-8859-8-I", "csiso88598i iso-8859-8-i logical"],
    ["ISO-8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"],
    ["ISO-8859-13", "iso-8859-13 iso8859-13 iso885913"],
    ["ISO-8859-14", "iso-8859-14 iso8859-14 iso885914"],
    ["ISO-8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"],
    ["ISO-8859-16", "iso-8859-16"],
    ["KOI8-R", "cskoi8r koi koi8 koi8-r koi8_r"],
    ["KOI8-U", "koi8-ru koi8-u"],
    ["macintosh", "csmacintosh mac macintosh x-mac-roman"],
    ["windows-874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"],
    ["windows-1250", "cp1250 windows-1250 x-cp1250"],
    ["windows-1251", "cp1251 windows-1251 x-cp1251"],
    ["windows-1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"],
    ["windows-1253", "cp1253 windows-1253 x-cp1253"],
    ["windows-1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"],
    ["windows-1255", "cp1255 windows-1255 x-cp1255"],
    ["windows-1256", "cp1256 windows-1256 x-cp1256"],
    ["windows-1257", "cp1257 windows-1257 x-cp1257"],
    ["windows-1258", "cp1258 windows-1258 x-cp1258"],
    ["x-mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"],
    ["GBK", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"],
    ["gb18030", "gb18030"],
    ["Big5", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"],
    ["EUC-JP", "cseucpkdfmtjapanese euc-jp x-euc-jp"],
    ["ISO-2022-JP", "csiso2022jp iso-2022-jp"],
    ["Shift_JIS", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"],
    ["EUC-KR", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 windows-949"],
    ["replacement", "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement"],
    ["UTF-16BE", "unicodefffe utf-16be"],
    ["UTF-16LE", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"],
    ["x-user-defined", "x-user-defined"],
  ];
  const LABELS = new Map();
  for (const [name, labels] of TABLE) {
    for (const label of labels.split(" ")) LABELS.set(label, name);
  }
  // Encodings decoded in JS; every other one is decoded by the host.
  const JS_ENCODINGS = new Set(["UTF-8", "UTF-16LE", "UTF-16BE"]);
  const hostSupport = new Map();

  const CHUNK = 8192;
  const fromCodes = (units) => {
    if (units.length <= CHUNK) return String.fromCharCode.apply(null, units);
    let out = "";
    for (let i = 0; i < units.length; i += CHUNK) {
      out += String.fromCharCode.apply(null, units.slice(i, i + CHUNK));
    }
    return out;
  };

  const trimLabel = (label) => label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();

  const toBytes = (input) => {
    if (input === undefined) return new Uint8Array(0);
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer) {
      return new Uint8Array(input);
    }
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError("The \"input\" argument must be an ArrayBuffer or an ArrayBufferView");
  };

  const decodeError = (encoding) => new TypeError(`The encoded data was not valid for encoding ${encoding}`);

  // ---- UTF-8 (WHATWG "UTF-8 decoder", streaming) ----------------------------------------------

  class Utf8Decoder {
    #cp = 0; #needed = 0; #seen = 0; #lower = 0x80; #upper = 0xbf;
    #fatal;
    constructor(fatal) { this.#fatal = fatal; }

    decode(bytes, flush) {
      const out = [];
      let parts = "";
      const n = bytes.length;
      let i = 0;
      while (i < n) {
        if (this.#needed === 0) {
          // fast path: a run of ASCII
          let j = i;
          while (j < n && bytes[j] < 0x80) j++;
          if (j - i > 64) {
            if (out.length > 0) { parts += fromCodes(out); out.length = 0; }
            for (let k = i; k < j; k += CHUNK) {
              parts += String.fromCharCode.apply(null, bytes.subarray(k, Math.min(j, k + CHUNK)));
            }
            i = j;
            if (i >= n) break;
          } else if (j > i) {
            for (let k = i; k < j; k++) out.push(bytes[k]);
            i = j;
            if (out.length >= CHUNK) { parts += fromCodes(out); out.length = 0; }
            if (i >= n) break;
          }
          const b = bytes[i++];
          if (b >= 0xc2 && b <= 0xdf) { this.#needed = 1; this.#cp = b & 0x1f; }
          else if (b >= 0xe0 && b <= 0xef) {
            if (b === 0xe0) this.#lower = 0xa0;
            else if (b === 0xed) this.#upper = 0x9f;
            this.#needed = 2; this.#cp = b & 0x0f;
          } else if (b >= 0xf0 && b <= 0xf4) {
            if (b === 0xf0) this.#lower = 0x90;
            else if (b === 0xf4) this.#upper = 0x8f;
            this.#needed = 3; this.#cp = b & 0x07;
          } else {
            this.#error(out);
          }
          continue;
        }
        const b = bytes[i];
        if (b < this.#lower || b > this.#upper) {
          this.#reset();
          this.#error(out);
          continue;  // reprocess b
        }
        i++;
        this.#lower = 0x80; this.#upper = 0xbf;
        this.#cp = (this.#cp << 6) | (b & 0x3f);
        if (++this.#seen !== this.#needed) continue;
        const cp = this.#cp;
        this.#reset();
        if (cp > 0xffff) out.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
        else out.push(cp);
        if (out.length >= CHUNK) { parts += fromCodes(out); out.length = 0; }
      }
      if (flush && this.#needed !== 0) {
        this.#reset();
        this.#error(out);
      }
      return parts + fromCodes(out);
    }

    #reset() { this.#cp = 0; this.#needed = 0; this.#seen = 0; this.#lower = 0x80; this.#upper = 0xbf; }

    #error(out) {
      if (this.#fatal) { this.#reset(); throw decodeError("utf-8"); }
      out.push(0xfffd);
    }
  }

  // ---- UTF-16LE / UTF-16BE (WHATWG "shared UTF-16 decoder") -----------------------------------

  class Utf16Decoder {
    #lead = -1; #surrogate = -1;
    #fatal; #be;
    constructor(fatal, be) { this.#fatal = fatal; this.#be = be; }

    decode(bytes, flush) {
      const out = [];
      let parts = "";
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (this.#lead < 0) { this.#lead = b; continue; }
        const unit = this.#be ? (this.#lead << 8) | b : this.#lead | (b << 8);
        this.#lead = -1;
        if (this.#surrogate >= 0) {
          const lead = this.#surrogate;
          this.#surrogate = -1;
          if (unit >= 0xdc00 && unit <= 0xdfff) { out.push(lead, unit); continue; }
          this.#error(out);
        }
        if (unit >= 0xd800 && unit <= 0xdbff) this.#surrogate = unit;
        else if (unit >= 0xdc00 && unit <= 0xdfff) this.#error(out);
        else out.push(unit);
        if (out.length >= CHUNK) { parts += fromCodes(out); out.length = 0; }
      }
      if (flush && (this.#lead >= 0 || this.#surrogate >= 0)) {
        this.#lead = -1; this.#surrogate = -1;
        this.#error(out);
      }
      return parts + fromCodes(out);
    }

    #error(out) {
      if (this.#fatal) {
        this.#lead = -1; this.#surrogate = -1;
        throw decodeError(this.#be ? "utf-16be" : "utf-16le");
      }
      out.push(0xfffd);
    }
  }

  // ---- legacy encodings: decoded by the host with Python codecs -------------------------------

  class HostDecoder {
    #name; #fatal; #state = null;
    constructor(name, fatal) { this.#name = name; this.#fatal = fatal; }

    decode(bytes, flush) {
      let result;
      try {
        result = native.callSync("encoding.decode", this.#name, bytes, this.#fatal, !flush, this.#state);
      } catch (e) {
        this.#state = null;
        if (e && e.name === "TypeError") throw new TypeError(e.message);
        throw e;
      }
      this.#state = flush ? null : result[1];
      return result[0];
    }
  }

  // ---- TextDecoder ----------------------------------------------------------------------------

  class TextDecoder {
    #name; #fatal; #ignoreBOM;
    #decoder = null; #bomSeen = false; #doNotFlush = false;

    constructor(label = "utf-8", options = undefined) {
      const name = LABELS.get(trimLabel(String(label)));
      if (name === undefined || name === "replacement") {
        throw new RangeError(`The "${label}" encoding is not supported`);
      }
      if (!JS_ENCODINGS.has(name)) {
        let ok = hostSupport.get(name);
        if (ok === undefined) {
          ok = native.callSync("encoding.supports", name) === true;
          hostSupport.set(name, ok);
        }
        if (!ok) throw new RangeError(`The "${label}" encoding is not supported`);
      }
      if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
        throw new TypeError("The \"options\" argument must be an object");
      }
      this.#name = name;
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }

    get encoding() { return this.#name.toLowerCase(); }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }

    decode(input = undefined, options = undefined) {
      const bytes = toBytes(input);
      const stream = Boolean(options && options.stream);
      if (!this.#doNotFlush || this.#decoder === null) {
        this.#decoder = this.#newDecoder();
        this.#bomSeen = false;
      }
      this.#doNotFlush = stream;
      let text;
      try {
        text = this.#decoder.decode(bytes, !stream);
      } catch (e) {
        this.#doNotFlush = false;
        throw e;
      }
      if (!this.#ignoreBOM && !this.#bomSeen && text.length > 0 && JS_ENCODINGS.has(this.#name)) {
        this.#bomSeen = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      return text;
    }

    #newDecoder() {
      switch (this.#name) {
        case "UTF-8": return new Utf8Decoder(this.#fatal);
        case "UTF-16LE": return new Utf16Decoder(this.#fatal, false);
        case "UTF-16BE": return new Utf16Decoder(this.#fatal, true);
        default: return new HostDecoder(this.#name, this.#fatal);
      }
    }

    get [Symbol.toStringTag]() { return "TextDecoder"; }
  }

  // ---- TextEncoder ----------------------------------------------------------------------------

  // The code point at s[i] (lone surrogates become U+FFFD), as [cp, code units].
  const codePointAt = (s, i) => {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) return c;
    if (c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
    }
    return 0xfffd;
  };

  const writeUtf8 = (cp, dest, at) => {
    if (cp < 0x80) { dest[at] = cp; return 1; }
    if (cp < 0x800) { dest[at] = 0xc0 | (cp >> 6); dest[at + 1] = 0x80 | (cp & 0x3f); return 2; }
    if (cp < 0x10000) {
      dest[at] = 0xe0 | (cp >> 12); dest[at + 1] = 0x80 | ((cp >> 6) & 0x3f); dest[at + 2] = 0x80 | (cp & 0x3f);
      return 3;
    }
    dest[at] = 0xf0 | (cp >> 18); dest[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
    dest[at + 2] = 0x80 | ((cp >> 6) & 0x3f); dest[at + 3] = 0x80 | (cp & 0x3f);
    return 4;
  };

  class TextEncoder {
    get encoding() { return "utf-8"; }

    encode(input = "") {
      const s = String(input);
      const buf = new Uint8Array(s.length * 3);
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) { buf[n++] = c; continue; }
        const cp = codePointAt(s, i);
        if (cp > 0xffff) i++;
        n += writeUtf8(cp, buf, n);
      }
      return buf.slice(0, n);
    }

    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("The \"destination\" argument must be a Uint8Array");
      }
      const s = String(source);
      const cap = destination.length;
      let read = 0;
      let written = 0;
      while (read < s.length) {
        const cp = codePointAt(s, read);
        const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + size > cap) break;
        writeUtf8(cp, destination, written);
        written += size;
        read += cp > 0xffff ? 2 : 1;
      }
      return { read, written };
    }

    get [Symbol.toStringTag]() { return "TextEncoder"; }
  }

  // ---- atob / btoa (forgiving base64) ---------------------------------------------------------

  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const VALUES = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

  const invalidCharacter = (message) => shared.domError("InvalidCharacterError", message);

  const requireArg = (args, fn) => {
    if (args.length < 1) throw new TypeError(`${fn} requires 1 argument`);
  };

  function atob(data) {
    requireArg(arguments, "atob");
    let s = String(data).replace(/[\t\n\f\r ]+/g, "");
    if (s.length % 4 === 0) {
      if (s.endsWith("==")) s = s.slice(0, -2);
      else if (s.endsWith("=")) s = s.slice(0, -1);
    }
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
      throw invalidCharacter("The string to be decoded is not correctly encoded.");
    }
    const out = [];
    let parts = "";
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      buffer = (buffer << 6) | VALUES[s.charCodeAt(i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((buffer >> bits) & 0xff);
        buffer &= (1 << bits) - 1;
        if (out.length >= CHUNK) { parts += fromCodes(out); out.length = 0; }
      }
    }
    return parts + fromCodes(out);
  }

  function btoa(data) {
    requireArg(arguments, "btoa");
    const s = String(data);
    let out = "";
    const pieces = [];
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 0xff || b > 0xff || c > 0xff) {
        throw invalidCharacter("The string to be encoded contains characters outside of the Latin1 range.");
      }
      const triple = (a << 16) | (b << 8) | c;
      out += ALPHABET[triple >> 18] + ALPHABET[(triple >> 12) & 0x3f];
      out += i + 1 < s.length ? ALPHABET[(triple >> 6) & 0x3f] : "=";
      out += i + 2 < s.length ? ALPHABET[triple & 0x3f] : "=";
      if (out.length >= CHUNK) { pieces.push(out); out = ""; }
    }
    pieces.push(out);
    return pieces.join("");
  }

  return { TextEncoder, TextDecoder, atob, btoa };
})
