-- Flink SQL for job 'word-count', exported by Flowstate (flowstate export --to flink-sql).
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
SET 'execution.checkpointing.interval' = '10000 ms';
SET 'execution.checkpointing.timeout' = '60000 ms';
SET 'execution.checkpointing.min-pause' = '0 ms';
SET 'execution.checkpointing.num-retained' = '3';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '3';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '3';
SET 'restart-strategy.fixed-delay.delay' = '1000 ms';
-- note: settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST), Flink fails the job (then the restart strategy applies)

-- Sources

-- note: lines: a line ending in \r\n keeps its \r in Flink's raw format, Flowstate drops it
-- source 'lines': the lines of data/words.txt (raw format: one STRING column per line)
CREATE TABLE lines (
  line STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/flowstate/examples/word-count/data/words.txt',
  'format' = 'raw'
);

-- Transformations

-- note: words: explode: REGEXP_SPLIT is written as SPLIT(REGEXP_REPLACE(s, pattern, '␞'), '␞') (Flink 2.3 has no REGEXP_SPLIT): the same pieces unless the text contains '␞' (U+241E) or the pattern can match an empty string, an empty string gives no piece in Flink and one '' in Flowstate, regular expressions run as Java regular expressions in Flink and as JavaScript ones in Flowstate, patterns using only common syntax (classes, quantifiers, groups, anchors) behave the same
-- flatMap 'words': one row per element of REGEXP_SPLIT(LOWER(line), '[^a-z0-9]+')
CREATE TEMPORARY VIEW words AS
SELECT __in.line, __x.word
FROM lines AS __in
CROSS JOIN UNNEST(SPLIT(REGEXP_REPLACE(LOWER(line), '[^a-z0-9]+', '␞'), '␞')) AS __x (word);

-- filter 'nonEmpty': filter
CREATE TEMPORARY VIEW nonEmpty AS
SELECT line, word
FROM words
WHERE word <> '';

-- note: counts: a rolling aggregate is an updating result in Flink SQL: a key's new row retracts its previous one (-U/+U), where Flowstate emits each update as a new row, and Flink emits nothing for an input row that leaves the key's aggregates unchanged (GroupAggFunction), where Flowstate emits the unchanged row again, the last row per key is the same
-- aggregate 'counts': rolling aggregate (GROUP BY the key, every input row updates its key)
CREATE TEMPORARY VIEW counts AS
SELECT word, COUNT(*) AS `count`
FROM nonEmpty
GROUP BY word;

-- Sinks

-- note: out: the rows are updates of rolling aggregate 'counts': Flink prints a key's previous row as -U and the new one as +U, where Flowstate emits each update as a row, the last row per key is the same
-- sink 'out': collected rows, printed (Flink's print connector)
CREATE TABLE `out` (
  word STRING,
  `count` BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'out'
);

-- Run

INSERT INTO `out`
SELECT word, `count` FROM counts;
