/**
 * Inspector form models: what the form of each node kind (and of the job's settings) shows, as data,
 * so the React layer renders every form with one generic component, and reads and writes the spec
 * through `readField` / `writeField` here (which know that switching a connector or window type swaps
 * the fields that go with it, and that an emptied optional field disappears from the spec).
 *
 * Field paths are JSON paths inside the node's `data` (`['connector', 'path']`), except `['id']`, the
 * node's id (written by renaming the node: see the store's `setField`). Job settings forms have paths
 * inside the job (`['settings', 'checkpointing', 'intervalMs']`).
 */
import {
  AGGREGATE_FUNCTION_NAMES,
  type AggregateFunction,
  FIELD_TYPES,
  type FieldTypeName,
  formatIdentifier,
  type Generator,
  NEXMARK_TABLES,
  type NodeKind,
  type Problem,
  parseExpression,
  validateSpec,
} from '@flowstate/spec';
import {
  analyzeGraph,
  type ExpressionProblem,
  expressionProblem,
  fieldProblems,
  toPointer,
  valueAtPath,
} from './analysis';
import { defaultAssigner, defaultGenerator, defaultSinkConnector, defaultSource } from './palette';
import {
  type FlowGraph,
  type FlowNode,
  type FlowNodeData,
  type FlowNodeDataOf,
  isRecord,
  type JobMeta,
} from './types';

export type FieldInputType =
  | 'text'
  | 'textarea'
  | 'number'
  | 'select'
  | 'expression'
  | 'schema-editor'
  | 'generators-editor'
  | 'fields-editor'
  | 'aggregates-editor'
  | 'key-picker'
  | 'field-picker'
  | 'values-list';

export interface SelectOption {
  value: string;
  label: string;
  description?: string;
}

export interface FormField {
  /** Unique within the form (the path joined by dots). */
  key: string;
  label: string;
  /** JSON path inside the node's data (`['id']` is the node's id) or, for job forms, inside the job. */
  path: readonly string[];
  input: FieldInputType;
  help?: string;
  /** `select`: the choices. */
  options?: readonly SelectOption[];
  required?: boolean;
  /** The value the spec assumes when the field is absent (show it as the placeholder). */
  defaultValue?: string | number | boolean;
  placeholder?: string;
  /** `number`: bounds and whether it must be whole. */
  min?: number;
  max?: number;
  integer?: boolean;
  unit?: 'ms' | 'rows/s' | 'events/s' | 'rows' | 'ratio';
  /** `expression`: what the expression must give. */
  expression?: 'condition' | 'array' | 'value' | 'aggregate';
  /** `key-picker` / `field-picker`: offer the node's input fields (a source: its own), of these types. */
  fieldTypes?: readonly FieldTypeName[];
  /** A select that switches the variant of the object it sits in (connector type, assigner type). */
  variant?: boolean;
  readOnly?: boolean;
}

export interface FormSection {
  id: string;
  title: string;
  description?: string;
  fields: FormField[];
  /** An optional part of the spec (the watermark): a switch adds or removes the object at `path`. */
  optional?: { path: readonly string[]; label: string };
}

// ------------------------------------------------------------------------------------ field builders

type FieldSpec = Omit<FormField, 'key' | 'path'>;
const f = (path: readonly string[], spec: FieldSpec): FormField => ({ key: path.join('.'), path, ...spec });

const ms = (path: readonly string[], label: string, extra: Partial<FieldSpec> = {}): FormField =>
  f(path, { label, input: 'number', integer: true, min: 0, unit: 'ms', ...extra });

const options = (values: readonly string[], labels: Record<string, string> = {}): SelectOption[] =>
  values.map((value) => ({ value, label: labels[value] ?? value }));

const GENERAL: FormSection = {
  id: 'general',
  title: 'Node',
  fields: [
    f(['id'], {
      label: 'Id',
      input: 'text',
      required: true,
      help: 'Names the node in the spec: a letter or _, then letters, digits, _ and -',
    }),
    f(['name'], { label: 'Name', input: 'text', help: 'Shown on the canvas instead of the id' }),
    f(['parallelism'], {
      label: 'Parallelism',
      input: 'number',
      integer: true,
      min: 1,
      max: 1024,
      placeholder: 'job default',
      help: 'Parallel instances of this node; empty uses the job’s parallelism',
    }),
  ],
};

export const SOURCE_TYPES = options(['datagen', 'file', 'nexmark'], {
  datagen: 'Datagen',
  file: 'File',
  nexmark: 'Nexmark',
});
export const SINK_TYPES = options(['collect', 'console', 'blackhole', 'file'], {
  collect: 'Collect',
  console: 'Console',
  blackhole: 'Blackhole',
  file: 'File',
});
export const ASSIGNER_TYPES = options(['tumbling', 'sliding', 'session'], {
  tumbling: 'Tumbling',
  sliding: 'Sliding',
  session: 'Session',
});
export const FIELD_TYPE_OPTIONS = options(FIELD_TYPES);

/** A datagen source's generators: a section of its own, after the schema they follow. */
export const GENERATORS_FIELD = f(['connector', 'fields'], {
  label: 'Per field',
  input: 'generators-editor',
  help: 'One generator per schema field; row i depends only on the seed and i',
});

