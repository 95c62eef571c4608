/** Rules about one node on its own (besides sources): window assigners, parallelism; and the layout. */
import type { JobSpec, WindowNode } from '../schema';
import { label, type Reporter } from './codes';
import type { Graph } from './graph';
import { pointer } from './pointer';
import { didYouMean, quote } from './text';

/** Window assigner rules, after Flink's `SlidingEventTimeWindows` / `TumblingEventTimeWindows` checks. */
export function checkWindow(g: Graph, node: WindowNode, index: number, r: Reporter): void {
  const assigner = node.assigner;
  const at = (...segments: PropertyKey[]) => pointer('nodes', index, 'assigner', ...segments);
  if (assigner.type === 'sliding') {
    if (assigner.slideMs > assigner.sizeMs) {
      r.add(
        'slide-larger-than-size',
        at('slideMs'),
        `${label(node)}: slideMs (${assigner.slideMs}) is larger than sizeMs (${assigner.sizeMs}), so rows between windows would be lost: make slideMs at most sizeMs (equal gives tumbling windows)`,
        node.id,
      );
    } else if (assigner.sizeMs % assigner.slideMs !== 0) {
      r.add(
        'warning/size-not-multiple-of-slide',
        at('sizeMs'),
        `${label(node)}: sizeMs (${assigner.sizeMs}) is not a multiple of slideMs (${assigner.slideMs}), so rows fall into a varying number of windows: consider a size that is a multiple of the slide`,
        node.id,
      );
    }
    if (assigner.offsetMs >= assigner.slideMs) {
      r.add(
        'offset-too-large',
        at('offsetMs'),
        `${label(node)}: offsetMs (${assigner.offsetMs}) must be less than slideMs (${assigner.slideMs}), as in Flink: use offsetMs % slideMs (${assigner.offsetMs % assigner.slideMs})`,
        node.id,
      );
    }
  } else if (assigner.type === 'tumbling' && assigner.offsetMs >= assigner.sizeMs) {
    r.add(
      'offset-too-large',
      at('offsetMs'),
      `${label(node)}: offsetMs (${assigner.offsetMs}) must be less than sizeMs (${assigner.sizeMs}), as in Flink: use offsetMs % sizeMs (${assigner.offsetMs % assigner.sizeMs})`,
      node.id,
    );
  }

  if (node.time === 'processing') {
    // Flink's WindowOperator never finds a row late in processing time.
    if (node.allowedLatenessMs > 0) {
      r.add(
        'warning/no-late-rows',
        pointer('nodes', index, 'allowedLatenessMs'),
        `${label(node)} uses processing time, where no row is ever late: allowedLatenessMs has no effect; remove it or use event time`,
        node.id,
      );
    }
    for (const ref of g.outs[index]!) {
      if (ref.edge.port !== 'late') continue;
      r.add(
        'warning/no-late-rows',
        pointer('edges', ref.index, 'port'),
        `${label(node)} uses processing time, where no row is ever late: its 'late' port (edge ${ref.index}) never carries rows; remove the edge or use event time`,
        node.id,
      );
    }
  }
}

/** A node's parallelism (and the default) may not exceed maxParallelism, as in Flink. */
export function checkParallelism(spec: JobSpec, r: Reporter): void {
  const max = spec.settings.maxParallelism;
  if (spec.settings.parallelism > max) {
    r.add(
      'parallelism-exceeds-max',
      '/settings/parallelism',
      `settings.parallelism (${spec.settings.parallelism}) is larger than settings.maxParallelism (${max}): lower it or raise maxParallelism`,
    );
  }
  spec.nodes.forEach((node, index) => {
    if (node.parallelism !== undefined && node.parallelism > max) {
      r.add(
        'parallelism-exceeds-max',
        pointer('nodes', index, 'parallelism'),
        `${label(node)}: parallelism ${node.parallelism} is larger than settings.maxParallelism (${max}): lower it or raise maxParallelism`,
        node.id,
      );
    }
  });
}

/** Layout entries for nodes that do not exist are ignored; say so. */
export function checkLayout(g: Graph, r: Reporter): void {
  for (const id of Object.keys(g.spec.layout ?? {})) {
    if (g.byId.has(id)) continue;
    r.add(
      'warning/unknown-layout-node',
      pointer('layout', id),
      `layout has a position for ${quote(id)}, but there is no node with that id${didYouMean(id, g.byId.keys())}: it is ignored; delete it`,
    );
  }
}
