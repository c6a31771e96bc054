export { deadlineWork } from './deadlines.js';
export { ProcessChanged } from './errors.js';
export {
  type Answer,
  messageKey,
  type ProcessTable,
  pruneReceived,
  receiveOnce,
  storedAnswer,
} from './received.js';
export { type ProcessKind, ProcessRuntime, type RuntimeDeps } from './runtime.js';
export { type DueWork, Scheduler, type SchedulerDeps } from './scheduler.js';
