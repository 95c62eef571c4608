'use client';
import type { JobSpecInput } from '@flowstate/spec';
import { useId, useState } from 'react';
import { type ExampleData, readSpecText } from '../../lib/spec-file';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';

/**
 * Import a spec: choose a .json file (imported at once) or paste its text. Malformed JSON names its line
 * and column, a spec the canvas cannot hold says why; either way the text stays here to be fixed.
 */
export function ImportDialog({
  open,
  onClose,
  onImport,
  examples,
}: {
  open: boolean;
  onClose: () => void;
  onImport: (spec: JobSpecInput, notes: string[], source: string) => void;
  examples: readonly ExampleData[];
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fileId = useId();
  const textId = useId();
  const errorId = useId();

  const close = () => {
    setText('');
    setError(null);
    onClose();
  };
  const tryImport = (value: string, source: string) => {
    const result = readSpecText(value, examples);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onImport(result.spec, result.notes, source);
    close();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import a spec"
      description="The spec replaces what is on the canvas, as one step you can undo. Node positions come from its layout, else it is laid out automatically."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button variant="primary" type="submit" form="import-form" disabled={text.trim() === ''}>
            Import
          </Button>
        </>
      }
    >
      <form
        id="import-form"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          tryImport(text, 'pasted JSON');
        }}
      >
        <div className="text-sm">
          <label htmlFor={fileId} className="mb-1 block font-medium">
            Spec file
          </label>
          <input
            id={fileId}
            type="file"
            accept=".json,application/json"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-border file:bg-surface-2 file:px-2.5 file:py-1 file:text-sm file:text-fg"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const content = await file.text();
              setText(content);
              tryImport(content, file.name);
            }}
          />
        </div>
        <div className="text-sm">
          <label htmlFor={textId} className="mb-1 block font-medium">
            …or paste its JSON
          </label>
          <textarea
            id={textId}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            rows={10}
            spellCheck={false}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
            placeholder='{ "specVersion": 1, "name": "…", "nodes": [ … ], "edges": [ … ] }'
            className="w-full resize-y rounded-md border border-border bg-surface px-2.5 py-2 font-mono text-xs aria-[invalid=true]:border-danger"
          />
        </div>
        {error && (
          <p id={errorId} role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
