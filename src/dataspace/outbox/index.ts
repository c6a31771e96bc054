export {
  type DeliveryDeps,
  DeliveryRefused,
  defaultRetry,
  deliverDue,
  enqueue,
  type NewOutboxItem,
  nextDue,
  type OutboxItem,
  outboxWork,
  pendingFor,
  type RetryPolicy,
  retryDelay,
} from './outbox.js';
