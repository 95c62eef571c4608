'use client';
import { useState } from 'react';
import { useStore } from 'zustand';
import {
  defaultWatermark,
  describeExpressionProblem,
  expressionProblem,
  type FlowNode,
  type FormField,
  type FormSection,
  fieldProblems,
  fieldsAvailableTo,
  formFieldProblems,
  KIND_LABELS,
  nodeForm,
  problemText,
  readField,
  renameProblem,
  selectInspectedNode,
} from '../../editor';
import { Button } from '../ui/button';
import { useEditorStore } from './editor-context';
import { AggregatesEditor } from './fields/aggregates-editor';
import { FilePathField } from './fields/file-path-field';
import { GeneratorsEditor } from './fields/generators-editor';
import { JobSettingsForm } from './fields/job-settings';
import { GraphFact, JoinFieldsEditor, JoinSideField, OrderByEditor } from './fields/join-fields';
import { KeyPicker } from './fields/key-picker';
import { MapFieldsEditor } from './fields/map-fields-editor';
import { SchemaEditor } from './fields/schema-editor';
import { SimpleField } from './fields/simple-field';
import { ValuesListEditor } from './fields/values-list-editor';

/**
 * The inspector: the form of the one selected node, generated from `nodeForm(node)`; with no node
 * selected (or several), the job's settings. The header's "Job settings" button gets there from a node.
 */
export function InspectorPanel() {
  const store = useEditorStore();
  const node = useStore(store, selectInspectedNode);
  const selected = useStore(store, (s) => s.selection.length);
  if (node === undefined) {
    return (
      <section aria-labelledby="inspector-title" className="space-y-3 p-3">
        <h2 id="inspector-title" className="text-sm font-semibold">
          Job settings
        </h2>
        <p className="text-xs text-muted">
          {selected > 1
            ? `${selected} items are selected; select one node to edit it.`
            : 'Select a node to edit it; these settings apply to the whole job.'}
        </p>
        <JobSettingsForm />
      </section>
    );
  }
  const label = (node.data as { name?: string }).name || node.id;
  return (
    <section aria-labelledby="inspector-title" className="space-y-4 p-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="inspector-title" className="min-w-0 truncate text-sm font-semibold">
          {label}
          <span className="ml-1.5 text-xs font-normal text-muted">{KIND_LABELS[node.type]}</span>
        </h2>
        <Button size="sm" variant="ghost" onClick={() => store.getState().select([])}>
          Job settings
        </Button>
      </div>
      {nodeForm(node).map((section) => (
        <Section key={section.id} node={node} section={section} />
      ))}
    </section>
  );
}

function Section({ node, section }: { node: FlowNode; section: FormSection }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const optional = section.optional;
  const on = optional === undefined || readField(node, optional.path) !== undefined;
  return (
    <fieldset className="min-w-0 space-y-2">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">
        {section.title}
      </legend>
      {optional !== undefined && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={on}
            onChange={(e) =>
              store
                .getState()
                .setField(
                  node.id,
                  optional.path,
                  e.target.checked ? defaultWatermark(fieldsAvailableTo(graph, node.id)) : undefined,
                )
            }
          />
          {optional.label}
        </label>
      )}
      {optional !== undefined && section.description && (
        <p className="text-xs text-muted">{section.description}</p>
      )}
      {on &&
        section.fields.map((field) => (
          <FieldInput key={`${node.id}:${field.key}`} node={node} field={field} />
        ))}
    </fieldset>
  );
}

/** One field of a node's form: a structured editor, or a simple control. */
function FieldInput({ node, field }: { node: FlowNode; field: FormField }) {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const [refusal, setRefusal] = useState<string | null>(null);
  switch (field.input) {
    case 'schema-editor':
      return <SchemaEditor node={node} field={field} />;
    case 'generators-editor':
      return <GeneratorsEditor node={node} field={field} />;
    case 'fields-editor':
      return <MapFieldsEditor node={node} field={field} />;
    case 'aggregates-editor':
      return <AggregatesEditor node={node} field={field} />;
    case 'key-picker':
      return <KeyPicker node={node} field={field} />;
    case 'join-side':
      return <JoinSideField node={node} field={field} />;
    case 'join-key':
    case 'keyed-input':
      return <GraphFact node={node} field={field} />;
    case 'join-fields-editor':
      return <JoinFieldsEditor node={node} field={field} />;
    case 'order-by-editor':
      return <OrderByEditor node={node} field={field} />;
    case 'values-list': {
      const value = readField(node, field.path);
      return (
        <div className="space-y-0.5">
          <span className="block text-xs font-medium">{field.label}</span>
          <ValuesListEditor
            label={field.label}
            values={Array.isArray(value) ? value : []}
            type="string"
            problems={fieldProblems(graph, node.id, field.path).map((p) => p.message)}
            onChange={(next) => store.getState().setField(node.id, field.path, next)}
          />
        </div>
      );
    }
  }
  const isIdField = field.path.length === 1 && field.path[0] === 'id';
  const problem = field.input === 'expression' ? expressionProblem(graph, node.id, field.path) : null;
  // Every problem at the field, as the form says it (its label, not the spec's property name).
  const form = nodeForm(node).flatMap((s) => s.fields);
  const others =
    field.input === 'expression'
      ? []
      : formFieldProblems(graph, node.id, field).map((p) => problemText(p, field, form));
  const message =
    refusal ??
    (problem ? describeExpressionProblem(problem) : others.length > 0 ? others.join(' · ') : undefined);
  if (field.input === 'file-path') return <FilePathField node={node} field={field} message={message} />;
  return (
    <SimpleField
      field={field}
      value={readField(node, field.path)}
      // The id is written when the edit is done (Enter or leaving the box): renaming a node renames its
      // edges too, and a half-typed id is no name for it.
      live={!isIdField}
      refuse={isIdField ? (t) => renameProblem(store.getState().graph, node.id, t) : undefined}
      message={message}
      fields={field.input === 'field-picker' ? fieldsAvailableTo(graph, node.id) : undefined}
      write={(v) => {
        // Text typed into the form is written as it is typed; one run of typing is one undo step.
        const typing = field.input !== 'select' && field.input !== 'field-picker';
        const result = store.getState().setField(node.id, field.path, v, { typing });
        setRefusal(result.ok ? null : result.reason);
      }}
    />
  );
}
