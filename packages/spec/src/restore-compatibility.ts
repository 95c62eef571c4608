/**
 * What restoring a checkpoint or savepoint into a job spec — the same one, or an edited version (Flink's
 * stop → change → resume) — does to each node's state: the compatibility report. The engine decides it
 * (`checkRestoreCompatibility`), the server answers it and refuses a start it does not allow, the CLI prints it,
 * the studio shows it before a person confirms. Declared once here, beside the rest of the job contract.
 *
 * Flink's rules, with node ids in the role of operator uids (docs/checkpoints.md, "Upgrading a job"):
 * - state is matched by node id, never by position;
 * - a node of the new spec that the checkpoint holds no state for starts empty;
 * - state of a node the new spec does not have is refused, unless `allowNonRestoredState` (Flink's
 *   `--allowNonRestoredState`, `execution.savepoint.ignore-unclaimed-state`) drops it;
 * - state whose layout the new node cannot read (another kind, key, aggregates, window assigner or time, a source
 *   or sink whose connector changed) is incompatible: refused, or dropped with `allowNonRestoredState` — the
 *   node then starts empty, as it would in Flink after giving the changed operator a new uid.
 */
import { z } from 'zod';
import { NODE_KINDS } from './schema';

/**
 * - `restored`: the checkpoint holds state for the node and the new node can read it;
 * - `new`: the node holds state but the checkpoint has none for it (a node added since): it starts empty;
 * - `stateless`: the node keeps no state (map, filter, flatMap, keyBy, console and blackhole sinks);
 * - `removed`: the node is in the checkpoint but not in the new spec;
 * - `incompatible`: the node is in both, but its state's layout changed.
 */
export const NODE_RESTORE_STATUSES = ['restored', 'new', 'stateless', 'removed', 'incompatible'] as const;
export const NodeRestoreStatusSchema = z.enum(NODE_RESTORE_STATUSES);
export type NodeRestoreStatus = z.infer<typeof NodeRestoreStatusSchema>;

/**
 * What the restore does with the node's state: `restore` it, `start-empty`, `drop` it (allowed by
 * `allowNonRestoredState`), `refuse` the restore because of it, or `none` (there is no state either way).
 */
export const NODE_RESTORE_ACTIONS = ['restore', 'start-empty', 'drop', 'refuse', 'none'] as const;
export const NodeRestoreActionSchema = z.enum(NODE_RESTORE_ACTIONS);
export type NodeRestoreAction = z.infer<typeof NodeRestoreActionSchema>;

export const NodeRestoreSchema = z.object({
  nodeId: z.string(),
  /** The node's kind in the new spec; null when it was removed. */
  kind: z.enum(NODE_KINDS).nullable(),
  /** Its kind in the checkpoint's spec; null for a new node (or a checkpoint that carries no spec). */
  previousKind: z.enum(NODE_KINDS).nullable(),
  status: NodeRestoreStatusSchema,
  action: NodeRestoreActionSchema,
  /** Whether the checkpoint holds state for the node (keyed state, source positions, a sink's pending files). */
  checkpointHasState: z.boolean(),
  /** For a person: what happens and why. */
  reason: z.string(),
  /** What changed in the node's state layout (`aggregates: COUNT(*) → SUM(amount)`); empty unless incompatible. */
  changes: z.array(z.string()),
});
export type NodeRestore = z.infer<typeof NodeRestoreSchema>;

/** Problems no flag overrides (the checkpoint cannot be restored into the spec at all). */
export const RESTORE_PROBLEM_CODES = ['max-parallelism-changed', 'no-spec-in-checkpoint'] as const;
export const RestoreProblemSchema = z.object({
  code: z.enum(RESTORE_PROBLEM_CODES),
  message: z.string(),
});
export type RestoreProblem = z.infer<typeof RestoreProblemSchema>;

export const RestoreCompatibilitySchema = z.object({
  /** The checkpoint or savepoint: its number within its job and its kind. */
  checkpointId: z.number().int().nonnegative(),
  checkpointKind: z.enum(['checkpoint', 'savepoint']),
  /** Whether state that cannot be restored may be dropped (Flink's allowNonRestoredState). */
  allowNonRestoredState: z.boolean(),
  /** Everything the checkpoint holds maps onto the new spec: nothing would be dropped. */
  compatible: z.boolean(),
  /** The restore may go ahead (compatible, or allowNonRestoredState drops what is not), and no problem blocks it. */
  ok: z.boolean(),
  /** Every node of the new spec (in its order), then the checkpoint's nodes the new spec no longer has. */
  nodes: z.array(NodeRestoreSchema),
  problems: z.array(RestoreProblemSchema),
  /** One sentence for a person (and the CLI's last line). */
  summary: z.string(),
});
export type RestoreCompatibility = z.infer<typeof RestoreCompatibilitySchema>;
