/**
 * The `datagen` source, after Flink's datagen connector: one generator per schema field.
 *
 * Row i of the source depends only on (`seed`, i): every field value comes from a counter-based
 * hash of (seed, i, field), never from a sequential PRNG, so a split can start anywhere (seek) and
 * any parallelism produces the same rows. Subtask s of p generates the global indices s, s+p,
 * s+2p, … (< `count` when bounded); its position is `{ index: next global index }`.
 *
 * Generators and the field types they fill (anything else is rejected when the reader is created):
 * - `sequence` — `start + i`; with `end` it wraps: `start + i mod (end − start + 1)`.
 *   int / float / timestamp get the number; string gets its decimal text.
 * - `random` — int / timestamp: uniform integer in [ceil(min), floor(max)]; float: uniform in
 *   [min, max); string: `length` (default 8) characters from [a-z0-9]; bool: true or false.
 *   `nullRate` is the probability of NULL.
 * - `choice` — one of `values`, uniformly or by relative `weights`. The values must fit the type:
 *   integers for int / timestamp, numbers for float, booleans for bool; a string field takes any
 *   value as text.
 * - `timestamp` — `startMs + i × stepMs − jitter`, jitter uniform in [0, maxJitterMs]; for
 *   timestamp / int / float fields (a string field gets ISO-8601 text).
 * A schema field without a generator gets the default one: `timestamp` for timestamp fields,
 * `random` (with its defaults) otherwise. Generators for fields the schema does not declare are
 * ignored. (The spec's validation is stricter — it requires a generator per field and allows fewer
 * generator/type pairs — so a validated spec only ever uses a subset of the above.)
 */
import type { DatagenSource, FieldTypeName, Generator } from '@flowstate/spec';
import { rowBuilder } from '../runtime/rowBuilder';
import { fmix32, hashIndex, seedKey, wideInt } from './random';
import { RateGate } from './rate';
import type { Row, RowSchema, SourcePosition, SplitContext, SplitReader } from './types';

const TWO_POW_32 = 4294967296;
const DATAGEN_SALT = 0x64617467; // "datg"

/** Computes one field of row `g`; `h` is the row's hash (shared by all fields of the row). */
export type FieldGenerator = (g: number, h: number) => unknown;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** All 1,296 two-character strings over [a-z0-9]: a random string is built two characters at a time. */
const PAIRS: string[] = [];
for (const a of ALPHABET) for (const b of ALPHABET) PAIRS.push(a + b);

function fail(field: string, message: string): never {
  throw new Error(`datagen field "${field}": ${message}`);
}

function defaultGenerator(type: FieldTypeName): Generator {
  return type === 'timestamp'
    ? { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 10, maxJitterMs: 0 }
    : { kind: 'random', min: 0, max: 100 };
}

function randomString(length: number, salt: number): FieldGenerator {
  return (_g, h) => {
    let s = '';
    let state = (h ^ salt) | 0;
    let left = length;
    while (left > 0) {
      state = (state + 0x9e3779b9) | 0;
      const u = fmix32(state);
      s += left >= 2 ? PAIRS[u % 1296]! : ALPHABET[u % 36]!;
      left -= 2;
      if (left <= 0) break;
      const v = Math.floor(u / 1296);
      s += left >= 2 ? PAIRS[v % 1296]! : ALPHABET[v % 36]!;
      left -= 2;
    }
    return s;
  };
}

function castChoice(field: string, type: FieldTypeName, v: string | number | boolean): unknown {
  switch (type) {
    case 'string':
      return String(v);
    case 'int':
    case 'timestamp':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
      return fail(field, `choice value ${JSON.stringify(v)} is not an integer (the field is ${type})`);
    case 'float':
      if (typeof v === 'number') return v;
      return fail(field, `choice value ${JSON.stringify(v)} is not a number (the field is float)`);
    case 'bool':
      if (typeof v === 'boolean') return v;
      return fail(field, `choice value ${JSON.stringify(v)} is not a boolean (the field is bool)`);
  }
}

/** Build the generator function of one field; `salt` makes the field's random stream its own. */
export function compileFieldGenerator(
  field: string,
  type: FieldTypeName,
  gen: Generator,
  salt: number,
): FieldGenerator {
  switch (gen.kind) {
    case 'sequence': {
      const start = gen.start;
      if (type === 'bool') fail(field, 'a sequence cannot fill a bool field');
      let f: FieldGenerator;
      if (gen.end === undefined) {
        f = (g) => start + g;
      } else {
        const span = gen.end - start + 1;
        if (span <= 0) fail(field, `sequence end (${gen.end}) is before start (${start})`);
        f = (g) => start + (g % span);
      }
      if (type === 'string') {
        const num = f;
        return (g, h) => String(num(g, h));
      }
      return f;
    }
    case 'random': {
      const base = compileRandom(field, type, gen, salt);
      const rate = gen.nullRate ?? 0;
      if (rate <= 0) return base;
      const threshold = rate * TWO_POW_32;
      const nullSalt = fmix32(salt ^ 0x5bd1e995);
      return (g, h) => (fmix32(h ^ nullSalt) < threshold ? null : base(g, h));
    }
    case 'choice': {
      const values = gen.values.map((v) => castChoice(field, type, v));
      const n = values.length;
      if (!gen.weights) {
        if (n === 1) {
          const only = values[0];
          return () => only;
        }
        return (_g, h) => values[Math.floor((fmix32(h ^ salt) * n) / TWO_POW_32)];
      }
      const weights = gen.weights;
      if (weights.length !== n) fail(field, `choice has ${n} values but ${weights.length} weights`);
      const cumulative: number[] = [];
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) fail(field, 'choice weights must be finite and not negative');
        total += w;
        cumulative.push(total);
      }
      if (total <= 0) fail(field, 'choice weights must not all be zero');
      const scale = total / TWO_POW_32;
      return (_g, h) => {
        const x = fmix32(h ^ salt) * scale; // in [0, total)
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > x) hi = mid;
          else lo = mid + 1;
        }
        return values[lo];
      };
    }
    case 'timestamp': {
      if (type === 'bool') fail(field, 'a timestamp generator cannot fill a bool field');
      const { startMs, stepMs, maxJitterMs } = gen;
      const jitterSpan = maxJitterMs + 1;
      const f: FieldGenerator =
        maxJitterMs > 0
          ? (g, h) => startMs + g * stepMs - Math.floor((fmix32(h ^ salt) * jitterSpan) / TWO_POW_32)
          : (g) => startMs + g * stepMs;
      if (type === 'string') return (g, h) => new Date(f(g, h) as number).toISOString();
      return f;
    }
  }
}

