/**
 * `_metadata` validation, hand-written so every problem names the field (`operators[1].subtasks[0].file.size`)
 * and the checkpoint. No Node imports.
 *
 * `_metadata` protects itself: Flowstate writes it as compact JSON whose last field, `metadataSha256`, is the
 * SHA-256 of the UTF-8 text before `,"metadataSha256":` — so a flipped bit anywhere in the file is caught,
 * not just one that breaks the JSON. A file without the field (written by hand) is accepted unchecked.
 * Unknown fields are rejected (outside `operatorState`), so a damaged field name does not go unnoticed.
 */

import { UPPER_BOUND_MAX_PARALLELISM } from '../../state/keyGroups';
import { jobIdProblem, METADATA_FILE, stateFileNameProblem } from './layout';
import { sha256Hex } from './sha256';
import {
  CheckpointCorruptedError,
  type CheckpointKind,
  type CheckpointMetadata,
  type CheckpointTrigger,
  type NodeCounters,
  type OperatorStateRef,
  type SharedStateRef,
  type StateFileRef,
  type SubtaskStateRef,
} from './types';

export const CHECKPOINT_FORMAT_VERSION = 1;

const KINDS: readonly CheckpointKind[] = ['checkpoint', 'savepoint'];
const TRIGGERS: readonly CheckpointTrigger[] = ['periodic', 'manual', 'stop'];
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** The self-checksum field of `_metadata` (not part of `CheckpointMetadata`). */
export const METADATA_CHECKSUM_FIELD = 'metadataSha256';
const CHECKSUM_MARKER = `,"${METADATA_CHECKSUM_FIELD}":"`;
const encoder = new TextEncoder();
/** At most this many problems are listed in one error. */
const MAX_PROBLEMS = 10;

type Obj = Record<string, unknown>;

const TOP_LEVEL_FIELDS = [
  'formatVersion',
  'jobId',
  'jobName',
  'checkpointId',
  'kind',
  'trigger',
  'timestamp',
  'durationMs',
  'maxParallelism',
  'specHash',
  'spec',
  'operators',
  'counters',
  'totalSize',
  'fullSize',
  'incrementalSize',
] as const;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

class Problems {
  readonly list: string[] = [];
  add(field: string, message: string): void {
    this.list.push(`${field} ${message}`);
  }
  object(v: unknown, field: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.add(field, `must be an object, got ${describe(v)}`);
    return undefined;
  }
  array(v: unknown, field: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    this.add(field, `must be an array, got ${describe(v)}`);
    return undefined;
  }
  string(v: unknown, field: string): string | undefined {
    if (typeof v === 'string') return v;
    this.add(field, `must be a string, got ${describe(v)}`);
    return undefined;
  }
  int(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) return v;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    this.add(field, `must be an integer ${range}, got ${describe(v)}`);
    return undefined;
  }
  number(v: unknown, field: string, min: number): number | undefined {
    if (typeof v === 'number' && Number.isFinite(v) && v >= min) return v;
    this.add(field, `must be a finite number >= ${min}, got ${describe(v)}`);
    return undefined;
  }
  /** Flags fields not in `allowed`. */
  known(o: Obj, field: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.add(field === '' ? k : `${field}.${k}`, 'is not a known field');
    }
  }
  oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T | undefined {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    this.add(field, `must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${describe(v)}`);
    return undefined;
  }
}

function parseFileRef(v: unknown, field: string, p: Problems): StateFileRef | undefined {
  const o = p.object(v, field);
  if (o === undefined) return undefined;
  p.known(o, field, ['name', 'size', 'sha256']);
  const name = p.string(o.name, `${field}.name`);
  if (name !== undefined) {
    const problem = stateFileNameProblem(name);
    if (problem !== undefined) p.add(`${field}.name`, `is not a valid state file name: ${problem}`);
  }
  const size = p.int(o.size, `${field}.size`, 0);
  const sha256 = p.string(o.sha256, `${field}.sha256`);
  if (sha256 !== undefined && !SHA256_HEX.test(sha256)) {
    p.add(`${field}.sha256`, `must be 64 lowercase hex digits, got ${describe(sha256)}`);
  }
  if (name === undefined || size === undefined || sha256 === undefined) return undefined;
  return { name, size, sha256 };
}

