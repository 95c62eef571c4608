'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { selectSpec } from '../../editor';
import { jsonText } from '../../lib/json-text';
import { Button } from '../ui/button';
import { useEditorStore } from './editor-context';

/** Copies text: the Clipboard API, else a selected textarea and `execCommand('copy')`. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** Read-only JSON in a monospace, scrollable block, with a Copy button. */
export function JsonBlock({
  text,
  label,
  className = '',
}: {
  text: string;
  label: string;
  className?: string;
}) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(text);
    setCopied(ok ? 'yes' : 'no');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 2000);
  };
  return (
    <div className={`flex min-h-0 flex-col ${className}`}>
      <div className="flex items-center gap-2 pb-1.5">
        <output className="text-xs text-muted" aria-live="polite">
          {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Could not copy: select the text instead' : ''}
        </output>
        <Button size="sm" className="ml-auto" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          Copy
        </Button>
      </div>
      <section
        aria-label={label}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
        tabIndex={0}
        className="min-h-0 flex-1 overflow-auto rounded-md border border-border bg-surface-2 p-2.5"
      >
        <pre className="w-max font-mono text-xs leading-relaxed text-fg">{text}</pre>
      </section>
    </div>
  );
}

/** The JSON the canvas serializes to right now (what Save stores and Export downloads). */
export function CanvasJsonView() {
  const store = useEditorStore();
  const spec = useStore(store, selectSpec);
  const text = useMemo(() => jsonText(spec), [spec]);
  return (
    <section aria-labelledby="json-view-title" className="flex h-full min-h-0 flex-col p-3">
      <h2 id="json-view-title" className="text-xs font-semibold uppercase tracking-wide text-muted">
        Spec JSON
      </h2>
      <p className="mb-1 text-xs text-muted">What Save stores and Export downloads; it follows every edit.</p>
      <JsonBlock text={text} label="Canvas spec JSON" className="flex-1" />
    </section>
  );
}
