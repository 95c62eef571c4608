-- Flink SQL for job 'stock-monitoring', exported by Flowstate (flowstate export --to flink-sql).
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

-- note: trades: field 'ts': the timestamp generator's random jitter (maxJitterMs 200) is not reproduced: Flink's rows are start + i × 20 ms, in order
-- note: trades: random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 31 is not applied)
-- source 'trades': generated rows (datagen)
CREATE TABLE trades (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  ts AS CAST(1700000000000 + __row * 20 AS BIGINT),
  __choice0 DOUBLE,
  symbol AS CASE WHEN __choice0 < 20 THEN 'AAPL' WHEN __choice0 < 38 THEN 'MSFT' WHEN __choice0 < 50 THEN 'GOOG' WHEN __choice0 < 62 THEN 'AMZN' WHEN __choice0 < 78 THEN 'NVDA' WHEN __choice0 < 86 THEN 'META' WHEN __choice0 < 96 THEN 'TSLA' ELSE 'NFLX' END,
  price DOUBLE,
  volume BIGINT,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(CAST(1700000000000 + __row * 20 AS BIGINT), 3),
  -- watermark = largest timestamp - 500 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '0.501' SECOND
) WITH (
  'connector' = 'datagen',
  -- Flowstate's rowsPerSecond 0: as fast as possible
  'rows-per-second' = '1000000000',
  'number-of-rows' = '20000',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '19999',
  'fields.__choice0.kind' = 'random',
  'fields.__choice0.min' = '0',
  'fields.__choice0.max' = '100',
  'fields.price.kind' = 'random',
  'fields.price.min' = '90',
  'fields.price.max' = '110',
  'fields.volume.kind' = 'random',
  'fields.volume.min' = '1',
  'fields.volume.max' = '500'
);

-- Transformations

-- note: ticker: a rolling aggregate is an updating result in Flink SQL: a key's new row retracts its previous one (-U/+U), where Flowstate emits each update as a new row, and Flink emits nothing for an input row that leaves the key's aggregates unchanged (GroupAggFunction), where Flowstate emits the unchanged row again, the last row per key is the same
-- aggregate 'ticker': rolling aggregate (GROUP BY the key, every input row updates its key)
CREATE TEMPORARY VIEW ticker AS
SELECT symbol, LAST_VALUE(price) AS lastPrice, MAX(price) AS maxPrice, COUNT(*) AS trades
FROM trades
GROUP BY symbol;

-- note: movingAverage: rows that arrive behind the watermark: Flowstate drops a row at or before the last time it emitted for the key, Flink's RowTimeRangeBoundedPrecedingFunction compares with a last-triggered time that its state-cleanup timers also set and reset, so it drops some late rows Flowstate keeps and keeps some that Flowstate drops (rows on time get the same frames)
-- over 'movingAverage': OVER aggregation: per key, each row with the aggregates of the rows of the last 5000 ms (RANGE frame, by event time)
CREATE TEMPORARY VIEW movingAverage AS
SELECT
  ts,
  symbol,
  price,
  volume,
  AVG(price) OVER w AS avg5s,
  MIN(price) OVER w AS low5s,
  MAX(price) OVER w AS high5s,
  COUNT(*) OVER w AS trades5s,
  __rowtime
FROM trades
WINDOW w AS (PARTITION BY symbol ORDER BY __rowtime RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW);

-- map 'deviation': map
CREATE TEMPORARY VIEW deviation AS
SELECT
  ts AS ts,
  symbol AS symbol,
  price AS price,
  ROUND(avg5s, 3) AS avg5s,
  low5s AS low5s,
  high5s AS high5s,
  trades5s AS trades5s,
  ROUND(100 * (price - avg5s) / avg5s, 2) AS deviationPct,
  __rowtime
FROM movingAverage;

-- Sinks

-- note: out: an updating result (rolling aggregate 'ticker') is written in the debezium-json changelog format (each update as a retraction of the key's previous row and the new row), where Flowstate writes each update as a plain JSON line
-- sink 'out': collected rows, as JSON lines in /tmp/results/out, the rows are updates of rolling aggregate 'ticker', and Flink's filesystem sink takes only insert-only rows in plain json, so they are written as a changelog (debezium-json)
CREATE TABLE `out` (
  symbol STRING,
  lastPrice DOUBLE,
  maxPrice DOUBLE,
  trades BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/results/out',
  'format' = 'debezium-json'
);

-- sink 'averages': collected rows, as JSON lines in /tmp/results/averages
CREATE TABLE averages (
  ts BIGINT,
  symbol STRING,
  price DOUBLE,
  avg5s DOUBLE,
  low5s DOUBLE,
  high5s DOUBLE,
  trades5s BIGINT,
  deviationPct DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/results/averages',
  'format' = 'json'
);

-- Run (one job for all sinks)

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO `out`
  SELECT symbol, lastPrice, maxPrice, trades FROM ticker;
  INSERT INTO averages
  SELECT ts, symbol, price, avg5s, low5s, high5s, trades5s, deviationPct FROM deviation;
END;
