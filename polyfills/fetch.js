// The `fetch` group: fetch, Headers, Request, Response, FormData (after the Fetch Standard).
// The HTTP work is done on the host by httpx (actors/apis/fetch.py): `fetch.start`
// sends the request and answers with the status line and headers, `fetch.read`
// hands over the response body chunk by chunk (a ReadableStream pulls it on
// demand), `fetch.abort` cancels the request or closes the body.
(function install(native, g) {
  'use strict';
  const ReadableStream = g.ReadableStream;
  const URLSearchParams = g.URLSearchParams;
  const Blob = g.Blob;
  const File = g.File;
  const encoder = new g.TextEncoder();
  const decoder = new g.TextDecoder();
  const INTERNAL = Symbol('internal');
  let nextId = 1;

  // ---- helpers -----------------------------------------------------------------------------------

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  function checkName(name) {
    name = String(name);
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name: '${name}'`);
    return name.toLowerCase();
  }
  function checkValue(value) {
    value = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\0\r\n]/.test(value)) throw new TypeError('invalid header value');
    return value;
  }
  function concat(parts, total) {
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.byteLength; }
    return out;
  }
  function toU8(v) {
    if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    return null;
  }
  function fetchFailed(e) {
    const msg = e && e.message !== undefined ? String(e.message) : String(e);
    return new TypeError('fetch failed', { cause: new Error(msg) });
  }

  // ---- Headers -----------------------------------------------------------------------------------

  class Headers {
    #list = []; // [lowercase name, value]
    #guard = 'none';
    constructor(init = undefined) {
      if (init === INTERNAL) return;
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        for (const [n, v] of init.#list) this.#list.push([n, v]);
      } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = Array.from(pair);
          if (p.length !== 2) throw new TypeError('each header must be a [name, value] pair');
          this.append(p[0], p[1]);
        }
      } else if (typeof init === 'object') {
        for (const key of Object.keys(init)) this.append(key, init[key]);
      } else {
        throw new TypeError('Headers init must be an object or an iterable of pairs');
      }
    }
    static _raw(list, guard) {
      const h = new Headers(INTERNAL);
      for (const [n, v] of list) h.#list.push([String(n).toLowerCase(), String(v)]);
      h.#guard = guard;
      return h;
    }
    static _list(h) { return h.#list.map(([n, v]) => [n, v]); }
    static _setGuard(h, guard) { h.#guard = guard; }
    #mutable() { if (this.#guard === 'immutable') throw new TypeError('headers are immutable'); }
    append(name, value) {
      this.#mutable();
      this.#list.push([checkName(name), checkValue(value)]);
    }
    delete(name) {
      this.#mutable();
      const n = checkName(name);
      this.#list = this.#list.filter(([k]) => k !== n);
    }
    get(name) {
      const n = checkName(name);
      const vals = this.#list.filter(([k]) => k === n).map(([, v]) => v);
      return vals.length ? vals.join(', ') : null;
    }
    getSetCookie() { return this.#list.filter(([k]) => k === 'set-cookie').map(([, v]) => v); }
    has(name) { const n = checkName(name); return this.#list.some(([k]) => k === n); }
    set(name, value) {
      this.#mutable();
      const n = checkName(name), v = checkValue(value);
      const i = this.#list.findIndex(([k]) => k === n);
      if (i < 0) { this.#list.push([n, v]); return; }
      this.#list[i] = [n, v];
      this.#list = this.#list.filter(([k], j) => k !== n || j === i);
    }
    #sorted() {
      const names = [...new Set(this.#list.map(([k]) => k))].sort();
      const out = [];
      for (const n of names) {
        if (n === 'set-cookie') for (const v of this.getSetCookie()) out.push([n, v]);
        else out.push([n, this.get(n)]);
      }
      return out;
    }
    forEach(cb, thisArg = undefined) { for (const [n, v] of this.#sorted()) cb.call(thisArg, v, n, this); }
    *entries() { yield* this.#sorted(); }
    *keys() { for (const [n] of this.#sorted()) yield n; }
    *values() { for (const [, v] of this.#sorted()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'Headers'; }
  }

  // ---- FormData ----------------------------------------------------------------------------------

  function formEntry(name, value, filename) {
    name = String(name);
    if (value instanceof Blob) {
      if (!(File && value instanceof File) || filename !== undefined) {
        value = new File([value], filename !== undefined ? String(filename) : (value.name || 'blob'), { type: value.type });
      }
      return [name, value];
    }
    return [name, String(value)];
  }
  class FormData {
    #list = [];
    constructor(form = undefined) {
      if (form !== undefined) throw new TypeError('FormData from a form element is not supported');
    }
    static _list(f) { return f.#list; }
    append(name, value, filename = undefined) { this.#list.push(formEntry(name, value, filename)); }
    delete(name) { name = String(name); this.#list = this.#list.filter(([n]) => n !== name); }
    get(name) { name = String(name); const e = this.#list.find(([n]) => n === name); return e ? e[1] : null; }
    getAll(name) { name = String(name); return this.#list.filter(([n]) => n === name).map(([, v]) => v); }
    has(name) { name = String(name); return this.#list.some(([n]) => n === name); }
    set(name, value, filename = undefined) {
      const e = formEntry(name, value, filename);
      const i = this.#list.findIndex(([n]) => n === e[0]);
      if (i < 0) { this.#list.push(e); return; }
      this.#list[i] = e;
      this.#list = this.#list.filter(([n], j) => n !== e[0] || j === i);
    }
    forEach(cb, thisArg = undefined) { for (const [n, v] of this.#list.slice()) cb.call(thisArg, v, n, this); }
    *entries() { for (const [n, v] of this.#list.slice()) yield [n, v]; }
    *keys() { for (const [n] of this.#list.slice()) yield n; }
    *values() { for (const [, v] of this.#list.slice()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    get [Symbol.toStringTag]() { return 'FormData'; }
  }

  const escapeName = (s) => s.replace(/\r\n|\r|\n/g, '\r\n').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
  async function multipart(form, boundary) {
    const parts = [];
    let total = 0;
    const push = (u8) => { parts.push(u8); total += u8.byteLength; };
    for (const [name, value] of FormData._list(form)) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"`;
      if (typeof value === 'string') {
        push(encoder.encode(head + '\r\n\r\n' + value.replace(/\r\n|\r|\n/g, '\r\n') + '\r\n'));
      } else {
        head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
        push(encoder.encode(head));
        push(new Uint8Array(await value.arrayBuffer()));
        push(encoder.encode('\r\n'));
      }
    }
    push(encoder.encode(`--${boundary}--\r\n`));
    return concat(parts, total);
  }

  // ---- Body ----------------------------------------------------------------------------------------

  // Extract a body: { source, type } where source is a Uint8Array, a Blob, a
  // FormData (with its boundary) or a ReadableStream.
  function extractBody(body) {
    if (typeof body === 'string') return { source: encoder.encode(body), type: 'text/plain;charset=UTF-8' };
    const u8 = toU8(body);
    if (u8) return { source: u8, type: null };
    if (body instanceof URLSearchParams) {
      return { source: encoder.encode(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    }
    if (body instanceof Blob) return { source: body, type: body.type || null };
    if (body instanceof FormData) {
      const boundary = '----actorsFormBoundary' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      return { source: { form: body, boundary }, type: `multipart/form-data; boundary=${boundary}` };
    }
    if (body instanceof ReadableStream) {
      if (body.locked) throw new TypeError('the body stream is locked');
      return { source: body, type: null };
    }
    return { source: encoder.encode(String(body)), type: 'text/plain;charset=UTF-8' };
  }

  async function sourceBytes(source) {
    if (source instanceof Uint8Array) return source;
    if (source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
    if (source instanceof ReadableStream) return readAll(source);
    return multipart(source.form, source.boundary);
  }

  async function readAll(stream) {
    const reader = stream.getReader();
    const parts = [];
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const u8 = value instanceof Uint8Array ? value : toU8(value);
      if (!u8) throw new TypeError('a body stream chunk is not a Uint8Array');
      parts.push(u8);
      total += u8.byteLength;
    }
    return concat(parts, total);
  }

  function streamOf(source) {
    if (source instanceof ReadableStream) return source;
    let done = false;
    return new ReadableStream({
      async pull(c) {
        if (done) return;
        done = true;
        const bytes = await sourceBytes(source);
        if (bytes.byteLength) c.enqueue(bytes.slice());
        c.close();
      },
    });
  }

  class Body {
    #source = null;
    #stream = null;
    #used = false;
    #type = null;
    _initBody(source, type) { this.#source = source; this.#type = type; }
    _bodySource() { return this.#stream || this.#source; }
    get body() {
      if (this.#source === null && this.#stream === null) return null;
      if (this.#stream === null) { this.#stream = streamOf(this.#source); this.#source = null; }
      return this.#stream;
    }
    get bodyUsed() { return this.#used; }
    _markUsed() {
      if (this.#used || (this.#stream !== null && this.#stream.locked)) throw new TypeError('body has already been used');
      this.#used = true;
    }
    _cloneBody() {
      if (this.#used || (this.#stream !== null && this.#stream.locked)) throw new TypeError('body has already been used');
      if (this.#stream !== null || this.#source instanceof ReadableStream) {
        const [a, b] = (this.#stream || this.#source).tee();
        this.#stream = a;
        this.#source = null;
        return b;
      }
      return this.#source;
    }
    async #consume() {
      this._markUsed();
      const src = this.#stream || this.#source;
      if (src === null) return new Uint8Array(0);
      const bytes = await sourceBytes(src);
      return src instanceof Uint8Array ? bytes.slice() : bytes;
    }
    #contentType() { return this.headers.get('content-type') || ''; }
    async arrayBuffer() { const b = await this.#consume(); return b.buffer.byteLength === b.byteLength ? b.buffer : b.slice().buffer; }
    async bytes() { return this.#consume(); }
    async text() { return decoder.decode(await this.#consume()); }
    async json() { return JSON.parse(await this.text()); }
    async blob() { const b = await this.#consume(); return new Blob([b], { type: this.#contentType() }); }
    async formData() {
      const type = this.#contentType().toLowerCase();
      if (type.startsWith('application/x-www-form-urlencoded')) {
        const fd = new FormData();
        for (const [k, v] of new URLSearchParams(await this.text())) fd.append(k, v);
        return fd;
      }
      throw new TypeError('formData(): only application/x-www-form-urlencoded bodies are supported');
    }
  }

  // ---- Request -------------------------------------------------------------------------------------

  const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'];
  function normalizeMethod(m) {
    m = String(m);
    if (!TOKEN.test(m)) throw new TypeError(`invalid method: '${m}'`);
    const up = m.toUpperCase();
    if (['CONNECT', 'TRACE', 'TRACK'].includes(up)) throw new TypeError(`forbidden method: '${m}'`);
    return METHODS.includes(up) ? up : m;
  }
  function parseURL(input) {
    try {
      return new g.URL(String(input)).href;
    } catch (e) {
      throw new TypeError(`invalid URL: '${String(input)}'`);
    }
  }

  class Request extends Body {
    #method; #url; #headers; #signal; #redirect;
    constructor(input, init = undefined) {
      super();
      if (arguments.length < 1) throw new TypeError('Request requires an input');
      init = init == null ? {} : init;
      let inherited = null;
      if (input instanceof Request) {
        this.#method = input.#method;
        this.#url = input.#url;
        this.#signal = input.#signal;
        this.#redirect = input.#redirect;
        if (init.body === undefined && input._bodySource() !== null) inherited = input;
      } else {
        this.#url = parseURL(input);
        this.#method = 'GET';
        this.#signal = null;
        this.#redirect = 'follow';
      }
      if (init.method !== undefined) this.#method = normalizeMethod(init.method);
      if (init.signal !== undefined) this.#signal = init.signal;
      if (this.#signal !== null && !(this.#signal instanceof g.AbortSignal)) throw new TypeError('signal must be an AbortSignal');
      if (this.#signal === null) this.#signal = new g.AbortController().signal;
      if (init.redirect !== undefined) {
        const r = String(init.redirect);
        if (!['follow', 'manual', 'error'].includes(r)) throw new TypeError(`invalid redirect mode: '${r}'`);
        this.#redirect = r;
      }
      this.#headers = new Headers(init.headers !== undefined ? init.headers : (input instanceof Request ? input.headers : undefined));
      const hasBody = (init.body !== undefined && init.body !== null) || inherited !== null;
      if (hasBody && (this.#method === 'GET' || this.#method === 'HEAD')) {
        throw new TypeError('a GET or HEAD request cannot have a body');
      }
      if (init.body !== undefined && init.body !== null) {
        const { source, type } = extractBody(init.body);
        if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
        this._initBody(source, type);
      } else if (inherited !== null) {
        inherited._markUsed();
        this._initBody(inherited._bodySource(), null);
      }
    }
    get method() { return this.#method; }
    get url() { return this.#url; }
    get headers() { return this.#headers; }
    get signal() { return this.#signal; }
    get redirect() { return this.#redirect; }
    get cache() { return 'default'; }
    get credentials() { return 'same-origin'; }
    get mode() { return 'cors'; }
    get referrer() { return 'about:client'; }
    get integrity() { return ''; }
    get keepalive() { return false; }
    get destination() { return ''; }
    clone() {
      const r = new Request(this, { body: null });
      r.#headers = new Headers(this.#headers);
      const src = this._cloneBody();
      if (src !== null) r._initBody(src, null);
      return r;
    }
    get [Symbol.toStringTag]() { return 'Request'; }
  }

  // ---- Response ------------------------------------------------------------------------------------

  const NULL_BODY = [101, 103, 204, 205, 304];
  const REDIRECTS = [301, 302, 303, 307, 308];

  class Response extends Body {
    #status = 200; #statusText = ''; #headers; #type = 'default'; #url = ''; #redirected = false;
    constructor(body = null, init = undefined) {
      super();
      if (body === INTERNAL) {
        const s = init;
        this.#status = s.status; this.#statusText = s.statusText; this.#type = s.type;
        this.#url = s.url; this.#redirected = s.redirected;
        this.#headers = Headers._raw(s.headers, 'immutable');
        if (s.body) this._initBody(s.body, null);
        return;
      }
      init = init == null ? {} : init;
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`invalid status: ${init.status}`);
      const statusText = init.statusText === undefined ? '' : String(init.statusText);
      if (/[\r\n]/.test(statusText)) throw new TypeError('invalid statusText');
      this.#status = status;
      this.#statusText = statusText;
      this.#headers = new Headers(init.headers);
      if (body !== null && body !== undefined) {
        if (NULL_BODY.includes(status)) throw new TypeError(`a response with status ${status} cannot have a body`);
        const { source, type } = extractBody(body);
        if (type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
        this._initBody(source, type);
      }
    }
    static error() {
      return new Response(INTERNAL, { status: 0, statusText: '', type: 'error', url: '', redirected: false, headers: [], body: null });
    }
    static redirect(url, status = 302) {
      status = Number(status);
      if (!REDIRECTS.includes(status)) throw new RangeError(`invalid redirect status: ${status}`);
      const href = parseURL(url);
      const r = new Response(null, { status, headers: { location: href } });
      Headers._setGuard(r.headers, 'immutable');
      return r;
    }
    static json(data, init = undefined) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('the data is not JSON-serializable');
      const headers = new Headers(init && init.headers !== undefined ? init.headers : undefined);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(text, { ...(init || {}), headers });
    }
    get type() { return this.#type; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }
    get status() { return this.#status; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }
    clone() {
      const src = this._cloneBody();
      return new Response(INTERNAL, {
        status: this.#status, statusText: this.#statusText, type: this.#type, url: this.#url,
        redirected: this.#redirected, headers: Headers._list(this.#headers), body: src,
      });
    }
    get [Symbol.toStringTag]() { return 'Response'; }
  }

  // ---- fetch ----------------------------------------------------------------------------------------

  function bodyStream(id, signal, onEnd) {
    let ended = false;
    const end = () => { if (!ended) { ended = true; onEnd(); } };
    let controller = null;
    const stream = new ReadableStream({
      start(c) { controller = c; },
      async pull(c) {
        let chunk;
        try {
          chunk = await native.call('fetch.read', id);
        } catch (e) {
          end();
          if (signal.aborted) throw signal.reason;
          const msg = e && e.message !== undefined ? String(e.message) : String(e);
          throw new TypeError('terminated', { cause: new Error(msg) });
        }
        if (chunk === null || chunk === undefined) { end(); c.close(); return; }
        c.enqueue(chunk);
      },
      cancel() {
        end();
        try { native.callSync('fetch.abort', id); } catch (e) { /* already gone */ }
      },
    }, { highWaterMark: 0 });
    return { stream, error: (reason) => { end(); try { controller.error(reason); } catch (e) { /* closed */ } } };
  }

  async function fetch(input, init = undefined) {
    const request = new Request(input, init);
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    const url = request.url;
    if (!/^https?:/i.test(url)) throw new TypeError('fetch failed', { cause: new Error(`unsupported URL scheme: ${url}`) });
    const src = request._bodySource();
    let bytes = null;
    if (src !== null) {
      request._markUsed();
      bytes = await sourceBytes(src);
      if (signal.aborted) throw signal.reason;
    }
    const headers = Headers._list(request.headers);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let settled = false;
      let body = null;
      const onAbort = () => {
        try { native.callSync('fetch.abort', id); } catch (e) { /* already gone */ }
        if (!settled) { settled = true; reject(signal.reason); } else if (body !== null) { body.error(signal.reason); }
      };
      const unlisten = () => signal.removeEventListener('abort', onAbort);
      signal.addEventListener('abort', onAbort);
      native.call('fetch.start', id, request.method, url, headers, bytes, request.redirect).then((r) => {
        if (settled) return;
        settled = true;
        const [status, statusText, rawHeaders, finalUrl, redirected] = r;
        let stream = null;
        if (request.method === 'HEAD' || NULL_BODY.includes(status)) {
          unlisten();
          try { native.callSync('fetch.abort', id); } catch (e) { /* already gone */ }
        } else {
          body = bodyStream(id, signal, unlisten);
          stream = body.stream;
        }
        resolve(new Response(INTERNAL, {
          status, statusText, type: 'basic', url: finalUrl, redirected, headers: rawHeaders, body: stream,
        }));
      }, (e) => {
        if (settled) return;
        settled = true;
        unlisten();
        reject(fetchFailed(e));
      });
    });
  }

  return { fetch, Headers, Request, Response, FormData };
})
