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

-- note: hot: row_number numbers tied rows in the order they reach the Top-N, which is the order the window emits its keys in — not the same in Flink as in Flowstate: with ties at the n-th place, the engines may keep different rows
-- topN 'hot': Window Top-N: per window, the first 3 rows by num desc, auction asc (ROW_NUMBER)
CREATE TEMPORARY VIEW hot AS
SELECT auction, window_start, window_end, num, top, __rn AS place, __rowtime, __window_start, __window_end
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY __window_start, __window_end ORDER BY num DESC NULLS LAST, auction ASC NULLS FIRST) AS __rn
  FROM counts
)
WHERE __rn <= 3;