/** The connector fields of each source type (a datagen source's generators: `GENERATORS_FIELD`). */
export const SOURCE_CONNECTOR_FIELDS: Readonly<Record<string, readonly FormField[]>> = {
  datagen: [
    f(['connector', 'rowsPerSecond'], {
      label: 'Rows per second',
      input: 'number',
      min: 0,
      unit: 'rows/s',
      defaultValue: 0,
      help: '0 = as fast as possible',
    }),
    f(['connector', 'count'], {
      label: 'Row count',
      input: 'number',
      integer: true,
      min: 0,
      unit: 'rows',
      placeholder: 'unbounded',
      help: 'Rows to generate; empty = unbounded',
    }),
    f(['connector', 'seed'], { label: 'Seed', input: 'number', integer: true, defaultValue: 0 }),
  ],
  file: [
    f(['connector', 'path'], {
      label: 'Path',
      input: 'text',
      required: true,
      help: 'Relative paths resolve against the server’s data directory',
    }),
    f(['connector', 'format'], {
      label: 'Format',
      input: 'select',
      options: options(['text', 'jsonl', 'csv'], {
        text: 'Text (one line per row)',
        jsonl: 'JSON Lines',
        csv: 'CSV with a header',
      }),
      defaultValue: 'text',
    }),
    f(['connector', 'delimiter'], {
      label: 'Delimiter',
      input: 'text',
      placeholder: ',',
      help: 'CSV only: one character between fields',
    }),
  ],
  nexmark: [
    f(['connector', 'table'], {
      label: 'Table',
      input: 'select',
      options: options(NEXMARK_TABLES),
      required: true,
      help: 'person : auction : bid = 1 : 3 : 46, as in the Nexmark benchmark',
    }),
    f(['connector', 'eventsPerSecond'], {
      label: 'Events per second',
      input: 'number',
      min: 0,
      unit: 'events/s',
      defaultValue: 0,
      help: '0 = as fast as possible',
    }),
    f(['connector', 'count'], {
      label: 'Row count',
      input: 'number',
      integer: true,
      min: 0,
      unit: 'rows',
      placeholder: 'unbounded',
      help: 'Rows of this table; empty = unbounded',
    }),
    f(['connector', 'seed'], { label: 'Seed', input: 'number', integer: true, defaultValue: 0 }),
  ],
};

/** The connector fields of each sink type. */
export const SINK_CONNECTOR_FIELDS: Readonly<Record<string, readonly FormField[]>> = {
  collect: [
    f(['connector', 'maxRows'], {
      label: 'Rows kept',
      input: 'number',
      integer: true,
      min: 1,
      max: 10_000_000,
      unit: 'rows',
      defaultValue: 100_000,
      help: 'The oldest rows are dropped first',
    }),
  ],
  console: [],
  blackhole: [],
  file: [
    f(['connector', 'path'], {
      label: 'Directory',
      input: 'text',
      required: true,
      help: 'Part files become visible when the checkpoint that covers them completes',
    }),
    f(['connector', 'format'], {
      label: 'Format',
      input: 'select',
      options: options(['jsonl', 'csv'], { jsonl: 'JSON Lines', csv: 'CSV' }),
      defaultValue: 'jsonl',
    }),
  ],
};

/** The fields of each window assigner type. */
export const ASSIGNER_FIELDS: Readonly<Record<string, readonly FormField[]>> = {
  tumbling: [
    ms(['assigner', 'sizeMs'], 'Size', { min: 1, required: true }),
    ms(['assigner', 'offsetMs'], 'Offset', {
      defaultValue: 0,
      help: 'Shifts window starts; less than the size',
    }),
  ],
  sliding: [
    ms(['assigner', 'sizeMs'], 'Size', { min: 1, required: true }),
    ms(['assigner', 'slideMs'], 'Slide', { min: 1, required: true, help: 'A new window starts every slide' }),
    ms(['assigner', 'offsetMs'], 'Offset', {
      defaultValue: 0,
      help: 'Shifts window starts; less than the slide',
    }),
  ],
  session: [
    ms(['assigner', 'gapMs'], 'Gap', {
      min: 1,
      required: true,
      help: 'A session closes after this long without rows for its key',
    }),
  ],
};

export const WATERMARK_SECTION: FormSection = {
  id: 'watermark',
  title: 'Watermark',
  description: 'Event time: how far behind the largest timestamp seen rows may still arrive',
  optional: { path: ['watermark'], label: 'Event-time watermark' },
  fields: [
    f(['watermark', 'timestampField'], {
      label: 'Timestamp field',
      input: 'field-picker',
      fieldTypes: ['timestamp', 'int'],
      required: true,
      help: 'Epoch milliseconds of each row',
    }),
    ms(['watermark', 'maxOutOfOrdernessMs'], 'Max out-of-orderness', {
      defaultValue: 0,
      help: 'Watermark = largest timestamp seen − this − 1',
    }),
    ms(['watermark', 'idleTimeoutMs'], 'Idle timeout', {
      defaultValue: 0,
      help: 'Mark the source idle after this long without rows; 0 = never',
    }),
    f(['watermark', 'emitEveryRows'], {
      label: 'Emit every',
      input: 'number',
      integer: true,
      min: 1,
      unit: 'rows',
      defaultValue: 1024,
      help: '1 gives punctuated, fully deterministic watermarks',
    }),
  ],
};

const AGGREGATES_FIELD = f(['aggregates'], {
  label: 'Aggregates',
  input: 'aggregates-editor',
  required: true,
  expression: 'aggregate',
  help: 'Output field = aggregate call: COUNT(*), COUNT(x), SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE',
});

