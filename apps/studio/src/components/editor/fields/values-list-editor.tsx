'use client';
import { useId, useState } from 'react';
import { type ListValueType, parseListValue } from '../../../editor';
import { inputClass, Message } from './shared';

type ListValue = string | number | boolean;

/**
 * A list of values as chips: × removes one, the box below adds one (Enter or "Add"). Values are typed
 * by `type` (a choice generator's values by its field's type; weights are numbers).
 */
export function ValuesListEditor({
  label,
  values,
  type,
  onChange,
  onRemove,
  problems = [],
  placeholder,
}: {
  /** What the list is, for accessible names: "Values of category". */
  label: string;
  values: readonly ListValue[];
  type: ListValueType;
  onChange: (values: ListValue[]) => void;
  /** Removing a value (defaults to writing the list without it). */
  onRemove?: (index: number) => void;
  problems?: readonly string[];
  placeholder?: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const add = () => {
    const parsed = parseListValue(draft, type);
    if (!parsed.ok) return setRefusal(parsed.reason);
    onChange([...values, parsed.value]);
    setDraft('');
    setRefusal(null);
  };
  const message = refusal ?? problems[0];
  return (
    <fieldset aria-label={label} className="min-w-0 space-y-1">
      <ul className="flex flex-wrap gap-1">
        {values.length === 0 && <li className="text-xs text-muted">None yet.</li>}
        {values.map((v, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: values may repeat; the position is the identity
            key={i}
            className="inline-flex items-center gap-0.5 rounded-full border border-border bg-surface-2 py-0.5 pr-0.5 pl-2 font-mono text-xs"
          >
            <span>{typeof v === 'string' ? v : String(v)}</span>
            <button
              type="button"
              aria-label={`Remove ${String(v)} from ${label}`}
              title="Remove"
              onClick={() => (onRemove ? onRemove(i) : onChange(values.filter((_, j) => j !== i)))}
              className="inline-flex h-4 w-4 items-center justify-center rounded-full text-muted hover:bg-danger-soft hover:text-danger"
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="flex gap-1">
        <input
          aria-label={`New value for ${label}`}
          aria-invalid={refusal ? true : undefined}
          aria-describedby={message ? `${id}-message` : undefined}
          className={`${inputClass} font-mono text-xs`}
          value={draft}
          placeholder={
            placeholder ?? (type === 'bool' ? 'true or false' : type === 'string' ? 'a value' : 'a number')
          }
          onChange={(e) => {
            setDraft(e.target.value);
            setRefusal(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button
          type="button"
          aria-label={`Add to ${label}`}
          onClick={add}
          disabled={draft === ''}
          className="h-7 shrink-0 rounded-md border border-border px-2 text-xs font-medium hover:bg-surface-2 disabled:opacity-50"
        >
          Add
        </button>
      </div>
      {message && <Message id={`${id}-message`}>{message}</Message>}
    </fieldset>
  );
}
