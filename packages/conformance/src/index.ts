/**
 * @flowstate/conformance — Flowstate against Apache Flink: the cases (every example, the engine's window fuzz
 * cases), running one on both engines over the same input files, comparing the outputs, and the deliberate
 * differences with their Flink references. The suite itself is src/conformance.test.ts (docs/flink.md).
 */
export { exampleCases, FUZZ_SEEDS, fuzzCases, REPO_ROOT } from './cases';
export {
  canon,
  compareMultisets,
  compareSequences,
  type Difference,
  sequencesByKey,
  withoutRepeatedUpdates,
} from './compare';
export { type DeliberateDifference, DIFFERENCES, type DifferenceId } from './differences';
export {
  type CaseContext,
  type CaseResult,
  type ConformanceCase,
  runConformanceCase,
  type SinkComparison,
  type Verdict,
} from './suite';