/** The form of a node, for its current connector / assigner type. */
export function nodeForm(node: FlowNode): FormSection[] {
  const data = node.data as Record<string, unknown>;
  const connectorType = isRecord(data.connector) ? String(data.connector.type) : undefined;
  switch (node.type as NodeKind) {
    case 'source': {
      const fixed =
        connectorType === 'nexmark'
          ? 'Fixed by the Nexmark table'
          : connectorType === 'file' &&
              isRecord(data.connector) &&
              (data.connector.format ?? 'text') === 'text'
            ? 'A text file gives one field, line'
            : undefined;
      return [
        GENERAL,
        {
          id: 'connector',
          title: 'Connector',
          fields: [
            f(['connector', 'type'], {
              label: 'Type',
              input: 'select',
              options: SOURCE_TYPES,
              variant: true,
            }),
            ...(SOURCE_CONNECTOR_FIELDS[connectorType ?? ''] ?? []),
          ],
        },
        {
          id: 'schema',
          title: 'Schema',
          fields: [
            f(['schema'], {
              label: 'Fields',
              input: 'schema-editor',
              ...(fixed === undefined
                ? { required: true, help: 'The fields of each row, in order, with their types' }
                : { readOnly: true, help: fixed }),
            }),
          ],
        },
        ...(connectorType === 'datagen'
          ? [{ id: 'generators', title: 'Generators', fields: [GENERATORS_FIELD] }]
          : []),
        WATERMARK_SECTION,
      ];
    }
    case 'map':
      return [
        GENERAL,
        {
          id: 'map',
          title: 'Fields',
          fields: [
            f(['fields'], {
              label: 'Output fields',
              input: 'fields-editor',
              required: true,
              expression: 'value',
              help: 'Each output field = an expression over the input; the output has exactly these fields',
            }),
          ],
        },
      ];
    case 'filter':
      return [
        GENERAL,
        {
          id: 'filter',
          title: 'Condition',
          fields: [
            f(['where'], {
              label: 'Where',
              input: 'expression',
              expression: 'condition',
              required: true,
              placeholder: "word <> ''",
              help: 'Rows for which this is TRUE pass; FALSE and NULL are dropped',
            }),
          ],
        },
      ];
    case 'flatMap':
      return [
        GENERAL,
        {
          id: 'flatMap',
          title: 'Explode',
          fields: [
            f(['explode'], {
              label: 'Explode',
              input: 'expression',
              expression: 'array',
              required: true,
              placeholder: "REGEXP_SPLIT(LOWER(line), '[^a-z0-9]+')",
              help: 'An array expression (SPLIT, REGEXP_SPLIT): one output row per element',
            }),
            f(['as'], {
              label: 'As',
              input: 'text',
              required: true,
              help: 'The field that holds the element, added to the input fields',
            }),
          ],
        },
      ];
    case 'keyBy':
      return [
        GENERAL,
        {
          id: 'keyBy',
          title: 'Key',
          fields: [
            f(['key'], {
              label: 'Key fields',
              input: 'key-picker',
              required: true,
              help: 'Rows with equal key fields go to the same state and windows',
            }),
          ],
        },
      ];
    case 'window': {
      const assignerType = isRecord(data.assigner) ? String(data.assigner.type) : '';
      return [
        GENERAL,
        {
          id: 'window',
          title: 'Window',
          fields: [
            f(['assigner', 'type'], {
              label: 'Type',
              input: 'select',
              options: ASSIGNER_TYPES,
              variant: true,
            }),
            ...(ASSIGNER_FIELDS[assignerType] ?? []),
            f(['time'], {
              label: 'Time',
              input: 'select',
              options: options(['event', 'processing'], {
                event: 'Event time',
                processing: 'Processing time',
              }),
              defaultValue: 'event',
              help: 'Event time needs a watermark on every source upstream',
            }),
            ms(['allowedLatenessMs'], 'Allowed lateness', {
              defaultValue: 0,
              help: 'Late rows within this update their window, which fires again',
            }),
          ],
        },
        { id: 'aggregates', title: 'Aggregates', fields: [AGGREGATES_FIELD] },
      ];
    }
    case 'aggregate':
      return [GENERAL, { id: 'aggregates', title: 'Aggregates', fields: [AGGREGATES_FIELD] }];
    case 'sink':
      return [
        GENERAL,
        {
          id: 'connector',
          title: 'Connector',
          fields: [
            f(['connector', 'type'], { label: 'Type', input: 'select', options: SINK_TYPES, variant: true }),
            ...(SINK_CONNECTOR_FIELDS[connectorType ?? ''] ?? []),
          ],
        },
      ];
  }
}

export const RESTART_STRATEGIES = options(['none', 'fixed-delay', 'exponential-backoff'], {
  none: 'None: fail the job',
  'fixed-delay': 'Fixed delay',
  'exponential-backoff': 'Exponential backoff',
});

/** The fields of each restart strategy besides the strategy itself; paths are inside the job. */
export const RESTART_FIELDS: Readonly<Record<string, readonly FormField[]>> = (() => {
  const r = (...path: string[]) => ['settings', 'restart', ...path];
  const attempts = f(r('maxAttempts'), {
    label: 'Max attempts',
    input: 'number',
    integer: true,
    min: 0,
    defaultValue: 3,
    help: 'Restarts (from the last checkpoint) before the job fails',
  });
  const delay = ms(r('delayMs'), 'Delay', { defaultValue: 1000, help: 'Before a restart' });
  return {
    none: [],
    'fixed-delay': [attempts, delay],
    'exponential-backoff': [
      attempts,
      ms(r('delayMs'), 'Initial delay', { defaultValue: 1000, help: 'Before the first restart' }),
      ms(r('maxDelayMs'), 'Max delay', { placeholder: 'no cap', help: 'The delay never grows past this' }),
      f(r('backoffMultiplier'), {
        label: 'Backoff multiplier',
        input: 'number',
        min: 1,
        placeholder: '2',
        help: 'The delay is multiplied by this after each attempt',
      }),
    ],
  };
})();

/**
 * The job's own form: name, description and settings (every setting of the spec's `settings`). Paths
 * are inside the job. The restart section shows the fields of the job's restart strategy.
 */
