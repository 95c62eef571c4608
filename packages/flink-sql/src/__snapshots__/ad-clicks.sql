-- Flink SQL for job 'ad-clicks', exported by Flowstate (flowstate export --to flink-sql).
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

-- note: adEvents: field 'ts': the timestamp generator's random jitter (maxJitterMs 1000) is not reproduced: Flink's rows are start + i × 10 ms, in order
-- note: adEvents: random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 23 is not applied)
-- source 'adEvents': generated rows (datagen)
CREATE TABLE adEvents (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  impressionId AS CAST(1 + __row AS BIGINT),
  ts AS CAST(1700000000000 + __row * 10 AS BIGINT),
  __choice0 BIGINT,
  adId AS CASE __choice0 WHEN 0 THEN 'ad-101' WHEN 1 THEN 'ad-102' WHEN 2 THEN 'ad-103' WHEN 3 THEN 'ad-104' WHEN 4 THEN 'ad-105' WHEN 5 THEN 'ad-106' WHEN 6 THEN 'ad-107' WHEN 7 THEN 'ad-108' WHEN 8 THEN 'ad-109' WHEN 9 THEN 'ad-110' WHEN 10 THEN 'ad-111' ELSE 'ad-112' END,
  userId BIGINT,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(CAST(1700000000000 + __row * 10 AS BIGINT), 3),
  -- watermark = largest timestamp - 1000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '1.001' SECOND
) WITH (
  'connector' = 'datagen',
  -- Flowstate's rowsPerSecond 0: as fast as possible
  'rows-per-second' = '1000000000',
  'number-of-rows' = '50000',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '49999',
  'fields.__choice0.kind' = 'random',
  'fields.__choice0.min' = '0',
  'fields.__choice0.max' = '11',
  'fields.userId.kind' = 'random',
  'fields.userId.min' = '1',
  'fields.userId.max' = '10000'
);

-- note: clickLog: field 'ts': the timestamp generator's random jitter (maxJitterMs 10000) is not reproduced: Flink's rows are start + i × 10 ms, in order
-- note: clickLog: random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 29 is not applied)
-- source 'clickLog': generated rows (datagen)
CREATE TABLE clickLog (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  impressionId AS CAST(1 + __row AS BIGINT),
  ts AS CAST(1700000011000 + __row * 10 AS BIGINT),
  __choice01 DOUBLE,
  eventType AS CASE WHEN __choice01 < 1 THEN 'click' ELSE 'none' END,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(CAST(1700000011000 + __row * 10 AS BIGINT), 3),
  -- watermark = largest timestamp - 10000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '10.001' SECOND
) WITH (
  'connector' = 'datagen',
  -- Flowstate's rowsPerSecond 0: as fast as possible
  'rows-per-second' = '1000000000',
  'number-of-rows' = '50000',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '49999',
  'fields.__choice01.kind' = 'random',
  'fields.__choice01.min' = '0',
  'fields.__choice01.max' = '20'
);

-- Transformations

-- filter 'clicksOnly': filter
CREATE TEMPORARY VIEW clicksOnly AS
SELECT impressionId, ts, eventType, __rowtime
FROM clickLog
WHERE eventType = 'click';

-- note: attributed: a row that arrives behind the watermark is dropped by Flowstate (as DataStream's IntervalJoinOperator), while Flink SQL's interval join (TimeIntervalJoin) still joins it with the other side's rows it keeps
-- intervalJoin 'attributed': interval join (inner): r.ts within [l.ts + 0 ms, l.ts + 10000 ms], the right row's time is the output's event time (max(l.ts, r.ts) here)
CREATE TEMPORARY VIEW attributed AS
SELECT
  l.adId AS adId,
  r.ts AS ts,
  CAST(0 AS BIGINT) AS impressions,
  CAST(1 AS BIGINT) AS clicks,
  r.__rowtime AS __rowtime
FROM adEvents AS l
JOIN clicksOnly AS r
ON l.impressionId = r.impressionId
  AND r.__rowtime BETWEEN l.__rowtime AND l.__rowtime + INTERVAL '10' SECOND;

-- map 'asImpression': map
CREATE TEMPORARY VIEW asImpression AS
SELECT
  adId AS adId,
  ts AS ts,
  CAST(1 AS BIGINT) AS impressions,
  CAST(0 AS BIGINT) AS clicks,
  __rowtime
FROM adEvents;

-- keyBy 'byAd': the union of 2 inputs
CREATE TEMPORARY VIEW byAd AS
SELECT adId, ts, impressions, clicks, __rowtime FROM asImpression
UNION ALL
SELECT adId, ts, impressions, clicks, __rowtime FROM attributed;

-- window 'clicksPerMinute': tumbling window of 60000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW clicksPerMinute AS
SELECT
  adId,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 60000 AS window_end,
  impressions,
  clicks,
  __rowtime
FROM (
  SELECT adId, window_start, window_end, window_time AS __rowtime, SUM(impressions) AS impressions, SUM(clicks) AS clicks
  FROM TABLE(
    TUMBLE(TABLE byAd, DESCRIPTOR(__rowtime), INTERVAL '1' MINUTE)
  )
  GROUP BY adId, window_start, window_end, window_time
);

-- map 'ctr': map
CREATE TEMPORARY VIEW ctr AS
SELECT
  adId AS adId,
  window_start AS window_start,
  window_end AS window_end,
  impressions AS impressions,
  clicks AS clicks,
  ROUND(CAST(100.0 AS DOUBLE) * clicks / NULLIF(impressions, 0), 2) AS ctrPercent,
  __rowtime
FROM clicksPerMinute;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  adId STRING,
  window_start BIGINT,
  window_end BIGINT,
  impressions BIGINT,
  clicks BIGINT,
  ctrPercent DOUBLE
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT adId, window_start, window_end, impressions, clicks, ctrPercent FROM ctr;
