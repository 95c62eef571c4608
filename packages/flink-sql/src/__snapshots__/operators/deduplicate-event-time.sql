-- Transformations

-- deduplicate 'first': deduplication: each key's first row by event time, emitted when the watermark passes it
CREATE TEMPORARY VIEW `first` AS
SELECT `user`, page, `at`, __rowtime
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY `user` ORDER BY __rowtime ASC) AS __rn
  FROM clicks
)
WHERE __rn = 1;