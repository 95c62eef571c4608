/** Writes job-spec.schema.json from the zod schema: `pnpm --filter @flowstate/spec generate:schema`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jobSpecJsonSchemaText } from '../src/json-schema';

const target = fileURLToPath(new URL('../job-spec.schema.json', import.meta.url));
writeFileSync(target, jobSpecJsonSchemaText());
console.log(`wrote ${target}`);
