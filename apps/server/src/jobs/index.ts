/**
 * Jobs: the JobManager runs each job's engine on its own worker thread and streams what it does.
 * The protocol schemas are exported for whoever wants to validate the same shapes (socket events).
 */
export { JobManagerError, type JobManagerErrorCode } from './errors';
export { toJsonSafe } from './json-safe';
export {
  defaultFilePolicy,
  JobManager,
  type JobManagerOptions,
  type ManagedJobMetrics,
  type ManagedJobStatus,
  type ManagedStatus,
  type ManagerEvent,
} from './manager';
export {
  type FilePolicy,
  JOB_MANAGER_ERROR_CODES,
  JobMetricsSchema,
  ManagedStatusSchema,
  ManagerEventSchema,
  type OutputPage,
  OutputPageSchema,
  type StatePage,
  StatePageSchema,
  type StateQuery,
  StateQuerySchema,
} from './protocol';
