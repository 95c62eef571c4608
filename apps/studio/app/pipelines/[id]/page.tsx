import type { Metadata } from 'next';
import { EditorView } from '../../../src/components/editor/editor-view';
import { examplesDir } from '../../../src/lib/env';
import { exampleData } from '../../../src/lib/spec-file';
import { loadTemplates } from '../../../src/lib/templates';

export const metadata: Metadata = { title: 'Edit pipeline' };

export default async function EditPipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Awaiting params makes this page dynamic: the examples are read at request time (for imported copies).
  const examples = (await loadTemplates(examplesDir())).map(exampleData);
  return <EditorView pipelineId={id} examples={examples} />;
}
