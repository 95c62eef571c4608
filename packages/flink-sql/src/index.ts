/**
 * @flowstate/flink-sql — exports a Flowstate job spec as a runnable Apache Flink SQL script (Flink 2.x).
 *
 *   const result = exportFlinkSql(spec, { baseDir: '/path/of/the/spec' });
 *   if (result.ok) console.log(result.sql); // notes: result.notes
 *   else for (const p of result.problems) console.error(`node '${p.nodeId}': ${p.message}`);
 *
 * See docs/flink.md for what each node kind becomes, what is noted and what is refused.
 */
export { exportFlinkSql } from './export';
export { javaReplacement, SPLIT_SENTINEL, sqlType } from './expr';
export { epochMillis, interval } from './sql';
export {
  EXPORT_PROBLEM_CODES,
  type ExportNote,
  type ExportOptions,
  type ExportProblem,
  type ExportResult,
  type SourceOverride,
} from './types';
