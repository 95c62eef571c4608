'use client';
import { useStore } from 'zustand';
import {
  addJoinField,
  addOrderBy,
  explicitJoinFields,
  type FlowNode,
  type FormField,
  formFieldProblems,
  joinConditionText,
  joinExpressionFields,
  joinSideText,
  type OrderByRow,
  orderByFields,
  orderByRows,
  partitionText,
  upstreamKeyBy,
} from '../../../editor';
import { useEditorStore } from '../editor-context';
import { KeyPicker } from './key-picker';
import { MapFieldsEditor } from './map-fields-editor';
import { AddButton, FieldFooter, GroupLabel, IconButton, selectClass } from './shared';

/** The problems a field shows (its own, and the node's problems with the field's codes). */
function useProblems(node: FlowNode, field: FormField): string[] {
  const graph = useStore(useEditorStore(), (s) => s.graph);
  return formFieldProblems(graph, node.id, field).map((p) => p.message);
}

/** A read-only fact about the graph around the node (a join's condition, the key an operator partitions by). */
export function GraphFact({ node, field }: { node: FlowNode; field: FormField }) {
  const graph = useStore(useEditorStore(), (s) => s.graph);
  const problems = useProblems(node, field);
  const id = `${node.id}-${field.key}`;
  const text = field.input === 'join-key' ? joinConditionText(graph, node.id) : partitionText(graph, node.id);
  return (
    <div className="space-y-0.5">
      <GroupLabel id={id}>{field.label}</GroupLabel>
      <output
        aria-labelledby={id}
        className={`block rounded-md bg-surface-2 px-2 py-1 font-mono text-xs ${problems.length > 0 ? 'text-danger' : ''}`}
      >
        {text}
      </output>
      <FieldFooter problems={problems} help={field.help} />
    </div>
  );
}

/**
 * One side of a join: where its rows come from and, when one keyBy keys it, that keyBy's key fields as
 * checkboxes — the side's key is edited here, and written where the spec keeps it.
 */
export function JoinSideField({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const side = field.side ?? 'left';
  const problems = useProblems(node, field);
  const keyBy = upstreamKeyBy(graph, node.id, side);
  const id = `${node.id}-${field.key}`;
  return (
    <section aria-labelledby={id} className="space-y-1 rounded-md border border-border px-2 py-1.5">
      <GroupLabel id={id}>{field.label}</GroupLabel>
      <p className="text-xs text-muted">{joinSideText(graph, node.id, side)}</p>
      {keyBy !== null && (
        <KeyPicker
          node={keyBy}
          field={{
            key: 'key',
            path: ['key'],
            input: 'key-picker',
            label: `${side === 'left' ? 'Left' : 'Right'} key (keyBy '${keyBy.id}')`,
          }}
        />
      )}
      <FieldFooter problems={problems} help={keyBy === null ? field.help : undefined} />
    </section>
  );
}

/**
 * A join's output fields: with none written, every left field then every right one ("Choose output
 * fields" writes them out to edit); else rows of name = expression over `l.` / `r.`.
 */
export function JoinFieldsEditor({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const problems = useProblems(node, field);
  const value = (node.data as { fields?: unknown }).fields;
  if (value === undefined) {
    return (
      <div className="space-y-1">
        <GroupLabel id={`${node.id}-join-fields`}>{field.label}</GroupLabel>
        <p className="text-xs text-muted">Every left field, then every right field.</p>
        <AddButton
          onClick={() => store.getState().setField(node.id, field.path, explicitJoinFields(graph, node.id))}
        >
          Choose output fields
        </AddButton>
        <FieldFooter problems={problems} help={field.help} />
      </div>
    );
  }
  return (
    <MapFieldsEditor
      node={node}
      field={field}
      add={(fields) => addJoinField(fields, joinExpressionFields(graph, node.id))}
    >
      <AddButton onClick={() => store.getState().setField(node.id, field.path, undefined)}>
        Use every field
      </AddButton>
    </MapFieldsEditor>
  );
}

/** A Top-N's order: rows of input field and direction, the first deciding; added and removed. */
export function OrderByEditor({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const problems = useProblems(node, field);
  const rows = orderByRows((node.data as { orderBy?: unknown }).orderBy);
  const input = orderByFields(graph, node.id);
  const write = (next: OrderByRow[]) => store.getState().setField(node.id, field.path, next);
  const id = `${node.id}-order-by`;
  return (
    <div className="space-y-1">
      <GroupLabel id={id}>{field.label}</GroupLabel>
      <ol aria-labelledby={id} className="space-y-1">
        {rows.length === 0 && <li className="text-xs text-muted">No order yet.</li>}
        {rows.map((row, i) => {
          const names = input.map((x) => x.name);
          const choices = names.includes(row.field) || row.field === '' ? names : [row.field, ...names];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the order
            <li key={i} className="flex items-center gap-1">
              <select
                aria-label={`Order field ${i + 1}`}
                className={`${selectClass} font-mono text-xs`}
                value={row.field}
                onChange={(e) => write(rows.map((r, j) => (j === i ? { ...r, field: e.target.value } : r)))}
              >
                {row.field === '' && <option value="">choose a field</option>}
                {choices.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
              <select
                aria-label={`Direction ${i + 1}`}
                className={`${selectClass} w-28`}
                value={row.direction}
                onChange={(e) =>
                  write(
                    rows.map((r, j) => (j === i ? { ...r, direction: e.target.value as 'asc' | 'desc' } : r)),
                  )
                }
              >
                <option value="desc">DESC</option>
                <option value="asc">ASC</option>
              </select>
              <IconButton
                label={`Remove order field ${i + 1}`}
                tone="danger"
                onClick={() => write(rows.filter((_, j) => j !== i))}
              >
                ×
              </IconButton>
            </li>
          );
        })}
      </ol>
      <AddButton onClick={() => write(addOrderBy(rows, input))}>Add order field</AddButton>
      <FieldFooter problems={problems} help={field.help} />
    </div>
  );
}
