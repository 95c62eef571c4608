'use client';
import { useStore } from 'zustand';
import {
  addMapField,
  describeExpressionProblem,
  draftExpressionProblem,
  expressionProblem,
  type FlowNode,
  type FormField,
  fieldNameProblem,
  fieldsAvailableTo,
  moveKey,
  otherKeys,
  ownFieldProblems,
  removeKey,
  renameKey,
} from '../../../editor';
import { isRecord } from '../../../editor/types';
import { useEditorStore } from '../editor-context';
import { AddButton, DraftInput, FieldFooter, GroupLabel, IconButton } from './shared';

/**
 * A map's output fields: rows of output name and expression (with the expression's error inline, as
 * it is typed), moved up and down, added and removed. Each edit is one undo step.
 */
export function MapFieldsEditor({
  node,
  field,
  add,
  children,
}: {
  node: FlowNode;
  field: FormField;
  /** The fields with one more (default: the first input field not yet in the output). */
  add?: (fields: Record<string, string>) => Record<string, string>;
  /** More buttons beside "Add output field". */
  children?: React.ReactNode;
}) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const data = node.data as Record<string, unknown>;
  const fields = (isRecord(data.fields) ? data.fields : {}) as Record<string, string>;
  const names = Object.keys(fields);
  const write = (next: Record<string, string>) => store.getState().setField(node.id, field.path, next);
  const labelId = `${node.id}-fields-label`;
  const problemText = (path: readonly string[], text: string) => {
    const p = draftExpressionProblem(store.getState().graph, node.id, path, text);
    return p === null ? null : describeExpressionProblem(p);
  };

  return (
    <div className="space-y-1">
      <GroupLabel id={labelId}>{field.label}</GroupLabel>
      <ol aria-labelledby={labelId} className="space-y-1.5">
        {names.length === 0 && <li className="text-xs text-muted">No output fields yet.</li>}
        {names.map((name, i) => {
          const committed = expressionProblem(graph, node.id, [...field.path, name]);
          const nameProblem = ownFieldProblems(graph, node.id, [...field.path, name]).find(
            (p) => !p.code.startsWith('expression/'),
          );
          return (
            <li key={name} className="rounded-md border border-border px-2 py-1.5">
              <div className="flex items-start gap-0.5">
                <DraftInput
                  className="flex-1"
                  mono
                  label={`Name of output ${name}`}
                  value={name}
                  problem={nameProblem?.message}
                  refuse={(text) => fieldNameProblem(text, otherKeys(fields, name))}
                  onCommit={(text) => write(renameKey(fields, name, text))}
                />
                <IconButton
                  label={`Move ${name} up`}
                  disabled={i === 0}
                  onClick={() => write(moveKey(fields, name, -1))}
                >
                  ↑
                </IconButton>
                <IconButton
                  label={`Move ${name} down`}
                  disabled={i === names.length - 1}
                  onClick={() => write(moveKey(fields, name, 1))}
                >
                  ↓
                </IconButton>
                <IconButton
                  label={`Remove output ${name}`}
                  tone="danger"
                  onClick={() => write(removeKey(fields, name))}
                >
                  ×
                </IconButton>
              </div>
              <div className="mt-1 flex items-start gap-1">
                <span aria-hidden="true" className="pt-1 font-mono text-xs text-muted">
                  =
                </span>
                <DraftInput
                  className="flex-1"
                  mono
                  label={`Expression of ${name}`}
                  value={fields[name] ?? ''}
                  placeholder="an expression, e.g. amount * 2"
                  problem={committed === null ? null : describeExpressionProblem(committed)}
                  preview={(text) => problemText([...field.path, name], text)}
                  onCommit={(text) => store.getState().setField(node.id, [...field.path, name], text)}
                />
              </div>
            </li>
          );
        })}
      </ol>
      <div className="flex flex-wrap gap-1">
        <AddButton
          onClick={() =>
            write(add === undefined ? addMapField(fields, fieldsAvailableTo(graph, node.id)) : add(fields))
          }
        >
          Add output field
        </AddButton>
        {children}
      </div>
      <FieldFooter
        problems={ownFieldProblems(graph, node.id, field.path).map((p) => p.message)}
        help={field.help}
      />
    </div>
  );
}
