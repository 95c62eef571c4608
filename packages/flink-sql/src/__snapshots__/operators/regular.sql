-- Transformations

-- note: matched: stateTtlMs 3600000: a processing-time TTL in both engines (Flink's state TTL, refreshed when a row is written), so which pairs are emitted depends on when the rows arrive
-- join 'matched': regular inner join: every pair with equal keys, rows kept 3600000 ms
CREATE TEMPORARY VIEW `matched` AS
SELECT /*+ STATE_TTL('l' = '3600000 ms', 'r' = '3600000 ms') */
  l.oid AS oid,
  l.customer AS customer,
  l.amount AS amount,
  l.ots AS ots,
  r.payer AS payer,
  r.paid AS paid,
  r.pts AS pts
FROM orders AS l
JOIN payments AS r
ON l.customer = r.payer;