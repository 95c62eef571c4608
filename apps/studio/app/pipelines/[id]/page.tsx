import type { Metadata } from 'next';
import { EditorView } from '../../../src/components/editor/editor-view';

export const metadata: Metadata = { title: 'Edit pipeline' };

export default async function EditPipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EditorView pipelineId={id} />;
}
