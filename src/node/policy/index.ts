import type { TransferService } from '../../dataspace/transfer/index.js';
import type { NodeContext } from '../context.js';
import { revokeTransferAccess, setAccessHook } from '../scopes/dataplane.js';
import { policyMonitor, runningMonitor } from './monitor.js';
import { usageControl } from './usage-control.js';

export { formatTrace, type TraceEntry } from '../../dataspace/policy/index.js';
export { type CheckAnswer, type CheckRequest, checkAccess } from './check.js';
export {
  decisionsOf,
  decisionView,
  recordDecision,
  type StoredDecision,
  shownDecision,
} from './decisions.js';
export { type MonitorPass, PolicyMonitor, policyMonitor, runningMonitor } from './monitor.js';
export {
  type ChangingClaims,
  purposeMember,
  requestedPurpose,
  type UsageControl,
  usageControl,
} from './usage-control.js';

/** Plugs usage control into the data plane and starts the policy monitor (the transfer routes, once ready). */
export function startUsageControl(ctx: NodeContext, transfers: TransferService): void {
  setAccessHook(ctx, usageControl(ctx).access);
  policyMonitor(ctx, {
    transfers: () => transfers,
    revoke: (transferId, reason) => revokeTransferAccess(ctx, transferId, `policy-monitor: ${reason}`),
    boundMs: ctx.config.policyMonitorBoundMs,
  }).start();
}

export async function stopUsageControl(ctx: NodeContext): Promise<void> {
  await runningMonitor(ctx)?.stop();
}