function parseSubtask(
  v: unknown,
  field: string,
  parallelism: number | undefined,
  maxParallelism: number | undefined,
  p: Problems,
): SubtaskStateRef | undefined {
  const o = p.object(v, field);
  if (o === undefined) return undefined;
  p.known(o, field, ['subtask', 'keyGroupRange', 'file', 'keyGroupIndex', 'operatorState', 'shared']);
  const subtask = p.int(
    o.subtask,
    `${field}.subtask`,
    0,
    parallelism === undefined ? undefined : parallelism - 1,
  );
  const out: SubtaskStateRef = { subtask: subtask ?? 0 };
  if (o.keyGroupRange !== undefined) {
    const r = p.array(o.keyGroupRange, `${field}.keyGroupRange`);
    if (r !== undefined) {
      const maxKg = (maxParallelism ?? UPPER_BOUND_MAX_PARALLELISM) - 1;
      if (r.length !== 2) p.add(`${field}.keyGroupRange`, `must be [start, end], got ${r.length} elements`);
      else {
        const start = p.int(r[0], `${field}.keyGroupRange[0]`, 0, maxKg);
        // end = start - 1 is Flink's empty range.
        const end = p.int(r[1], `${field}.keyGroupRange[1]`, -1, maxKg);
        if (start !== undefined && end !== undefined) {
          if (end < start - 1) p.add(`${field}.keyGroupRange`, `[${start}, ${end}] ends before it starts`);
          else out.keyGroupRange = [start, end];
        }
      }
    }
  }
  if (o.file !== undefined) {
    const file = parseFileRef(o.file, `${field}.file`, p);
    if (file !== undefined) out.file = file;
  }
  if (o.keyGroupIndex !== undefined) {
    const index = p.array(o.keyGroupIndex, `${field}.keyGroupIndex`);
    if (index !== undefined) {
      if (o.file === undefined) p.add(`${field}.keyGroupIndex`, 'is present but the subtask has no file');
      const entries: Array<[number, number, number]> = [];
      for (let i = 0; i < index.length && p.list.length < MAX_PROBLEMS; i++) {
        const f = `${field}.keyGroupIndex[${i}]`;
        const e = index[i];
        if (!Array.isArray(e) || e.length !== 3) {
          p.add(f, `must be [keyGroup, offset, length], got ${describe(e)}`);
          continue;
        }
        const kg = p.int(e[0], `${f}[0]`, 0);
        const offset = p.int(e[1], `${f}[1]`, 0);
        const length = p.int(e[2], `${f}[2]`, 0);
        if (kg === undefined || offset === undefined || length === undefined) continue;
        if (out.keyGroupRange !== undefined && (kg < out.keyGroupRange[0] || kg > out.keyGroupRange[1])) {
          p.add(
            f,
            `key group ${kg} is outside the subtask's keyGroupRange [${out.keyGroupRange.join(', ')}]`,
          );
        }
        if (out.file !== undefined && offset + length > out.file.size) {
          p.add(
            f,
            `section [${offset}, ${offset + length}) runs past the end of ${out.file.name} (${out.file.size} bytes)`,
          );
        }
        entries.push([kg, offset, length]);
      }
      out.keyGroupIndex = entries;
    }
  }
  if (o.operatorState !== undefined) out.operatorState = o.operatorState;
  if (o.shared !== undefined) {
    const raw = p.array(o.shared, `${field}.shared`);
    const shared: SharedStateRef[] = [];
    for (let i = 0; raw !== undefined && i < raw.length && p.list.length < MAX_PROBLEMS; i++) {
      const f = `${field}.shared[${i}]`;
      const so = p.object(raw[i], f);
      if (so === undefined) continue;
      const ref = parseFileRef({ name: so.name, size: so.size, sha256: so.sha256 }, f, p);
      const checkpointId = p.int(so.checkpointId, `${f}.checkpointId`, 0);
      if (typeof so.full !== 'boolean') p.add(`${f}.full`, `must be a boolean, got ${describe(so.full)}`);
      const index = p.array(so.keyGroupIndex, `${f}.keyGroupIndex`);
      const keyGroupIndex: Array<[number, number, number]> = [];
      for (const e of index ?? []) {
        if (!Array.isArray(e) || e.length !== 3 || !e.every((x) => Number.isSafeInteger(x) && x >= 0)) {
          p.add(`${f}.keyGroupIndex`, `entries must be [keyGroup, offset, length], got ${describe(e)}`);
          break;
        }
        keyGroupIndex.push(e as [number, number, number]);
      }
      if (so.format !== undefined && so.format !== 'lmdb')
        p.add(`${f}.format`, `must be "lmdb" or absent, got ${describe(so.format)}`);
      if (so.format === 'lmdb' && so.full !== true)
        p.add(`${f}.format`, 'an lmdb shared file must be a full snapshot ("full": true)');
      if (so.exclusive !== undefined && so.exclusive !== true)
        p.add(`${f}.exclusive`, `must be true or absent, got ${describe(so.exclusive)}`);
      if (so.exclusive === true && so.full !== true)
        p.add(`${f}.exclusive`, 'a checkpoint\'s own file must be a full snapshot ("full": true)');
      if (ref !== undefined && checkpointId !== undefined && typeof so.full === 'boolean')
        shared.push({
          ...ref,
          checkpointId,
          full: so.full,
          keyGroupIndex,
          ...(so.format === 'lmdb' ? { format: 'lmdb' as const } : {}),
          ...(so.exclusive === true ? { exclusive: true as const } : {}),
        });
    }
    out.shared = shared;
  }
  return subtask === undefined ? undefined : out;
}

