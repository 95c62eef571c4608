'use client';
import { createContext, useContext } from 'react';
import type { EditorStore, GraphAnalysis } from '../../editor';

export const EditorStoreContext = createContext<EditorStore | null>(null);
export const AnalysisContext = createContext<GraphAnalysis | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (store === null) throw new Error('useEditorStore outside the editor');
  return store;
}
