import type { Kysely } from 'kysely';
import type { AccessHook } from '../../dataspace/dataplane/index.js';
import type { ClaimsSource } from '../../dataspace/identity/index.js';
import type { Negotiation, Reaction } from '../../dataspace/negotiation/index.js';
import { findAgreement } from '../../dataspace/negotiation/index.js';
import {
  type CompiledPolicy,
  compilePolicy,
  type Decision,
  defaultRegistry,
  evaluate,
  formatTrace,
  nextTimeEdge,
  type OperandRegistry,
  operandKinds,
  type PolicyContext,
  type PolicyRules,
  purposeOf,
  type Scope,
} from '../../dataspace/policy/index.js';
import type { Transfer } from '../../dataspace/transfer/index.js';
import type { Tables } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { decisionsOf, recordDecision } from './decisions.js';

/**
 * Usage control as the node runs it: the ODRL engine fed with the node's verified claims, the agreement's
 * purpose and signing time, and the usage counted from the audit log, at each point where a decision is due —
 * the provider's negotiation (scope `negotiation`), a transfer request (`transfer`), every data-plane access
 * (`access`) and the monitor (`monitor`). The counterparty hears a reason code and a fixed sentence; the
 * trace stays here (stored with the process, logged at info).
 */

/** A claims source that says when claims changed (a revocation list, a credential store); optional. */
export interface ChangingClaims extends ClaimsSource {
  onChange?(listener: () => void): void;
}

/** The purpose member of a TransferRequestMessage: the ODRL `purpose` term, compact on the DSP context. */
export const purposeMember = 'odrl:purpose';
const purposeIri = 'http://www.w3.org/ns/odrl/2/purpose';

/** The purpose a TransferRequestMessage declares, if any. */
export function requestedPurpose(body: Readonly<Record<string, unknown>>): string | undefined {
  const v = body[purposeMember] ?? body[purposeIri];
  const plain = v && typeof v === 'object' && '@value' in v ? (v as { '@value': unknown })['@value'] : v;
  return typeof plain === 'string' && plain !== '' ? plain : undefined;
}

export interface AgreementTerms {
  readonly id: string;
  readonly assetId: string;
  readonly counterpartyId: string;
  readonly rules: PolicyRules;
  readonly compiled: CompiledPolicy;
  readonly signedAt: string;
  readonly purpose: string | undefined;
  /** Whether the policy reads uses or bytes: only then is the audit log counted. */
  readonly countsUsage: boolean;
}

export interface Usage {
  readonly count: number;
  readonly bytes: number;
}

interface Counted extends Usage {
  readonly seq: number;
}

const claimsTtlMs = 2_000;
/** The latest instant a Date holds: 'no time edge' (the monitor caps every sleep at its bound). */
const farFuture = new Date(8.64e15);
const cacheLimit = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= cacheLimit) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}

