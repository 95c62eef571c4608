-- Flink SQL for job 'recommendations', exported by Flowstate (flowstate export --to flink-sql).
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

-- note: clickstream: field 'ts': the timestamp generator's random jitter (maxJitterMs 2000) is not reproduced: Flink's rows are start + i × 20 ms, in order
-- note: clickstream: random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 47 is not applied)
-- source 'clickstream': generated rows (datagen)
CREATE TABLE clickstream (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  ts AS CAST(1700000000000 + __row * 20 AS BIGINT),
  userId BIGINT,
  productId BIGINT,
  __choice0 DOUBLE,
  `action` AS CASE WHEN __choice0 < 85 THEN 'view' WHEN __choice0 < 95 THEN 'add_to_cart' ELSE 'purchase' END,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(CAST(1700000000000 + __row * 20 AS BIGINT), 3),
  -- watermark = largest timestamp - 3000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '3.001' SECOND
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
  'fields.userId.max' = '50',
  'fields.productId.kind' = 'random',
  'fields.productId.min' = '1001',
  'fields.productId.max' = '1020',
  'fields.__choice0.kind' = 'random',
  'fields.__choice0.min' = '0',
  'fields.__choice0.max' = '100'
);

-- Transformations

-- filter 'viewsOnly': filter
CREATE TEMPORARY VIEW viewsOnly AS
SELECT ts, userId, productId, `action`, __rowtime
FROM clickstream
WHERE `action` = 'view';

-- window 'sessions': its input with the key (userId, productId) as one ROW column to partition the sessions by
CREATE TEMPORARY VIEW sessions_keyed AS
SELECT ts, userId, productId, `action`, __rowtime, CAST(ROW(userId, productId) AS ROW<userId BIGINT, productId BIGINT>) AS __session_key
FROM viewsOnly;

-- window 'sessions': session window, gap 30000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW sessions AS
SELECT
  __session_key.userId AS userId,
  __session_key.productId AS productId,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_end, 'SSS') AS BIGINT)) AS window_end,
  `views`,
  firstView,
  lastView,
  __rowtime,
  window_start AS __window_start,
  window_end AS __window_end
FROM (
  SELECT __session_key, window_start, window_end, window_time AS __rowtime, COUNT(*) AS `views`, MIN(ts) AS firstView, MAX(ts) AS lastView
  FROM TABLE(
    SESSION(TABLE sessions_keyed PARTITION BY __session_key, DESCRIPTOR(__rowtime), INTERVAL '30' SECOND)
  )
  GROUP BY __session_key, window_start, window_end, window_time
);

-- filter 'interested': filter
CREATE TEMPORARY VIEW interested AS
SELECT userId, productId, window_start, window_end, `views`, firstView, lastView, __rowtime, __window_start, __window_end
FROM sessions
WHERE `views` >= 3;

-- map 'withCategory': map
CREATE TEMPORARY VIEW withCategory AS
SELECT
  ts AS ts,
  productId AS productId,
  CASE WHEN productId <= 1007 THEN 'books' WHEN productId <= 1014 THEN 'games' ELSE 'garden' END AS category,
  __rowtime
FROM viewsOnly;

-- window 'viewsPerMinute': tumbling window of 60000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW viewsPerMinute AS
SELECT
  category,
  productId,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 60000 AS window_end,
  `views`,
  __rowtime,
  window_start AS __window_start1,
  window_end AS __window_end1
FROM (
  SELECT category, productId, window_start, window_end, window_time AS __rowtime, COUNT(*) AS `views`
  FROM TABLE(
    TUMBLE(TABLE withCategory, DESCRIPTOR(__rowtime), INTERVAL '1' MINUTE)
  )
  GROUP BY category, productId, window_start, window_end, window_time
);

-- topN 'topProducts': the first 3 rows by views desc per window and key, numbered (Window Top-N, ROW_NUMBER)
CREATE TEMPORARY VIEW topProducts_rows AS
SELECT __window_start1, __window_end1, category, `views`, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start1, __window_end1, category ORDER BY `views` DESC NULLS LAST) AS __rn
  FROM viewsPerMinute
)
WHERE __rn <= 3;

-- topN 'topProducts': per tie among them (equal views), the first: its number is the tie's rank (Window Top-N of the Top-N)
CREATE TEMPORARY VIEW topProducts_ranked AS
SELECT __window_start1, __window_end1, category, `views`, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start1, __window_end1, category, `views` ORDER BY __rn ASC) AS __first
  FROM topProducts_rows
)
WHERE __first = 1;

-- topN 'topProducts': Window Top-N by rank: per window and category, the rows whose rank by views desc is at most 3, with it (Flink's Window Top-N has only ROW_NUMBER: a window join of the rows with their ranked values)
CREATE TEMPORARY VIEW topProducts AS
SELECT x.category, x.productId, x.window_start, x.window_end, x.`views`, y.__rn AS `rank`, x.__rowtime, x.__window_start1, x.__window_end1
FROM viewsPerMinute AS x
JOIN topProducts_ranked AS y
ON x.__window_start1 = y.__window_start1 AND x.__window_end1 = y.__window_end1 AND x.category IS NOT DISTINCT FROM y.category AND x.`views` IS NOT DISTINCT FROM y.`views`;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  userId BIGINT,
  productId BIGINT,
  window_start BIGINT,
  window_end BIGINT,
  `views` BIGINT,
  firstView BIGINT,
  lastView BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- sink 'topSellers': collected rows, printed (Flink's print connector)
CREATE TABLE topSellers (
  category STRING,
  productId BIGINT,
  window_start BIGINT,
  window_end BIGINT,
  `views` BIGINT,
  `rank` BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'topSellers'
);

-- Run (one job for all sinks)

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO `out`
  SELECT userId, productId, window_start, window_end, `views`, firstView, lastView FROM interested;
  INSERT INTO topSellers
  SELECT category, productId, window_start, window_end, `views`, `rank` FROM topProducts;
END;
