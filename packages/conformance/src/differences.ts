/**
 * The deliberate differences between Flowstate and Flink that the conformance suite knows, each with the
 * Flink source that shows Flink's behaviour. docs/flink.md ("Conformance") lists the same; a case whose
 * outputs differ is only accepted when one of these explains it — the suite checks that by applying the
 * difference (on the Flowstate side) and comparing again.
 */
export type DifferenceId =
  | 'late-port'
  | 'allowed-lateness'
  | 'watermark-every-row'
  | 'watermark-before-epoch'
  | 'unchanged-update'
  | 'hop-size-not-multiple'
  | 'first-last-value-merge'
  | 'over-late-rows'
  | 'top-n-ties'
  | 'temporal-versions-order'
  | 'interval-join-late-rows';

/** The export's refusal codes that a deliberate difference explains (the case is then not run on Flink). */
export const REFUSALS: Readonly<Record<string, DifferenceId>> = {
  'late-port': 'late-port',
  'hop-size-not-multiple': 'hop-size-not-multiple',
  'unsupported-aggregate': 'first-last-value-merge',
};

export interface DeliberateDifference {
  id: DifferenceId;
  /** What differs. */
  what: string;
  /** How the suite takes it into account. */
  handling: string;
  /** Flink source files (apache/flink) or docs that show Flink's behaviour. */
  flink: string[];
}

