-- Transformations

-- note: paid: a row that arrives behind the watermark is dropped by Flowstate (as DataStream's IntervalJoinOperator), while Flink SQL's interval join (TimeIntervalJoin) still joins it with the other side's rows it keeps
-- intervalJoin 'paid': interval join (left): r.ts within [l.ts + 0 ms, l.ts + 5000 ms]
CREATE TEMPORARY VIEW paid AS
SELECT
  l.oid AS oid,
  l.amount - COALESCE(r.paid, 0) AS owed,
  CAST(r.pts - l.ots AS BIGINT) AS delay
FROM orders AS l
LEFT JOIN payments AS r
ON l.customer = r.payer
  AND r.__rowtime BETWEEN l.__rowtime AND l.__rowtime + INTERVAL '5' SECOND;