export { deadlineWork } from './deadlines.js';
export { type Answer, messageKey, receiveOnce, storedAnswer } from './received.js';
export { type ProcessKind, ProcessRuntime, type RuntimeDeps } from './runtime.js';
export { type DueWork, Scheduler, type SchedulerDeps } from './scheduler.js';
