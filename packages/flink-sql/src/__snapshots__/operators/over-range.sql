-- Transformations

-- note: recent: rows that arrive behind the watermark: Flowstate drops a row at or before the last time it emitted for the key, Flink's RowTimeRangeBoundedPrecedingFunction compares with a last-triggered time that its state-cleanup timers also set and reset, so it drops some late rows Flowstate keeps and keeps some that Flowstate drops (rows on time get the same frames)
-- over 'recent': OVER aggregation: per key, each row with the aggregates of the rows of the last 60000 ms (RANGE frame, by event time)
CREATE TEMPORARY VIEW recent AS
SELECT
  `user`,
  v,
  `at`,
  COUNT(*) OVER w AS n,
  SUM(v) OVER w AS total,
  AVG(CAST(v AS DOUBLE)) OVER w AS mean,
  MAX(v) OVER w AS hi,
  __rowtime
FROM events
WINDOW w AS (PARTITION BY `user` ORDER BY __rowtime RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW);

-- window 'w': tumbling window of 10000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW w AS
SELECT
  `user`,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  busiest,
  __rowtime
FROM (
  SELECT `user`, window_start, window_end, window_time AS __rowtime, MAX(n) AS busiest
  FROM TABLE(
    TUMBLE(TABLE recent, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND)
  )
  GROUP BY `user`, window_start, window_end, window_time
);