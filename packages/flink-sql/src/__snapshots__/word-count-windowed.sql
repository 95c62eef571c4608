-- Flink SQL for job 'word-count-windowed', exported by Flowstate (flowstate export --to flink-sql).
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
-- Emit the watermark on every increase (WatermarkAssignerOperator), not every 200 ms of wall-clock time.
SET 'pipeline.auto-watermark-interval' = '0 ms';
SET 'state.backend.type' = 'hashmap';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '3';
SET 'restart-strategy.fixed-delay.delay' = '1000 ms';
-- note: settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST), Flink fails the job (then the restart strategy applies)

-- Sources

-- source 'lines': JSON lines from data/lines.jsonl
CREATE TABLE lines (
  ts BIGINT,
  line STRING,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(ts, 3),
  -- watermark = largest timestamp - 2000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '2.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/word-count-windowed/data/lines.jsonl',
  'format' = 'json'
);

-- Transformations

-- note: words: explode: REGEXP_SPLIT is written as SPLIT(REGEXP_REPLACE(s, pattern, '␞'), '␞') (Flink 2.3 has no REGEXP_SPLIT): the same pieces unless the text contains '␞' (U+241E) or the pattern can match an empty string, an empty string gives no piece in Flink and one '' in Flowstate, regular expressions run as Java regular expressions in Flink and as JavaScript ones in Flowstate, patterns using only common syntax (classes, quantifiers, groups, anchors) behave the same
-- flatMap 'words': one row per element of REGEXP_SPLIT(LOWER(line), '[^a-z0-9]+')
CREATE TEMPORARY VIEW words AS
SELECT __in.ts, __in.line, __x.word, __in.__rowtime
FROM lines AS __in
CROSS JOIN UNNEST(SPLIT(REGEXP_REPLACE(LOWER(line), '[^a-z0-9]+', '␞'), '␞')) AS __x (word);

-- filter 'nonEmpty': filter
CREATE TEMPORARY VIEW nonEmpty AS
SELECT ts, line, word, __rowtime
FROM words
WHERE word <> '';

-- window 'counts': tumbling window of 10000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW counts AS
SELECT
  word,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  `count`,
  __rowtime
FROM (
  SELECT word, window_start, window_end, window_time AS __rowtime, COUNT(*) AS `count`
  FROM TABLE(
    TUMBLE(TABLE nonEmpty, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND)
  )
  GROUP BY word, window_start, window_end, window_time
);

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  word STRING,
  window_start BIGINT,
  window_end BIGINT,
  `count` BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT word, window_start, window_end, `count` FROM counts;
