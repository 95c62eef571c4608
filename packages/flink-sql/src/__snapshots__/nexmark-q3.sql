-- Flink SQL for job 'nexmark-q3', exported by Flowstate (flowstate export --to flink-sql).
-- Written for Flink 2.x (2.3.0). Run it as one script (SQL client, or TableEnvironment.executeSql per statement).
-- Timestamps are BIGINT epoch milliseconds, as in Flowstate. The __rowtime columns are the event-time attributes.

-- Settings

SET 'execution.runtime-mode' = 'streaming';
SET 'parallelism.default' = '1';
SET 'pipeline.max-parallelism' = '128';
-- Flowstate timestamps are UTC epoch milliseconds, window bounds are read back in UTC.
SET 'table.local-time-zone' = 'UTC';
-- Every input row updates a rolling aggregate at once, as in Flowstate (no mini-batch buffering).
SET 'table.exec.mini-batch.enabled' = 'false';
SET 'state.backend.type' = 'hashmap';
SET 'execution.checkpointing.interval' = '3000 ms';
SET 'execution.checkpointing.timeout' = '60000 ms';
SET 'execution.checkpointing.min-pause' = '0 ms';
SET 'execution.checkpointing.num-retained' = '3';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '3';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '3';
SET 'restart-strategy.fixed-delay.delay' = '1000 ms';
-- note: settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST), Flink fails the job (then the restart strategy applies)

-- Sources

-- source 'auctions': replaced by the JSON lines file input/auctions.jsonl (sourceOverrides)
CREATE TABLE auctions (
  id BIGINT,
  itemName STRING,
  `description` STRING,
  initialBid BIGINT,
  reserve BIGINT,
  `dateTime` BIGINT,
  expires BIGINT,
  seller BIGINT,
  category BIGINT,
  extra STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/nexmark-q3/input/auctions.jsonl',
  'format' = 'json'
);

-- source 'persons': replaced by the JSON lines file input/persons.jsonl (sourceOverrides)
CREATE TABLE persons (
  id BIGINT,
  `name` STRING,
  emailAddress STRING,
  creditCard STRING,
  city STRING,
  `state` STRING,
  `dateTime` BIGINT,
  extra STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/nexmark-q3/input/persons.jsonl',
  'format' = 'json'
);

-- Transformations

-- filter 'category10': filter
CREATE TEMPORARY VIEW category10 AS
SELECT id, itemName, `description`, initialBid, reserve, `dateTime`, expires, seller, category, extra
FROM auctions
WHERE category = 10;

-- filter 'westernStates': filter
CREATE TEMPORARY VIEW westernStates AS
SELECT id, `name`, emailAddress, creditCard, city, `state`, `dateTime`, extra
FROM persons
WHERE `state` = 'OR' OR `state` = 'ID' OR `state` = 'CA';

-- join 'sellers': regular inner join: every pair with equal keys
CREATE TEMPORARY VIEW sellers AS
SELECT
  r.`name` AS `name`,
  r.city AS city,
  r.`state` AS `state`,
  l.id AS id
FROM category10 AS l
JOIN westernStates AS r
ON l.seller = r.id;

-- Sinks

-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  `name` STRING,
  city STRING,
  `state` STRING,
  id BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT `name`, city, `state`, id FROM sellers;
