import { credentialTypesOf, type PolicyRules } from '../../dataspace/policy/index.js';
import type { TransferService } from '../../dataspace/transfer/index.js';
import type { NodeContext } from '../context.js';
import { dcpActive } from '../credentials/required.js';
import { standingLostSentence, standingsOf } from '../credentials/standing.js';
import { onStatusListChange } from '../credentials/status-watch.js';
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
  const dcp = dcpActive(ctx.config);
  const monitor = policyMonitor(ctx, {
    transfers: () => transfers,
    revoke: (transferId, reason) => revokeTransferAccess(ctx, transferId, `policy-monitor: ${reason}`),
    // with DCP on, a running transfer's credentials are re-checked within credentialRecheckS too
    boundMs: dcp
      ? Math.min(ctx.config.policyMonitorBoundMs, ctx.config.credentialRecheckS * 1000)
      : ctx.config.policyMonitorBoundMs,
    ...(dcp
      ? {
          credentials: (dids: readonly string[]) => lostStanding(ctx, dids),
          // an agreement rests on the credentials its policy reads, and on those every request must show
          credentialTypes: (rules: PolicyRules) => [
            ...new Set([...credentialTypesOf(rules, usageControl(ctx).registry), ...ctx.config.dcpScopes]),
          ],
        }
      : {}),
  });
  // A status list that changed (fetched for a new request) may have revoked a running transfer's counterparty.
  if (dcp) onStatusListChange(ctx, () => void monitor.wake());
  monitor.start();
}

/** The credential types of each counterparty that no longer hold, as the monitor ends their transfers. */
async function lostStanding(ctx: NodeContext, dids: readonly string[]) {
  const lost = await standingsOf(ctx).recheck(dids);
  return new Map(
    [...lost].map(([did, byType]) => [
      did,
      new Map(
        [...byType].map(([type, r]) => [
          type,
          { code: r.reason, reason: r.message, told: standingLostSentence },
        ]),
      ),
    ]),
  );
}

export async function stopUsageControl(ctx: NodeContext): Promise<void> {
  await runningMonitor(ctx)?.stop();
}
