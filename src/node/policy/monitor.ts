import { nextTimeEdge, nextWake, type PolicyRules } from '../../dataspace/policy/index.js';
import type { TransferService } from '../../dataspace/transfer/index.js';
import type { NodeContext } from '../context.js';
import { recordDecision } from './decisions.js';
import { type UsageControl, usageControl } from './usage-control.js';

/** What the monitor needs of the rest of the node: the transfers to end, and their tokens to revoke at once. */
export interface MonitorDeps {
  readonly transfers: () => TransferService;
  readonly revoke: (transferId: string, reason: string) => Promise<unknown>;
  /** Longest sleep: claims that change without telling are re-read at least this often. */
  readonly boundMs: number;
  /**
   * DCP: the counterparties among those given whose credentials no longer hold (revoked, expired), each with its
   * reason code, the full reason for the local operator, and the sentence the counterparty hears instead.
   */
  readonly credentials?: (
    counterparties: readonly string[],
  ) => Promise<ReadonlyMap<string, ReadonlyMap<string, LostCredential>>>;
  /** DCP: the credential types an agreement's policy rests on (a transfer ends only for one of those). */
  readonly credentialTypes?: (rules: PolicyRules) => readonly string[];
}

/** A credential type that no longer holds: reason code, full reason (local), what the counterparty hears. */
export interface LostCredential {
  readonly code: string;
  readonly reason: string;
  readonly told: string;
}

/** One pass's outcome, for tests and the bench: the transfers ended and when the next pass is due. */
export interface MonitorPass {
  readonly at: Date;
  readonly checked: number;
  readonly terminated: readonly { transferId: string; reasonCode: string; at: Date }[];
  readonly next: Date;
}

/**
 * Re-evaluates every STARTED transfer this node provides (scope `monitor`) when claims change, when a time
 * constraint of some agreement can flip, and at least every `boundMs`. A transfer its policy no longer permits
 * loses its tokens at once and is terminated with the reason code; the trace is stored with it.
 */
export class PolicyMonitor {
  private timer: NodeJS.Timeout | undefined;
  private wakeAt: Date | undefined;
  private running: Promise<MonitorPass> | undefined;
  private again = false;
  private stopped = true;
  private readonly passListeners: ((p: MonitorPass) => void)[] = [];

  constructor(
    private readonly ctx: NodeContext,
    private readonly uc: UsageControl,
    private readonly deps: MonitorDeps,
  ) {
    uc.onClaimsChange(() => this.wake());
    uc.onTimeEdge((at) => this.hint(at));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Told after each pass (tests wait on it instead of sleeping). */
  onPass(listener: (p: MonitorPass) => void): void {
    this.passListeners.push(listener);
  }

  /** A time constraint may flip at `at` (a transfer just started): look then, if sooner than planned. */
  hint(at: Date): void {
    if (this.stopped || (this.wakeAt && this.wakeAt <= at)) return;
    this.schedule(at);
  }

  /** Run a pass now (claims changed; the clock moved). Resolves with that pass. */
  wake(): Promise<MonitorPass> | undefined {
    if (this.stopped) return undefined;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeAt = undefined;
    const pass = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
    this.running = pass;
    pass.then(
      (p) => {
        for (const l of this.passListeners) l(p);
        // Nothing running: sleep until a transfer is admitted or claims change (an idle node makes no queries).
        if (!this.stopped && !this.timer && p.checked > 0) this.schedule(p.next);
      },
      (err) => {
        this.ctx.logger.error({ err }, 'policy monitor pass failed');
        if (!this.stopped) this.schedule(new Date(this.ctx.now().getTime() + this.deps.boundMs));
      },
    );
    return pass;
  }

  private schedule(at: Date): void {
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    const delay = Math.max(0, Math.min(at.getTime() - this.ctx.now().getTime(), this.deps.boundMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, delay);
    this.timer.unref();
  }

  private async pass(): Promise<MonitorPass> {
    const { ctx, uc } = this;
    const at = ctx.now();
    const started = await ctx.db
      .selectFrom('transfers')
      .select(['participant_id', 'id', 'agreement_id', 'counterparty_id'])
      .where('state', '=', 'STARTED')
      .where('role', '=', 'provider')
      .execute();
    const terminated: { transferId: string; reasonCode: string; at: Date }[] = [];
    const edges: (Date | undefined)[] = [];
    const lost =
      started.length > 0 && this.deps.credentials
        ? await this.deps.credentials(started.map((r) => r.counterparty_id))
        : new Map<string, ReadonlyMap<string, LostCredential>>();
    for (const row of started) {
      const t = {
        participantId: row.participant_id,
        id: row.id,
        agreementId: row.agreement_id,
        counterpartyId: row.counterparty_id,
      };
      const { decision, terms, purpose } = await uc.decideTransfer(ctx.db, t, 'monitor', at);
      const lostTypes = lost.get(t.counterpartyId);
      const gone =
        lostTypes && terms
          ? (this.deps.credentialTypes?.(terms.rules) ?? [])
              .map((type) => lostTypes.get(type))
              .find((l) => l !== undefined)
          : undefined;
      if (gone) {
        // The credentials behind the transfer no longer hold, whatever its policy reads: tokens first, then the end.
        await this.deps.revoke(t.id, gone.code);
        ctx.logger.info(
          { transferId: t.id, counterparty: t.counterpartyId, reasonCode: gone.code, reason: gone.reason },
          'transfer ended: counterparty credentials no longer hold',
        );
        await this.end(t, gone.code, gone.told, gone.reason, terminated);
        continue;
      }
      if (decision.permitted) {
        if (terms) edges.push(nextTimeEdge(terms.rules, uc.registry, at, terms.signedAt));
        continue;
      }
      uc.explain('monitor', { type: 'transfer', id: t.id }, decision);
      await this.deps.revoke(t.id, decision.reasonCode);
      await recordDecision(
        ctx.db,
        t.participantId,
        { type: 'transfer', id: t.id },
        'monitor',
        decision,
        purpose,
        at,
      );
      await this.end(t, decision.reasonCode, decision.message, undefined, terminated);
    }
    return { at, checked: started.length, terminated, next: nextWake(edges, at, this.deps.boundMs) };
  }

  /** Terminates a transfer, telling the peer `code` and `told`; `localReason` stays on our record. */
  private async end(
    t: { participantId: string; id: string },
    code: string,
    told: string,
    localReason: string | undefined,
    terminated: { transferId: string; reasonCode: string; at: Date }[],
  ): Promise<void> {
    await this.deps
      .transfers()
      .act(t.participantId, t.id, 'policy-monitor', {
        kind: 'terminate',
        code,
        reason: told,
        ...(localReason ? { localReason } : {}),
      })
      .then(
        () => terminated.push({ transferId: t.id, reasonCode: code, at: this.ctx.now() }),
        // it ended meanwhile (completed, terminated by the peer): its tokens are revoked all the same
        (err) => this.ctx.logger.info({ err, transferId: t.id }, 'policy monitor: transfer already moved on'),
      );
  }
}

const monitors = new WeakMap<NodeContext, PolicyMonitor>();

/** The node's policy monitor, built on first use. */
export function policyMonitor(ctx: NodeContext, deps: MonitorDeps): PolicyMonitor {
  const existing = monitors.get(ctx);
  if (existing) return existing;
  const m = new PolicyMonitor(ctx, usageControl(ctx), deps);
  monitors.set(ctx, m);
  return m;
}

/** The monitor once built (undefined before the transfer routes started it). */
export function runningMonitor(ctx: NodeContext): PolicyMonitor | undefined {
  return monitors.get(ctx);
}