export function jobForm(job?: JobMeta): FormSection[] {
  const s = (...path: string[]) => ['settings', ...path];
  const restart = job === undefined ? undefined : readJobField(job, s('restart', 'strategy'));
  const strategy = typeof restart === 'string' ? restart : 'fixed-delay';
  return [
    {
      id: 'job',
      title: 'Job',
      fields: [
        f(['name'], { label: 'Job name', input: 'text', required: true, help: '1–200 characters' }),
        f(['description'], { label: 'Description', input: 'textarea' }),
      ],
    },
    {
      id: 'execution',
      title: 'Execution',
      fields: [
        f(s('parallelism'), {
          label: 'Default parallelism',
          input: 'number',
          integer: true,
          min: 1,
          max: 1024,
          defaultValue: 1,
          help: 'Parallel instances of every node that does not set its own',
        }),
        f(s('maxParallelism'), {
          label: 'Max parallelism',
          input: 'number',
          integer: true,
          min: 1,
          max: 32768,
          defaultValue: 128,
          help: 'The number of key groups; fixed for the life of the job’s state',
        }),
        f(s('stateBackend'), {
          label: 'State backend',
          input: 'select',
          // Only what the engine runs: the on-disk backend is not built yet (validation refuses "disk").
          options: options(['heap'], { heap: 'Heap (in memory)' }),
          defaultValue: 'heap',
          help: 'Keyed state lives in the job’s memory',
        }),
        f(s('rowErrors'), {
          label: 'Row errors',
          input: 'select',
          options: options(['skip', 'fail'], { skip: 'Skip and count the row', fail: 'Fail the job' }),
          defaultValue: 'skip',
          help: 'What a row that cannot be parsed, or whose expression fails, does',
        }),
      ],
    },
    {
      id: 'checkpointing',
      title: 'Checkpointing',
      fields: [
        ms(s('checkpointing', 'intervalMs'), 'Checkpoint interval', {
          defaultValue: 0,
          help: '0 turns periodic checkpoints off',
        }),
        ms(s('checkpointing', 'minPauseMs'), 'Min pause', {
          defaultValue: 0,
          help: 'Between the end of one checkpoint and the start of the next',
        }),
        ms(s('checkpointing', 'timeoutMs'), 'Timeout', {
          min: 1,
          defaultValue: 60_000,
          help: 'A checkpoint not complete by then is aborted',
        }),
        f(s('checkpointing', 'retained'), {
          label: 'Retained',
          input: 'number',
          integer: true,
          min: 1,
          max: 100,
          defaultValue: 3,
          help: 'Completed checkpoints kept to restore from',
        }),
        f(s('checkpointing', 'tolerableFailures'), {
          label: 'Tolerable failures',
          input: 'number',
          integer: true,
          min: 0,
          max: 1000,
          defaultValue: 3,
          help: 'Consecutive failed checkpoints tolerated; one more restarts the job',
        }),
      ],
    },
    {
      id: 'restart',
      title: 'Restart',
      fields: [
        f(s('restart', 'strategy'), {
          label: 'Restart strategy',
          input: 'select',
          options: RESTART_STRATEGIES,
          defaultValue: 'fixed-delay',
          variant: true,
        }),
        ...(RESTART_FIELDS[strategy] ?? []),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------- datagen generators

export const GENERATOR_KINDS = ['sequence', 'random', 'choice', 'timestamp'] as const;

/** The fields of each generator kind; paths are inside the generator object. */
export const GENERATOR_FIELDS: Readonly<Record<Generator['kind'], readonly FormField[]>> = {
  sequence: [
    f(['start'], { label: 'Start', input: 'number', integer: true, defaultValue: 0 }),
    f(['end'], {
      label: 'End',
      input: 'number',
      integer: true,
      help: 'Optional last value; wraps to start after it',
    }),
  ],
  random: [
    f(['min'], { label: 'Min', input: 'number', defaultValue: 0 }),
    f(['max'], { label: 'Max', input: 'number', defaultValue: 100 }),
    f(['length'], {
      label: 'Length',
      input: 'number',
      integer: true,
      min: 0,
      max: 1024,
      help: 'Strings: characters',
    }),
    f(['nullRate'], {
      label: 'Null rate',
      input: 'number',
      min: 0,
      max: 1,
      unit: 'ratio',
      help: 'Share of NULLs, 0–1',
    }),
  ],
  choice: [
    f(['values'], { label: 'Values', input: 'values-list', required: true }),
    f(['weights'], {
      label: 'Weights',
      input: 'values-list',
      help: 'Optional relative weights, one per value',
    }),
  ],
  timestamp: [
    f(['startMs'], {
      label: 'Start',
      input: 'number',
      integer: true,
      unit: 'ms',
      defaultValue: 1_700_000_000_000,
    }),
    ms(['stepMs'], 'Step', { defaultValue: 10 }),
    ms(['maxJitterMs'], 'Max jitter', {
      defaultValue: 0,
      help: 'Up to this much earlier: out-of-order event time',
    }),
  ],
};

/** The fields of a generator kind that apply to a field of `type` (a random string has a length, not bounds). */
export function generatorFieldsFor(
  kind: Generator['kind'],
  type: FieldTypeName | undefined,
): readonly FormField[] {
  const fields = GENERATOR_FIELDS[kind] ?? [];
  if (kind !== 'random') return fields;
  return fields.filter((x) => (type === 'string' ? x.key !== 'min' && x.key !== 'max' : x.key !== 'length'));
}

let generatorKindsCache: Map<FieldTypeName, Generator['kind'][]> | null = null;

/** The generator kinds a field of `type` may use — asked of the spec package, once. */
export function generatorKindsFor(type: FieldTypeName): Generator['kind'][] {
  if (generatorKindsCache === null) {
    generatorKindsCache = new Map();
    for (const t of FIELD_TYPES) {
      const fits = GENERATOR_KINDS.filter((kind) => {
        const result = validateSpec({
          specVersion: 1,
          name: 'generator-probe',
          nodes: [
            {
              id: 'source',
              kind: 'source',
              connector: { type: 'datagen', fields: { x: defaultGenerator(t, kind) } },
              schema: { x: t },
            },
            { id: 'sink', kind: 'sink', connector: { type: 'blackhole' } },
          ],
          edges: [{ from: 'source', to: 'sink' }],
        });
        return !result.problems.some((p) => p.code === 'generator-type-mismatch');
      });
      generatorKindsCache.set(t, fits);
    }
  }
  return [...(generatorKindsCache.get(type) ?? [])];
}

// ----------------------------------------------------------------------------------- reading/writing

/** The value a form field shows. */
export function readField(node: FlowNode, path: readonly string[]): unknown {
  if (path.length === 1 && path[0] === 'id') return node.id;
  return valueAtPath(node.data, path);
}

/** A copy of `root` with `value` at `path`; `undefined` removes the key. Key order is kept. */
export function setIn<T>(root: T, path: readonly string[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string, ...string[]];
  const base: Record<string, unknown> = isRecord(root) ? root : {};
  const next = rest.length === 0 ? value : setIn(base[head], rest, value);
  if (next === undefined) {
    if (!Object.hasOwn(base, head)) return base as T;
    const { [head]: _removed, ...others } = base;
    return others as T;
  }
  if (Object.hasOwn(base, head)) {
    // Replace in place so the key keeps its position.
    return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, k === head ? next : v])) as T;
  }
  return { ...base, [head]: next } as T;
}

/**
 * The node's data with `value` written at `path`. `undefined` removes an optional field. A variant
 * select swaps the fields that go with it: a source's connector type brings that connector's default
 * connector, schema and watermark; a sink's, its default connector; a window's assigner type, that
 * assigner's defaults (keeping size and offset where both have them). A text file's schema is its one
 * field, `line`.
 */
export function writeField(node: FlowNode, path: readonly string[], value: unknown): FlowNodeData {
  if (path.length === 1 && path[0] === 'id') {
    throw new Error('writeField: the id is changed by renaming the node (the store’s setField / renameNode)');
  }
  const data = node.data as Record<string, unknown>;
  const key = path.join('.');
  if (node.type === 'source' && key === 'connector.type') {
    const current = isRecord(data.connector) ? data.connector.type : undefined;
    if (current === value) return node.data;
    const common = pick(data, ['name', 'parallelism']);
    return { ...common, ...defaultSource(value as 'datagen' | 'file' | 'nexmark') } as FlowNodeData;
  }
  if (node.type === 'sink' && key === 'connector.type') {
    const current = isRecord(data.connector) ? data.connector.type : undefined;
    if (current === value) return node.data;
    return setIn(data, ['connector'], defaultSinkConnector(value as 'collect')) as FlowNodeData;
  }
  if (node.type === 'window' && key === 'assigner.type') {
    const old = isRecord(data.assigner) ? data.assigner : {};
    if (old.type === value) return node.data;
    const fresh: Record<string, unknown> = { ...defaultAssigner(value as 'tumbling') };
    if (value !== 'session') {
      // Tumbling and sliding windows share size and offset.
      for (const k of ['sizeMs', 'offsetMs']) if (typeof old[k] === 'number') fresh[k] = old[k];
      if (typeof fresh.slideMs === 'number' && fresh.slideMs > Number(fresh.sizeMs))
        fresh.slideMs = fresh.sizeMs;
    }
    return setIn(data, ['assigner'], fresh) as FlowNodeData;
  }
  if (node.type === 'source' && key === 'schema' && isRecord(value)) {
    return replaceSchema(data as SourceData, value as Record<string, FieldTypeName>) as FlowNodeData;
  }
  let next = setIn(data, path, value);
  if (node.type === 'source' && key === 'connector.format' && value === 'text') {
    next = setIn(next, ['schema'], { line: 'string' });
  }
  if (node.type === 'source' && key === 'connector.table' && Object.hasOwn(next, 'schema')) {
    // A Nexmark table fixes the schema: a declared one could only disagree.
    next = setIn(next, ['schema'], undefined);
  }
  return next as FlowNodeData;
}

/** The job with `value` written at `path` (inside the job: `['settings', 'parallelism']`). */
export function writeJobField(job: JobMeta, path: readonly string[], value: unknown): JobMeta {
  if (path.length === 1 && path[0] === 'name') return { ...job, name: String(value ?? '') };
  if (path.join('.') === 'settings.restart.strategy') {
    // Another strategy keeps the fields it shares with the old one and drops the others.
    const old = readJobField(job, ['settings', 'restart']);
    const kept = pick(
      isRecord(old) ? old : {},
      (RESTART_FIELDS[String(value ?? 'fixed-delay')] ?? []).map((x) => x.path[2]!),
    );
    const restart = { ...(value === undefined ? {} : { strategy: value }), ...kept };
    return setIn(job, ['settings', 'restart'], Object.keys(restart).length === 0 ? undefined : restart);
  }
  return setIn(job, path, value);
}

/** The value a job form field shows. */
export function readJobField(job: JobMeta, path: readonly string[]): unknown {
  return valueAtPath(job, path);
}

/** A watermark to switch on for a source: on its first timestamp field (else `ts`). */
export function defaultWatermark(fields: readonly { name: string; type: FieldTypeName }[]): {
  timestampField: string;
  maxOutOfOrdernessMs: number;
} {
  const ts = fields.find((x) => x.type === 'timestamp') ?? fields.find((x) => x.type === 'int');
  return { timestampField: ts?.name ?? 'ts', maxOutOfOrdernessMs: 1000 };
}

function pick(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(data, k)).map((k) => [k, data[k]]));
}