function parseOperator(
  v: unknown,
  field: string,
  maxParallelism: number | undefined,
  p: Problems,
): OperatorStateRef | undefined {
  const o = p.object(v, field);
  if (o === undefined) return undefined;
  p.known(o, field, ['nodeId', 'parallelism', 'subtasks']);
  const nodeId = p.string(o.nodeId, `${field}.nodeId`);
  if (nodeId === '') p.add(`${field}.nodeId`, 'must not be empty');
  const parallelism = p.int(o.parallelism, `${field}.parallelism`, 1, maxParallelism);
  const rawSubtasks = p.array(o.subtasks, `${field}.subtasks`);
  const subtasks: SubtaskStateRef[] = [];
  const seen = new Set<number>();
  for (let i = 0; rawSubtasks !== undefined && i < rawSubtasks.length && p.list.length < MAX_PROBLEMS; i++) {
    const s = parseSubtask(rawSubtasks[i], `${field}.subtasks[${i}]`, parallelism, maxParallelism, p);
    if (s === undefined) continue;
    if (seen.has(s.subtask)) p.add(`${field}.subtasks[${i}].subtask`, `${s.subtask} appears twice`);
    seen.add(s.subtask);
    subtasks.push(s);
  }
  if (nodeId === undefined || parallelism === undefined || rawSubtasks === undefined) return undefined;
  return { nodeId, parallelism, subtasks };
}

/** Every state file the metadata references, by name; files referenced twice must agree. */
export function stateFilesOf(metadata: CheckpointMetadata): Map<string, StateFileRef> {
  const files = new Map<string, StateFileRef>();
  for (const op of metadata.operators) {
    for (const s of op.subtasks)
      if (s.file !== undefined && !files.has(s.file.name)) files.set(s.file.name, s.file);
  }
  return files;
}

/** Every shared file the metadata references, by name. */
export function sharedFilesOf(metadata: CheckpointMetadata): Map<string, SharedStateRef> {
  const files = new Map<string, SharedStateRef>();
  for (const op of metadata.operators)
    for (const s of op.subtasks) for (const f of s.shared ?? []) if (!files.has(f.name)) files.set(f.name, f);
  return files;
}

/**
 * Validates parsed `_metadata` JSON. Throws `CheckpointCorruptedError` (`CHECKPOINT_BAD_METADATA`, file
 * `_metadata`) listing the fields at fault; `where` (the checkpoint's path) prefixes the message.
 * Unknown fields are dropped; `operatorState` is passed through as is.
 */