function compileRandom(
  field: string,
  type: FieldTypeName,
  gen: Extract<Generator, { kind: 'random' }>,
  salt: number,
): FieldGenerator {
  const { min, max } = gen;
  switch (type) {
    case 'int':
    case 'timestamp': {
      const lo = Math.ceil(min);
      const hi = Math.floor(max);
      if (hi < lo) fail(field, `no integer in [${min}, ${max}]`);
      const range = hi - lo + 1;
      if (range <= TWO_POW_32) return (_g, h) => lo + Math.floor((fmix32(h ^ salt) * range) / TWO_POW_32);
      const salt2 = fmix32(salt ^ 0x27d4eb2f);
      return (_g, h) => lo + wideInt(fmix32(h ^ salt), fmix32(h ^ salt2), range);
    }
    case 'float': {
      if (max < min) fail(field, `random max (${max}) is below min (${min})`);
      const width = (max - min) / TWO_POW_32;
      return (_g, h) => min + fmix32(h ^ salt) * width;
    }
    case 'bool':
      return (_g, h) => fmix32(h ^ salt) >= 2147483648;
    case 'string':
      return randomString(gen.length ?? 8, salt);
  }
}

export class DatagenReader implements SplitReader {
  readonly bounded: boolean;
  private readonly build: (g: number, h: number) => Row;
  /** False when no generator reads the row hash (sequence, timestamp without jitter, one-value choice). */
  private readonly usesHash: boolean;
  private readonly key: number;
  private readonly stride: number;
  private readonly count: number;
  private readonly gate: RateGate | null;
  private next: number;
  private _ended: boolean;

  constructor(connector: DatagenSource, schema: RowSchema, ctx: SplitContext) {
    const fields = Object.keys(schema);
    if (fields.length === 0) throw new Error('datagen: the source schema declares no fields');
    this.key = seedKey(connector.seed, DATAGEN_SALT);
    const specs = fields.map((name) => connector.fields[name] ?? defaultGenerator(schema[name]!));
    const gens = fields.map((name, i) => {
      const salt = fmix32(Math.imul(i + 1, 0x9e3779b9) ^ 0x2545f491);
      return compileFieldGenerator(name, schema[name]!, specs[i]!, salt);
    });
    this.build = rowBuilder(fields, gens);
    this.usesHash = specs.some(
      (gen) =>
        !(
          gen.kind === 'sequence' ||
          (gen.kind === 'timestamp' && gen.maxJitterMs === 0) ||
          (gen.kind === 'choice' && gen.values.length === 1)
        ),
    );
    this.bounded = connector.count !== undefined;
    this.count = connector.count ?? Number.POSITIVE_INFINITY;
    this.stride = ctx.parallelism;
    this.next = ctx.subtask;
    this._ended = this.next >= this.count;
    const rate = connector.rowsPerSecond;
    this.gate = rate > 0 ? new RateGate(rate / ctx.parallelism / 1000, ctx.nowMs) : null;
  }

  get ended(): boolean {
    return this._ended;
  }

  /** Row `g` of the source, as any split would generate it. */
  rowAt(g: number): Row {
    return this.build(g, this.usesHash ? hashIndex(this.key, g) : 0);
  }

  read(max: number, out: Row[]): number {
    if (this._ended) return 0;
    const stride = this.stride;
    let end = this.count;
    if (this.gate) {
      const allowed = this.gate.limit(Math.floor(this.next / stride)); // highest split-local row
      end = Math.min(end, (allowed + 1) * stride);
    }
    let g = this.next;
    let n = 0;
    while (n < max && g < end) {
      out.push(this.rowAt(g));
      g += stride;
      n++;
    }
    this.next = g;
    if (g >= this.count) this._ended = true;
    return n;
  }

  position(): SourcePosition {
    return { index: this.next };
  }

  seek(pos: SourcePosition): void {
    if (!('index' in pos) || !Number.isSafeInteger(pos.index) || pos.index < 0) {
      throw new Error(`datagen: cannot seek to ${JSON.stringify(pos)}`);
    }
    this.next = pos.index;
    this._ended = this.next >= this.count;
    this.gate?.reset();
  }

  availableAt(nowMs: number): number {
    if (!this.gate || this._ended) return 0;
    return this.gate.availableAt(Math.floor(this.next / this.stride), nowMs);
  }

  close(): void {}
}

export function createDatagenReader(
  connector: DatagenSource,
  schema: RowSchema,
  ctx: SplitContext,
): DatagenReader {
  return new DatagenReader(connector, schema, ctx);
}