// ------------------------------------------------------------------------------ records (name → value)

/** `base`, or `base2`, `base3`… — the first not in `taken`. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  for (let n = 2; ; n++) if (!set.has(`${base}${n}`)) return `${base}${n}`;
}

/** Renames a key, keeping its position (a no-op when `to` is taken by another key). */
export function renameKey<V>(record: Record<string, V>, from: string, to: string): Record<string, V> {
  if (from === to || !Object.hasOwn(record, from) || Object.hasOwn(record, to)) return record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v]));
}

export function setKey<V>(record: Record<string, V>, key: string, value: V): Record<string, V> {
  return setIn(record, [key], value);
}

export function removeKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  return setIn(record, [key], undefined);
}

// ------------------------------------------------------------------------------ source schema editing

type SourceData = FlowNodeDataOf<'source'>;

function generatorsOf(data: SourceData): Record<string, unknown> | null {
  const connector = data.connector as unknown;
  return isRecord(connector) && connector.type === 'datagen' && isRecord(connector.fields)
    ? connector.fields
    : null;
}

function withGenerators(data: SourceData, fields: Record<string, unknown>): SourceData {
  return setIn(data, ['connector', 'fields'], fields);
}

/** Adds a schema field (a datagen source also gets a generator for it). */
export function addSchemaField(data: SourceData, name?: string, type: FieldTypeName = 'string'): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  const field = name ?? uniqueName('field1', Object.keys(schema));
  let next = setIn(data, ['schema', field], type);
  const generators = generatorsOf(next);
  if (generators !== null && !Object.hasOwn(generators, field)) {
    next = withGenerators(next, { ...generators, [field]: defaultGenerator(type) });
  }
  return next;
}

