-- Transformations

-- windowJoin 'both': window join (full) in sliding windows of 10000 ms every 5000 ms: both inputs through the window TVF, joined on the key and the window
CREATE TEMPORARY VIEW `both` AS
SELECT
  l.oid AS oid,
  r.paid AS paid,
  COALESCE(l.__wstart, r.__wstart) AS `from`,
  COALESCE(l.__wend, r.__wend) AS `to`
FROM (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(HOP(TABLE orders, DESCRIPTOR(__rowtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
) AS l
FULL JOIN (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(HOP(TABLE payments, DESCRIPTOR(__rowtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
) AS r
ON l.customer = r.payer
  AND l.window_start = r.window_start AND l.window_end = r.window_end;