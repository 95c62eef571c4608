/**
 * The restart strategy (Flink's `RestartBackoffTimeStrategy`): after the n-th failure, restart after a delay, or
 * give up. Pure: the job asks, then does the waiting and the rebuilding.
 */
import type { JobSpec } from '@flowstate/spec';

export type RestartDecision =
  | { restart: true; attempt: number; delayMs: number }
  | { restart: false; reason: string };

/** What the strategy says after a failure, when `restarts` restarts have happened before it. */
export function decideRestart(strategy: JobSpec['settings']['restart'], restarts: number): RestartDecision {
  const attempt = restarts + 1;
  if (strategy.strategy === 'none') return { restart: false, reason: 'the restart strategy is none' };
  if (attempt > strategy.maxAttempts)
    return { restart: false, reason: `after ${strategy.maxAttempts} restarts` };
  const delayMs =
    strategy.strategy === 'exponential-backoff'
      ? Math.min(
          strategy.delayMs * (strategy.backoffMultiplier ?? 2) ** (attempt - 1),
          strategy.maxDelayMs ?? Number.POSITIVE_INFINITY,
        )
      : strategy.delayMs;
  return { restart: true, attempt, delayMs };
}
