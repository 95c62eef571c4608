import { hasKeyedState, isCollectSink, type SpecAnalysis, STATEFUL_NODE_KINDS } from '@flowstate/spec';
import { JobManagerError } from './errors';

/** The job's collect sinks: the nodes whose rows are kept, streamed as `output` events and read by `output()`. */
export function collectSinks(analysis: SpecAnalysis): string[] {
  const out: string[] = [];
  for (const [id, info] of analysis.nodes) if (isCollectSink(info.node)) out.push(id);
  return out;
}

/**
 * Throws NO_SUCH_NODE / NO_KEYED_STATE unless `nodeId` is a node of the job of the kind the request needs:
 * `keyed` (a window or aggregate: state queries and subscriptions) or `collect` (a collect sink: output).
 */
export function requireNode(analysis: SpecAnalysis, nodeId: string, need: 'keyed' | 'collect'): void {
  const info = analysis.nodes.get(nodeId);
  if (!info) {
    const known = [...analysis.nodes.keys()].join(', ');
    throw new JobManagerError('NO_SUCH_NODE', `the job has no node '${nodeId}' (its nodes: ${known})`);
  }
  const node = info.node;
  if (need === 'keyed' && !hasKeyedState(node)) {
    throw new JobManagerError(
      'NO_KEYED_STATE',
      `node '${nodeId}' is a ${node.kind} node and holds no keyed state: only ${STATEFUL_NODE_KINDS.join(' and ')} nodes do`,
    );
  }
  if (need === 'collect' && !isCollectSink(node)) {
    const sinks = collectSinks(analysis);
    throw new JobManagerError(
      'NO_SUCH_NODE',
      `node '${nodeId}' is not a collect sink, so it keeps no output rows${
        sinks.length > 0
          ? ` (the job's collect sinks: ${sinks.join(', ')})`
          : ' (the job has no collect sink)'
      }`,
    );
  }
}
