-- Flink SQL for job 'nexmark-q5', exported by Flowstate (flowstate export --to flink-sql).
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
-- note: Flowstate emits a source's watermark every 1024 rows (emitEveryRows), Flink's watermark assigner emits it on every increase (pipeline.auto-watermark-interval 0), as emitEveryRows 1 would, so a row that is on time in Flowstate because the watermark lagged can be late in Flink
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

-- source 'bids': replaced by the JSON lines file input/bids.jsonl (sourceOverrides)
CREATE TABLE bids (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel STRING,
  url STRING,
  `dateTime` BIGINT,
  extra STRING,
  -- the event time: dateTime (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(`dateTime`, 3),
  -- watermark = largest timestamp - 1000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '1.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/nexmark-q5/input/bids.jsonl',
  'format' = 'json'
);

-- Transformations

-- window 'bidCounts': sliding window of 10000 ms every 2000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW bidCounts AS
SELECT
  auction,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  num,
  __rowtime,
  window_start AS __window_start,
  window_end AS __window_end
FROM (
  SELECT auction, window_start, window_end, window_time AS __rowtime, COUNT(*) AS num
  FROM TABLE(
    HOP(TABLE bids, DESCRIPTOR(__rowtime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)
  )
  GROUP BY auction, window_start, window_end, window_time
);

-- topN 'hottest': the first 1 row by num desc per window, numbered (Window Top-N, ROW_NUMBER)
CREATE TEMPORARY VIEW hottest_rows AS
SELECT __window_start, __window_end, num, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end ORDER BY num DESC NULLS LAST) AS __rn
  FROM bidCounts
)
WHERE __rn <= 1;

-- topN 'hottest': per tie among them (equal num), the first: its number is the tie's rank (Window Top-N of the Top-N)
CREATE TEMPORARY VIEW hottest_ranked AS
SELECT __window_start, __window_end, num, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end, num ORDER BY __rn ASC) AS __first
  FROM hottest_rows
)
WHERE __first = 1;

-- topN 'hottest': Window Top-N by rank: per window, the rows whose rank by num desc is at most 1, with it (Flink's Window Top-N has only ROW_NUMBER: a window join of the rows with their ranked values)
CREATE TEMPORARY VIEW hottest AS
SELECT x.auction, x.window_start, x.window_end, x.num, x.__rowtime, x.__window_start, x.__window_end
FROM bidCounts AS x
JOIN hottest_ranked AS y
ON x.__window_start = y.__window_start AND x.__window_end = y.__window_end AND x.num IS NOT DISTINCT FROM y.num;

-- map 'result': map
CREATE TEMPORARY VIEW `result` AS
SELECT
  auction AS auction,
  num AS num,
  __rowtime
FROM hottest;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  auction BIGINT,
  num BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT auction, num FROM `result`;
