-- Transformations

-- windowJoin 'both': window join (inner) in tumbling windows of 10000 ms: both inputs through the window TVF, joined on the key and the window
CREATE TEMPORARY VIEW `both` AS
SELECT
  l.oid AS oid,
  l.customer AS customer,
  l.amount AS amount,
  l.ots AS ots,
  r.payer AS payer,
  r.paid AS paid,
  r.pts AS pts,
  l.__wstart AS window_start,
  l.__wend AS window_end,
  l.window_time AS __rowtime
FROM (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS l
JOIN (
  SELECT *, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS __wstart, (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS __wend
  FROM TABLE(TUMBLE(TABLE payments, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND))
) AS r
ON l.customer = r.payer
  AND l.window_start = r.window_start AND l.window_end = r.window_end;

-- window 'w': tumbling window of 10000 ms (event time), window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time
CREATE TEMPORARY VIEW w AS
SELECT
  oid,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) AS window_start,
  (UNIX_TIMESTAMP(DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(window_start, 'SSS') AS BIGINT)) + 10000 AS window_end,
  n,
  __rowtime
FROM (
  SELECT oid, window_start, window_end, window_time AS __rowtime, COUNT(*) AS n
  FROM TABLE(
    TUMBLE(TABLE `both`, DESCRIPTOR(__rowtime), INTERVAL '10' SECOND)
  )
  GROUP BY oid, window_start, window_end, window_time
);