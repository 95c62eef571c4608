#!/usr/bin/env node
// The `flowstate` command: runs src/main.ts through tsx's ESM loader, in this process (no child
// process, so signals, stdin and the exit code behave as for any node program).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const { processIo } = await import('../src/io.ts');
process.exitCode = await main(process.argv.slice(2), processIo());
