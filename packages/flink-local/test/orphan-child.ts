/**
 * Fixture of flink.test.ts: starts a local Flink, prints `{ pid, tmpDir }` of its JVM, then idles until it is
 * killed — the test SIGKILLs this process and expects the JVM to exit on its own.
 */
import { ensureFlinkBuilt, startLocalFlink } from '../src/index.ts';

const prep = ensureFlinkBuilt();
if (!prep.ok) throw new Error(prep.reason);
const flink = await startLocalFlink({ launcher: prep.launcher });
process.stdout.write(`${JSON.stringify({ pid: flink.pid, tmpDir: flink.tmpDir })}\n`);
setInterval(() => {}, 60_000);
