import type { Metadata } from 'next';
import { connection } from 'next/server';
import { PipelinesView } from '../src/components/pipelines/pipelines-view';
import { examplesDir } from '../src/lib/env';
import { loadTemplates } from '../src/lib/templates';

export const metadata: Metadata = { title: 'Pipelines' };

export default async function PipelinesPage() {
  // Read the templates at request time (not at build time): their data paths are absolute paths on this machine.
  await connection();
  const templates = await loadTemplates(examplesDir());
  return <PipelinesView templates={templates} />;
}