/** Renames a schema field, with its generator and a watermark on it, keeping their order. */
export function renameSchemaField(data: SourceData, from: string, to: string): SourceData {
  const schema = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  if (from === to || to === '' || !Object.hasOwn(schema, from) || Object.hasOwn(schema, to)) return data;
  let next = setIn(data, ['schema'], renameKey(schema, from, to));
  const generators = generatorsOf(next);
  if (generators !== null) next = withGenerators(next, renameKey(generators, from, to));
  if (isRecord(next.watermark) && next.watermark.timestampField === from) {
    next = setIn(next, ['watermark', 'timestampField'], to);
  }
  return next;
}

/** Changes a schema field's type; a datagen source's generator is replaced by one that fits. */
export function setSchemaFieldType(data: SourceData, name: string, type: FieldTypeName): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  if (!Object.hasOwn(schema, name) || schema[name] === type) return data;
  let next = setIn(data, ['schema', name], type);
  const generators = generatorsOf(next);
  if (generators !== null) {
    const current = generators[name];
    const kind = isRecord(current) ? (current.kind as Generator['kind']) : undefined;
    const keep = kind !== undefined && generatorKindsFor(type).includes(kind) && kind !== 'choice';
    if (!keep) next = withGenerators(next, setIn(generators, [name], defaultGenerator(type)));
  }
  return next;
}

/** Removes a schema field and its generator. */
export function removeSchemaField(data: SourceData, name: string): SourceData {
  let next = setIn(data, ['schema', name], undefined);
  const generators = generatorsOf(next);
  if (generators !== null) next = withGenerators(next, removeKey(generators, name));
  return next;
}

/** Switches a datagen field's generator to another kind (with that kind's defaults). */
export function setGeneratorKind(data: SourceData, field: string, kind: Generator['kind']): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  const type = (schema[field] as FieldTypeName | undefined) ?? 'string';
  const generators = generatorsOf(data);
  if (generators === null) return data;
  return withGenerators(data, setIn(generators, [field], defaultGenerator(type, kind)));
}

/**
 * The source's data with `schema` as its schema: the changes from the old schema (a field renamed in
 * place, added, removed, retyped, the order) are applied with the helpers above, so a datagen source's
 * generators and a watermark on a renamed field follow. A field whose name differs at the same
 * position, while neither name is in the other schema, counts as renamed.
 */
export function replaceSchema(data: SourceData, schema: Record<string, FieldTypeName>): SourceData {
  const old = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  const oldNames = Object.keys(old);
  const newNames = Object.keys(schema);
  let next = data;
  if (oldNames.length === newNames.length) {
    oldNames.forEach((from, i) => {
      const to = newNames[i]!;
      if (from !== to && !Object.hasOwn(old, to) && !Object.hasOwn(schema, from)) {
        next = renameSchemaField(next, from, to);
      }
    });
  }
  const current = () => (isRecord(next.schema) ? next.schema : {}) as Record<string, FieldTypeName>;
  for (const name of Object.keys(current())) {
    if (!Object.hasOwn(schema, name)) next = removeSchemaField(next, name);
  }
  for (const [name, type] of Object.entries(schema)) {
    if (!Object.hasOwn(current(), name)) next = addSchemaField(next, name, type);
    else next = setSchemaFieldType(next, name, type);
  }
  return setIn(next, ['schema'], { ...schema });
}

// ------------------------------------------------------------------------------------- names and rows

/**
 * What is wrong with `name` as the name of a field among `others` (the other rows' names: a schema, a
 * map's output, aggregates), or `null` when nothing is.
 */
export function fieldNameProblem(name: string, others: Iterable<string>): string | null {
  if (name.trim() === '') return 'A field needs a name';
  if (name !== name.trim()) return 'A field name cannot start or end with a space';
  for (const other of others) if (other === name) return `There is already a field called ${name}`;
  return null;
}

/** The other keys of a record, for `fieldNameProblem`. */
export function otherKeys(record: Record<string, unknown>, key: string): string[] {
  return Object.keys(record).filter((k) => k !== key);
}

