// The `compression` group: CompressionStream and DecompressionStream.
// Each is a TransformStream whose chunks go through a zlib codec on the host
// (actors/apis/compression.py), opened per stream and addressed by an id.
(function install(native, g) {
  'use strict';
  const TransformStream = g.TransformStream;
  const FORMATS = ['gzip', 'deflate', 'deflate-raw'];

  function host(name, args) {
    try {
      return native.callSync('compression.' + name, ...args);
    } catch (e) {
      throw new TypeError(e && e.message ? e.message : String(e));
    }
  }
  function toBytes(chunk) {
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    if (ArrayBuffer.isView(chunk) && !(chunk.buffer instanceof ArrayBuffer)) {
      throw new TypeError('chunks must not be backed by a SharedArrayBuffer');
    }
    if (ArrayBuffer.isView(chunk)) {
      const u8 = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      return (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength) ? u8 : u8.slice();
    }
    throw new TypeError('chunks must be an ArrayBuffer or an ArrayBufferView');
  }
  function makeTransform(mode, format) {
    format = String(format);
    if (!FORMATS.includes(format)) throw new TypeError(`unsupported compression format: '${format}'`);
    const id = host('open', [format, mode]);
    let open = true;
    const close = () => { if (open) { open = false; try { native.callSync('compression.close', id); } catch (e) { /* already gone */ } } };
    return new TransformStream({
      transform(chunk, controller) {
        try {
          const data = toBytes(chunk);
          if (data.byteLength === 0) return;
          let out = host('push', [id, data]);
          while (out.byteLength > 0) {
            controller.enqueue(out);
            out = host('drain', [id]);
          }
        } catch (e) {
          close();
          throw e instanceof TypeError ? e : new TypeError(String(e));
        }
      },
      flush(controller) {
        open = false;
        const out = host('finish', [id]);
        if (out.byteLength > 0) controller.enqueue(out);
      },
      cancel() { close(); },
    });
  }

  class CompressionStream {
    #ts;
    constructor(format) { this.#ts = makeTransform('compress', format); }
    get readable() { return this.#ts.readable; }
    get writable() { return this.#ts.writable; }
  }
  class DecompressionStream {
    #ts;
    constructor(format) { this.#ts = makeTransform('decompress', format); }
    get readable() { return this.#ts.readable; }
    get writable() { return this.#ts.writable; }
  }
  return { CompressionStream, DecompressionStream };
})
