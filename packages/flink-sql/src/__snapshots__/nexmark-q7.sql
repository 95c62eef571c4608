-- Flink SQL for job 'nexmark-q7', exported by Flowstate (flowstate export --to flink-sql).
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
  'path' = '/flowstate/examples/nexmark-q7/input/bids.jsonl',
  'format' = 'json'
);

-- Transformations

-- map 'allBids': map
CREATE TEMPORARY VIEW allBids AS
SELECT
  CAST(0 AS BIGINT) AS `all`,
  price AS price,
  __rowtime
FROM bids;

-- window 'maxPrice': tumbling window of 10000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW maxPrice AS
SELECT
  `all`,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  maxprice,
  __rowtime
FROM (
  SELECT `all`, window_start, window_end, window_time AS __rowtime, MAX(price) AS maxprice
  FROM TABLE(
    TUMBLE(TABLE allBids, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND)
  )
  GROUP BY `all`, window_start, window_end, window_time
);

-- windowJoin 'highest': its right input with the fields the window TVF adds itself renamed
CREATE TEMPORARY VIEW highest_right AS
SELECT `all`, window_start AS __r_window_start, window_end AS __r_window_end, maxprice, __rowtime
FROM maxPrice;

-- windowJoin 'highest': window join (inner) in tumbling windows of 10000 ms: both inputs through the window TVF, joined on the key and the window
CREATE TEMPORARY VIEW highest AS
SELECT
  l.auction AS auction,
  l.price AS price,
  l.bidder AS bidder,
  l.`dateTime` AS `dateTime`,
  l.window_time AS __rowtime
FROM (
  SELECT *
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS l
JOIN (
  SELECT *
  FROM TABLE(TUMBLE(TABLE highest_right, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS r
ON l.price = r.maxprice
  AND l.window_start = r.window_start AND l.window_end = r.window_end;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  auction BIGINT,
  price BIGINT,
  bidder BIGINT,
  `dateTime` BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT auction, price, bidder, `dateTime` FROM highest;
