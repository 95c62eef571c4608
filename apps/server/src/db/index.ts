/**
 * Persistence of pipelines, their immutable versions, jobs, checkpoint metadata and job events (Prisma 6 with
 * the libSQL driver adapter, SQLite). `openDb` creates the data directory, applies pending migrations and
 * returns the `Db` the job service and the HTTP layer use. Specs and other JSON values are stored as JSON text
 * and parsed back (never evaluated). The recipe and its reasons: docs/persistence.md.
 *
 * connection.ts (the driver adapter), migrate.ts (migrations), open.ts (opening), repositories.ts (the `Db`),
 * rows.ts (rows from models), types.ts (rows, the `Db` interface, errors).
 */
export { MIGRATIONS_DIR, type Migration, MigrationError, migrate, readMigrations } from './migrate';
export { DB_FILE_NAME, databaseFile, openDb } from './open';
export {
  type CheckpointRow,
  type Db,
  DbError,
  type DbErrorCode,
  type FlinkDeploymentRow,
  type FlinkDeploymentStatus,
  INTERRUPTED_CHECKPOINT_REASON,
  type JobEventRow,
  type JobOutputRow,
  type JobRow,
  type JobStatus,
  type PipelineRow,
  type PipelineVersionRow,
} from './types';
