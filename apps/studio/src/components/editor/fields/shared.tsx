'use client';
/**
 * Pieces the inspector's editors share: the input look, a text box that writes when the edit is done
 * (so that one edit is one undo step), small icon buttons and the problem / help line.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useState } from 'react';

/** The look of a text box or select, without a width. */
export const controlClass =
  'min-w-0 rounded-md border border-border bg-surface px-2 py-1 text-sm aria-[invalid=true]:border-danger disabled:bg-surface-2 disabled:text-muted';

export const inputClass = `w-full ${controlClass}`;

export const selectClass = `w-full ${controlClass} pr-6`;

/**
 * A text box holding a draft: it writes (`onCommit`) on Enter or when it loses focus, and Escape puts
 * the written value back. While typing, `refuse` says what keeps the draft from being written (it
 * stays in the box with its message), `preview` what will be wrong with it once written (an
 * expression's error: written all the same, the spec's problems list shows it too). `problem` is the
 * written value's.
 */
export function DraftInput({
  value,
  onCommit,
  refuse,
  preview,
  problem,
  label,
  placeholder,
  disabled,
  mono,
  multiline,
  className = '',
  type = 'text',
  id: inputId,
}: {
  id?: string;
  value: string;
  onCommit: (text: string) => void;
  refuse?: (text: string) => string | null;
  preview?: (text: string) => string | null;
  problem?: string | null | undefined;
  /** The accessible name. */
  label: string;
  placeholder?: string | undefined;
  disabled?: boolean | undefined;
  mono?: boolean;
  multiline?: boolean;
  className?: string;
  type?: 'text' | 'number';
}) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const message = draft !== value ? (refuse?.(draft) ?? preview?.(draft) ?? null) : (problem ?? null);
  const commit = () => {
    if (draft === value || refuse?.(draft)) return;
    onCommit(draft);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !(multiline && e.shiftKey)) {
      if (multiline) e.preventDefault();
      commit();
    } else if (e.key === 'Escape') {
      setDraft(value);
    }
  };
  const common = {
    id: inputId,
    'aria-label': label,
    'aria-invalid': message ? true : undefined,
    'aria-describedby': message ? `${id}-message` : undefined,
    value: draft,
    placeholder,
    disabled,
    spellCheck: false,
    onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    onBlur: commit,
    onKeyDown,
    className: `${inputClass} ${mono ? 'font-mono text-xs leading-5' : ''}`,
  };
  return (
    <div className={`min-w-0 ${className}`}>
      {multiline ? <textarea {...common} rows={3} /> : <input {...common} type={type} step="any" />}
      {message && <Message id={`${id}-message`}>{message}</Message>}
    </div>
  );
}

/** A number box that writes on Enter / blur; empty writes `undefined` (the spec's default). */
export function DraftNumber({
  value,
  onCommit,
  label,
  placeholder,
  min,
  max,
  integer,
  problem,
  disabled,
  id,
}: {
  id?: string;
  value: unknown;
  onCommit: (value: number | undefined) => void;
  label: string;
  placeholder?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
  integer?: boolean | undefined;
  problem?: string | null | undefined;
  disabled?: boolean | undefined;
}) {
  const check = (text: string): string | null => {
    if (text.trim() === '') return null;
    const n = Number(text);
    if (!Number.isFinite(n)) return 'Type a number';
    if (integer && !Number.isInteger(n)) return 'A whole number';
    if (min !== undefined && n < min) return `At least ${min}`;
    if (max !== undefined && n > max) return `At most ${max}`;
    return null;
  };
  return (
    <DraftInput
      id={id}
      type="number"
      label={label}
      value={typeof value === 'number' ? String(value) : ''}
      placeholder={placeholder}
      disabled={disabled}
      problem={problem ?? null}
      refuse={check}
      onCommit={(text) => onCommit(text.trim() === '' ? undefined : Number(text))}
    />
  );
}

/** A small square button with a symbol and an accessible name. */
export function IconButton({
  label,
  onClick,
  disabled,
  children,
  tone = 'muted',
}: {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  children: ReactNode;
  tone?: 'muted' | 'danger';
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className={`inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-md text-sm hover:bg-surface-2 disabled:cursor-not-allowed disabled:opacity-40 ${
        tone === 'danger' ? 'text-muted hover:text-danger' : 'text-muted hover:text-fg'
      }`}
    >
      <span aria-hidden="true">{children}</span>
    </button>
  );
}

/** A text button inside a form ("Add field"). */
export function AddButton({
  onClick,
  children,
  disabled,
}: {
  onClick: () => void;
  children: ReactNode;
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      className="inline-flex h-7 items-center gap-1 rounded-md border border-dashed border-border px-2 text-xs font-medium text-muted hover:border-accent hover:text-fg disabled:opacity-50"
    >
      <span aria-hidden="true">+</span>
      {children}
    </button>
  );
}

/** A problem line (red), or with `tone="help"` a help line. */
export function Message({
  id,
  children,
  tone = 'problem',
}: {
  id?: string;
  children: ReactNode;
  tone?: 'problem' | 'help';
}) {
  return (
    <p id={id} className={`mt-0.5 text-xs ${tone === 'problem' ? 'text-danger' : 'text-muted'}`}>
      {children}
    </p>
  );
}

/** The messages under an editor: its problems, else its help. */
export function FieldFooter({ problems, help }: { problems: readonly string[]; help?: string | undefined }) {
  if (problems.length > 0) {
    return (
      <>
        {problems.map((p) => (
          <Message key={p}>{p}</Message>
        ))}
      </>
    );
  }
  return help ? <Message tone="help">{help}</Message> : null;
}

/** A field's label row for editors that are a group of controls. */
export function GroupLabel({
  id,
  children,
  unit,
}: {
  id: string;
  children: ReactNode;
  unit?: string | undefined;
}) {
  return (
    <span id={id} className="block text-xs font-medium">
      {children}
      {unit ? <span className="text-muted"> ({unit})</span> : null}
    </span>
  );
}
