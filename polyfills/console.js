// console: the `console` group. Output goes to Python logging (logger
// "actors.console") through native.log(level, text); values are formatted
// the way Node's util.inspect shows them (depth 2, cycles marked).
(function install(native, g) {
  "use strict";
  const DEBUG = 10, INFO = 20, WARNING = 30, ERROR = 40;
  const log = native.log;
  const counts = new Map();
  const timers = new Map();
  let indent = "";

  const quote = (s) => "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'";
  const isIdent = (k) => /^[A-Za-z_$][\w$]*$/.test(k);

  function inspect(value, depth = 2, seen = [], top = true) {
    switch (typeof value) {
      case "string": return top ? value : quote(value);
      case "number": return Object.is(value, -0) ? "-0" : String(value);
      case "bigint": return `${value}n`;
      case "boolean": case "undefined": return String(value);
      case "symbol": return value.toString();
      case "function": {
        const src = Function.prototype.toString.call(value);
        if (/^class[\s{]/.test(src)) return `[class ${value.name || "(anonymous)"}]`;
        return value.name ? `[Function: ${value.name}]` : "[Function (anonymous)]";
      }
    }
    if (value === null) return "null";
    if (seen.includes(value)) return "[Circular]";
    if (value instanceof Error) return value.stack ? `${value.name}: ${value.message}\n${value.stack}`.trimEnd() : String(value);
    if (value instanceof Date) return isNaN(value) ? "Invalid Date" : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return "Promise { <unknown> }";
    if (value instanceof WeakMap) return "WeakMap { <items unknown> }";
    if (value instanceof WeakSet) return "WeakSet { <items unknown> }";
    const inner = (v) => inspect(v, depth - 1, seen.concat([value]), false);
    const wrap = (open, items, close) => {
      if (items.length === 0) return `${open}${close}`.replace(/\s+/, "");
      const one = `${open} ${items.join(", ")} ${close}`;
      return one.length <= 72 ? one : `${open}\n${items.map((i) => "  " + i.replace(/\n/g, "\n  ")).join(",\n")}\n${close}`;
    };
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const name = value.constructor.name;
      if (depth < 0) return `[${name}]`;
      const items = Array.from(value.slice(0, 100), (x) => inspect(x, 0, [], false));
      if (value.length > 100) items.push(`... ${value.length - 100} more items`);
      return wrap(`${name}(${value.length}) [`, items, "]");
    }
    if (value instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${value.byteLength} }`;
    if (value instanceof Map) {
      if (depth < 0) return "[Map]";
      return wrap(`Map(${value.size}) {`, Array.from(value, ([k, v]) => `${inner(k)} => ${inner(v)}`), "}");
    }
    if (value instanceof Set) {
      if (depth < 0) return "[Set]";
      return wrap(`Set(${value.size}) {`, Array.from(value, inner), "}");
    }
    if (Array.isArray(value)) {
      if (depth < 0) return "[Array]";
      const items = value.slice(0, 100).map(inner);
      if (value.length > 100) items.push(`... ${value.length - 100} more items`);
      return wrap("[", items, "]");
    }
    const proto = Object.getPrototypeOf(value);
    const ctor = proto && proto.constructor && proto.constructor.name;
    const prefix = proto === null ? "[Object: null prototype] " : ctor && ctor !== "Object" ? `${ctor} ` : "";
    if (depth < 0) return `[${ctor || "Object"}]`;
    const items = Object.keys(value).map((k) => `${isIdent(k) ? k : quote(k)}: ${inner(value[k])}`);
    return prefix + wrap("{", items, "}");
  }

  function format(args) {
    let out = [];
    let i = 0;
    if (typeof args[0] === "string" && args[0].includes("%")) {
      i = 1;
      out.push(args[0].replace(/%([sdifjoOc%])/g, (m, f) => {
        if (f === "%") return "%";
        if (i >= args.length) return m;
        const a = args[i++];
        switch (f) {
          case "s": return typeof a === "string" ? a : inspect(a, 1, [], false);
          case "d": case "i": return typeof a === "bigint" ? `${a}n` : String(f === "i" ? Math.trunc(Number(a)) : Number(a));
          case "f": return String(Number(a));
          case "j": try { return JSON.stringify(a); } catch { return "[Circular]"; }
          case "c": return "";
          default: return inspect(a, 4, [], false);
        }
      }));
    }
    for (; i < args.length; i++) out.push(inspect(args[i]));
    return out.join(" ");
  }

  const emit = (level, text) => log(level, indent ? text.replace(/^/gm, indent) : text);
  const console = {
    log: (...a) => emit(INFO, format(a)),
    info: (...a) => emit(INFO, format(a)),
    debug: (...a) => emit(DEBUG, format(a)),
    warn: (...a) => emit(WARNING, format(a)),
    error: (...a) => emit(ERROR, format(a)),
    trace: (...a) => {
      const stack = (new Error().stack || "").split("\n").slice(1).join("\n");
      emit(DEBUG, `Trace: ${format(a)}${stack ? "\n" + stack : ""}`);
    },
    dir: (v, opts) => emit(INFO, inspect(v, opts && opts.depth != null ? opts.depth : 2, [], false)),
    assert: (cond, ...a) => { if (!cond) emit(ERROR, "Assertion failed" + (a.length ? ": " + format(a) : "")); },
    count: (label = "default") => { const n = (counts.get(label) || 0) + 1; counts.set(label, n); emit(INFO, `${label}: ${n}`); },
    countReset: (label = "default") => { counts.delete(label); },
    time: (label = "default") => {
      if (timers.has(label)) emit(WARNING, `Timer '${label}' already exists`);
      else timers.set(label, performance.now());
    },
    timeLog: (label = "default", ...a) => {
      if (!timers.has(label)) return emit(WARNING, `Timer '${label}' does not exist`);
      emit(INFO, `${label}: ${(performance.now() - timers.get(label)).toFixed(3)}ms${a.length ? " " + format(a) : ""}`);
    },
    timeEnd: (label = "default") => {
      if (!timers.has(label)) return emit(WARNING, `Timer '${label}' does not exist`);
      emit(INFO, `${label}: ${(performance.now() - timers.get(label)).toFixed(3)}ms`);
      timers.delete(label);
    },
    group: (...a) => { if (a.length) emit(INFO, format(a)); indent += "  "; },
    groupCollapsed: (...a) => { if (a.length) emit(INFO, format(a)); indent += "  "; },
    groupEnd: () => { indent = indent.slice(2); },
    table: (data, columns) => {
      if (data === null || typeof data !== "object") return emit(INFO, format([data]));
      const rows = data instanceof Map ? Array.from(data) : Object.entries(data);
      const keys = [];
      for (const [, row] of rows) {
        if (row !== null && typeof row === "object") {
          for (const k of Object.keys(row)) if (!keys.includes(k) && (!columns || columns.includes(k))) keys.push(k);
        } else if (!keys.includes("Values")) keys.push("Values");
      }
      const head = ["(index)", ...keys];
      const body = rows.map(([i, row]) => [String(i), ...keys.map((k) =>
        row !== null && typeof row === "object" ? (k in row ? inspect(row[k], 0, [], false) : "")
          : (k === "Values" ? inspect(row, 0, [], false) : ""))]);
      const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)) + 2);
      const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
      const row = (cells) => "│" + cells.map((s, c) => {
        const pad = widths[c] - s.length;
        return " ".repeat(Math.floor(pad / 2)) + s + " ".repeat(Math.ceil(pad / 2));
      }).join("│") + "│";
      emit(INFO, [line("┌", "┬", "┐"), row(head), line("├", "┼", "┤"), ...body.map(row), line("└", "┴", "┘")].join("\n"));
    },
  };
  return { console };
})
