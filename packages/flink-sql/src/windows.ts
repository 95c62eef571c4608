/**
 * `window` → a window TVF aggregation (TUMBLE, HOP, SESSION) grouped by the key and the window bounds, or
 * Flink's group-window `GROUP BY HOP(…)` for a sliding window whose size is not a multiple of its slide.
 * Window bounds go back to epoch milliseconds; in event time `window_time` (window_end - 1 ms, the timestamp
 * Flink's WindowOperator gives a window result) is carried on as the rows' `__rowtime`.
 */
import type { NodeInfo, WindowNode } from '@flowstate/spec';
import { type ExportContext, label } from './context';
import { sqlType, UnsupportedExpression } from './expr';
import { epochMillis, ident, interval } from './sql';

export function writeWindow(ctx: ExportContext, info: NodeInfo, node: WindowNode): void {
  let input = ctx.inputRelation(info);
  if (input.updatingFrom !== null) {
    ctx.refuse(
      'window-after-update',
      node,
      ctx.path(info),
      `${label(node)} reads the updates of rolling aggregate '${input.updatingFrom}': Flink's window TVFs take insert-only input; window the original rows instead`,
    );
    throw new UnsupportedExpression('refused', 'refused');
  }
  const event = node.time === 'event';
  const timeCol = event ? input.rowtime : input.proctime;
  if (timeCol === null) {
    ctx.refuse(
      'no-time-attribute',
      node,
      ctx.path(info, 'time'),
      event && input.rowtimeLost !== undefined
        ? `${label(node)}: a window needs an event-time attribute, and its input has none in the exported SQL: ${input.rowtimeLost}`
        : `${label(node)}: its input has no ${event ? 'event-time' : 'processing-time'} attribute in the exported SQL (a ${event ? 'processing-time window' : 'window'} upstream replaces it); window the rows before that window`,
    );
    throw new UnsupportedExpression('refused', 'refused');
  }
  if (info.inputs.length > 1) {
    // The TVF's TABLE argument must name a table or view: inputRelation made the union view already.
  }
  const key = ctx.keyOf(info);
  const a = node.assigner;
  const dur = (ms: number, field: string): string => {
    const text = interval(ms);
    if (text === undefined) {
      ctx.refuse(
        'duration-too-long',
        node,
        ctx.path(info, 'assigner', field),
        `${label(node)}: ${field} ${ms} is 100 days or longer, which a Flink SQL interval literal cannot hold here; use a shorter window`,
      );
      throw new UnsupportedExpression('refused', 'refused');
    }
    return text;
  };
  let tvf: string;
  /** Sessions keyed by several fields: the ROW column that holds the key, and the view that adds it. */
  let sessionKey: string | null = null;
  let tvfInput = input.name;
  /** A sliding window whose size is not a multiple of its slide: the group-window `HOP(rowtime, slide, size)`. */
  let groupWindow: string | null = null;
  switch (a.type) {
    case 'tumbling':
      tvf = `TUMBLE(TABLE ${ident(input.name)}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.sizeMs, 'sizeMs')}${a.offsetMs > 0 ? `, ${dur(a.offsetMs, 'offsetMs')}` : ''})`;
      break;
    case 'sliding':
      if (a.sizeMs % a.slideMs !== 0) {
        // The HOP window TVF requires size = k × slide. Flink's group-window HOP (GROUP BY HOP(…), the
        // table runtime's WindowOperator) does not, and fires and drops late rows per window as the TVF
        // does, but it has neither an offset ("HOP window with alignment is not supported yet") nor a
        // processing-time variant here: only an event-time window without offset can take that road.
        if (a.offsetMs > 0 || !event) {
          ctx.refuse(
            'hop-size-not-multiple',
            node,
            ctx.path(info, 'assigner', 'sizeMs'),
            `${label(node)}: sizeMs ${a.sizeMs} is not a multiple of slideMs ${a.slideMs}; Flink's HOP window TVF requires it ("HOP table function based aggregate requires size must be an integral multiple of slide"), and its group-window HOP, which does not, has no ${a.offsetMs > 0 ? 'offset ("HOP window with alignment is not supported yet")' : 'processing-time form in this export'}: make sizeMs a multiple of slideMs${a.offsetMs > 0 ? ' or drop the offset' : ''}`,
          );
          throw new UnsupportedExpression('refused', 'refused');
        }
        groupWindow = `HOP(${ident(timeCol)}, ${dur(a.slideMs, 'slideMs')}, ${dur(a.sizeMs, 'sizeMs')})`;
      }
      tvf = `HOP(TABLE ${ident(input.name)}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.slideMs, 'slideMs')}, ${dur(a.sizeMs, 'sizeMs')}${a.offsetMs > 0 ? `, ${dur(a.offsetMs, 'offsetMs')}` : ''})`;
      break;
    case 'session': {
      // Flink 1.19+ session TVF: the key partitions the sessions (set semantics), as Flowstate's keyed sessions.
      let partition = ident(key[0]!);
      if (key.length > 1) {
        // A key of several fields partitions by one ROW column instead of `PARTITION BY (a, b)`: a view over
        // a session TVF with a parenthesized PARTITION BY list fails when another statement expands it
        // (Flink 2.3: "SqlValidatorException: Column 'b' not found in any table"), and the planner only
        // makes a window aggregate of it when the GROUP BY keys are exactly the partition keys.
        sessionKey = ctx.fresh('__session_key');
        const keyed = ctx.fresh(`${info.id}_keyed`);
        const rowType = key.map((k) => `${ident(k)} ${sqlType(input.types[k]!)}`).join(', ');
        ctx.statement(
          'views',
          `${ctx.takeNotes()}-- ${label(node)}: its input with the key (${key.join(', ')}) as one ROW column to partition the sessions by\nCREATE TEMPORARY VIEW ${ident(keyed)} AS\nSELECT ${[...ctx.selectList(input), `CAST(ROW(${key.map(ident).join(', ')}) AS ROW<${rowType}>) AS ${ident(sessionKey)}`].join(', ')}\nFROM ${ident(input.name)};`,
        );
        partition = ident(sessionKey);
        tvfInput = keyed;
      }
      tvf = `SESSION(TABLE ${ident(tvfInput)} PARTITION BY ${partition}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.gapMs, 'gapMs')})`;
      break;
    }
  }
  const aggs = ctx.aggregates(info, node.aggregates, input.types, node);
  if (!event) {
    ctx.note(
      node.id,
      'processing-time window (PROCTIME()): which rows share a window depends on when they arrive, in Flink as in Flowstate, so results of the two engines are not comparable row for row',
    );
  } else if (node.allowedLatenessMs > 0) {
    ctx.note(
      node.id,
      `allowedLatenessMs ${node.allowedLatenessMs} is not applied: Flink's window TVF aggregation fires each window once when the watermark passes window_end - 1 and drops rows that arrive after that; Flowstate updates and re-fires the window for rows up to ${node.allowedLatenessMs} ms late`,
    );
  }
  if (event) {
    // Flowstate's window fires when the watermark reaches window_end - 1, and rows whose windows all have
    // window_end - 1 <= watermark are late. Flink's slicing window operator fires a window when
    // currentProgress >= windowEnd - 1 (TimeWindowUtil.isWindowFired) and drops a row when the last
    // window of its slice has fired (SliceAssigner.getLastWindowEnd): the same rule.
  }
  const keyCols = key.map(ident);
  const groupKey = sessionKey !== null ? [ident(sessionKey)] : keyCols;
  const inner = [
    ...groupKey,
    'window_start',
    'window_end',
    ...(event ? [`window_time AS ${ident(ctx.rowtimeCol)}`] : []),
    ...aggs,
  ];
  const outer = [
    ...(sessionKey !== null ? key.map((k) => `${ident(sessionKey!)}.${ident(k)} AS ${ident(k)}`) : keyCols),
    `${epochMillis('window_start')} AS window_start`,
    a.type === 'session'
      ? `${epochMillis('window_end')} AS window_end`
      : `${epochMillis('window_start')} + ${a.sizeMs} AS window_end`,
    ...Object.keys(node.aggregates).map(ident),
    ...(event ? [ident(ctx.rowtimeCol)] : []),
  ];
  // The raw bounds, hidden: window properties a Window Top-N downstream partitions by.
  const windowBounds =
    event && groupWindow === null && ctx.analysis.spec.nodes.some((n) => n.kind === 'topN')
      ? { start: ctx.fresh('__window_start'), end: ctx.fresh('__window_end') }
      : null;
  if (windowBounds)
    outer.push(`window_start AS ${ident(windowBounds.start)}`, `window_end AS ${ident(windowBounds.end)}`);
  const groupBy = [...groupKey, 'window_start', 'window_end', ...(event ? ['window_time'] : [])];
  const windowText =
    a.type === 'session'
      ? `session window, gap ${a.gapMs} ms`
      : a.type === 'tumbling'
        ? `tumbling window of ${a.sizeMs} ms${a.offsetMs ? `, offset ${a.offsetMs} ms` : ''}`
        : `sliding window of ${a.sizeMs} ms every ${a.slideMs} ms${a.offsetMs ? `, offset ${a.offsetMs} ms` : ''}`;
  input = { ...input };
  if (groupWindow !== null) {
    // HOP_START is the window's start (TIMESTAMP(3)), HOP_ROWTIME its window_end - 1 ms as a rowtime.
    const args = groupWindow.slice('HOP('.length, -1);
    const legacyInner = [
      ...keyCols,
      `HOP_START(${args}) AS window_start`,
      `HOP_ROWTIME(${args}) AS ${ident(ctx.rowtimeCol)}`,
      ...aggs,
    ];
    ctx.view(
      info,
      `${windowText} (event time) as a group window, GROUP BY HOP(…) (the HOP window TVF needs the size to be a multiple of the slide); window bounds as epoch milliseconds, window_end - 1 ms carried on as the rows' event time`,
      `SELECT\n  ${outer.join(',\n  ')}\nFROM (\n  SELECT ${legacyInner.join(', ')}\n  FROM ${ident(input.name)}\n  GROUP BY ${[...keyCols, groupWindow].join(', ')}\n)`,
      {
        columns: Object.keys(info.outputSchema),
        types: info.outputSchema,
        rowtime: ctx.rowtimeCol,
        proctime: null,
        windowBounds: null,
        updatingFrom: null,
      },
    );
    return;
  }
  ctx.view(
    info,
    `${windowText} (${node.time} time); window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time`,
    `SELECT\n  ${outer.join(',\n  ')}\nFROM (\n  SELECT ${inner.join(', ')}\n  FROM TABLE(\n    ${tvf}\n  )\n  GROUP BY ${groupBy.join(', ')}\n)`,
    {
      columns: Object.keys(info.outputSchema),
      types: info.outputSchema,
      rowtime: event ? ctx.rowtimeCol : null,
      ...(event ? {} : { rowtimeLost: `processing-time window '${node.id}' replaces the event time` }),
      proctime: null,
      windowBounds,
      updatingFrom: null,
    },
  );
}
