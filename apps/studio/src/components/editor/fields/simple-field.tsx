'use client';
import { useId } from 'react';
import type { AvailableField, FormField } from '../../../editor';
import { DraftInput, DraftNumber, inputClass, Message, selectClass } from './shared';

const placeholderOf = (field: FormField): string | undefined =>
  field.placeholder ?? (field.defaultValue !== undefined ? String(field.defaultValue) : undefined);

/**
 * One simple form field — text, textarea, number, select, expression, field picker — with its label,
 * problem or help. `live` writes on every change (the node forms' text fields, which the canvas shows
 * as they are typed); otherwise text and numbers write when the edit is done (one undo step).
 */
export function SimpleField({
  field,
  value,
  write,
  message,
  live = false,
  label,
  fields,
  refuse,
}: {
  field: FormField;
  value: unknown;
  write: (value: unknown) => void;
  /** A problem to show under the control (a refusal, an expression error, a spec problem). */
  message?: string | undefined;
  live?: boolean;
  /** The accessible name, when the visible label is not unique on the page. */
  label?: string;
  /** `field-picker`: the fields to choose from. */
  fields?: readonly AvailableField[];
  /** Text fields written when done: why a draft cannot be written (shown while typing). */
  refuse?: (text: string) => string | null;
}) {
  const id = useId();
  const name = label ?? field.label;
  const describedBy = message ? `${id}-problem` : undefined;
  // The help under the control describes it (when no problem is shown in its place).
  const helpId = !message && field.help ? `${id}-help` : undefined;
  const common = {
    id,
    'aria-invalid': message ? true : undefined,
    'aria-describedby': describedBy ?? helpId,
    'aria-label': label,
    disabled: field.readOnly,
  };
  const text = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  let control: React.ReactNode;
  let ownMessage = false;
  switch (field.input) {
    case 'select':
      control = (
        <select
          {...common}
          className={selectClass}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => write(e.target.value === '' ? undefined : e.target.value)}
        >
          {(value === undefined || !field.required) && (
            <option value="">
              {field.defaultValue !== undefined
                ? `${field.options?.find((o) => o.value === field.defaultValue)?.label ?? field.defaultValue} (default)`
                : '—'}
            </option>
          )}
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'field-picker': {
      const offered = (fields ?? []).filter(
        (x) => field.fieldTypes === undefined || field.fieldTypes.includes(x.type as never),
      );
      const known = offered.some((x) => x.name === text);
      control = (
        <select
          {...common}
          className={`${selectClass} font-mono text-xs`}
          value={text}
          onChange={(e) => write(e.target.value === '' ? undefined : e.target.value)}
        >
          {text === '' && <option value="">Choose a field</option>}
          {!known && text !== '' && <option value={text}>{text} (not a field here)</option>}
          {offered.map((x) => (
            <option key={x.name} value={x.name}>
              {x.name} · {x.type}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'number':
      if (live) {
        control = (
          <input
            {...common}
            className={inputClass}
            type="number"
            value={typeof value === 'number' ? value : ''}
            min={field.min}
            max={field.max}
            step={field.integer ? 1 : 'any'}
            placeholder={placeholderOf(field)}
            onChange={(e) => write(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        );
      } else {
        ownMessage = true;
        control = (
          <DraftNumber
            id={id}
            label={name}
            value={value}
            onCommit={write}
            placeholder={placeholderOf(field)}
            min={field.min}
            max={field.max}
            integer={field.integer}
            problem={message}
            disabled={field.readOnly}
          />
        );
      }
      break;
    case 'textarea':
      if (live) {
        control = (
          <textarea
            {...common}
            className={inputClass}
            rows={3}
            value={text}
            onChange={(e) => write(e.target.value === '' ? undefined : e.target.value)}
          />
        );
      } else {
        ownMessage = true;
        control = (
          <DraftInput
            id={id}
            multiline
            label={name}
            value={text}
            problem={message}
            onCommit={(t) => write(t === '' ? undefined : t)}
          />
        );
      }
      break;
    default:
      if (live) {
        control = (
          <input
            {...common}
            type="text"
            spellCheck={false}
            className={`${inputClass} ${field.input === 'expression' ? 'font-mono' : ''}`}
            value={text}
            placeholder={placeholderOf(field)}
            onChange={(e) => write(e.target.value === '' && !field.required ? undefined : e.target.value)}
          />
        );
      } else {
        ownMessage = true;
        control = (
          <DraftInput
            id={id}
            label={name}
            value={text}
            problem={message}
            placeholder={placeholderOf(field)}
            mono={field.input === 'expression'}
            disabled={field.readOnly}
            refuse={(t) =>
              t.trim() === '' && field.required ? `${field.label} is required` : (refuse?.(t) ?? null)
            }
            onCommit={(t) => write(t === '' && !field.required ? undefined : t)}
          />
        );
      }
  }
  return (
    <div className="space-y-0.5">
      <label htmlFor={id} className="block text-xs font-medium">
        {field.label}
        {field.unit ? <span className="text-muted"> ({field.unit})</span> : null}
      </label>
      {control}
      {!ownMessage && message ? (
        <Message id={describedBy}>{message}</Message>
      ) : !message && field.help ? (
        <Message id={helpId} tone="help">
          {field.help}
        </Message>
      ) : null}
    </div>
  );
}
