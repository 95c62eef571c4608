/**
 * A second server process for db.test.ts: opens the database of `dataDir` and stores `count` new versions of
 * pipeline `pipelineId`: it prints "ready" once the database is open, then the version numbers it got as JSON.
 *
 *   tsx concurrent-writer.fixture.ts <dataDir> <pipelineId> <count>
 */
import { openDb } from './index';

const [dataDir, pipelineId, count] = process.argv.slice(2);
const db = await openDb({ dataDir: dataDir! });
process.stdout.write('ready\n');
const numbers: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const p = await db.pipelines.update(pipelineId!, { spec: { writer: 'child', i } });
  numbers.push(p!.latestVersion);
}
await db.close();
process.stdout.write(JSON.stringify(numbers));
