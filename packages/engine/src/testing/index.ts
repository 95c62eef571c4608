/**
 * @flowstate/engine/testing — what tests of the engine and of other packages share: the reference model of
 * windows and rolling aggregates, the seeded window fuzz cases, a source's rows as the engine reads them,
 * and the one-operator harness. Test support, not part of the engine's runtime API (`@flowstate/engine`).
 */
export { aggregateHarness, type HarnessOptions, OperatorHarness, windowHarness } from './harness';
export {
  type AggFn,
  aggregateRows,
  assignWindows,
  type Element,
  type RefAggregate,
  type RefAssigner,
  type RefWatermark,
  type RefWindowOp,
  type RefWindowResult,
  refAggregate,
  referenceRolling,
  referenceWindow,
  withWatermarks,
} from './reference';
export { sourceRows } from './source-rows';
export {
  type WindowFuzzCase,
  type WindowFuzzKind,
  type WindowFuzzRules,
  windowFuzzCase,
} from './window-fuzz';