export function parseCheckpointMetadata(json: unknown, where: string): CheckpointMetadata {
  const p = new Problems();
  const fail = (): never => {
    const more = p.list.length >= MAX_PROBLEMS ? `\n  … (stopped after ${MAX_PROBLEMS} problems)` : '';
    throw new CheckpointCorruptedError(
      'CHECKPOINT_BAD_METADATA',
      where,
      `${where}: ${METADATA_FILE} is not valid checkpoint metadata:\n  ${p.list.slice(0, MAX_PROBLEMS).join('\n  ')}${more}`,
      METADATA_FILE,
    );
  };
  const o = p.object(json, '(root)');
  if (o === undefined) return fail();
  if (o.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    p.add(
      'formatVersion',
      typeof o.formatVersion === 'number'
        ? `is ${o.formatVersion}; this engine reads format version ${CHECKPOINT_FORMAT_VERSION} (was it written by a newer Flowstate?)`
        : `must be ${CHECKPOINT_FORMAT_VERSION}, got ${describe(o.formatVersion)}`,
    );
    return fail();
  }
  p.known(o, '', [...TOP_LEVEL_FIELDS, METADATA_CHECKSUM_FIELD]);
  const jobId = p.string(o.jobId, 'jobId');
  if (jobId !== undefined) {
    const problem = jobIdProblem(jobId);
    if (problem !== undefined) p.add('jobId', `is not valid: ${problem}`);
  }
  const jobName = p.string(o.jobName, 'jobName');
  const checkpointId = p.int(o.checkpointId, 'checkpointId', 0);
  const kind = p.oneOf(o.kind, 'kind', KINDS);
  const trigger = p.oneOf(o.trigger, 'trigger', TRIGGERS);
  const timestamp = p.number(o.timestamp, 'timestamp', 0);
  const durationMs = p.number(o.durationMs, 'durationMs', 0);
  const maxParallelism = p.int(o.maxParallelism, 'maxParallelism', 1, UPPER_BOUND_MAX_PARALLELISM);
  const specHash = o.specHash === undefined ? undefined : p.string(o.specHash, 'specHash');
  const totalSize = p.int(o.totalSize, 'totalSize', 0);
  const fullSize = o.fullSize === undefined ? undefined : p.int(o.fullSize, 'fullSize', 0);
  const incrementalSize =
    o.incrementalSize === undefined ? undefined : p.int(o.incrementalSize, 'incrementalSize', 0);
  const rawOperators = p.array(o.operators, 'operators');
  const operators: OperatorStateRef[] = [];
  const nodeIds = new Set<string>();
  for (
    let i = 0;
    rawOperators !== undefined && i < rawOperators.length && p.list.length < MAX_PROBLEMS;
    i++
  ) {
    const op = parseOperator(rawOperators[i], `operators[${i}]`, maxParallelism, p);
    if (op === undefined) continue;
    if (nodeIds.has(op.nodeId)) p.add(`operators[${i}].nodeId`, `${describe(op.nodeId)} appears twice`);
    nodeIds.add(op.nodeId);
    operators.push(op);
  }
  let counters: NodeCounters[] | undefined;
  if (o.counters !== undefined) {
    const raw = p.array(o.counters, 'counters');
    counters = [];
    for (let i = 0; raw !== undefined && i < raw.length && p.list.length < MAX_PROBLEMS; i++) {
      const c = p.object(raw[i], `counters[${i}]`);
      if (c === undefined) continue;
      p.known(c, `counters[${i}]`, ['nodeId', 'recordsIn', 'recordsOut']);
      const nodeId = p.string(c.nodeId, `counters[${i}].nodeId`);
      const recordsIn = p.int(c.recordsIn, `counters[${i}].recordsIn`, 0);
      const recordsOut = p.int(c.recordsOut, `counters[${i}].recordsOut`, 0);
      if (nodeId !== undefined && recordsIn !== undefined && recordsOut !== undefined)
        counters.push({ nodeId, recordsIn, recordsOut });
    }
  }
  // A file shared by several subtasks must be described the same way everywhere.
  const files = new Map<string, { ref: StateFileRef; field: string }>();
  for (const [i, op] of operators.entries()) {
    for (const [j, s] of op.subtasks.entries()) {
      if (s.file === undefined) continue;
      const field = `operators[${i}].subtasks[${j}].file`;
      const prev = files.get(s.file.name);
      if (prev === undefined) files.set(s.file.name, { ref: s.file, field });
      else if (prev.ref.size !== s.file.size || prev.ref.sha256 !== s.file.sha256) {
        p.add(field, `describes ${s.file.name} differently from ${prev.field} (size or sha256 differ)`);
      }
    }
  }
  if (p.list.length > 0) return fail();
  const metadata: CheckpointMetadata = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    jobId: jobId!,
    jobName: jobName!,
    checkpointId: checkpointId!,
    kind: kind!,
    trigger: trigger!,
    timestamp: timestamp!,
    durationMs: durationMs!,
    maxParallelism: maxParallelism!,
    operators,
    totalSize: totalSize!,
  };
  if (specHash !== undefined) metadata.specHash = specHash;
  if (counters !== undefined) metadata.counters = counters;
  if (fullSize !== undefined) metadata.fullSize = fullSize;
  if (incrementalSize !== undefined) metadata.incrementalSize = incrementalSize;
  if (o.spec !== undefined) {
    if (typeof o.spec !== 'object' || o.spec === null || Array.isArray(o.spec)) {
      p.add('spec', `must be the job spec object, not ${describe(o.spec)}`);
      return fail();
    }
    metadata.spec = o.spec;
  }
  return metadata;
}

