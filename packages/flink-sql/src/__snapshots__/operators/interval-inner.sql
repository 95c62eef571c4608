-- Transformations

-- note: paid: a row that arrives behind the watermark is dropped by Flowstate (as DataStream's IntervalJoinOperator), while Flink SQL's interval join (TimeIntervalJoin) still joins it with the other side's rows it keeps
-- intervalJoin 'paid': interval join (inner): r.ts within [l.ts - 1500 ms, l.ts + 60000 ms]
CREATE TEMPORARY VIEW paid AS
SELECT
  l.oid AS oid,
  l.customer AS customer,
  l.amount AS amount,
  l.ots AS ots,
  r.payer AS payer,
  r.paid AS paid,
  r.pts AS pts
FROM orders AS l
JOIN payments AS r
ON l.customer = r.payer
  AND r.__rowtime BETWEEN l.__rowtime - INTERVAL '1.500' SECOND AND l.__rowtime + INTERVAL '1' MINUTE;