/** Moves a key up (`-1`) or down (`+1`) in the record's order; unchanged at either end. */
export function moveKey<V>(record: Record<string, V>, key: string, delta: -1 | 1): Record<string, V> {
  const entries = Object.entries(record);
  const i = entries.findIndex(([k]) => k === key);
  const j = i + delta;
  if (i === -1 || j < 0 || j >= entries.length) return record;
  [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  return Object.fromEntries(entries);
}

/** `record` with `value` under `key` appended (the first free name from `key` on). */
export function appendKey<V>(record: Record<string, V>, key: string, value: V): Record<string, V> {
  return { ...record, [uniqueName(key, Object.keys(record))]: value };
}

// ------------------------------------------------------------------------------ datagen generator rows

export interface GeneratorRow {
  field: string;
  /** The schema field's type; `undefined` for a generator of a field the schema does not have. */
  type: FieldTypeName | undefined;
  /** The generator as written; `undefined` when the schema field has none. */
  generator: Record<string, unknown> | undefined;
  /** `missing`: a schema field without a generator; `extra`: a generator without a schema field. */
  status: 'ok' | 'missing' | 'extra';
}

/** One row per schema field (in schema order), then one per generator the schema has no field for. */
export function generatorRows(data: SourceData): GeneratorRow[] {
  const schema = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  const generators = generatorsOf(data) ?? {};
  const rows: GeneratorRow[] = Object.entries(schema).map(([field, type]) => {
    const g = generators[field];
    return isRecord(g)
      ? { field, type, generator: g, status: 'ok' }
      : { field, type, generator: undefined, status: 'missing' };
  });
  for (const [field, g] of Object.entries(generators)) {
    if (!Object.hasOwn(schema, field)) {
      rows.push({ field, type: undefined, generator: isRecord(g) ? g : undefined, status: 'extra' });
    }
  }
  return rows;
}

/** What a choice value or weight list holds: a field type's values, or weights (numbers ≥ 0). */
export type ListValueType = FieldTypeName | 'weight';

/** A list value typed by a person, as the spec wants it, or why it cannot be one. */
export function parseListValue(
  text: string,
  type: ListValueType,
): { ok: true; value: string | number | boolean } | { ok: false; reason: string } {
  const t = text.trim();
  switch (type) {
    case 'string':
      return text === '' ? { ok: false, reason: 'Type a value first' } : { ok: true, value: text };
    case 'bool':
      if (/^true$/i.test(t)) return { ok: true, value: true };
      if (/^false$/i.test(t)) return { ok: true, value: false };
      return { ok: false, reason: 'A bool value is true or false' };
    case 'int':
    case 'timestamp': {
      const n = Number(t);
      if (t === '' || !/^-?\d+$/.test(t) || !Number.isSafeInteger(n)) {
        return {
          ok: false,
          reason: `A ${type} value is a whole number${type === 'timestamp' ? ' (epoch ms)' : ''}`,
        };
      }
      return { ok: true, value: n };
    }
    case 'float':
    case 'weight': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { ok: false, reason: 'Type a number' };
      if (type === 'weight' && n < 0) return { ok: false, reason: 'A weight cannot be negative' };
      return { ok: true, value: n };
    }
  }
}

/** A choice generator without its value at `index` (and that value's weight, when weights are given). */
export function withoutChoiceValue(
  generator: Record<string, unknown>,
  index: number,
): Record<string, unknown> {
  const values = Array.isArray(generator.values) ? generator.values : [];
  const weights = Array.isArray(generator.weights) ? generator.weights : undefined;
  let next = setIn(
    generator,
    ['values'],
    values.filter((_, i) => i !== index),
  );
  if (weights !== undefined && weights.length === values.length) {
    next = setIn(
      next,
      ['weights'],
      weights.filter((_, i) => i !== index),
    );
  }
  return next;
}

// -------------------------------------------------------------------------------------- map fields

/**
 * The map's output fields with one more: the first input field not yet in the output, passed through
 * (else `field1`… with an empty expression, which the form then asks to fill).
 */
export function addMapField(
  fields: Record<string, string>,
  input: readonly { name: string }[],
): Record<string, string> {
  const free = input.find((x) => !Object.hasOwn(fields, x.name));
  if (free !== undefined) return { ...fields, [free.name]: formatIdentifier(free.name) };
  return appendKey(fields, 'field1', '');
}

// ---------------------------------------------------------------------------------------- aggregates

/** The aggregate functions, for a select (the spec package's list). */
export { AGGREGATE_FUNCTION_NAMES };

/** An aggregate the row form can show: a function and `*` (`COUNT(*)`) or one input field. */
export interface AggregateRow {
  fn: AggregateFunction;
  /** The argument field; `null` is `*` (COUNT only). */
  field: string | null;
}

/**
 * The row form of an aggregate expression, or `null` when the row form cannot show it (an argument
 * that is more than one field, DISTINCT, not an aggregate call, a syntax error): such an aggregate is
 * edited as text.
 */
export function parseAggregateRow(text: string): AggregateRow | null {
  const parsed = parseExpression(text);
  if (!parsed.ok) return null;
  const ast = parsed.ast;
  if (ast.kind !== 'call' || ast.distinct) return null;
  const fn = AGGREGATE_FUNCTION_NAMES.find((name) => name === ast.name);
  if (fn === undefined) return null;
  if (ast.star) return fn === 'COUNT' && ast.args.length === 0 ? { fn, field: null } : null;
  const arg = ast.args[0];
  if (ast.args.length !== 1 || arg?.kind !== 'field') return null;
  return { fn, field: arg.name };
}

/** The aggregate expression of a row: `COUNT(*)`, `SUM(amount)`, ``MAX(`select`)``. */
export function aggregateText(row: AggregateRow): string {
  return `${row.fn}(${row.field === null ? '*' : formatIdentifier(row.field)})`;
}

/** The input fields a function can take: numbers for SUM and AVG, any field for the others. */
export function aggregateFieldsFor<T extends { name: string; type: string }>(
  fn: AggregateFunction,
  input: readonly T[],
): T[] {
  return fn === 'SUM' || fn === 'AVG'
    ? input.filter((x) => x.type === 'int' || x.type === 'float')
    : [...input];
}

/**
 * The row after choosing another function: the argument is kept when the function can take it,
 * else it becomes `*` for COUNT or the first input field the function can take (`null` when there is
 * none: the caller shows the row as unfinished).
 */
