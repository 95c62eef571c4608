/**
 * A compact binary encoding of JSON-compatible values, for checkpoint sections (state file format 2).
 * It reads back exactly what `JSON.parse(JSON.stringify(v))` would give — non-finite numbers become null,
 * `undefined`/functions/symbols become null in arrays and are left out of objects, values with `toJSON`
 * and objects that are not plain (Map, Set, Date, class instances) are stored as their JSON text — but it
 * writes numbers, short strings and small arrays without building any string, and reads them without a
 * parser. No Node-only module: it runs wherever the engine does.
 *
 * Tags (one byte), little-endian payloads:
 *   0 null · 1 false · 2 true · 3 int8 · 4 int32 · 5 float64 · 6 string (u32 byte length, UTF-8)
 *   7 array (u32 length, items) · 8 object (u32 count, then per property: u32 byte length + UTF-8 name, value)
 *   9 JSON text (u32 byte length, UTF-8) · 10 short string (u8 byte length, UTF-8)
 */

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_I8 = 3;
const T_I32 = 4;
const T_F64 = 5;
const T_STR = 6;
const T_ARR = 7;
const T_OBJ = 8;
const T_JSON = 9;
const T_STR8 = 10;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_DEPTH = 512;

/** Thrown when bytes do not decode (truncated or not written by `ByteWriter`). */
export class BinaryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryFormatError';
  }
}

