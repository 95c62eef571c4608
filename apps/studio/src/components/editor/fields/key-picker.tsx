'use client';
import { useStore } from 'zustand';
import {
  type FlowNode,
  type FormField,
  fieldProblems,
  fieldsAvailableTo,
  keyOptions,
  toggleKey,
} from '../../../editor';
import { useEditorStore } from '../editor-context';
import { FieldFooter } from './shared';

/**
 * A keyBy's key fields: a checkbox per input field, in the input's order. A key the input does not
 * have stays listed (checked, marked) until it is unchecked, with the spec's problem underneath.
 */
export function KeyPicker({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const input = fieldsAvailableTo(graph, node.id);
  const value = (node.data as Record<string, unknown>)[field.path[0]!];
  const options = keyOptions(value, input);
  const problems = fieldProblems(graph, node.id, field.path).map((p) => p.message);
  const id = `${node.id}-key-problems`;
  return (
    <fieldset
      className="min-w-0 space-y-1"
      aria-invalid={problems.length > 0 ? true : undefined}
      aria-describedby={problems.length > 0 ? id : undefined}
    >
      <legend className="block text-xs font-medium">{field.label}</legend>
      {input.length === 0 && (
        <p className="text-xs text-muted">
          No input fields known yet: connect this node’s input to choose its key.
        </p>
      )}
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {options.map((o) => (
          <label
            key={o.name}
            className={`flex items-center gap-1 text-sm ${o.missing ? 'rounded bg-danger-soft px-1 text-danger' : ''}`}
          >
            <input
              type="checkbox"
              checked={o.checked}
              onChange={(e) =>
                store
                  .getState()
                  .setField(node.id, field.path, toggleKey(value, o.name, e.target.checked, input))
              }
            />
            <span className="font-mono text-xs">{o.name}</span>
            {o.missing && <span className="text-[11px]">(not in the input)</span>}
          </label>
        ))}
      </div>
      <div id={id}>
        <FieldFooter problems={problems} help={field.help} />
      </div>
    </fieldset>
  );
}
