'use client';
import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import {
  expressionProblem,
  type FlowNode,
  type FormField,
  fieldProblems,
  fieldsAvailableTo,
  nodeForm,
  readField,
  selectInspectedNode,
} from '../../editor';
import { useEditorStore } from './editor-context';

/** The form of the selected node, generated from `nodeForm(node)`. */
export function InspectorPanel() {
  const store = useEditorStore();
  const node = useStore(store, selectInspectedNode);
  if (node === undefined) {
    return (
      <section aria-label="Inspector" className="p-3 text-sm text-muted">
        Select a node to edit it.
      </section>
    );
  }
  return (
    <section aria-label="Inspector" className="space-y-4 p-3">
      {nodeForm(node).map((section) => (
        <fieldset key={section.id} className="space-y-2">
          <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">
            {section.title}
          </legend>
          {section.fields.map((field) => (
            <FieldInput key={`${node.id}:${field.key}`} node={node} field={field} />
          ))}
        </fieldset>
      ))}
    </section>
  );
}

const inputClass =
  'w-full rounded-md border border-border bg-surface px-2 py-1 text-sm aria-[invalid=true]:border-danger';

function FieldInput({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const id = useId();
  const [refusal, setRefusal] = useState<string | null>(null);
  const value = readField(node, field.path);
  const write = (v: unknown) => {
    const result = store.getState().setField(node.id, field.path, v);
    setRefusal(result.ok ? null : result.reason);
  };
  const problem = field.input === 'expression' ? expressionProblem(graph, node.id, field.path) : null;
  const others = field.input === 'expression' ? [] : fieldProblems(graph, node.id, field.path);
  const message = refusal ?? (problem ? `Column ${problem.column}: ${problem.message}` : others[0]?.message);
  const describedBy = message ? `${id}-problem` : undefined;
  const common = {
    id,
    'aria-invalid': message ? true : undefined,
    'aria-describedby': describedBy,
    disabled: field.readOnly,
    className: inputClass,
  };

  let control: React.ReactNode;
  switch (field.input) {
    case 'text':
    case 'expression':
    case 'field-picker':
      control = (
        <input
          {...common}
          type="text"
          spellCheck={false}
          className={`${inputClass} ${field.input === 'expression' ? 'font-mono' : ''}`}
          value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
          placeholder={
            field.placeholder ?? (field.defaultValue !== undefined ? String(field.defaultValue) : undefined)
          }
          onChange={(e) => write(e.target.value === '' && !field.required ? undefined : e.target.value)}
        />
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          value={typeof value === 'number' ? value : ''}
          min={field.min}
          max={field.max}
          step={field.integer ? 1 : 'any'}
          placeholder={
            field.placeholder ?? (field.defaultValue !== undefined ? String(field.defaultValue) : undefined)
          }
          onChange={(e) => write(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    case 'select':
      control = (
        <select
          {...common}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => write(e.target.value === '' ? undefined : e.target.value)}
        >
          {(value === undefined || !field.required) && <option value="">{field.defaultValue ?? '—'}</option>}
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'key-picker': {
      const current = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      const names = [...new Set([...fieldsAvailableTo(graph, node.id).map((a) => a.name), ...current])];
      return (
        <fieldset
          className="space-y-0.5"
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy}
        >
          <legend className="block text-xs font-medium">{field.label}</legend>
          {names.length === 0 && <p className="text-xs text-muted">No fields known upstream yet.</p>}
          <div className="flex flex-wrap gap-x-3 gap-y-1">
            {names.map((name) => (
              <label key={name} className="flex items-center gap-1 text-sm">
                <input
                  type="checkbox"
                  checked={current.includes(name)}
                  onChange={(e) =>
                    write(e.target.checked ? [...current, name] : current.filter((c) => c !== name))
                  }
                />
                <span className="font-mono text-xs">{name}</span>
              </label>
            ))}
          </div>
          {message ? (
            <p id={describedBy} className="text-xs text-danger">
              {message}
            </p>
          ) : field.help ? (
            <p className="text-xs text-muted">{field.help}</p>
          ) : null}
        </fieldset>
      );
    }
    case 'textarea':
      control = (
        <textarea
          {...common}
          rows={3}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => write(e.target.value === '' ? undefined : e.target.value)}
        />
      );
      break;
    default:
      control = <JsonField common={common} value={value} onCommit={write} onError={setRefusal} />;
  }

  return (
    <div className="space-y-0.5">
      <label htmlFor={id} className="block text-xs font-medium">
        {field.label}
        {field.unit ? <span className="text-muted"> ({field.unit})</span> : null}
      </label>
      {control}
      {message ? (
        <p id={describedBy} className="text-xs text-danger">
          {message}
        </p>
      ) : field.help ? (
        <p className="text-xs text-muted">{field.help}</p>
      ) : null}
    </div>
  );
}

/** Fallback for the structured editors: the value as JSON, written back when it parses. */
function JsonField({
  common,
  value,
  onCommit,
  onError,
}: {
  common: { id: string; className: string; disabled?: boolean | undefined };
  value: unknown;
  onCommit: (v: unknown) => void;
  onError: (reason: string | null) => void;
}) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);
  return (
    <textarea
      {...common}
      className={`${common.className} font-mono text-xs`}
      rows={Math.min(10, Math.max(2, draft.split('\n').length))}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        if (draft === text) return;
        if (draft.trim() === '') return onCommit(undefined);
        try {
          onCommit(JSON.parse(draft));
        } catch {
          onError('Not valid JSON');
        }
      }}
    />
  );
}
