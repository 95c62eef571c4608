'use client';
import type { ColorMode } from '@xyflow/react';
import { useEffect, useState } from 'react';

/** React Flow's colour mode from the studio's theme (`data-theme` on <html>: light, dark, or absent = system). */
export function useColorMode(): ColorMode {
  const [mode, setMode] = useState<ColorMode>('system');
  useEffect(() => {
    const root = document.documentElement;
    const read = () => {
      const t = root.getAttribute('data-theme');
      setMode(t === 'light' || t === 'dark' ? t : 'system');
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return mode;
}
