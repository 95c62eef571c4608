-- Transformations

-- temporalJoin 'rated': temporal join (left): each left row with the version of its key at its event time
CREATE TEMPORARY VIEW rated AS
SELECT
  l.oid AS oid,
  r.paid AS paid,
  l.__rowtime AS __rowtime
FROM orders AS l
LEFT JOIN payments FOR SYSTEM_TIME AS OF l.__rowtime AS r
ON l.customer = r.payer;