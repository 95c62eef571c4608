-- Transformations

-- note: rated: the right input is made a versioned table by deduplication (ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) = 1), Flink's pattern when the source cannot carry the key as its PRIMARY KEY: Flink's RowTimeDeduplicateFunction drops a row that is older than the key's newest row so far, so a version that arrives after a newer one of its key is not a version in Flink, while Flowstate keeps it
-- temporalJoin 'rated': its right input as a versioned view: the newest row per key (primary key payer) by event time
CREATE TEMPORARY VIEW rated_versions AS
SELECT payer, paid, pts, __rowtime
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY payer ORDER BY __rowtime DESC) AS __rn
  FROM payments
)
WHERE __rn = 1;

-- temporalJoin 'rated': temporal join (inner): each left row with the version of its key at its event time
CREATE TEMPORARY VIEW rated AS
SELECT
  l.oid AS oid,
  r.paid AS paid,
  l.__rowtime AS __rowtime
FROM orders AS l
JOIN rated_versions FOR SYSTEM_TIME AS OF l.__rowtime AS r
ON l.customer = r.payer;