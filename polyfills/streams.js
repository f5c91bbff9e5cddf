// The internal `_streams` group: WHATWG Streams (ReadableStream, WritableStream,
// TransformStream, their readers/writers/controllers, queuing strategies).
//
// Follows the Streams Standard's abstract operations closely, on internal
// state records kept behind #private fields; public objects are thin wrappers.
// Limitations: no BYOB readers ("bytes" sources behave as default streams).
(function install(native, g) {
  'use strict';

  const INTERNAL = {};               // token for internal construction
  const CLOSE_SENTINEL = {};
  const noop = () => {};
  const resolved = (v) => Promise.resolve(v);
  const rejected = (e) => { const p = Promise.reject(e); p.catch(noop); return p; };

  function deferred(handled) {
    const d = { state: 'pending' };
    d.promise = new Promise((res, rej) => {
      d.resolve = (v) => { if (d.state === 'pending') { d.state = 'fulfilled'; res(v); } };
      d.reject = (e) => { if (d.state === 'pending') { d.state = 'rejected'; rej(e); } };
    });
    if (handled) d.promise.catch(noop);
    return d;
  }
  function resolvedDeferred(v) { const d = deferred(); d.resolve(v); return d; }
  function rejectedDeferred(e) { const d = deferred(true); d.reject(e); return d; }

  function promiseCall(fn, thisArg, args) {
    if (fn === undefined) return resolved(undefined);
    try { return resolved(fn.apply(thisArg, args)); } catch (e) { return Promise.reject(e); }
  }
  function checkFn(obj, name, ctx) {
    const f = obj[name];
    if (f !== undefined && typeof f !== 'function') throw new TypeError(`${ctx}.${name} must be a function`);
    return f;
  }

  // ---- queue with sizes ------------------------------------------------------------------------

  function resetQueue(c) { c.queue = []; c.queueTotal = 0; }
  function enqueueValueWithSize(c, value, size) {
    size = Number(size);
    if (!(size >= 0) || size === Infinity) throw new RangeError('chunk size must be a finite, non-negative number');
    c.queue.push({ value, size });
    c.queueTotal += size;
  }
  function dequeueValue(c) {
    const pair = c.queue.shift();
    c.queueTotal -= pair.size;
    if (c.queueTotal < 0) c.queueTotal = 0;
    return pair.value;
  }

  // ---- strategies --------------------------------------------------------------------------------

  function extractHighWaterMark(strategy, dflt) {
    const hwm = strategy.highWaterMark;
    if (hwm === undefined) return dflt;
    const n = Number(hwm);
    if (Number.isNaN(n) || n < 0) throw new RangeError('highWaterMark must be a non-negative number');
    return n;
  }
  function extractSizeAlgorithm(strategy) {
    const size = strategy.size;
    if (size === undefined) return () => 1;
    if (typeof size !== 'function') throw new TypeError('strategy.size must be a function');
    return (chunk) => size(chunk);
  }
  function strategyDict(s) {
    if (s === undefined || s === null) return {};
    if (typeof s !== 'object' && typeof s !== 'function') throw new TypeError('a queuing strategy must be an object');
    return s;
  }

  const byteLengthSize = function size(chunk) { return chunk.byteLength; };
  const countSize = function size() { return 1; };

  function strategyInit(init, name) {
    if (init === null || typeof init !== 'object' || init.highWaterMark === undefined) {
      throw new TypeError(`${name} requires { highWaterMark }`);
    }
    return Number(init.highWaterMark);
  }
  class ByteLengthQueuingStrategy {
    #hwm;
    constructor(init) { this.#hwm = strategyInit(init, 'ByteLengthQueuingStrategy'); }
    get highWaterMark() { return this.#hwm; }
    get size() { return byteLengthSize; }
  }
  class CountQueuingStrategy {
    #hwm;
    constructor(init) { this.#hwm = strategyInit(init, 'CountQueuingStrategy'); }
    get highWaterMark() { return this.#hwm; }
    get size() { return countSize; }
  }

  // =================================================================================================
  // ReadableStream
  // =================================================================================================

  let getRS, getReader, newReaderPub, newRSControllerPub;

  function createReadableStream(startAlgo, pullAlgo, cancelAlgo, hwm = 1, sizeAlgo = () => 1) {
    const pub = new ReadableStream(INTERNAL);
    setupRSController(getRS(pub), startAlgo, pullAlgo, cancelAlgo, hwm, sizeAlgo);
    return pub;
  }

  function setupRSController(stream, startAlgo, pullAlgo, cancelAlgo, hwm, sizeAlgo) {
    const c = {
      stream, queue: [], queueTotal: 0, started: false, closeRequested: false, pullAgain: false,
      pulling: false, strategySize: sizeAlgo, hwm, pullAlgo, cancelAlgo, pub: null,
    };
    c.pub = newRSControllerPub(c);
    stream.controller = c;
    const startResult = startAlgo(c.pub);
    resolved(startResult).then(
      () => { c.started = true; rcCallPullIfNeeded(c); },
      (r) => rcError(c, r));
  }

  function rcCanCloseOrEnqueue(c) { return !c.closeRequested && c.stream.state === 'readable'; }
  function rcDesiredSize(c) {
    const st = c.stream.state;
    if (st === 'errored') return null;
    if (st === 'closed') return 0;
    return c.hwm - c.queueTotal;
  }
  function rcShouldCallPull(c) {
    if (!rcCanCloseOrEnqueue(c) || !c.started) return false;
    const s = c.stream;
    if (s.reader && s.reader.readRequests.length > 0) return true;
    return rcDesiredSize(c) > 0;
  }
  function rcCallPullIfNeeded(c) {
    if (!rcShouldCallPull(c)) return;
    if (c.pulling) { c.pullAgain = true; return; }
    c.pulling = true;
    c.pullAlgo(c.pub).then(() => {
      c.pulling = false;
      if (c.pullAgain) { c.pullAgain = false; rcCallPullIfNeeded(c); }
    }, (e) => rcError(c, e));
  }
  function rcClearAlgorithms(c) { c.pullAlgo = undefined; c.cancelAlgo = undefined; c.strategySize = undefined; }
  function rcClose(c) {
    if (!rcCanCloseOrEnqueue(c)) return;
    c.closeRequested = true;
    if (c.queue.length === 0) { rcClearAlgorithms(c); rsClose(c.stream); }
  }
  function rcEnqueue(c, chunk) {
    if (!rcCanCloseOrEnqueue(c)) return;
    const s = c.stream;
    if (s.reader && s.reader.readRequests.length > 0) {
      rsFulfillReadRequest(s, chunk, false);
    } else {
      let size;
      try { size = c.strategySize(chunk); } catch (e) { rcError(c, e); throw e; }
      try { enqueueValueWithSize(c, chunk, size); } catch (e) { rcError(c, e); throw e; }
    }
    rcCallPullIfNeeded(c);
  }
  function rcError(c, e) {
    if (c.stream.state !== 'readable') return;
    resetQueue(c);
    rcClearAlgorithms(c);
    rsError(c.stream, e);
  }
  function rcCancelSteps(c, reason) {
    resetQueue(c);
    const result = c.cancelAlgo(reason);
    rcClearAlgorithms(c);
    return result;
  }
  function rcPullSteps(c, rr) {
    const s = c.stream;
    if (c.queue.length > 0) {
      const chunk = dequeueValue(c);
      if (c.closeRequested && c.queue.length === 0) { rcClearAlgorithms(c); rsClose(s); }
      else rcCallPullIfNeeded(c);
      rr.chunk(chunk);
    } else {
      s.reader.readRequests.push(rr);
      rcCallPullIfNeeded(c);
    }
  }

  function rsClose(s) {
    s.state = 'closed';
    const r = s.reader;
    if (!r) return;
    r.closed.resolve(undefined);
    const reqs = r.readRequests;
    r.readRequests = [];
    for (const rr of reqs) rr.close();
  }
  function rsError(s, e) {
    s.state = 'errored';
    s.storedError = e;
    const r = s.reader;
    if (!r) return;
    r.closed.reject(e);
    const reqs = r.readRequests;
    r.readRequests = [];
    for (const rr of reqs) rr.error(e);
  }
  function rsCancel(s, reason) {
    s.disturbed = true;
    if (s.state === 'closed') return resolved(undefined);
    if (s.state === 'errored') return Promise.reject(s.storedError);
    rsClose(s);
    return rcCancelSteps(s.controller, reason).then(noop);
  }
  function rsFulfillReadRequest(s, chunk, done) {
    const rr = s.reader.readRequests.shift();
    if (done) rr.close(); else rr.chunk(chunk);
  }

  function acquireReader(s) {
    if (s.reader) throw new TypeError('ReadableStream is locked to a reader');
    const r = { stream: s, readRequests: [], closed: null, pub: null };
    if (s.state === 'readable') r.closed = deferred(true);
    else if (s.state === 'closed') r.closed = resolvedDeferred(undefined);
    else r.closed = rejectedDeferred(s.storedError);
    s.reader = r;
    return r;
  }
  function readerRead(r, rr) {
    const s = r.stream;
    s.disturbed = true;
    if (s.state === 'closed') rr.close();
    else if (s.state === 'errored') rr.error(s.storedError);
    else rcPullSteps(s.controller, rr);
  }
  function readerRelease(r) {
    const s = r.stream;
    const err = new TypeError('the reader was released');
    if (s.state === 'readable') r.closed.reject(err);
    else r.closed = rejectedDeferred(err);
    s.reader = null;
    r.stream = undefined;
    const reqs = r.readRequests;
    r.readRequests = [];
    for (const rr of reqs) rr.error(err);
  }
  function readPromise(r) {
    const d = deferred();
    readerRead(r, {
      chunk: (value) => d.resolve({ value, done: false }),
      close: () => d.resolve({ value: undefined, done: true }),
      error: (e) => d.reject(e),
    });
    return d.promise;
  }

  class ReadableStreamDefaultController {
    #c;
    constructor(token, c) {
      if (token !== INTERNAL) throw new TypeError('Illegal constructor');
      this.#c = c;
    }
    static { newRSControllerPub = (c) => new ReadableStreamDefaultController(INTERNAL, c); }
    get desiredSize() { return rcDesiredSize(this.#c); }
    get byobRequest() { return null; }
    close() {
      if (!rcCanCloseOrEnqueue(this.#c)) throw new TypeError('the stream is not in a state that permits close');
      rcClose(this.#c);
    }
    enqueue(chunk) {
      if (!rcCanCloseOrEnqueue(this.#c)) throw new TypeError('the stream is not in a state that permits enqueue');
      rcEnqueue(this.#c, chunk);
    }
    error(e) { rcError(this.#c, e); }
  }

  class ReadableStreamDefaultReader {
    #r;
    constructor(stream) {
      this.#r = acquireReader(getRS(stream));
      this.#r.pub = this;
    }
    static { getReader = (o) => { if (!(o !== null && typeof o === 'object' && #r in o)) throw new TypeError('not a ReadableStreamDefaultReader'); return o.#r; }; }
    get closed() { return this.#r.closed.promise; }
    read() {
      const r = this.#r;
      if (!r.stream) return rejected(new TypeError('the reader has been released'));
      return readPromise(r);
    }
    cancel(reason) {
      const r = this.#r;
      if (!r.stream) return rejected(new TypeError('the reader has been released'));
      return rsCancel(r.stream, reason);
    }
    releaseLock() { if (this.#r.stream) readerRelease(this.#r); }
  }

  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

  function makeAsyncIterator(s, preventCancel) {
    const r = acquireReader(s);
    let ongoing = null;
    let finished = false;
    const nextSteps = () => {
      if (finished) return resolved({ value: undefined, done: true });
      if (!r.stream) return rejected(new TypeError('the iterator\'s reader was released'));
      const d = deferred();
      readerRead(r, {
        chunk: (value) => d.resolve({ value, done: false }),
        close: () => { finished = true; readerRelease(r); d.resolve({ value: undefined, done: true }); },
        error: (e) => { finished = true; readerRelease(r); d.reject(e); },
      });
      return d.promise;
    };
    const returnSteps = (value) => {
      if (finished) return resolved({ value, done: true });
      finished = true;
      if (!r.stream) return rejected(new TypeError('the iterator\'s reader was released'));
      if (!preventCancel) {
        const result = rsCancel(r.stream, value);
        readerRelease(r);
        return result.then(() => ({ value, done: true }));
      }
      readerRelease(r);
      return resolved({ value, done: true });
    };
    const it = Object.create(AsyncIteratorPrototype);
    it.next = function next() {
      ongoing = ongoing ? ongoing.then(nextSteps, nextSteps) : nextSteps();
      return ongoing;
    };
    it.return = function (value) {
      const steps = () => returnSteps(value);
      ongoing = ongoing ? ongoing.then(steps, steps) : steps();
      return ongoing;
    };
    return it;
  }

  function teeStream(s) {
    const r = acquireReader(s);
    let reading = false, readAgain = false, canceled1 = false, canceled2 = false, reason1, reason2;
    let b1, b2;
    const cancelD = deferred();
    const pullAlgo = () => {
      if (reading) { readAgain = true; return resolved(undefined); }
      reading = true;
      readerRead(r, {
        chunk: (chunk) => queueMicrotask(() => {
          readAgain = false;
          if (!canceled1) rcEnqueue(b1.controller, chunk);
          if (!canceled2) rcEnqueue(b2.controller, chunk);
          reading = false;
          if (readAgain) pullAlgo();
        }),
        close: () => {
          reading = false;
          if (!canceled1) rcClose(b1.controller);
          if (!canceled2) rcClose(b2.controller);
          if (!canceled1 || !canceled2) cancelD.resolve(undefined);
        },
        error: () => { reading = false; },
      });
      return resolved(undefined);
    };
    const cancel1 = (reason) => {
      canceled1 = true; reason1 = reason;
      if (canceled2) cancelD.resolve(rsCancel(s, [reason1, reason2]));
      return cancelD.promise;
    };
    const cancel2 = (reason) => {
      canceled2 = true; reason2 = reason;
      if (canceled1) cancelD.resolve(rsCancel(s, [reason1, reason2]));
      return cancelD.promise;
    };
    const p1 = createReadableStream(noop, pullAlgo, cancel1);
    const p2 = createReadableStream(noop, pullAlgo, cancel2);
    b1 = getRS(p1); b2 = getRS(p2);
    r.closed.promise.catch((e) => {
      rcError(b1.controller, e);
      rcError(b2.controller, e);
      if (!canceled1 || !canceled2) cancelD.resolve(undefined);
    });
    return [p1, p2];
  }

  function readableFrom(iterable) {
    let iterator, isAsync = true;
    const am = iterable == null ? undefined : iterable[Symbol.asyncIterator];
    if (am != null) {
      iterator = am.call(iterable);
    } else {
      const sm = iterable == null ? undefined : iterable[Symbol.iterator];
      if (typeof sm !== 'function') throw new TypeError('ReadableStream.from requires an iterable or async iterable');
      iterator = sm.call(iterable);
      isAsync = false;
    }
    if (iterator === null || typeof iterator !== 'object') throw new TypeError('the iterator must be an object');
    const nextMethod = iterator.next;
    let stream;
    const pullAlgo = () => {
      let nextResult;
      try { nextResult = nextMethod.call(iterator); } catch (e) { return Promise.reject(e); }
      return resolved(nextResult).then((res) => {
        if (res === null || typeof res !== 'object') throw new TypeError('iterator result must be an object');
        if (res.done) { rcClose(getRS(stream).controller); return undefined; }
        // (async iterators' values are taken as they are; sync ones are awaited, as CreateAsyncFromSyncIterator does)
        if (isAsync) { rcEnqueue(getRS(stream).controller, res.value); return undefined; }
        return resolved(res.value).then((v) => { rcEnqueue(getRS(stream).controller, v); });
      });
    };
    const cancelAlgo = (reason) => {
      let ret;
      try { ret = iterator.return; } catch (e) { return Promise.reject(e); }
      if (ret == null) return resolved(undefined);
      let result;
      try { result = ret.call(iterator, reason); } catch (e) { return Promise.reject(e); }
      return resolved(result).then((r) => {
        if (r === null || typeof r !== 'object') throw new TypeError('iterator.return() must return an object');
      });
    };
    stream = createReadableStream(noop, pullAlgo, cancelAlgo, 0);
    return stream;
  }

  class ReadableStream {
    #s;
    constructor(underlyingSource = undefined, strategy = undefined) {
      this.#s = { pub: this, state: 'readable', reader: null, storedError: undefined, disturbed: false, controller: null };
      if (underlyingSource === INTERNAL) return;
      const src = underlyingSource == null ? {} : underlyingSource;
      if (typeof src !== 'object' && typeof src !== 'function') throw new TypeError('underlyingSource must be an object');
      const st = strategyDict(strategy);
      const type = src.type;
      if (type !== undefined && String(type) !== 'bytes') throw new TypeError(`invalid ReadableStream type '${type}'`);
      const start = checkFn(src, 'start', 'underlyingSource');
      const pull = checkFn(src, 'pull', 'underlyingSource');
      const cancel = checkFn(src, 'cancel', 'underlyingSource');
      let hwm, size;
      if (type !== undefined) {
        if (st.size !== undefined) throw new RangeError('a byte stream cannot have a size strategy');
        hwm = extractHighWaterMark(st, 0);
        size = (chunk) => {
          if (!ArrayBuffer.isView(chunk)) throw new TypeError('a byte stream chunk must be an ArrayBufferView');
          return chunk.byteLength;
        };
      } else {
        size = extractSizeAlgorithm(st);
        hwm = extractHighWaterMark(st, 1);
      }
      setupRSController(this.#s,
        (ctl) => (start === undefined ? undefined : start.call(src, ctl)),
        (ctl) => promiseCall(pull, src, [ctl]),
        (reason) => promiseCall(cancel, src, [reason]),
        hwm, size);
    }
    static {
      getRS = (o) => {
        if (!(o !== null && typeof o === 'object' && #s in o)) throw new TypeError('not a ReadableStream');
        return o.#s;
      };
    }
    static from(iterable) { return readableFrom(iterable); }
    get locked() { return this.#s.reader !== null; }
    cancel(reason = undefined) {
      if (this.#s.reader) return rejected(new TypeError('cannot cancel a locked ReadableStream'));
      return rsCancel(this.#s, reason);
    }
    getReader(options = undefined) {
      const mode = options == null ? undefined : options.mode;
      if (mode !== undefined) {
        if (String(mode) === 'byob') throw new TypeError('BYOB readers are not supported');
        throw new TypeError(`invalid reader mode '${mode}'`);
      }
      return new ReadableStreamDefaultReader(this);
    }
    pipeThrough(transform, options = undefined) {
      if (transform == null) throw new TypeError('pipeThrough requires { readable, writable }');
      const readable = transform.readable, writable = transform.writable;
      getRS(readable);
      const ws = getWS(writable);
      if (this.#s.reader) throw new TypeError('cannot pipe a locked ReadableStream');
      if (ws.writer) throw new TypeError('cannot pipe to a locked WritableStream');
      const o = pipeOptions(options);
      const p = pipeStreams(this.#s, ws, o);
      p.catch(noop);
      return readable;
    }
    pipeTo(destination, options = undefined) {
      let ws, o;
      try {
        ws = getWS(destination);
        o = pipeOptions(options);
      } catch (e) { return rejected(e); }
      if (this.#s.reader) return rejected(new TypeError('cannot pipe a locked ReadableStream'));
      if (ws.writer) return rejected(new TypeError('cannot pipe to a locked WritableStream'));
      return pipeStreams(this.#s, ws, o);
    }
    tee() { return teeStream(this.#s); }
    values(options = undefined) {
      const preventCancel = options == null ? false : Boolean(options.preventCancel);
      return makeAsyncIterator(this.#s, preventCancel);
    }
    [Symbol.asyncIterator](options = undefined) { return this.values(options); }
  }

  function pipeOptions(options) {
    const o = options == null ? {} : options;
    const signal = o.signal;
    if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
      throw new TypeError('options.signal must be an AbortSignal');
    }
    return {
      preventClose: Boolean(o.preventClose), preventAbort: Boolean(o.preventAbort),
      preventCancel: Boolean(o.preventCancel), signal,
    };
  }

  function pipeStreams(source, dest, { preventClose, preventAbort, preventCancel, signal }) {
    const reader = acquireReader(source);
    const writer = acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = resolved(undefined);
    const done = deferred();
    let abortAlgorithm;

    const waitForWritesToFinish = () => {
      const old = currentWrite;
      return currentWrite.then(() => (old !== currentWrite ? waitForWritesToFinish() : undefined));
    };
    const finalize = (isError, error) => {
      writerRelease(writer);
      readerRelease(reader);
      if (signal) signal.removeEventListener('abort', abortAlgorithm);
      if (isError) done.reject(error); else done.resolve(undefined);
    };
    const shutdownWithAction = (action, originalIsError, originalError) => {
      if (shuttingDown) return;
      shuttingDown = true;
      const doTheRest = () => {
        let p;
        try { p = resolved(action()); } catch (e) { p = Promise.reject(e); }
        p.then(() => finalize(originalIsError, originalError), (e) => finalize(true, e));
      };
      if (dest.state === 'writable' && !wsCloseQueuedOrInFlight(dest)) waitForWritesToFinish().then(doTheRest);
      else doTheRest();
    };
    const shutdown = (isError, error) => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (dest.state === 'writable' && !wsCloseQueuedOrInFlight(dest)) {
        waitForWritesToFinish().then(() => finalize(isError, error));
      } else finalize(isError, error);
    };

    if (signal) {
      abortAlgorithm = () => {
        const error = signal.reason;
        const actions = [];
        if (!preventAbort) actions.push(() => (dest.state === 'writable' ? wsAbort(dest, error) : resolved(undefined)));
        if (!preventCancel) actions.push(() => (source.state === 'readable' ? rsCancel(source, error) : resolved(undefined)));
        shutdownWithAction(() => Promise.all(actions.map((a) => a())), true, error);
      };
      if (signal.aborted) { abortAlgorithm(); return done.promise; }
      signal.addEventListener('abort', abortAlgorithm);
    }

    const pipeStep = () => {
      if (shuttingDown) return resolved(true);
      return writer.ready.promise.then(() => {
        if (shuttingDown) return true;
        const d = deferred();
        readerRead(reader, {
          chunk: (chunk) => {
            currentWrite = writerWrite(writer, chunk).then(undefined, noop);
            d.resolve(false);
          },
          close: () => d.resolve(true),
          error: (e) => d.reject(e),
        });
        return d.promise;
      });
    };
    const pipeLoop = () => new Promise((resolveLoop, rejectLoop) => {
      const next = (stop) => {
        if (stop) resolveLoop();
        else pipeStep().then(next, rejectLoop);
      };
      next(false);
    });

    // errors must be propagated forward
    const onSourceErrored = (e) => {
      if (!preventAbort) shutdownWithAction(() => wsAbort(dest, e), true, e);
      else shutdown(true, e);
    };
    const onDestErrored = (e) => {
      if (!preventCancel) shutdownWithAction(() => rsCancel(source, e), true, e);
      else shutdown(true, e);
    };
    const onSourceClosed = () => {
      if (!preventClose) shutdownWithAction(() => writerCloseWithErrorPropagation(writer));
      else shutdown();
    };
    if (source.state === 'errored') onSourceErrored(source.storedError);
    else reader.closed.promise.then(onSourceClosed, onSourceErrored);
    if (dest.state === 'errored') onDestErrored(dest.storedError);
    else writer.closed.promise.catch(onDestErrored);
    if (wsCloseQueuedOrInFlight(dest) || dest.state === 'closed') {
      const destClosed = new TypeError('the destination writable stream closed before all data could be piped to it');
      if (!preventCancel) shutdownWithAction(() => rsCancel(source, destClosed), true, destClosed);
      else shutdown(true, destClosed);
    }
    pipeLoop().catch(noop);
    return done.promise;
  }

  // =================================================================================================
  // WritableStream
  // =================================================================================================

  let getWS, newWSControllerPub;

  function createWritableStream(startAlgo, writeAlgo, closeAlgo, abortAlgo, hwm = 1, sizeAlgo = () => 1) {
    const pub = new WritableStream(INTERNAL);
    setupWSController(getWS(pub), startAlgo, writeAlgo, closeAlgo, abortAlgo, hwm, sizeAlgo);
    return pub;
  }

  function setupWSController(s, startAlgo, writeAlgo, closeAlgo, abortAlgo, hwm, sizeAlgo) {
    const c = {
      stream: s, queue: [], queueTotal: 0, started: false, strategySize: sizeAlgo, hwm,
      writeAlgo, closeAlgo, abortAlgo, abortController: null, abortedWith: undefined, aborted: false, pub: null,
    };
    c.pub = newWSControllerPub(c);
    s.controller = c;
    wsUpdateBackpressure(s, wcGetBackpressure(c));
    const startResult = startAlgo(c.pub);
    resolved(startResult).then(
      () => { c.started = true; wcAdvanceQueueIfNeeded(c); },
      (r) => { c.started = true; wsDealWithRejection(s, r); });
  }

  function wsAbort(s, reason) {
    if (s.state === 'closed' || s.state === 'errored') return resolved(undefined);
    const c = s.controller;
    c.aborted = true; c.abortedWith = reason;
    if (c.abortController) c.abortController.abort(reason);
    const state = s.state;
    if (state === 'closed' || state === 'errored') return resolved(undefined);
    if (s.pendingAbortRequest) return s.pendingAbortRequest.d.promise;
    let wasAlreadyErroring = false;
    if (state === 'erroring') { wasAlreadyErroring = true; reason = undefined; }
    const d = deferred();
    s.pendingAbortRequest = { d, reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) wsStartErroring(s, reason);
    return d.promise;
  }
  function wsClose(s) {
    if (s.state === 'closed' || s.state === 'errored') {
      return rejected(new TypeError('the stream is closed or errored'));
    }
    const d = deferred();
    s.closeRequest = d;
    if (s.writer && s.backpressure && s.state === 'writable') s.writer.ready.resolve(undefined);
    const c = s.controller;
    enqueueValueWithSize(c, CLOSE_SENTINEL, 0);
    wcAdvanceQueueIfNeeded(c);
    return d.promise;
  }
  function wsDealWithRejection(s, e) {
    if (s.state === 'writable') { wsStartErroring(s, e); return; }
    wsFinishErroring(s);
  }
  function wsStartErroring(s, reason) {
    s.state = 'erroring';
    s.storedError = reason;
    if (s.writer) writerEnsureReadyRejected(s.writer, reason);
    if (!wsHasOperationMarkedInFlight(s) && s.controller.started) wsFinishErroring(s);
  }
  function wsFinishErroring(s) {
    s.state = 'errored';
    const c = s.controller;
    resetQueue(c);
    const err = s.storedError;
    const reqs = s.writeRequests;
    s.writeRequests = [];
    for (const d of reqs) d.reject(err);
    const abortReq = s.pendingAbortRequest;
    if (!abortReq) { wsRejectCloseAndClosedIfNeeded(s); return; }
    s.pendingAbortRequest = null;
    if (abortReq.wasAlreadyErroring) {
      abortReq.d.reject(err);
      wsRejectCloseAndClosedIfNeeded(s);
      return;
    }
    const p = c.abortAlgo ? c.abortAlgo(abortReq.reason) : resolved(undefined);
    wcClearAlgorithms(c);
    p.then(() => { abortReq.d.resolve(undefined); wsRejectCloseAndClosedIfNeeded(s); },
      (r) => { abortReq.d.reject(r); wsRejectCloseAndClosedIfNeeded(s); });
  }
  function wsFinishInFlightWrite(s) { s.inFlightWriteRequest.resolve(undefined); s.inFlightWriteRequest = null; }
  function wsFinishInFlightWriteWithError(s, e) {
    s.inFlightWriteRequest.reject(e);
    s.inFlightWriteRequest = null;
    wsDealWithRejection(s, e);
  }
  function wsFinishInFlightClose(s) {
    s.inFlightCloseRequest.resolve(undefined);
    s.inFlightCloseRequest = null;
    if (s.state === 'erroring') {
      s.storedError = undefined;
      if (s.pendingAbortRequest) { s.pendingAbortRequest.d.resolve(undefined); s.pendingAbortRequest = null; }
    }
    s.state = 'closed';
    if (s.writer) s.writer.closed.resolve(undefined);
  }
  function wsFinishInFlightCloseWithError(s, e) {
    s.inFlightCloseRequest.reject(e);
    s.inFlightCloseRequest = null;
    if (s.pendingAbortRequest) { s.pendingAbortRequest.d.reject(e); s.pendingAbortRequest = null; }
    wsDealWithRejection(s, e);
  }
  function wsCloseQueuedOrInFlight(s) { return s.closeRequest !== null || s.inFlightCloseRequest !== null; }
  function wsHasOperationMarkedInFlight(s) { return s.inFlightWriteRequest !== null || s.inFlightCloseRequest !== null; }
  function wsRejectCloseAndClosedIfNeeded(s) {
    if (s.closeRequest) { s.closeRequest.reject(s.storedError); s.closeRequest = null; }
    if (s.writer) s.writer.closed.reject(s.storedError);
  }
  function wsUpdateBackpressure(s, bp) {
    const w = s.writer;
    if (w && bp !== s.backpressure) {
      if (bp) w.ready = deferred(true);
      else w.ready.resolve(undefined);
    }
    s.backpressure = bp;
  }

  function acquireWriter(s) {
    if (s.writer) throw new TypeError('WritableStream is locked to a writer');
    const w = { stream: s, ready: null, closed: null, pub: null };
    s.writer = w;
    const state = s.state;
    if (state === 'writable') {
      w.ready = (!wsCloseQueuedOrInFlight(s) && s.backpressure) ? deferred(true) : resolvedDeferred(undefined);
      w.closed = deferred(true);
    } else if (state === 'erroring') {
      w.ready = rejectedDeferred(s.storedError);
      w.closed = deferred(true);
    } else if (state === 'closed') {
      w.ready = resolvedDeferred(undefined);
      w.closed = resolvedDeferred(undefined);
    } else {
      w.ready = rejectedDeferred(s.storedError);
      w.closed = rejectedDeferred(s.storedError);
    }
    return w;
  }
  function writerEnsureReadyRejected(w, e) {
    if (w.ready.state === 'pending') w.ready.reject(e);
    else w.ready = rejectedDeferred(e);
  }
  function writerEnsureClosedRejected(w, e) {
    if (w.closed.state === 'pending') w.closed.reject(e);
    else w.closed = rejectedDeferred(e);
  }
  function writerRelease(w) {
    const s = w.stream;
    const err = new TypeError('the writer was released');
    writerEnsureReadyRejected(w, err);
    writerEnsureClosedRejected(w, err);
    s.writer = null;
    w.stream = undefined;
  }
  function writerDesiredSize(w) {
    const s = w.stream;
    if (s.state === 'errored' || s.state === 'erroring') return null;
    if (s.state === 'closed') return 0;
    return s.controller.hwm - s.controller.queueTotal;
  }
  function writerWrite(w, chunk) {
    const s = w.stream;
    const c = s.controller;
    const size = wcGetChunkSize(c, chunk);
    if (s !== w.stream) return rejected(new TypeError('the writer was released'));
    if (s.state === 'errored') return rejected(s.storedError);
    if (wsCloseQueuedOrInFlight(s) || s.state === 'closed') return rejected(new TypeError('the stream is closing or closed'));
    if (s.state === 'erroring') return rejected(s.storedError);
    const d = deferred();
    s.writeRequests.push(d);
    wcWrite(c, chunk, size);
    return d.promise;
  }
  function writerCloseWithErrorPropagation(w) {
    const s = w.stream;
    if (wsCloseQueuedOrInFlight(s) || s.state === 'closed') return resolved(undefined);
    if (s.state === 'errored') return rejected(s.storedError);
    return wsClose(s);
  }

  function wcClearAlgorithms(c) {
    c.writeAlgo = undefined; c.closeAlgo = undefined; c.abortAlgo = undefined; c.strategySize = undefined;
  }
  function wcGetChunkSize(c, chunk) {
    if (!c.strategySize) return 1;
    try { return c.strategySize(chunk); } catch (e) { wcErrorIfNeeded(c, e); return 1; }
  }
  function wcGetBackpressure(c) { return c.hwm - c.queueTotal <= 0; }
  function wcWrite(c, chunk, size) {
    try { enqueueValueWithSize(c, chunk, size); } catch (e) { wcErrorIfNeeded(c, e); return; }
    const s = c.stream;
    if (!wsCloseQueuedOrInFlight(s) && s.state === 'writable') wsUpdateBackpressure(s, wcGetBackpressure(c));
    wcAdvanceQueueIfNeeded(c);
  }
  function wcAdvanceQueueIfNeeded(c) {
    const s = c.stream;
    if (!c.started || s.inFlightWriteRequest !== null) return;
    if (s.state === 'closed' || s.state === 'errored') return;
    if (s.state === 'erroring') { wsFinishErroring(s); return; }
    if (c.queue.length === 0) return;
    const value = c.queue[0].value;
    if (value === CLOSE_SENTINEL) wcProcessClose(c);
    else wcProcessWrite(c, value);
  }
  function wcErrorIfNeeded(c, e) { if (c.stream.state === 'writable') wcError(c, e); }
  function wcError(c, e) { wcClearAlgorithms(c); wsStartErroring(c.stream, e); }
  function wcProcessClose(c) {
    const s = c.stream;
    s.inFlightCloseRequest = s.closeRequest;
    s.closeRequest = null;
    dequeueValue(c);
    const p = c.closeAlgo();
    wcClearAlgorithms(c);
    p.then(() => wsFinishInFlightClose(s), (r) => wsFinishInFlightCloseWithError(s, r));
  }
  function wcProcessWrite(c, chunk) {
    const s = c.stream;
    s.inFlightWriteRequest = s.writeRequests.shift();
    c.writeAlgo(chunk).then(() => {
      wsFinishInFlightWrite(s);
      const state = s.state;
      dequeueValue(c);
      if (!wsCloseQueuedOrInFlight(s) && state === 'writable') wsUpdateBackpressure(s, wcGetBackpressure(c));
      wcAdvanceQueueIfNeeded(c);
    }, (r) => {
      if (s.state === 'writable') wcClearAlgorithms(c);
      wsFinishInFlightWriteWithError(s, r);
    });
  }

  class WritableStreamDefaultController {
    #c;
    constructor(token, c) {
      if (token !== INTERNAL) throw new TypeError('Illegal constructor');
      this.#c = c;
    }
    static { newWSControllerPub = (c) => new WritableStreamDefaultController(INTERNAL, c); }
    get signal() {
      const c = this.#c;
      if (!c.abortController) {
        const AC = g.AbortController;
        if (typeof AC !== 'function') return undefined;
        c.abortController = new AC();
        if (c.aborted) c.abortController.abort(c.abortedWith);
      }
      return c.abortController.signal;
    }
    error(e = undefined) {
      if (this.#c.stream.state !== 'writable') return;
      wcError(this.#c, e);
    }
  }

  class WritableStreamDefaultWriter {
    #w;
    constructor(stream) {
      this.#w = acquireWriter(getWS(stream));
      this.#w.pub = this;
    }
    get closed() { return this.#w.closed.promise; }
    get ready() { return this.#w.ready.promise; }
    get desiredSize() {
      if (!this.#w.stream) throw new TypeError('the writer has been released');
      return writerDesiredSize(this.#w);
    }
    abort(reason = undefined) {
      if (!this.#w.stream) return rejected(new TypeError('the writer has been released'));
      return wsAbort(this.#w.stream, reason);
    }
    close() {
      const s = this.#w.stream;
      if (!s) return rejected(new TypeError('the writer has been released'));
      if (wsCloseQueuedOrInFlight(s)) return rejected(new TypeError('the stream is already closing'));
      return wsClose(s);
    }
    releaseLock() { if (this.#w.stream) writerRelease(this.#w); }
    write(chunk = undefined) {
      if (!this.#w.stream) return rejected(new TypeError('the writer has been released'));
      return writerWrite(this.#w, chunk);
    }
  }

  class WritableStream {
    #s;
    constructor(underlyingSink = undefined, strategy = undefined) {
      this.#s = {
        pub: this, state: 'writable', storedError: undefined, writer: null, controller: null,
        writeRequests: [], inFlightWriteRequest: null, closeRequest: null, inFlightCloseRequest: null,
        pendingAbortRequest: null, backpressure: false,
      };
      if (underlyingSink === INTERNAL) return;
      const sink = underlyingSink == null ? {} : underlyingSink;
      if (typeof sink !== 'object' && typeof sink !== 'function') throw new TypeError('underlyingSink must be an object');
      const st = strategyDict(strategy);
      const size = extractSizeAlgorithm(st);
      const hwm = extractHighWaterMark(st, 1);
      if (sink.type !== undefined) throw new RangeError('invalid WritableStream type');
      const start = checkFn(sink, 'start', 'underlyingSink');
      const write = checkFn(sink, 'write', 'underlyingSink');
      const close = checkFn(sink, 'close', 'underlyingSink');
      const abort = checkFn(sink, 'abort', 'underlyingSink');
      let ctl;
      setupWSController(this.#s,
        (c) => { ctl = c; return start === undefined ? undefined : start.call(sink, c); },
        (chunk) => promiseCall(write, sink, [chunk, ctl]),
        () => promiseCall(close, sink, []),
        (reason) => promiseCall(abort, sink, [reason]),
        hwm, size);
    }
    static {
      getWS = (o) => {
        if (!(o !== null && typeof o === 'object' && #s in o)) throw new TypeError('not a WritableStream');
        return o.#s;
      };
    }
    get locked() { return this.#s.writer !== null; }
    abort(reason = undefined) {
      if (this.#s.writer) return rejected(new TypeError('cannot abort a locked WritableStream'));
      return wsAbort(this.#s, reason);
    }
    close() {
      const s = this.#s;
      if (s.writer) return rejected(new TypeError('cannot close a locked WritableStream'));
      if (wsCloseQueuedOrInFlight(s)) return rejected(new TypeError('the stream is already closing'));
      return wsClose(s);
    }
    getWriter() { return new WritableStreamDefaultWriter(this); }
  }

  // =================================================================================================
  // TransformStream
  // =================================================================================================

  let newTSControllerPub;

  function tsError(ts, e) {
    rcError(getRS(ts.readable).controller, e);
    tsErrorWritableAndUnblockWrite(ts, e);
  }
  function tsErrorWritableAndUnblockWrite(ts, e) {
    tcClearAlgorithms(ts.controller);
    wcErrorIfNeeded(getWS(ts.writable).controller, e);
    tsUnblockWrite(ts);
  }
  function tsUnblockWrite(ts) { if (ts.backpressure) tsSetBackpressure(ts, false); }
  function tsSetBackpressure(ts, bp) {
    if (ts.backpressureChange) ts.backpressureChange.resolve(undefined);
    ts.backpressureChange = deferred();
    ts.backpressure = bp;
  }
  function tcClearAlgorithms(c) { c.transformAlgo = undefined; c.flushAlgo = undefined; c.cancelAlgo = undefined; }
  function tcEnqueue(c, chunk) {
    const ts = c.stream;
    const rs = getRS(ts.readable);
    const rc = rs.controller;
    if (!rcCanCloseOrEnqueue(rc)) throw new TypeError('the readable side is not in a state that permits enqueue');
    try { rcEnqueue(rc, chunk); } catch (e) { tsErrorWritableAndUnblockWrite(ts, e); throw rs.storedError; }
    const bp = !rcShouldCallPull(rc);
    if (bp !== ts.backpressure) tsSetBackpressure(ts, true);
  }
  function tcTerminate(c) {
    const ts = c.stream;
    rcClose(getRS(ts.readable).controller);
    tsErrorWritableAndUnblockWrite(ts, new TypeError('the TransformStream was terminated'));
  }
  function tcPerformTransform(c, chunk) {
    return c.transformAlgo(chunk).then(undefined, (r) => { tsError(c.stream, r); throw r; });
  }
  function tsSinkWrite(ts, chunk) {
    const c = ts.controller;
    if (ts.backpressure) {
      return ts.backpressureChange.promise.then(() => {
        const w = getWS(ts.writable);
        if (w.state === 'erroring') throw w.storedError;
        return tcPerformTransform(c, chunk);
      });
    }
    return tcPerformTransform(c, chunk);
  }
  function tsSinkAbort(ts, reason) {
    const c = ts.controller;
    if (c.finish) return c.finish.promise;
    const rs = getRS(ts.readable);
    const d = c.finish = deferred();
    const p = c.cancelAlgo(reason);
    tcClearAlgorithms(c);
    p.then(() => {
      if (rs.state === 'errored') d.reject(rs.storedError);
      else { rcError(rs.controller, reason); d.resolve(undefined); }
    }, (r) => { rcError(rs.controller, r); d.reject(r); });
    return d.promise;
  }
  function tsSinkClose(ts) {
    const c = ts.controller;
    if (c.finish) return c.finish.promise;
    const rs = getRS(ts.readable);
    const d = c.finish = deferred();
    const p = c.flushAlgo();
    tcClearAlgorithms(c);
    p.then(() => {
      if (rs.state === 'errored') d.reject(rs.storedError);
      else { rcClose(rs.controller); d.resolve(undefined); }
    }, (r) => { rcError(rs.controller, r); d.reject(r); });
    return d.promise;
  }
  function tsSourcePull(ts) {
    tsSetBackpressure(ts, false);
    return ts.backpressureChange.promise;
  }
  function tsSourceCancel(ts, reason) {
    const c = ts.controller;
    if (c.finish) return c.finish.promise;
    const ws = getWS(ts.writable);
    const d = c.finish = deferred();
    const p = c.cancelAlgo(reason);
    tcClearAlgorithms(c);
    p.then(() => {
      if (ws.state === 'errored') d.reject(ws.storedError);
      else { wcErrorIfNeeded(ws.controller, reason); tsUnblockWrite(ts); d.resolve(undefined); }
    }, (r) => { wcErrorIfNeeded(ws.controller, r); tsUnblockWrite(ts); d.reject(r); });
    return d.promise;
  }

  class TransformStreamDefaultController {
    #c;
    constructor(token, c) {
      if (token !== INTERNAL) throw new TypeError('Illegal constructor');
      this.#c = c;
    }
    static { newTSControllerPub = (c) => new TransformStreamDefaultController(INTERNAL, c); }
    get desiredSize() { return rcDesiredSize(getRS(this.#c.stream.readable).controller); }
    enqueue(chunk = undefined) { tcEnqueue(this.#c, chunk); }
    error(reason = undefined) { tsError(this.#c.stream, reason); }
    terminate() { tcTerminate(this.#c); }
  }

  class TransformStream {
    #ts;
    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const tr = transformer == null ? {} : transformer;
      if (typeof tr !== 'object' && typeof tr !== 'function') throw new TypeError('transformer must be an object');
      const wst = strategyDict(writableStrategy), rst = strategyDict(readableStrategy);
      if (tr.readableType !== undefined) throw new RangeError('invalid readableType');
      if (tr.writableType !== undefined) throw new RangeError('invalid writableType');
      const rSize = extractSizeAlgorithm(rst), rHWM = extractHighWaterMark(rst, 0);
      const wSize = extractSizeAlgorithm(wst), wHWM = extractHighWaterMark(wst, 1);
      const start = checkFn(tr, 'start', 'transformer');
      const transform = checkFn(tr, 'transform', 'transformer');
      const flush = checkFn(tr, 'flush', 'transformer');
      const cancel = checkFn(tr, 'cancel', 'transformer');
      const startD = deferred();
      const ts = this.#ts = { readable: null, writable: null, backpressure: undefined, backpressureChange: null, controller: null };
      const startAlgo = () => startD.promise;
      ts.writable = createWritableStream(startAlgo, (chunk) => tsSinkWrite(ts, chunk),
        () => tsSinkClose(ts), (reason) => tsSinkAbort(ts, reason), wHWM, wSize);
      ts.readable = createReadableStream(startAlgo, () => tsSourcePull(ts),
        (reason) => tsSourceCancel(ts, reason), rHWM, rSize);
      tsSetBackpressure(ts, true);
      const c = { stream: ts, transformAlgo: null, flushAlgo: null, cancelAlgo: null, finish: null, pub: null };
      c.pub = newTSControllerPub(c);
      ts.controller = c;
      c.transformAlgo = transform !== undefined
        ? (chunk) => promiseCall(transform, tr, [chunk, c.pub])
        : (chunk) => { try { tcEnqueue(c, chunk); return resolved(undefined); } catch (e) { return Promise.reject(e); } };
      c.flushAlgo = () => promiseCall(flush, tr, [c.pub]);
      c.cancelAlgo = (reason) => promiseCall(cancel, tr, [reason]);
      startD.resolve(start === undefined ? undefined : start.call(tr, c.pub));
    }
    get readable() { return this.#ts.readable; }
    get writable() { return this.#ts.writable; }
  }

  return {
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamDefaultController,
    WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
    TransformStream, TransformStreamDefaultController,
    ByteLengthQueuingStrategy, CountQueuingStrategy,
  };
})
