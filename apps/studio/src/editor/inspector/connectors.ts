/** Source and sink connectors in the inspector: their fields per type, a source's watermark. */
import { type FieldTypeName, NEXMARK_TABLES } from '@flowstate/spec';
import { type FormField, type FormSection, f, ms, options } from './form-model';

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
      input: 'file-path',
      required: true,
      help: 'Choose an uploaded file (files/<name>) or an example’s data, upload one, or type a path; relative paths resolve against the server’s data directory',
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

/** A watermark to switch on for a source: on its first timestamp field (else `ts`). */
export function defaultWatermark(fields: readonly { name: string; type: FieldTypeName }[]): {
  timestampField: string;
  maxOutOfOrdernessMs: number;
} {
  const ts = fields.find((x) => x.type === 'timestamp') ?? fields.find((x) => x.type === 'int');
  return { timestampField: ts?.name ?? 'ts', maxOutOfOrdernessMs: 1000 };
}

/** The file source format a path's extension says: `.jsonl` / `.ndjson`, `.csv`, else one row per line. */
export function fileFormatOfPath(path: string): 'text' | 'jsonl' | 'csv' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return 'text';
}
