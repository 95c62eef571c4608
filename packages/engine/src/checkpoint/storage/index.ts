/**
 * Checkpoint storage: write, list, load and verify checkpoints and savepoints
 * (`<base>/<jobId>/chk-<n>/`, `_metadata` last). Everything here is portable except
 * `createFsCheckpointStorage` (Node); browser code imports `./portable` instead.
 */

export { createFsCheckpointStorage } from './fs';
export * from './portable';
