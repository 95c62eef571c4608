'use client';
import type { AggregateFunction } from '@flowstate/spec';
import { useState } from 'react';
import { useStore } from 'zustand';
import {
  AGGREGATE_FUNCTION_NAMES,
  addAggregate,
  aggregateFieldsFor,
  aggregateText,
  describeExpressionProblem,
  draftExpressionProblem,
  expressionProblem,
  type FlowNode,
  type FormField,
  fieldNameProblem,
  fieldsAvailableTo,
  otherKeys,
  ownFieldProblems,
  parseAggregateRow,
  removeKey,
  renameKey,
  withAggregateFunction,
} from '../../../editor';
import { isRecord } from '../../../editor/types';
import { useEditorStore } from '../editor-context';
import { AddButton, controlClass, DraftInput, FieldFooter, GroupLabel, IconButton, Message } from './shared';

const STAR = '*';

/**
 * A window's or rolling aggregate's aggregates: rows of output name, function and argument (`*` for
 * COUNT, or one of the input fields), written as the spec's aggregate expressions (`SUM(amount)`).
 * An aggregate the row form cannot show (`SUM(price * qty)`) is edited as text, with its error inline;
 * any row can be switched to text.
 */
export function AggregatesEditor({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const data = node.data as Record<string, unknown>;
  const aggregates = (isRecord(data.aggregates) ? data.aggregates : {}) as Record<string, string>;
  const names = Object.keys(aggregates);
  const input = fieldsAvailableTo(graph, node.id);
  const write = (next: Record<string, string>) => store.getState().setField(node.id, field.path, next);
  const setText = (name: string, text: string) =>
    store.getState().setField(node.id, [...field.path, name], text);
  const [asText, setAsText] = useState<ReadonlySet<string>>(new Set());
  const labelId = `${node.id}-aggregates-label`;

  return (
    <div className="space-y-1">
      <GroupLabel id={labelId}>{field.label}</GroupLabel>
      <ol aria-labelledby={labelId} className="space-y-1.5">
        {names.length === 0 && <li className="text-xs text-muted">No aggregates yet.</li>}
        {names.map((name) => {
          const text = aggregates[name] ?? '';
          const row = asText.has(name) ? null : parseAggregateRow(text);
          const committed = expressionProblem(graph, node.id, [...field.path, name]);
          const other = ownFieldProblems(graph, node.id, [...field.path, name]).find(
            (p) => !p.code.startsWith('expression/'),
          );
          const argOptions = row === null ? [] : aggregateFieldsFor(row.fn, input);
          const argKnown = row?.field == null || argOptions.some((x) => x.name === row.field);
          return (
            <li key={name} className="rounded-md border border-border px-2 py-1.5">
              <div className="flex items-start gap-0.5">
                <DraftInput
                  className="flex-1"
                  mono
                  label={`Name of aggregate ${name}`}
                  value={name}
                  problem={other?.message}
                  refuse={(t) => fieldNameProblem(t, otherKeys(aggregates, name))}
                  onCommit={(t) => write(renameKey(aggregates, name, t))}
                />
                <IconButton
                  label={row === null ? `Edit ${name} with the row form` : `Edit ${name} as text`}
                  disabled={row === null && parseAggregateRow(text) === null}
                  onClick={() => {
                    const next = new Set(asText);
                    if (row === null) next.delete(name);
                    else next.add(name);
                    setAsText(next);
                  }}
                >
                  {row === null ? '≡' : 'ƒ'}
                </IconButton>
                <IconButton
                  label={`Remove aggregate ${name}`}
                  tone="danger"
                  onClick={() => write(removeKey(aggregates, name))}
                >
                  ×
                </IconButton>
              </div>
              {row !== null ? (
                <div className="mt-1 flex items-center gap-1">
                  <select
                    aria-label={`Function of ${name}`}
                    className={`${controlClass} flex-1 pr-6 font-mono text-xs`}
                    value={row.fn}
                    onChange={(e) =>
                      setText(
                        name,
                        aggregateText(withAggregateFunction(row, e.target.value as AggregateFunction, input)),
                      )
                    }
                  >
                    {AGGREGATE_FUNCTION_NAMES.map((fn) => (
                      <option key={fn} value={fn}>
                        {fn}
                      </option>
                    ))}
                  </select>
                  <span aria-hidden="true" className="font-mono text-xs text-muted">
                    (
                  </span>
                  <select
                    aria-label={`Argument of ${name}`}
                    className={`${controlClass} flex-1 pr-6 font-mono text-xs`}
                    value={row.field ?? STAR}
                    onChange={(e) =>
                      setText(
                        name,
                        aggregateText({ fn: row.fn, field: e.target.value === STAR ? null : e.target.value }),
                      )
                    }
                  >
                    {row.fn === 'COUNT' && <option value={STAR}>*</option>}
                    {row.field === null && row.fn !== 'COUNT' && <option value={STAR}>choose a field</option>}
                    {!argKnown && row.field !== null && (
                      <option value={row.field}>{row.field} (not usable)</option>
                    )}
                    {argOptions.map((x) => (
                      <option key={x.name} value={x.name}>
                        {x.name} · {x.type}
                      </option>
                    ))}
                  </select>
                  <span aria-hidden="true" className="font-mono text-xs text-muted">
                    )
                  </span>
                </div>
              ) : (
                <DraftInput
                  className="mt-1"
                  mono
                  label={`Expression of ${name}`}
                  value={text}
                  placeholder="an aggregate call, e.g. SUM(price * qty)"
                  problem={committed === null ? null : describeExpressionProblem(committed)}
                  preview={(t) => {
                    const p = draftExpressionProblem(
                      store.getState().graph,
                      node.id,
                      [...field.path, name],
                      t,
                    );
                    return p === null ? null : describeExpressionProblem(p);
                  }}
                  onCommit={(t) => setText(name, t)}
                />
              )}
              {row !== null && committed !== null && (
                <Message>{describeExpressionProblem(committed)}</Message>
              )}
              {row !== null && input.length === 0 && (
                <Message tone="help">Connect an input to choose among its fields.</Message>
              )}
            </li>
          );
        })}
      </ol>
      <AddButton onClick={() => write(addAggregate(aggregates))}>Add aggregate</AddButton>
      <FieldFooter
        problems={ownFieldProblems(graph, node.id, field.path).map((p) => p.message)}
        help={field.help}
      />
    </div>
  );
}
