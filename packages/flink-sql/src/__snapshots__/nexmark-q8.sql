-- Flink SQL for job 'nexmark-q8', exported by Flowstate (flowstate export --to flink-sql).
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
-- note: Flowstate emits a source's watermark every 64 rows (emitEveryRows), Flink's watermark assigner emits it on every increase (pipeline.auto-watermark-interval 0), as emitEveryRows 1 would, so a row that is on time in Flowstate because the watermark lagged can be late in Flink
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

-- source 'persons': replaced by the JSON lines file input/persons.jsonl (sourceOverrides)
CREATE TABLE persons (
  id BIGINT,
  `name` STRING,
  emailAddress STRING,
  creditCard STRING,
  city STRING,
  `state` STRING,
  `dateTime` BIGINT,
  extra STRING,
  -- the event time: dateTime (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(`dateTime`, 3),
  -- watermark = largest timestamp - 1000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '1.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/nexmark-q8/input/persons.jsonl',
  'format' = 'json'
);

-- source 'auctions': replaced by the JSON lines file input/auctions.jsonl (sourceOverrides)
CREATE TABLE auctions (
  id BIGINT,
  itemName STRING,
  `description` STRING,
  initialBid BIGINT,
  reserve BIGINT,
  `dateTime` BIGINT,
  expires BIGINT,
  seller BIGINT,
  category BIGINT,
  extra STRING,
  -- the event time: dateTime (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(`dateTime`, 3),
  -- watermark = largest timestamp - 1000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '1.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/nexmark-q8/input/auctions.jsonl',
  'format' = 'json'
);

-- Transformations

-- windowJoin 'newSellers': window join (inner) in tumbling windows of 10000 ms: both inputs through the window TVF, joined on the key and the window
CREATE TEMPORARY VIEW newSellers AS
SELECT
  l.id AS id,
  l.`name` AS `name`,
  l.__wstart AS starttime,
  l.window_time AS __rowtime
FROM (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(TUMBLE(TABLE persons, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS l
JOIN (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(TUMBLE(TABLE auctions, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS r
ON l.id = r.seller
  AND l.window_start = r.window_start AND l.window_end = r.window_end;

-- deduplicate 'distinct': deduplication: each key's first row by event time, emitted when the watermark passes it
CREATE TEMPORARY VIEW `distinct` AS
SELECT id, `name`, starttime, __rowtime
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY id, `name`, starttime ORDER BY __rowtime ASC) AS __rn
  FROM newSellers
)
WHERE __rn = 1;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  id BIGINT,
  `name` STRING,
  starttime BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT id, `name`, starttime FROM `distinct`;
