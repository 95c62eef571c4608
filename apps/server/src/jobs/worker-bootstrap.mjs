// Entry of a job worker thread. Workers start without the parent's loaders: neither `tsx src/main.ts` nor
// Vitest's module runner reaches into a worker, and `execArgv: ['--import', 'tsx']` with a `.ts` entry fails on
// Node 20 ("Unknown file extension .ts"). So this plain-JS file registers tsx's ESM loader itself (resolved from
// here, whatever the working directory) and then imports the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