export function createUsageControl(ctx: NodeContext) {
  const registry: OperandRegistry = defaultRegistry();
  const log = ctx.logger.child({ component: 'usage-control' });
  let source: ChangingClaims = ctx.claims;
  const claimsCache = new Map<string, { at: number; claims: Readonly<Record<string, unknown>> }>();
  const agreements = new Map<string, AgreementTerms>();
  const counted = new Map<string, Counted>();
  const purposes = new Map<string, string | null>();
  const changeListeners: (() => void)[] = [];
  const edgeListeners: ((at: Date) => void)[] = [];

  const listen = (s: ChangingClaims) =>
    s.onChange?.(() => {
      claimsCache.clear();
      for (const l of changeListeners) l();
    });
  listen(source);

  /** Verified claims about a counterparty, cached briefly (the monitor asks for fresh ones). */
  async function claimsOf(counterparty: string, fresh = false): Promise<Readonly<Record<string, unknown>>> {
    const hit = claimsCache.get(counterparty);
    const t = Date.now();
    if (!fresh && hit && t - hit.at < claimsTtlMs) return hit.claims;
    const { claims } = await source.claimsFor(counterparty);
    return remember(claimsCache, counterparty, { at: t, claims }).claims;
  }

  /** An agreement's terms, compiled once (agreements never change). */
  async function agreementOf(
    db: Kysely<Tables>,
    participantId: string,
    agreementId: string,
  ): Promise<AgreementTerms | undefined> {
    const key = `${participantId}\n${agreementId}`;
    const hit = agreements.get(key);
    if (hit) return hit;
    const a = await findAgreement(db, participantId, agreementId);
    if (!a) return undefined;
    const rules = a.policy as unknown as PolicyRules;
    return remember(agreements, key, {
      id: a.id,
      assetId: a.assetId,
      counterpartyId: a.counterpartyId,
      rules,
      compiled: compilePolicy(rules, registry),
      signedAt: a.policy.timestamp ?? a.createdAt,
      purpose: purposeOf(rules, registry),
      countsUsage: operandKinds(rules, registry).has('usage'),
    });
  }

  /** Uses and bytes served under an agreement so far, from the data plane's audit records (read incrementally). */
  async function usageOf(db: Kysely<Tables>, participantId: string, agreementId: string): Promise<Usage> {
    const key = `${participantId}\n${agreementId}`;
    const before = counted.get(key) ?? { seq: 0, count: 0, bytes: 0 };
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', 'outcome', 'details'])
      .where('participant_id', '=', participantId)
      .where('action', '=', 'dataplane.access')
      .where('seq', '>', before.seq)
      .where('resource_id', 'in', (eb) =>
        eb
          .selectFrom('transfers')
          .select('id')
          .where('participant_id', '=', participantId)
          .where('agreement_id', '=', agreementId),
      )
      .orderBy('seq')
      .execute();
    let { seq, count, bytes } = before;
    for (const r of rows) {
      seq = Math.max(seq, Number(r.seq));
      if (r.outcome === 'denied') continue;
      const d = (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as {
        bytes?: unknown;
      } | null;
      count += 1;
      bytes += typeof d?.bytes === 'number' ? d.bytes : 0;
    }
    return remember(counted, key, { seq, count, bytes });
  }

  /** The purpose declared when a transfer was requested (kept with its decision), else the agreement's. */
  async function transferPurpose(db: Kysely<Tables>, participantId: string, transferId: string) {
    const key = `${participantId}\n${transferId}`;
    if (purposes.has(key)) return purposes.get(key) ?? undefined;
    const kept = (await decisionsOf(db, participantId, 'transfer', transferId)).find(
      (d) => d.scope === 'transfer',
    );
    remember(purposes, key, kept?.purpose ?? null);
    return kept?.purpose ?? undefined;
  }

  function explain(scope: Scope, process: { type: string; id: string }, d: Decision): void {
    log.info(
      {
        scope,
        processType: process.type,
        processId: process.id,
        permitted: d.permitted,
        reasonCode: d.reasonCode,
      },
      `usage control: ${d.permitted ? 'permitted' : 'denied'} (${scope})\n${formatTrace(d.trace).join('\n')}`,
    );
  }

  /** The decision on a running transfer in `scope` (transfer start, access, monitor). */
  async function decideTransfer(
    db: Kysely<Tables>,
    t: Pick<Transfer, 'participantId' | 'id' | 'agreementId' | 'counterpartyId'>,
    scope: 'transfer' | 'access' | 'monitor',
    now: Date,
    declared?: string,
  ): Promise<{ decision: Decision; terms: AgreementTerms | undefined; purpose: string | undefined }> {
    const terms = await agreementOf(db, t.participantId, t.agreementId);
    const purpose =
      declared ??
      (scope === 'transfer' ? undefined : await transferPurpose(db, t.participantId, t.id)) ??
      terms?.purpose;
    if (!terms) {
      const decision = evaluate(compilePolicy({}, registry), {
        scope,
        now,
        participantId: t.counterpartyId,
        claims: {},
      });
      return { decision, terms, purpose };
    }
    const used =
      scope === 'transfer' || !terms.countsUsage
        ? { count: 0, bytes: 0 }
        : await usageOf(db, t.participantId, t.agreementId);
    const context: PolicyContext = {
      scope,
      now,
      participantId: t.counterpartyId,
      claims: await claimsOf(t.counterpartyId, scope === 'monitor'),
      agreement: { id: terms.id, signedAt: terms.signedAt },
      // an access counts itself; the monitor looks at the uses made so far
      usage: { count: used.count + (scope === 'access' ? 1 : 0), bytes: used.bytes },
      ...(purpose !== undefined ? { purpose } : {}),
    };
    return { decision: evaluate(terms.compiled, context), terms, purpose };
  }

  return {
    registry,
    claimsOf,
    agreementOf,
    usageOf,
    decideTransfer,
    explain,

    /** Another claims source (a credential store that revokes); its changes wake the monitor. */
    useClaims(next: ChangingClaims): void {
      source = next;
      claimsCache.clear();
      listen(next);
    },
    onClaimsChange(listener: () => void): void {
      changeListeners.push(listener);
    },
    /** Told, for each admitted transfer, when a time constraint of its agreement may next flip. */
    onTimeEdge(listener: (at: Date) => void): void {
      edgeListeners.push(listener);
    },

    /**
     * The provider's `requested` / `accepted` point: the requested contract policy for the consumer's claims and
     * declared purpose. A denial terminates with the reason code; a permission leaves the next step to the rest.
     */
    async negotiation(n: Negotiation): Promise<Reaction | undefined> {
      const rules = n.offer as unknown as PolicyRules;
      const purpose = purposeOf(rules, registry);
      const decision = evaluate(compilePolicy(rules, registry), {
        scope: 'negotiation',
        now: ctx.now(),
        participantId: n.counterpartyId,
        claims: await claimsOf(n.counterpartyId),
        ...(purpose !== undefined ? { purpose } : {}),
      });
      explain('negotiation', { type: 'negotiation', id: n.id }, decision);
      // Not awaited: the service decides inside its transaction, and SQLite has one connection (it queues).
      void recordDecision(
        ctx.db,
        n.participantId,
        { type: 'negotiation', id: n.id },
        'negotiation',
        decision,
        purpose,
        ctx.now(),
      ).catch((err) => log.error({ err, negotiationId: n.id }, 'recording a policy decision failed'));
      return decision.permitted
        ? undefined
        : { kind: 'terminate', code: decision.reasonCode, reason: decision.message };
    },

    /** A TransferRequestMessage (provider): the agreement's policy now, for the purpose declared in it. */
    async admitTransfer(
      trx: Kysely<Tables>,
      t: Transfer,
      request: Readonly<Record<string, unknown>>,
    ): Promise<{ code: string; reason: string } | undefined> {
      const at = ctx.now();
      const declared = requestedPurpose(request);
      const { decision, terms, purpose } = await decideTransfer(trx, t, 'transfer', at, declared);
      explain('transfer', { type: 'transfer', id: t.id }, decision);
      const edge =
        decision.permitted && terms ? nextTimeEdge(terms.rules, registry, at, terms.signedAt) : undefined;
      // Always told when a transfer is admitted, so an idle monitor starts watching it (within its bound).
      if (decision.permitted) for (const l of edgeListeners) l(edge ?? farFuture);
      await recordDecision(
        trx,
        t.participantId,
        { type: 'transfer', id: t.id },
        'transfer',
        decision,
        purpose,
        at,
      );
      remember(purposes, `${t.participantId}\n${t.id}`, purpose ?? null);
      return decision.permitted ? undefined : { code: decision.reasonCode, reason: decision.message };
    },

    /** The data plane's hook: every access under the agreement's policy, with the usage counted so far. */
    access: (async (r) => {
      const t = {
        participantId: r.participantId,
        id: r.transferId,
        agreementId: r.agreementId,
        counterpartyId: r.consumerId,
      };
      const { decision, purpose } = await decideTransfer(ctx.db, t, 'access', r.at);
      if (decision.permitted) return { permitted: true };
      explain('access', { type: 'transfer', id: r.transferId }, decision);
      await recordDecision(
        ctx.db,
        r.participantId,
        { type: 'transfer', id: r.transferId },
        'access',
        decision,
        purpose,
        r.at,
      );
      return { permitted: false, reasonCode: decision.reasonCode, message: decision.message };
    }) satisfies AccessHook as AccessHook,
  };
}

export type UsageControl = ReturnType<typeof createUsageControl>;

const byContext = new WeakMap<NodeContext, UsageControl>();

/** The node's usage control, built on first use. */
export function usageControl(ctx: NodeContext): UsageControl {
  const existing = byContext.get(ctx);
  if (existing) return existing;
  const made = createUsageControl(ctx);
  byContext.set(ctx, made);
  return made;
}
