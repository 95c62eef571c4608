/** The portable part of checkpoint storage must load in a browser worker: no Node import anywhere in its graph. */

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('portable checkpoint storage', () => {
  it('has no Node imports in its module graph', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        // @flowstate/spec is portable itself (zod, no Node module): the job contract's types come from it.
        if (spec === '@flowstate/spec') continue;
        if (!spec.startsWith('.')) {
          bad.push(`${file}: ${spec}`);
          continue;
        }
        visit(resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`));
      }
    };
    visit(join(here, 'portable.ts'));
    expect(bad).toEqual([]);
    expect([...seen].map((f) => f.slice(here.length + 1))).toEqual(
      expect.arrayContaining(['types.ts', 'memory.ts', 'core.ts', 'metadata.ts', 'sha256.ts', 'layout.ts']),
    );
    expect([...seen].some((f) => f.endsWith('fs.ts'))).toBe(false);
  });
});
