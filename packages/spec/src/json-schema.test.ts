import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JOB_SPEC_SCHEMA_ID, jobSpecJsonSchema, jobSpecJsonSchemaText } from './json-schema';

const committed = fileURLToPath(new URL('../job-spec.schema.json', import.meta.url));

describe('job-spec.schema.json', () => {
  it('is up to date with the zod schema', () => {
    const onDisk = readFileSync(committed, 'utf8');
    if (onDisk !== jobSpecJsonSchemaText()) {
      expect.fail(
        'packages/spec/job-spec.schema.json is out of date with src/schema.ts: run pnpm --filter @flowstate/spec generate:schema',
      );
    }
  });

  it('names itself and describes the spec as written (defaults optional)', () => {
    const schema = jobSpecJsonSchema() as {
      $id: string;
      title: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.$id).toBe(JOB_SPEC_SCHEMA_ID);
    expect(schema.title).toMatch(/job spec/);
    expect(schema.required).toEqual(['specVersion', 'name', 'nodes']);
    expect(Object.keys(schema.properties)).toEqual([
      'specVersion',
      'name',
      'description',
      'settings',
      'nodes',
      'edges',
      'layout',
    ]);
  });
});
