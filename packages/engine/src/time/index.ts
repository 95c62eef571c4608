export { type Clock, ManualClock, systemClock } from './clock';
export {
  type InternalTimerService,
  InternalTimerServiceImpl,
  MIN_WATERMARK,
  type TimerSnapshotEntry,
  type TimersSnapshotData,
  type Triggerable,
} from './InternalTimerServiceImpl';
export { TimerQueue } from './TimerQueue';
export { ManualTimers, systemTimers, type Timers } from './timers';
