-- Transformations

-- window 'counts': sliding window of 10000 ms every 2000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW counts AS
SELECT
  auction,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  num,
  top,
  __rowtime,
  window_start AS __window_start,
  window_end AS __window_end
FROM (
  SELECT auction, window_start, window_end, window_time AS __rowtime, COUNT(*) AS num, MAX(price) AS top
  FROM TABLE(
    HOP(TABLE bids, DESCRIPTOR(__rowtime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)
  )
  GROUP BY auction, window_start, window_end, window_time
);

-- topN 'hot': the distinct num per window (a cascaded window aggregation)
CREATE TEMPORARY VIEW hot_values AS
SELECT __window_start, __window_end, num
FROM counts
GROUP BY __window_start, __window_end, num;

-- topN 'hot': the first 2 distinct values by num desc per window, numbered: their dense rank (Window Top-N, ROW_NUMBER)
CREATE TEMPORARY VIEW hot_ranked AS
SELECT __window_start, __window_end, num, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end ORDER BY num DESC NULLS LAST) AS __rn
  FROM hot_values
)
WHERE __rn <= 2;

-- topN 'hot': Window Top-N by dense_rank: per window, the rows whose dense_rank by num desc is at most 2, with it (Flink's Window Top-N has only ROW_NUMBER: a window join of the rows with their ranked values)
CREATE TEMPORARY VIEW hot AS
SELECT x.auction, x.window_start, x.window_end, x.num, x.top, y.__rn AS r, x.__rowtime, x.__window_start, x.__window_end
FROM counts AS x
JOIN hot_ranked AS y
ON x.__window_start = y.__window_start AND x.__window_end = y.__window_end AND x.num IS NOT DISTINCT FROM y.num;