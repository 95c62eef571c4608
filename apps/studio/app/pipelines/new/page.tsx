import type { Metadata } from 'next';
import { connection } from 'next/server';
import { NewPipelineEditor } from '../../../src/components/editor/editor-view';
import { examplesDir } from '../../../src/lib/env';
import { exampleData } from '../../../src/lib/spec-file';
import { loadTemplates } from '../../../src/lib/templates';

export const metadata: Metadata = { title: 'New pipeline' };

export default async function NewPipelinePage() {
  // At request time: the examples' data paths are absolute paths on this machine (for imported copies).
  await connection();
  const examples = (await loadTemplates(examplesDir())).map(exampleData);
  return <NewPipelineEditor examples={examples} />;
}
