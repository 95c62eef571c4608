/**
 * The disk backend's key layout (Flink RocksDB's `<keyGroup><key><namespace>` idea, with the namespace first
 * so that one window's entries of a key group are one contiguous range):
 *
 *   [key group: u16 big-endian] [namespace] [key]
 *
 *   namespace: 0x01 u32-BE byte length, UTF-8 bytes   (a string; the void namespace is the string '__void__')
 *              0x02 float64 big-endian                (a number, e.g. a window's end)
 *   key:       0x01 UTF-8 bytes (to the end)  |  0x02 float64 BE  |  0x03 0x00/0x01 (boolean)  |  0x04 (null)
 *
 * The key group comes first and big-endian, so all entries of a key group — and of a key-group range — sort
 * together: a restore at another parallelism or a full snapshot reads ranges, never the whole store.
 */
import type { Key } from '../keyGroups';
import type { Namespace } from '../types';

const NS_STRING = 0x01;
const NS_NUMBER = 0x02;
const K_STRING = 0x01;
const K_NUMBER = 0x02;
const K_BOOLEAN = 0x03;
const K_NULL = 0x04;

function nsLength(ns: Namespace): number {
  return typeof ns === 'number' ? 9 : 5 + Buffer.byteLength(ns, 'utf8');
}

function keyLength(key: Key): number {
  switch (typeof key) {
    case 'string':
      return 1 + Buffer.byteLength(key, 'utf8');
    case 'number':
      return 9;
    case 'boolean':
      return 2;
    default:
      return 1;
  }
}

function writeNs(buf: Buffer, at: number, ns: Namespace): number {
  if (typeof ns === 'number') {
    buf[at] = NS_NUMBER;
    buf.writeDoubleBE(ns + 0, at + 1);
    return at + 9;
  }
  buf[at] = NS_STRING;
  const n = buf.write(ns, at + 5, 'utf8');
  buf.writeUInt32BE(n, at + 1);
  return at + 5 + n;
}

/** The store key of (key group, namespace, key). */
export function encodeKey(keyGroup: number, ns: Namespace, key: Key): Buffer {
  const buf = Buffer.allocUnsafe(2 + nsLength(ns) + keyLength(key));
  buf.writeUInt16BE(keyGroup, 0);
  let at = writeNs(buf, 2, ns);
  switch (typeof key) {
    case 'string':
      buf[at++] = K_STRING;
      buf.write(key, at, 'utf8');
      break;
    case 'number':
      buf[at++] = K_NUMBER;
      buf.writeDoubleBE(key + 0, at); // -0 → 0, like a JS Map
      break;
    case 'boolean':
      buf[at++] = K_BOOLEAN;
      buf[at] = key ? 1 : 0;
      break;
    default:
      buf[at] = K_NULL;
  }
  return buf;
}

/** The prefix of all entries of `ns` in `keyGroup` (and the exclusive end of that range). */
export function nsRange(keyGroup: number, ns: Namespace): { start: Buffer; end: Buffer } {
  const start = Buffer.allocUnsafe(2 + nsLength(ns));
  start.writeUInt16BE(keyGroup, 0);
  writeNs(start, 2, ns);
  // every key encoding starts with a tag byte ≤ 0x04, so prefix + 0xff is past all of them
  const end = Buffer.concat([start, Buffer.from([0xff])]);
  return { start, end };
}

/** The range of all entries of key groups [start, end] (inclusive). */
export function keyGroupRangeBounds(startKg: number, endKg: number): { start: Buffer; end: Buffer } {
  const start = Buffer.allocUnsafe(2);
  start.writeUInt16BE(startKg, 0);
  const end = Buffer.allocUnsafe(3);
  end.writeUInt16BE(endKg, 0);
  end[2] = 0xff;
  return { start, end };
}

export interface DecodedKey {
  keyGroup: number;
  namespace: Namespace;
  key: Key;
}

export function decodeKey(buf: Uint8Array): DecodedKey {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const keyGroup = b.readUInt16BE(0);
  let at = 2;
  let namespace: Namespace;
  if (b[at] === NS_NUMBER) {
    namespace = b.readDoubleBE(at + 1);
    at += 9;
  } else if (b[at] === NS_STRING) {
    const n = b.readUInt32BE(at + 1);
    namespace = b.toString('utf8', at + 5, at + 5 + n);
    at += 5 + n;
  } else throw new Error(`disk state: bad namespace tag ${b[at]} in key ${b.toString('hex')}`);
  const tag = b[at++];
  let key: Key;
  switch (tag) {
    case K_STRING:
      key = b.toString('utf8', at);
      break;
    case K_NUMBER:
      key = b.readDoubleBE(at);
      break;
    case K_BOOLEAN:
      key = b[at] === 1;
      break;
    case K_NULL:
      key = null;
      break;
    default:
      throw new Error(`disk state: bad key tag ${tag} in key ${b.toString('hex')}`);
  }
  return { keyGroup, namespace, key };
}

/** The key group of an encoded key (its first two bytes). */
export function keyGroupOf(buf: Uint8Array): number {
  return ((buf[0] as number) << 8) | (buf[1] as number);
}

/** Where the namespace of an encoded key ends (it starts at byte 2, after the key group). */
export function namespaceEnd(buf: Uint8Array): number {
  if (buf[2] === NS_NUMBER) return 11;
  if (buf[2] === NS_STRING) return 7 + (((buf[3]! << 24) >>> 0) + (buf[4]! << 16) + (buf[5]! << 8) + buf[6]!);
  throw new Error(`disk state: bad namespace tag ${buf[2]} in key ${Buffer.from(buf).toString('hex')}`);
}
