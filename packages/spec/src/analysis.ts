/** Questions about a validated spec's graph that the engine, the Flink export and the studio all ask. */
import type { SpecAnalysis } from './validate/types';

/**
 * Whether the rows reaching `nodeId` have event time: every source upstream of it (the node itself included, when
 * it is a source) declares a watermark. One source without a watermark makes the stream processing time.
 */
export function hasEventTime(analysis: SpecAnalysis, nodeId: string): boolean {
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const info = analysis.nodes.get(id);
    if (info === undefined) throw new Error(`hasEventTime: no node '${id}' in the analysis`);
    if (info.node.kind === 'source') {
      if (info.node.watermark === undefined) return false;
      continue;
    }
    for (const e of info.inputs) stack.push(e.from);
  }
  return true;
}
