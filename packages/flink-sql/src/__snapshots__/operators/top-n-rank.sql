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

-- topN 'hot': the first 2 rows by num desc per window, numbered (Window Top-N, ROW_NUMBER)
CREATE TEMPORARY VIEW hot_rows AS
SELECT __window_start, __window_end, num, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end ORDER BY num DESC NULLS LAST) AS __rn
  FROM counts
)
WHERE __rn <= 2;

-- topN 'hot': per tie among them (equal num), the first: its number is the tie's rank (Window Top-N of the Top-N)
CREATE TEMPORARY VIEW hot_ranked AS
SELECT __window_start, __window_end, num, __rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end, num ORDER BY __rn ASC) AS __first
  FROM hot_rows
)
WHERE __first = 1;

-- topN 'hot': Window Top-N by rank: per window, the rows whose rank by num desc is at most 2, with it (Flink's Window Top-N has only ROW_NUMBER: a window join of the rows with their ranked values)
CREATE TEMPORARY VIEW hot AS
SELECT x.auction, x.window_start, x.window_end, x.num, x.top, y.__rn AS r, x.__rowtime, x.__window_start, x.__window_end
FROM counts AS x
JOIN hot_ranked AS y
ON x.__window_start = y.__window_start AND x.__window_end = y.__window_end AND x.num IS NOT DISTINCT FROM y.num;