/** A growable byte buffer with typed writes. */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + need) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  u8(x: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = x;
  }

  u32(x: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes `v` as `JSON.parse(JSON.stringify(v))` would read it back (null for a top-level undefined). */
  value(v: unknown, depth = 0): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.u8(v ? T_TRUE : T_FALSE);
        return;
      case 'object':
        if (v === null) this.u8(T_NULL);
        else this.object(v as object, depth);
        return;
      case 'bigint':
        // what JSON.stringify does
        throw new TypeError('Do not know how to serialize a BigInt');
      default:
        this.u8(T_NULL);
    }
  }

  number(x: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    const b = this.buf;
    if ((x | 0) === x) {
      if (x >= -128 && x <= 127) {
        b[this.pos] = T_I8;
        b[this.pos + 1] = x & 0xff;
        this.pos += 2;
      } else {
        b[this.pos] = T_I32;
        this.view.setInt32(this.pos + 1, x, true);
        this.pos += 5;
      }
    } else if (Number.isFinite(x)) {
      b[this.pos] = T_F64;
      this.view.setFloat64(this.pos + 1, x, true);
      this.pos += 9;
    } else {
      b[this.pos++] = T_NULL;
    }
  }

  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      // ASCII fast path: one byte per char, no encoder call
      if (this.pos + 2 + n > this.buf.length) this.grow(2 + n);
      const b = this.buf;
      const start = this.pos;
      let p = start + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[p++] = c;
      }
      if (i === n) {
        b[start] = T_STR8;
        b[start + 1] = n;
        this.pos = p;
        return;
      }
    }
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      // lone surrogates: UTF-8 cannot carry them, JSON escapes can
      this.text(T_JSON, JSON.stringify(s));
      return;
    }
    this.text(T_STR, s);
  }

  /** Tag, u32 byte length, UTF-8 of `s`. */
  private text(tag: number, s: string): void {
    this.ensure(5 + s.length * 3);
    const start = this.pos;
    this.buf[start] = tag;
    const r = encoder.encodeInto(s, this.buf.subarray(start + 5));
    this.view.setUint32(start + 1, r.written, true);
    this.pos = start + 5 + r.written;
  }

  /** A property name: u32 byte length + UTF-8 (no tag). */
  private name(s: string): void {
    const n = s.length;
    if (n < 64) {
      // ASCII fast path (field names mostly are): one byte per char, no encoder call
      if (this.pos + 4 + n > this.buf.length) this.grow(4 + n);
      const b = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[start + 4 + i] = c;
      }
      if (i === n) {
        this.view.setUint32(start, n, true);
        this.pos = start + 4 + n;
        return;
      }
    }
    this.ensure(4 + n * 3);
    const start = this.pos;
    const r = encoder.encodeInto(s, this.buf.subarray(start + 4));
    this.view.setUint32(start, r.written, true);
    this.pos = start + 4 + r.written;
  }

  private object(o: object, depth: number): void {
    if (depth > MAX_DEPTH) {
      // JSON.stringify throws for a cycle; a legitimately deep value keeps its JSON text
      this.text(T_JSON, JSON.stringify(o));
      return;
    }
    if (Array.isArray(o)) {
      const n = o.length;
      if (this.pos + 5 > this.buf.length) this.grow(5);
      this.buf[this.pos] = T_ARR;
      this.view.setUint32(this.pos + 1, n, true);
      this.pos += 5;
      for (let i = 0; i < n; i++) this.value(o[i], depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (
      (proto !== Object.prototype && proto !== null) ||
      typeof (o as { toJSON?: unknown }).toJSON === 'function'
    ) {
      const json = JSON.stringify(o);
      if (json === undefined) this.u8(T_NULL);
      else this.text(T_JSON, json);
      return;
    }
    const rec = o as Record<string, unknown>;
    const names = Object.keys(rec);
    this.u8(T_OBJ);
    const countAt = this.pos;
    this.u32(0);
    let count = 0;
    for (const k of names) {
      const x = rec[k];
      const t = typeof x;
      if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
      this.name(k);
      this.value(x, depth + 1);
      count++;
    }
    this.view.setUint32(countAt, count, true);
  }
}

/** Reads values written by `ByteWriter`; every read is bounds-checked. */
export class ByteReader {
  private readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new BinaryFormatError(
        `truncated: ${n} bytes needed at offset ${this.pos}, ${this.end} available`,
      );
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  private utf8(n: number): string {
    this.need(n);
    const b = this.buf;
    const start = this.pos;
    this.pos += n;
    if (n < 32) {
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = b[i]!;
        if (c > 0x7f) return decodeUtf8(b, start, start + n);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decodeUtf8(b, start, start + n);
  }

  value(depth = 0): unknown {
    const tag = this.u8();
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_I8: {
        this.need(1);
        return (this.buf[this.pos++]! << 24) >> 24;
      }
      case T_I32: {
        this.need(4);
        const x = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return x;
      }
      case T_F64: {
        this.need(8);
        const x = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return x;
      }
      case T_STR8:
        return this.utf8(this.u8());
      case T_STR:
        return this.utf8(this.u32());
      case T_ARR: {
        const n = this.u32();
        if (n > this.end - this.pos) throw new BinaryFormatError(`array of ${n} items at offset ${this.pos}`);
        if (depth > MAX_DEPTH * 2) throw new BinaryFormatError('nested too deeply');
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.value(depth + 1);
        return a;
      }
      case T_OBJ: {
        const n = this.u32();
        if (n > this.end - this.pos)
          throw new BinaryFormatError(`object of ${n} entries at offset ${this.pos}`);
        if (depth > MAX_DEPTH * 2) throw new BinaryFormatError('nested too deeply');
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.utf8(this.u32());
          const v = this.value(depth + 1);
          if (k === '__proto__')
            Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      case T_JSON: {
        const text = this.utf8(this.u32());
        try {
          return JSON.parse(text);
        } catch (e) {
          throw new BinaryFormatError(`bad JSON value (${(e as Error).message})`);
        }
      }
      default:
        throw new BinaryFormatError(`unknown tag ${tag} at offset ${this.pos - 1}`);
    }
  }
}

function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  try {
    return decoder.decode(b.subarray(start, end));
  } catch {
    throw new BinaryFormatError(`invalid UTF-8 at offset ${start}`);
  }
}

/** Decodes `count` (key, value) pairs written one after the other, as the snapshot's blocks hold them. */
export function decodeEntries(b: Uint8Array, count: number): { keys: unknown[]; values: unknown[] } {
  const r = new ByteReader(b);
  const keys = new Array<unknown>(count);
  const values = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    keys[i] = r.value();
    values[i] = r.value();
  }
  if (r.pos !== b.length) throw new BinaryFormatError(`${b.length - r.pos} bytes after ${count} entries`);
  return { keys, values };
}

/** Encodes one value (for tests and small payloads). */
export function encodeValue(v: unknown): Uint8Array {
  const w = new ByteWriter(64);
  w.value(v);
  return w.buf.slice(0, w.pos);
}

/** Decodes one value written by `encodeValue`; throws `BinaryFormatError` on bad or trailing bytes. */
export function decodeValue(b: Uint8Array): unknown {
  const r = new ByteReader(b);
  const v = r.value();
  if (r.pos !== b.length) throw new BinaryFormatError(`${b.length - r.pos} trailing bytes`);
  return v;
}
