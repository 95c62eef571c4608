/**
 * The JSON Schema of a job spec, generated from the zod schema (the single source of truth) for editors
 * and tools outside TypeScript. `job-spec.schema.json` is this, committed; `json-schema.test.ts` fails
 * when it drifts (run `pnpm --filter @flowstate/spec generate:schema`).
 *
 * It describes what may be written (`io: 'input'`: properties with defaults are optional). The graph
 * and type rules (validateSpec) are beyond JSON Schema.
 */
import { z } from 'zod';
import { JobSpecSchema } from './schema';

export const JOB_SPEC_SCHEMA_ID = 'https://flowstate.dev/schemas/job-spec-v1.schema.json';

export function jobSpecJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(JobSpecSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: JOB_SPEC_SCHEMA_ID,
    title: 'Flowstate job spec v1',
    description:
      'A Flowstate streaming job: nodes (sources, operators, sinks), the edges between them and settings. Generated from the zod schema in @flowstate/spec; graph rules (ids, edges, schemas flowing through the graph) are checked by validateSpec / `flowstate validate`.',
    ...rest,
  };
}

/** The file's exact contents: pretty-printed, with a trailing newline. */
export function jobSpecJsonSchemaText(): string {
  return `${JSON.stringify(jobSpecJsonSchema(), null, 2)}\n`;
}
