import type { RowSchema, SpecAnalysis } from '@flowstate/spec';
import type { FileAccess } from '../connectors/file-access';
import type { StateBackendConfig } from '../state/backendFactory';
import type { KeyGroupRange } from '../state/index';
import type { Clock } from '../time/index';
import type { CollectStore } from './collect';
import type { RowError } from './operator';

/** Everything an operator subtask may use from its surroundings: injected, never global. */
export interface RuntimeContext {
  readonly jobName: string;
  readonly nodeId: string;
  /** Execution attempt of the job (0, then one more per restart or restore): tags what this attempt writes. */
  readonly attempt: number;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  readonly clock: Clock;
  /** Resolves and checks the paths the spec's connectors name (relative ones against its base directory). */
  readonly files: FileAccess;
  readonly analysis: SpecAnalysis;
  readonly inputSchema: RowSchema;
  /** `settings.rowErrors === 'fail'`: a bad row fails the job instead of being counted and skipped. */
  readonly strict: boolean;
  /** Which keyed state backend keyed operators use (default: heap). */
  readonly stateBackend?: StateBackendConfig;
  reportRowError(e: RowError): void;
  readonly collectStore: (nodeId: string) => CollectStore;
  readonly writeConsole: (line: string) => void;
}

/** A row rendered for an error report: JSON, cut to a readable length. */
export function describeRow(row: unknown, max = 200): string {
  let s: string;
  try {
    s = JSON.stringify(row) ?? String(row);
  } catch {
    s = String(row);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