/**
 * `_metadata` text → metadata: JSON syntax errors and a `metadataSha256` that does not match the text become
 * `CHECKPOINT_BAD_METADATA` too.
 */
export function parseCheckpointMetadataText(text: string, where: string): CheckpointMetadata {
  const bad = (detail: string) =>
    new CheckpointCorruptedError(
      'CHECKPOINT_BAD_METADATA',
      where,
      `${where}: ${METADATA_FILE} ${detail}`,
      METADATA_FILE,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(`is not valid JSON (${text.trim() === '' ? 'the file is empty' : (e as Error).message})`);
  }
  if (typeof json === 'object' && json !== null && METADATA_CHECKSUM_FIELD in json) {
    const sha = (json as Obj)[METADATA_CHECKSUM_FIELD];
    if (typeof sha !== 'string' || !SHA256_HEX.test(sha)) {
      throw bad(
        `is damaged: ${METADATA_CHECKSUM_FIELD} must be 64 lowercase hex digits, got ${describe(sha)}`,
      );
    }
    const at = text.lastIndexOf(CHECKSUM_MARKER);
    const hint = `if it was edited by hand on purpose, delete the ${METADATA_CHECKSUM_FIELD} field`;
    const tail = `${CHECKSUM_MARKER}${sha}"}`;
    if (at >= 0 && text.slice(at) === tail) throw bad('is truncated: its final newline is missing');
    if (at < 0 || text.slice(at) !== `${tail}\n`) {
      throw bad(
        `was rewritten: ${METADATA_CHECKSUM_FIELD} is not its last field as written by Flowstate (${hint})`,
      );
    }
    const actual = sha256Hex(encoder.encode(text.slice(0, at)));
    if (actual !== sha) {
      throw bad(
        `is damaged: its content hashes to ${actual.slice(0, 12)}… but its ${METADATA_CHECKSUM_FIELD} says ${sha.slice(0, 12)}… (${hint})`,
      );
    }
  }
  return parseCheckpointMetadata(json, where);
}

/**
 * The text of `_metadata`: compact JSON (`keyGroupIndex` can hold thousands of entries) ending with the
 * `metadataSha256` self-checksum, and a newline.
 */
export function serializeCheckpointMetadata(metadata: CheckpointMetadata): string {
  const body = JSON.stringify(metadata);
  const prefix = body.slice(0, -1); // without the closing brace
  return `${prefix}${CHECKSUM_MARKER}${sha256Hex(encoder.encode(prefix))}"}\n`;
}
