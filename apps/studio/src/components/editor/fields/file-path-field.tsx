'use client';
/**
 * A file source's path: the path as a text box, a list of the files the server can read — the data files
 * uploaded to its data directory (`files/<name>`) and the examples' data — and an upload of a local file
 * into the data directory. Choosing a file also sets the format its extension says (`.jsonl`, `.csv`, else
 * text).
 */
import { useContext, useId, useRef } from 'react';
import { type FlowNode, type FormField, fileFormatOfPath } from '../../../editor';
import { describeError, uploadName } from '../../../lib/api';
import { formatBytes } from '../../../lib/format';
import { useDataFiles, useUploadFile } from '../../../lib/queries';
import { Button } from '../../ui/button';
import { ExamplesContext, useEditorStore } from '../editor-context';
import { inputClass, Message, selectClass } from './shared';

export function FilePathField({
  node,
  field,
  message,
}: {
  node: FlowNode;
  field: FormField;
  message: string | undefined;
}) {
  const store = useEditorStore();
  const connector = (node.data as { connector?: { path?: unknown; format?: unknown } }).connector;
  const path = typeof connector?.path === 'string' ? connector.path : '';
  const examples = useContext(ExamplesContext);
  const files = useDataFiles();
  const upload = useUploadFile();
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const choose = (next: string) => {
    if (next === '' || next === path) return;
    const s = store.getState();
    s.setField(node.id, field.path, next);
    const format = fileFormatOfPath(next);
    if (format !== (connector?.format ?? 'text')) s.setField(node.id, ['connector', 'format'], format);
  };
  const exampleFiles = examples.flatMap((e) =>
    Object.entries(e.paths).map(([relative, absolute]) => ({ label: `${e.id}/${relative}`, path: absolute })),
  );
  const uploaded = files.data?.files ?? [];
  const known =
    path === '' || uploaded.some((f) => f.path === path) || exampleFiles.some((f) => f.path === path);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium">
        {field.label}
      </label>
      <input
        id={id}
        type="text"
        spellCheck={false}
        className={`${inputClass} font-mono text-xs`}
        value={path}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-problem` : undefined}
        onChange={(e) => store.getState().setField(node.id, field.path, e.target.value, { typing: true })}
      />
      <div className="flex items-center gap-1.5">
        <select
          aria-label="Choose a data file"
          className={`${selectClass} text-xs`}
          value={known ? path : ''}
          onChange={(e) => choose(e.target.value)}
        >
          <option value="">{known ? 'Choose a data file…' : 'Typed path (choose a data file…)'}</option>
          <optgroup label="Uploaded to the server">
            {uploaded.length === 0 ? (
              <option disabled value="-">
                {files.isPending ? 'Loading…' : 'none yet: upload one'}
              </option>
            ) : (
              uploaded.map((f) => (
                <option key={f.path} value={f.path}>
                  {f.path} ({formatBytes(f.sizeBytes)})
                </option>
              ))
            )}
          </optgroup>
          {exampleFiles.length > 0 && (
            <optgroup label="Examples’ data">
              {exampleFiles.map((f) => (
                <option key={f.path} value={f.path}>
                  {f.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <Button size="sm" busy={upload.isPending} onClick={() => fileInput.current?.click()}>
          Upload…
        </Button>
        <input
          ref={fileInput}
          type="file"
          aria-label="Upload a data file"
          className="hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            upload.mutate(
              { name: uploadName(file.name), data: file },
              { onSuccess: (stored) => choose(stored.path) },
            );
          }}
        />
      </div>
      {upload.error ? (
        <Message>{`Upload failed: ${describeError(upload.error).message}`}</Message>
      ) : message ? (
        <Message id={`${id}-problem`}>{message}</Message>
      ) : upload.data ? (
        <Message tone="help">{`Uploaded ${upload.data.name} (${formatBytes(upload.data.sizeBytes)}) to the server’s data directory`}</Message>
      ) : field.help ? (
        <Message tone="help">{field.help}</Message>
      ) : null}
    </div>
  );
}