export function withAggregateFunction(
  row: AggregateRow,
  fn: AggregateFunction,
  input: readonly { name: string; type: string }[],
): AggregateRow {
  const fits = aggregateFieldsFor(fn, input);
  const known = input.length === 0;
  if (row.field !== null && (known || fits.some((x) => x.name === row.field)))
    return { fn, field: row.field };
  if (fn === 'COUNT') return { fn, field: null };
  return { fn, field: fits[0]?.name ?? row.field };
}

/** The aggregates with one more: `count: COUNT(*)` (`count2`… when taken). */
export function addAggregate(aggregates: Record<string, string>): Record<string, string> {
  return appendKey(aggregates, 'count', 'COUNT(*)');
}

// -------------------------------------------------------------------------------------- key picker

export interface KeyOption {
  name: string;
  checked: boolean;
  /** A key the input does not have (only said when the input's fields are known). */
  missing: boolean;
}

/** The key picker's checkboxes: the input's fields, then keys the input does not have. */
export function keyOptions(key: unknown, input: readonly { name: string }[]): KeyOption[] {
  const current = Array.isArray(key) ? key.filter((k): k is string => typeof k === 'string') : [];
  const names = input.map((x) => x.name);
  return [
    ...names.map((name) => ({ name, checked: current.includes(name), missing: false })),
    ...current
      .filter((k) => !names.includes(k))
      .map((name) => ({ name, checked: true, missing: names.length > 0 })),
  ];
}

/** The key after (un)checking `name`: checked keys keep the input's field order; unknown keys stay last. */
export function toggleKey(
  key: unknown,
  name: string,
  on: boolean,
  input: readonly { name: string }[],
): string[] {
  const current = Array.isArray(key) ? key.filter((k): k is string => typeof k === 'string') : [];
  if (!on) return current.filter((k) => k !== name);
  if (current.includes(name)) return current;
  const order = input.map((x) => x.name);
  const next = [...current, name];
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i === -1 ? order.length + next.indexOf(k) : i;
  };
  return next.sort((a, b) => rank(a) - rank(b));
}

// ----------------------------------------------------------------------------- problems for the forms

/**
 * The expression problem `text` would have at `path` of the node — for an edit not yet written (a
 * draft in a text box): the node is analysed with `text` in place. The written text gives
 * `expressionProblem`'s answer.
 */
export function draftExpressionProblem(
  graph: FlowGraph,
  nodeId: string,
  path: readonly string[],
  text: string,
): ExpressionProblem | null {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (node === undefined) return null;
  if (valueAtPath(node.data, path) === text) return expressionProblem(graph, nodeId, path);
  const data = setIn(node.data, path, text);
  const trial: FlowGraph = {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === nodeId ? ({ ...n, data } as FlowNode) : n)),
  };
  return expressionProblem(trial, nodeId, path);
}

/** `Column 4: unknown field 'x'` — how an expression problem reads under its text box. */
export function describeExpressionProblem(problem: ExpressionProblem): string {
  return `Column ${problem.column}: ${problem.message.replace(/ at column \d+$/, '')}`;
}

/** The problems at exactly this path of the node (not inside it). */
export function ownFieldProblems(graph: FlowGraph, nodeId: string, path: readonly string[]): Problem[] {
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  const pointer = `/nodes/${index}${toPointer(path)}`;
  return fieldProblems(graph, nodeId, path).filter((p) => p.path === pointer);
}

/** The problems at a path inside the job (`['settings', 'checkpointing']`), or inside it. */
export function jobFieldProblems(graph: FlowGraph, path: readonly string[]): Problem[] {
  const pointer = toPointer(path);
  return analyzeGraph(graph).problems.filter((p) => p.path === pointer || p.path.startsWith(`${pointer}/`));
}

// ------------------------------------------------------------------------------------------- display

/** `10000` → `10 s`, `60000` → `1 min`, `1500` → `1.5 s`, `250` → `250 ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 3_600_000 && ms % 60_000 === 0) return `${+(ms / 3_600_000).toFixed(2)} h`;
  if (ms >= 60_000 && ms % 1000 === 0) return `${+(ms / 60_000).toFixed(2)} min`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)} s`;
  return `${ms} ms`;
}

/** A one-line summary of what a node does, for the canvas. */
export function nodeSummary(node: FlowNode): string {
  const data = node.data as Record<string, unknown>;
  const connector: Record<string, unknown> = isRecord(data.connector) ? data.connector : {};
  const names = (v: unknown) => (isRecord(v) ? Object.keys(v).join(', ') : '');
  switch (node.type as NodeKind) {
    case 'source':
      if (connector.type === 'file') return `file · ${String(connector.path ?? '')}`;
      if (connector.type === 'nexmark') return `nexmark · ${String(connector.table ?? '')}`;
      return `datagen · ${names(data.schema)}`;
    case 'map':
      return names(data.fields);
    case 'filter':
      return String(data.where ?? '');
    case 'flatMap':
      return `${String(data.explode ?? '')} as ${String(data.as ?? '')}`;
    case 'keyBy':
      return `by ${Array.isArray(data.key) ? data.key.join(', ') : ''}`;
    case 'window': {
      const a: Record<string, unknown> = isRecord(data.assigner) ? data.assigner : {};
      const size =
        a.type === 'session'
          ? `gap ${formatDuration(Number(a.gapMs))}`
          : a.type === 'sliding'
            ? `${formatDuration(Number(a.sizeMs))} every ${formatDuration(Number(a.slideMs))}`
            : formatDuration(Number(a.sizeMs));
      return `${String(a.type ?? '')} ${size} · ${names(data.aggregates)}`;
    }
    case 'aggregate':
      return names(data.aggregates);
    case 'sink':
      return connector.type === 'file'
        ? `file · ${String(connector.path ?? '')}`
        : String(connector.type ?? '');
  }
}
