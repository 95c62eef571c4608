/**
 * A node's form — the sections its kind shows for its current connector or assigner type — and reading and
 * writing its fields (`writeField` knows that switching a connector or window type swaps the fields that go
 * with it, and that an emptied optional field disappears from the spec); the node's summary on the canvas.
 */
import type { FieldTypeName, NodeKind } from '@flowstate/spec';
import { formatDuration } from '../../lib/format';
import { valueAtPath } from '../analysis';
import { defaultAssigner, defaultSinkConnector, defaultSource, type NodeDefaults } from '../palette';
import { type FlowGraph, type FlowNode, type FlowNodeData, isRecord } from '../types';
import {
  GENERATORS_FIELD,
  SINK_CONNECTOR_FIELDS,
  SINK_TYPES,
  SOURCE_CONNECTOR_FIELDS,
  SOURCE_TYPES,
  WATERMARK_SECTION,
} from './connectors';
import { type FormSection, f, GENERAL, ms, options } from './form-model';
import { joinNodeForm, joinNodeSummary, readJoinField, writeJoinField } from './joins';
import { pick, setIn } from './records';
import { replaceSchema, type SourceData } from './schema-editing';
import { AGGREGATES_FIELD, ASSIGNER_FIELDS, ASSIGNER_TYPES } from './windows';

/** The form of a node, for its current connector / assigner type. */
export function nodeForm(node: FlowNode): FormSection[] {
  const data = node.data as Record<string, unknown>;
  const connectorType = isRecord(data.connector) ? String(data.connector.type) : undefined;
  switch (node.type as NodeKind) {
    case 'source': {
      const fileFormat = isRecord(data.connector) ? (data.connector.format ?? 'text') : undefined;
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
            ...(SOURCE_CONNECTOR_FIELDS[connectorType ?? ''] ?? []).filter(
              // A delimiter separates CSV fields: text and JSON Lines have none.
              (x) => x.key !== 'connector.delimiter' || fileFormat === 'csv',
            ),
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
    default:
      return joinNodeForm(node) ?? [GENERAL];
  }
}

/** The value a form field shows. */
export function readField(node: FlowNode, path: readonly string[]): unknown {
  if (path.length === 1 && path[0] === 'id') return node.id;
  if (path[0]?.startsWith('$')) return readJoinField(node, path);
  return valueAtPath(node.data, path);
}

/**
 * The node's data with `value` written at `path`. `undefined` removes an optional field. A variant
 * select swaps the fields that go with it: a source's connector type brings that connector's default
 * connector, schema and watermark; a sink's, its default connector; a window's assigner type, that
 * assigner's defaults (keeping size and offset where both have them). A text file's schema is its one
 * field, `line`.
 */
export function writeField(
  node: FlowNode,
  path: readonly string[],
  value: unknown,
  defaults: NodeDefaults = {},
): FlowNodeData {
  if (path.length === 1 && path[0] === 'id') {
    throw new Error('writeField: the id is changed by renaming the node (the store’s setField / renameNode)');
  }
  const data = node.data as Record<string, unknown>;
  const key = path.join('.');
  const special = writeJoinField(node, path, value);
  if (special !== undefined) return special as FlowNodeData;
  if (node.type === 'source' && key === 'connector.type') {
    const current = isRecord(data.connector) ? data.connector.type : undefined;
    if (current === value) return node.data;
    const common = pick(data, ['name', 'parallelism']);
    return { ...common, ...defaultSource(value as 'datagen' | 'file' | 'nexmark', defaults) } as FlowNodeData;
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
  if (node.type === 'source' && key === 'connector.format' && value !== 'csv') {
    next = setIn(next, ['connector', 'delimiter'], undefined);
  }
  if (node.type === 'source' && key === 'connector.table' && Object.hasOwn(next, 'schema')) {
    // A Nexmark table fixes the schema: a declared one could only disagree.
    next = setIn(next, ['schema'], undefined);
  }
  return next as FlowNodeData;
}

/** A one-line summary of what a node does, for the canvas (with the graph, a join names its condition). */
export function nodeSummary(node: FlowNode, graph?: FlowGraph): string {
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
      // A field being edited may be empty (or not a number yet): say so, never "NaN".
      const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? formatDuration(v) : null);
      const size = ms(a.sizeMs);
      const what =
        a.type === 'session'
          ? `session ${ms(a.gapMs) === null ? 'with no gap set' : `gap ${ms(a.gapMs)}`}`
          : a.type === 'sliding'
            ? `sliding ${size ?? '(size not set)'} every ${ms(a.slideMs) ?? '(slide not set)'}`
            : `${String(a.type ?? 'window')} ${size ?? '(size not set)'}`;
      return `${what} · ${names(data.aggregates)}`;
    }
    case 'aggregate':
      return names(data.aggregates);
    case 'sink':
      return connector.type === 'file'
        ? `file · ${String(connector.path ?? '')}`
        : String(connector.type ?? '');
    default:
      return joinNodeSummary(node, graph) ?? '';
  }
}
