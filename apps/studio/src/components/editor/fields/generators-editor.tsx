'use client';
import type { FieldTypeName, Generator } from '@flowstate/spec';
import { useStore } from 'zustand';
import {
  defaultGenerator,
  type FlowNode,
  type FlowNodeDataOf,
  type FormField,
  fieldProblems,
  GENERATOR_KINDS,
  generatorFieldsFor,
  generatorKindsFor,
  generatorRows,
  withoutChoiceValue,
} from '../../../editor';
import { useEditorStore } from '../editor-context';
import { FieldFooter, GroupLabel, Message, selectClass } from './shared';
import { SimpleField } from './simple-field';
import { ValuesListEditor } from './values-list-editor';

const KIND_LABELS: Record<Generator['kind'], string> = {
  sequence: 'Sequence',
  random: 'Random',
  choice: 'Choice',
  timestamp: 'Timestamp',
};

/**
 * A datagen source's generators: one row per schema field with its generator's kind and that kind's
 * options. A schema field without a generator, or a generator without a schema field, is shown as a
 * problem with a one-click fix.
 */
export function GeneratorsEditor({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const rows = generatorRows(node.data as FlowNodeDataOf<'source'>);
  const base = ['connector', 'fields'];
  const set = (path: readonly string[], value: unknown) =>
    store.getState().setField(node.id, [...base, ...path], value);
  const labelId = `${node.id}-generators-label`;
  const own = fieldProblems(graph, node.id, field.path).filter(
    (p) => !rows.some((r) => p.path.includes(`/fields/${r.field}`)),
  );

  return (
    <div className="space-y-1">
      <GroupLabel id={labelId}>{field.label}</GroupLabel>
      <ul aria-labelledby={labelId} className="space-y-1.5">
        {rows.length === 0 && (
          <li className="text-xs text-muted">Add schema fields above to generate them.</li>
        )}
        {rows.map((row) => {
          const problems = fieldProblems(graph, node.id, [...base, row.field])
            .filter((p) => p.code !== 'missing-generator' && p.code !== 'unknown-field')
            .map((p) => p.message);
          const kind = row.generator?.kind as Generator['kind'] | undefined;
          const allowed = row.type === undefined ? [...GENERATOR_KINDS] : generatorKindsFor(row.type);
          return (
            <li
              key={row.field}
              aria-label={`Generator of ${row.field}`}
              className={`rounded-md border px-2 py-1.5 ${row.status === 'ok' ? 'border-border' : 'border-danger/60 bg-danger-soft'}`}
            >
              <div className="flex items-center justify-between gap-2">
                <span className="truncate font-mono text-xs font-medium">{row.field}</span>
                <span className="text-[11px] text-muted">{row.type ?? 'not in the schema'}</span>
              </div>
              {row.status === 'missing' && row.type !== undefined && (
                <div className="mt-1 flex items-center justify-between gap-2">
                  <Message>No generator for this field.</Message>
                  <button
                    type="button"
                    className="h-7 shrink-0 rounded-md border border-border bg-surface px-2 text-xs font-medium hover:bg-surface-2"
                    onClick={() => set([row.field], defaultGenerator(row.type as FieldTypeName))}
                  >
                    Add a generator for {row.field}
                  </button>
                </div>
              )}
              {row.status === 'extra' && (
                <div className="mt-1 flex items-center justify-between gap-2">
                  <Message>The schema has no field {row.field}.</Message>
                  <button
                    type="button"
                    className="h-7 shrink-0 rounded-md border border-border bg-surface px-2 text-xs font-medium hover:bg-surface-2"
                    onClick={() => set([row.field], undefined)}
                  >
                    Remove generator {row.field}
                  </button>
                </div>
              )}
              {row.status === 'ok' && kind !== undefined && (
                <div className="mt-1 space-y-1">
                  <select
                    aria-label={`Generator kind of ${row.field}`}
                    className={selectClass}
                    value={kind}
                    onChange={(e) =>
                      set(
                        [row.field],
                        defaultGenerator(row.type ?? 'string', e.target.value as Generator['kind']),
                      )
                    }
                  >
                    {!allowed.includes(kind) && (
                      <option value={kind}>
                        {KIND_LABELS[kind]} (cannot make a {row.type})
                      </option>
                    )}
                    {allowed.map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABELS[k]}
                      </option>
                    ))}
                  </select>
                  <div className="grid grid-cols-2 gap-x-2 gap-y-1">
                    {generatorFieldsFor(kind, row.type).map((option) => {
                      const path = [row.field, ...option.path];
                      const value = row.generator?.[option.path[0]!];
                      const optionProblems = fieldProblems(graph, node.id, [...base, ...path]).map(
                        (p) => p.message,
                      );
                      if (option.input === 'values-list') {
                        const list = Array.isArray(value) ? (value as (string | number | boolean)[]) : [];
                        const weights = option.key === 'weights';
                        return (
                          <div key={option.key} className="col-span-2">
                            <span className="block text-xs font-medium">{option.label}</span>
                            <ValuesListEditor
                              label={`${option.label} of ${row.field}`}
                              values={list}
                              type={weights ? 'weight' : (row.type ?? 'string')}
                              problems={optionProblems}
                              onChange={(next) => set(path, next.length === 0 && weights ? undefined : next)}
                              onRemove={
                                weights
                                  ? undefined
                                  : (i) => set([row.field], withoutChoiceValue(row.generator ?? {}, i))
                              }
                            />
                            {!weights || optionProblems.length > 0 ? null : (
                              <FieldFooter problems={[]} help={option.help} />
                            )}
                          </div>
                        );
                      }
                      return (
                        <div key={option.key} className={option.key === 'startMs' ? 'col-span-2' : ''}>
                          <SimpleField
                            field={option}
                            label={`${option.label} of ${row.field}`}
                            value={value}
                            message={optionProblems[0]}
                            write={(v) => set(path, v)}
                          />
                        </div>
                      );
                    })}
                  </div>
                </div>
              )}
              <FieldFooter problems={problems} />
            </li>
          );
        })}
      </ul>
      <FieldFooter problems={own.map((p) => p.message)} help={field.help} />
    </div>
  );
}
