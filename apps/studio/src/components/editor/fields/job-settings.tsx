'use client';
import { useStore } from 'zustand';
import { jobFieldProblems, jobForm, jobMeta, problemText, readJobField } from '../../../editor';
import { useEditorStore } from '../editor-context';
import { SimpleField } from './simple-field';

/**
 * The job's settings (name, description, parallelism, checkpointing, restart strategy, row errors),
 * from `jobForm`. Every edit is one undo step: text and numbers write when the edit is done.
 */
export function JobSettingsForm() {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const job = jobMeta(graph);
  return (
    <div className="space-y-4">
      {jobForm(job).map((section) => (
        <fieldset key={section.id} className="min-w-0 space-y-2">
          <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">
            {section.title}
          </legend>
          {section.fields.map((field) => (
            <SimpleField
              key={field.key}
              field={field}
              value={readJobField(job, field.path)}
              message={
                jobFieldProblems(graph, field.path)
                  .map((p) => problemText(p, field, section.fields))
                  .join(' · ') || undefined
              }
              write={(v) => store.getState().setJobField(field.path, v)}
            />
          ))}
        </fieldset>
      ))}
    </div>
  );
}