export const DIFFERENCES: Readonly<Record<DifferenceId, DeliberateDifference>> = {
  'late-port': {
    id: 'late-port',
    what: "a window's late rows on a `late` port: Flink SQL's window aggregation drops late rows and has no side output, so the export refuses the edge",
    handling:
      'Flink runs the spec without the late edge (and the sinks only it feeds); the main outputs are compared, the late output is not',
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/window/tvf/common/WindowAggOperator.java ("doesn\'t support early-fire and late-arrival. Thus late elements (elements belong to emitted windows) will be simply dropped."; numLateRecordsDropped)',
    ],
  },
  'allowed-lateness': {
    id: 'allowed-lateness',
    what: "`allowedLatenessMs` > 0: Flowstate (as the DataStream WindowOperator) adds a row that is behind the watermark but within the allowed lateness to its window and fires the window again; Flink SQL's window TVF aggregation fires each window once and drops every later row",
    handling: 'Flink is compared with Flowstate running the same spec with allowedLatenessMs 0',
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/window/tvf/common/WindowAggOperator.java (no late arrival: late elements are dropped)',
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/aggregate/window/processors/UnsliceSyncStateWindowAggProcessor.java (sessions: MergingWindowProcessFunction with allowed lateness 0L, "TODO support allowedLateness")',
    ],
  },
  'watermark-every-row': {
    id: 'watermark-every-row',
    what: "`emitEveryRows` > 1: Flowstate's source emits its watermark every N rows; Flink SQL's watermark assigner emits it on every increase (with pipeline.auto-watermark-interval 0), so a row that is on time in Flowstate because its watermark lagged can be late in Flink",
    handling: 'Flink is compared with Flowstate running the same spec with emitEveryRows 1',
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/wmassigners/WatermarkAssignerOperator.java',
    ],
  },
  'watermark-before-epoch': {
    id: 'watermark-before-epoch',
    what: "event time at or before 1970-01-01 (a watermark <= 0): Flowstate's watermark is `max timestamp - maxOutOfOrdernessMs - 1` whatever its sign (as DataStream's BoundedOutOfOrdernessWatermarks); Flink SQL's watermark assigner starts at 0 and emits only larger watermarks, so no row is late and no window fires before the watermark passes 0",
    handling:
      "Flowstate cannot run under Flink SQL's rule, the engine's reference model can: when Flowstate's output equals the model's, Flink's must equal the model's with every watermark <= 0 left out",
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/wmassigners/WatermarkAssignerOperator.java (open: "watermark and timestamp should start from 0"; advanceWatermark emits only when currentWatermark > lastWatermark)',
    ],
  },
  'unchanged-update': {
    id: 'unchanged-update',
    what: "a rolling aggregate whose aggregates did not change (e.g. MAX after a smaller value): Flowstate emits an update row for every input row (as keyBy().sum()); Flink SQL's group aggregation emits nothing when the new result equals the previous one (and state retention is off)",
    handling:
      "each key's sequence of Flowstate updates is compared without the updates that repeat the previous one",
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/aggregate/GroupAggFunction.java (processElement: "newRow is the same as before and state cleaning is not enabled. We do not emit retraction and acc message.")',
    ],
  },
  'hop-size-not-multiple': {
    id: 'hop-size-not-multiple',
    what: 'a sliding window whose size is not a multiple of its slide, with an offset: Flowstate runs it (as DataStream\'s SlidingEventTimeWindows); Flink SQL\'s HOP window TVF rejects such a size ("HOP table function based aggregate requires size must be an integral multiple of slide") and its group-window HOP, which the export uses for such a size, has no offset ("HOP window with alignment is not supported yet"), so the export refuses the spec',
    handling:
      'not run on Flink (the export names the node and why): a documented difference, not a compared case',
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/window/tvf/slicing/SliceAssigners.java (HoppingSliceAssigner)',
      'flink-table/flink-table-planner: the group-window HOP refuses an alignment ("HOP window with alignment is not supported yet", seen on Flink 2.3.0)',
    ],
  },
  'first-last-value-merge': {
    id: 'first-last-value-merge',
    what: "FIRST_VALUE or LAST_VALUE in a sliding or session window: Flink SQL combines a HOP window's shared slices and merges sessions with the aggregate's merge method, which FIRST_VALUE and LAST_VALUE do not have (\"Could not find an implementation method 'merge' in class FirstValueAggFunction\"), so the export refuses the spec",
    handling:
      'not run on Flink (the export names the node and why): a documented difference, not a compared case',
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/functions/aggregate/FirstValueAggFunction.java (accumulate, retract, no merge)',
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/functions/aggregate/LastValueAggFunction.java',
    ],
  },
  'over-late-rows': {
    id: 'over-late-rows',
    what: "rows that arrive behind the watermark at an OVER aggregation with a RANGE frame: Flowstate drops a row at or before the last time it emitted for the key (JOB-SPEC: late rows are dropped); Flink's RowTimeRangeBoundedPrecedingFunction compares with its lastTriggeringTs, which every event-time timer of the key sets — also the state-cleanup timers it registers at a row's time + 1.5 × the frame + 1 — and which is reset to 0 when such a cleanup timer clears the key's state, so Flink drops some late rows Flowstate keeps and keeps (with a frame of only themselves) some that Flowstate drops. On rows that are not late both compute the same frames (the ROWS function has no event-time cleanup timers, and its late rule is Flowstate's)",
    handling:
      "both engines run again on the input without the rows that arrive behind their source's watermark, and those outputs must be equal (the difference is confined to late rows)",
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/over/RowTimeRangeBoundedPrecedingFunction.java (processElement: `triggeringTs > lastTriggeringTs`, lastTriggeringTs 0 when absent; registerCleanupTimer: timer at `timestamp + (long) (precedingOffset * 1.5) + 1`; onTimer: a cleanup timer clears lastTriggeringTsState, every other timer sets it to its time)',
    ],
  },
  'top-n-ties': {
    id: 'top-n-ties',
    what: 'a row_number Top-N whose n-th place is tied: both engines keep tied rows in the order they reach the Top-N, which is the order the window upstream emits its keys in when it fires — an order neither engine defines across keys, and not the same in both — so they may keep different rows of the tie',
    handling:
      "the rows are compared on the fields that do not depend on which tied row is kept: the Top-N's key (window and partition), its orderBy fields and its rank",
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/rank/window/combines/TopNRecordsCombiner.java (rows of equal sort keys are appended to a list in arrival order)',
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/rank/TopNBuffer.java',
    ],
  },
  'temporal-versions-order': {
    id: 'temporal-versions-order',
    what: "a temporal join whose right input cannot carry its key as the source table's PRIMARY KEY (the source feeds other nodes too, a filter or a union is on the way, the key is computed): the export makes it a versioned view by deduplication (ROW_NUMBER() … ORDER BY rowtime DESC = 1, Flink's documented pattern), and Flink's row-time deduplication drops a row older than the newest row of its key so far — so a version that arrives after a newer one of its key is no version in Flink, while Flowstate keeps every row as the version at its time (as Flink does when the right input is a table with a primary key, which the export declares where it can)",
    handling:
      "both engines run again on the input without the right source's rows that are older than an earlier row of their key, and those outputs must be equal",
    flink: [
      "flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/deduplicate/utils/DeduplicateFunctionHelper.java (shouldKeepCurrentRow: keep-last keeps a row only when its rowtime is >= the kept one's)",
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/join/temporal/TemporalRowTimeJoinOperator.java (processElement2: every right row is kept as the version at its time, rightState.put(rowTime, row))',
    ],
  },
  'interval-join-late-rows': {
    id: 'interval-join-late-rows',
    what: "a row that arrives behind the watermark at an interval join: Flowstate drops it (as DataStream's IntervalJoinOperator, KeyedStream.intervalJoin, which JOB-SPEC names), Flink SQL's interval join never checks lateness — it joins the row with the other side's rows it still keeps (expired lazily, by watermark) and caches it while the other side's time allows",
    handling:
      "both engines run again on the input without the rows that arrive behind their source's watermark, and those outputs must be equal; the case that shows it takes both sides from one source, so that which row is late does not depend on how two sources interleave",
    flink: [
      'flink-table/flink-table-runtime/src/main/java/org/apache/flink/table/runtime/operators/join/interval/TimeIntervalJoin.java (processElement1/2: no lateness check; rows are joined against the cache, cached while `rightOperatorTime < rightQualifiedUpperBound`, expired by calExpirationTime)',
      'flink-streaming-java/src/main/java/org/apache/flink/streaming/api/operators/co/IntervalJoinOperator.java (DataStream: processElement drops a row with `isLate(ourTimestamp)`)',
    ],
  },
};
