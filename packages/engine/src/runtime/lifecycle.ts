/**
 * A job's status as a state machine: the transitions `@flowstate/spec` declares legal (JOB_STATUS_TRANSITIONS,
 * Arroyo's controller states, Flink's JobStatus) and nothing else. Every change is announced as a `status`
 * event with the restarts so far and the clock time; asking for the status the job already has does nothing,
 * and a transition the table does not allow is a bug in the runtime, so it throws.
 */
import { canTransition, isTerminalStatus, type JobEvent, type JobStatus } from '@flowstate/spec';
import type { Clock } from '../time/index';

export class JobLifecycle {
  private current: JobStatus = 'created';
  /** Restarts after failures so far. */
  restarts = 0;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: JobEvent) => void,
  ) {}

  get status(): JobStatus {
    return this.current;
  }

  /** finished, failed or cancelled. */
  get ended(): boolean {
    return isTerminalStatus(this.current);
  }

  to(next: JobStatus, cause?: string): void {
    if (next === this.current) return;
    if (!canTransition(this.current, next)) {
      throw new Error(`internal: a job cannot go from ${this.current} to ${next}`);
    }
    this.current = next;
    this.emit({
      type: 'status',
      status: next,
      ...(cause ? { cause } : {}),
      restarts: this.restarts,
      at: this.clock.now(),
    });
  }
}
