'use client';
import { createContext, useContext } from 'react';
import type { EditorStore, GraphAnalysis } from '../../editor';
import type { ExampleData } from '../../lib/spec-file';

export const EditorStoreContext = createContext<EditorStore | null>(null);
export const AnalysisContext = createContext<GraphAnalysis | null>(null);
/** The bundled examples (their data files are offered to file sources). */
export const ExamplesContext = createContext<readonly ExampleData[]>([]);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (store === null) throw new Error('useEditorStore outside the editor');
  return store;
}
