/**
 * JavaScript evaluated in every isolate before the user's script: a console that buffers bounded
 * output inside the isolate (no callback into Node), CommonJS-style `exports` for transpiled
 * modules, UTF-8 TextEncoder/TextDecoder (V8 alone has none), and the call wrapper that moves data
 * across the boundary as JSON strings only.
 */
export const prelude = (maxLogChars: number) => `
(function () {
  const MAX = ${maxLogChars};
  let logs = [], size = 0, dropped = 0;
  const show = (a) => {
    if (typeof a === 'string') return a;
    if (a === undefined) return 'undefined';
    if (a instanceof Error) return String(a);
    try { const s = JSON.stringify(a); return s === undefined ? String(a) : s; } catch (e) { return String(a); }
  };
  const push = (level) => function () {
    let m = Array.prototype.map.call(arguments, show).join(' ');
    if (m.length > 1000) m = m.slice(0, 1000) + '…';
    if (size + m.length > MAX || logs.length >= 200) { dropped++; return; }
    size += m.length;
    logs.push({ level: level, message: m });
  };
  globalThis.console = { log: push('log'), info: push('info'), warn: push('warn'), error: push('error'), debug: push('debug') };
  const takeLogs = function () {
    const out = logs;
    if (dropped > 0) out.push({ level: 'warn', message: '… ' + dropped + ' more log lines dropped (limit 200 lines, ' + MAX + ' characters)' });
    logs = []; size = 0; dropped = 0;
    return JSON.stringify(out);
  };
  globalThis.exports = {};
  globalThis.module = { exports: globalThis.exports };

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(s) {
      const out = [];
      s = String(s === undefined ? '' : s);
      for (let i = 0; i < s.length; i++) {
        let c = s.codePointAt(i);
        if (c > 0xffff) i++;
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
  }
  class TextDecoder {
    get encoding() { return 'utf-8'; }
    decode(bytes) {
      const b = bytes === undefined ? [] : bytes;
      let s = '';
      for (let i = 0; i < b.length; ) {
        const c = b[i++];
        let cp;
        if (c < 0x80) cp = c;
        else if (c >= 0xf0) { cp = ((c & 7) << 18) | ((b[i] & 63) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63); i += 3; }
        else if (c >= 0xe0) { cp = ((c & 15) << 12) | ((b[i] & 63) << 6) | (b[i + 1] & 63); i += 2; }
        else if (c >= 0xc0) { cp = ((c & 31) << 6) | (b[i] & 63); i += 1; }
        else cp = 0xfffd;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
  }
  globalThis.TextEncoder = TextEncoder;
  globalThis.TextDecoder = TextDecoder;

  const call = function (fn, json, recvTimeArg) {
    const args = JSON.parse(json);
    // The Things Stack passes recvTime as a Date: rebuild it on this side of the boundary.
    if (recvTimeArg >= 0 && args[recvTimeArg] && typeof args[recvTimeArg].recvTime === 'string') {
      args[recvTimeArg].recvTime = new Date(args[recvTimeArg].recvTime);
    }
    const out = fn.apply(undefined, args);
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
      throw new Error('the function returned a Promise; scripts must be synchronous');
    }
    let text;
    try { text = JSON.stringify(out === undefined ? null : out); }
    catch (e) { throw new Error('the result is not JSON-serialisable: ' + e.message); }
    if (typeof text !== 'string') text = 'null';
    // One crossing per call: the result and the logs travel together.
    return '{"l":' + takeLogs() + ',"v":' + text + '}';
  };
  Object.defineProperty(globalThis, '__polder', { value: Object.freeze({ call: call, takeLogs: takeLogs }) });
})();
`;

/** Evaluated after the user's script: finds the entry points, also when declared with const/let. */
export const ENTRY_POINTS = ['decodeUplink', 'Decoder', 'Decode', 'process'] as const;
export type EntryPoint = (typeof ENTRY_POINTS)[number];

export const lookup = `
(function () {
  const m = (globalThis.module && globalThis.module.exports) || {};
  const e = globalThis.exports || {};
  const found = {};
  ${ENTRY_POINTS.map(
    (n) =>
      `found.${n} = typeof ${n} === 'function' ? ${n} : typeof m.${n} === 'function' ? m.${n} : typeof e.${n} === 'function' ? e.${n} : undefined;`,
  ).join('\n  ')}
  Object.defineProperty(globalThis, '__polder_entries', { value: Object.freeze(found) });
  return JSON.stringify(Object.keys(found).filter(function (k) { return found[k] !== undefined; }));
})();
`;

/** Calls an entry point by name through the wrapper (the name is one of ENTRY_POINTS, never user text). */
export const invoker = `(function (name, json, recvTimeArg) { return __polder.call(__polder_entries[name], json, recvTimeArg); })`;
