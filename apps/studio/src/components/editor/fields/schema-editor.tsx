'use client';
import { useStore } from 'zustand';
import {
  FIELD_TYPE_OPTIONS,
  type FlowNode,
  type FormField,
  fieldNameProblem,
  fieldProblems,
  otherKeys,
  outputFieldsOf,
  renameKey,
  uniqueName,
} from '../../../editor';
import { isRecord } from '../../../editor/types';
import { useEditorStore } from '../editor-context';
import { AddButton, controlClass, DraftInput, FieldFooter, GroupLabel, IconButton, Message } from './shared';

/**
 * A source's schema as rows of field name and type. Writing the whole schema lets the core keep a
 * datagen source's generators (and a watermark on a renamed field) in step. Read-only where the
 * connector fixes the schema (a Nexmark table, a text file), with the fields it gives.
 */
export function SchemaEditor({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const data = node.data as Record<string, unknown>;
  const schema = (isRecord(data.schema) ? data.schema : {}) as Record<string, string>;
  const labelId = `${node.id}-schema-label`;
  const write = (next: Record<string, string>) => store.getState().setField(node.id, ['schema'], next);
  const problems = fieldProblems(graph, node.id, field.path);
  const ownProblems = problems.filter(
    (p) => !Object.keys(schema).some((n) => p.path.endsWith(`/schema/${n}`)),
  );

  if (field.readOnly) {
    const fixed = outputFieldsOf(graph, node.id);
    const rows = fixed.length > 0 ? fixed : Object.entries(schema).map(([name, type]) => ({ name, type }));
    return (
      <div className="space-y-1">
        <GroupLabel id={labelId}>{field.label}</GroupLabel>
        <ul
          aria-labelledby={labelId}
          className="rounded-md border border-border bg-surface-2 px-2 py-1 text-xs"
        >
          {rows.map((r) => (
            <li key={r.name} className="flex justify-between gap-2 py-0.5">
              <span className="font-mono">{r.name}</span>
              <span className="text-muted">{r.type}</span>
            </li>
          ))}
        </ul>
        <Message tone="help">{field.help} — the schema cannot be edited here.</Message>
      </div>
    );
  }

  const names = Object.keys(schema);
  return (
    <div className="space-y-1">
      <GroupLabel id={labelId}>{field.label}</GroupLabel>
      <fieldset aria-labelledby={labelId} className="min-w-0 space-y-1">
        {names.length === 0 && <p className="text-xs text-muted">No fields yet.</p>}
        {names.map((name) => {
          const rowProblems = fieldProblems(graph, node.id, ['schema', name]).map((p) => p.message);
          return (
            <div key={name}>
              <div className="flex items-start gap-1">
                <DraftInput
                  className="flex-1"
                  mono
                  label={`Name of field ${name}`}
                  value={name}
                  problem={rowProblems[0]}
                  refuse={(text) => fieldNameProblem(text, otherKeys(schema, name))}
                  onCommit={(text) => write(renameKey(schema, name, text))}
                />
                <select
                  aria-label={`Type of field ${name}`}
                  className={`${controlClass} w-[7.5rem] shrink-0 pr-6 text-xs`}
                  value={schema[name]}
                  onChange={(e) => write({ ...schema, [name]: e.target.value })}
                >
                  {FIELD_TYPE_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
                <IconButton
                  label={`Remove field ${name}`}
                  tone="danger"
                  onClick={() => {
                    const { [name]: _gone, ...rest } = schema;
                    write(rest);
                  }}
                >
                  ×
                </IconButton>
              </div>
            </div>
          );
        })}
      </fieldset>
      <AddButton onClick={() => write({ ...schema, [uniqueName('field1', names)]: 'string' })}>
        Add field
      </AddButton>
      <FieldFooter problems={ownProblems.map((p) => p.message)} help={field.help} />
    </div>
  );
}
