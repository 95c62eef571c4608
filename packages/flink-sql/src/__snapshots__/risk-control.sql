-- Flink SQL for job 'risk-control', exported by Flowstate (flowstate export --to flink-sql).
-- Written for Flink 2.x (2.3.0). Run it as one script (SQL client, or TableEnvironment.executeSql per statement).
-- Timestamps are BIGINT epoch milliseconds, as in Flowstate. The __rowtime columns are the event-time attributes.

-- Settings

SET 'execution.runtime-mode' = 'streaming';
SET 'parallelism.default' = '1';
SET 'pipeline.max-parallelism' = '128';
-- Flowstate timestamps are UTC epoch milliseconds, window bounds are read back in UTC.
SET 'table.local-time-zone' = 'UTC';
-- Every input row updates a rolling aggregate at once, as in Flowstate (no mini-batch buffering).
SET 'table.exec.mini-batch.enabled' = 'false';
-- note: Flowstate emits a source's watermark every 100 rows (emitEveryRows), Flink's watermark assigner emits it on every increase (pipeline.auto-watermark-interval 0), as emitEveryRows 1 would, so a row that is on time in Flowstate because the watermark lagged can be late in Flink
-- Emit the watermark on every increase (WatermarkAssignerOperator), not every 200 ms of wall-clock time.
SET 'pipeline.auto-watermark-interval' = '0 ms';
SET 'state.backend.type' = 'hashmap';
SET 'execution.checkpointing.interval' = '3000 ms';
SET 'execution.checkpointing.timeout' = '60000 ms';
SET 'execution.checkpointing.min-pause' = '0 ms';
SET 'execution.checkpointing.num-retained' = '3';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '3';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '3';
SET 'restart-strategy.fixed-delay.delay' = '1000 ms';
-- note: settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST), Flink fails the job (then the restart strategy applies)

-- Sources

-- note: transactions: field 'ts': the timestamp generator's random jitter (maxJitterMs 1500) is not reproduced: Flink's rows are start + i × 10 ms, in order
-- note: transactions: random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 7 is not applied)
-- source 'transactions': generated rows (datagen)
CREATE TABLE transactions (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  txnId AS CAST(1 + __row AS BIGINT),
  ts AS CAST(1700000000000 + __row * 10 AS BIGINT),
  userId BIGINT,
  amount DOUBLE,
  __choice0 DOUBLE,
  merchant AS CASE WHEN __choice0 < 30 THEN 'grocery' WHEN __choice0 < 40 THEN 'electronics' WHEN __choice0 < 45 THEN 'travel' WHEN __choice0 < 70 THEN 'restaurants' WHEN __choice0 < 85 THEN 'fuel' ELSE 'online' END,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(CAST(1700000000000 + __row * 10 AS BIGINT), 3),
  -- watermark = largest timestamp - 2000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '2.001' SECOND
) WITH (
  'connector' = 'datagen',
  -- Flowstate's rowsPerSecond 0: as fast as possible
  'rows-per-second' = '1000000000',
  'number-of-rows' = '30000',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '29999',
  'fields.userId.kind' = 'random',
  'fields.userId.min' = '1',
  'fields.userId.max' = '500',
  'fields.amount.kind' = 'random',
  'fields.amount.min' = '1',
  'fields.amount.max' = '400',
  'fields.__choice0.kind' = 'random',
  'fields.__choice0.min' = '0',
  'fields.__choice0.max' = '100'
);

-- Transformations

-- note: spend: rows that arrive behind the watermark: Flowstate drops a row at or before the last time it emitted for the key, Flink's RowTimeRangeBoundedPrecedingFunction compares with a last-triggered time that its state-cleanup timers also set and reset, so it drops some late rows Flowstate keeps and keeps some that Flowstate drops (rows on time get the same frames)
-- over 'spend': OVER aggregation: per key, each row with the aggregates of the rows of the last 60000 ms (RANGE frame, by event time)
CREATE TEMPORARY VIEW spend AS
SELECT
  txnId,
  ts,
  userId,
  amount,
  merchant,
  SUM(amount) OVER w AS spend1m,
  COUNT(*) OVER w AS txns1m,
  MAX(amount) OVER w AS largest1m,
  __rowtime
FROM transactions
WINDOW w AS (PARTITION BY userId ORDER BY __rowtime RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW);

-- filter 'overLimit': filter
CREATE TEMPORARY VIEW overLimit AS
SELECT txnId, ts, userId, amount, merchant, spend1m, txns1m, largest1m, __rowtime
FROM spend
WHERE spend1m > 4000;

-- Sinks

-- sink 'alerts': collected rows, printed (Flink's print connector)
CREATE TABLE alerts (
  txnId BIGINT,
  ts BIGINT,
  userId BIGINT,
  amount DOUBLE,
  merchant STRING,
  spend1m DOUBLE,
  txns1m BIGINT,
  largest1m DOUBLE
) WITH (
  'connector' = 'print',
  'print-identifier' = 'alerts'
);

-- Run

INSERT INTO alerts
SELECT txnId, ts, userId, amount, merchant, spend1m, txns1m, largest1m FROM overLimit;
