import {
  listOffers,
  type OfferDefinition,
  publishedOfferId,
  selects,
} from '../../dataspace/catalog/index.js';
import {
  compilePolicy,
  type Decision,
  evaluate,
  findPolicy,
  type PolicyContext,
  type PolicyRules,
  purposeOf,
  type Scope,
} from '../../dataspace/policy/index.js';
import { NotFound } from '../../errors/index.js';
import { participantStore } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { usageControl } from './usage-control.js';

/**
 * The dry run: would this counterparty see the asset in the catalog, obtain it by negotiation, use it by a
 * transfer now — per offer covering the asset, with the full trace. For the local operator only (it shows
 * the provider's rules); nothing is stored and no protocol message is sent.
 */
export interface CheckRequest {
  readonly participantId: string;
  readonly assetId: string;
  /** The counterparty (its participant id, usually a DID). */
  readonly as: string;
  /** Claims to assume instead of the claims source's (what if it held these?). */
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly purpose?: string;
}

export interface ScopeAnswer {
  readonly permitted: boolean;
  readonly reasonCode: string;
  readonly message: string;
  readonly trace: Record<string, unknown>[];
}

export interface OfferAnswer {
  readonly offerId: string;
  readonly catalog: ScopeAnswer;
  readonly negotiation: ScopeAnswer;
  /** Under the counterparty's latest agreement for this offer when there is one, else as if signed now. */
  readonly transfer: ScopeAnswer & { readonly agreementId: string | null };
}

export interface CheckAnswer {
  readonly assetId: string;
  readonly as: string;
  readonly purpose: string | null;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly offers: OfferAnswer[];
}

const answer = (d: Decision): ScopeAnswer => ({
  permitted: d.permitted,
  reasonCode: d.reasonCode,
  message: d.message,
  trace: d.trace.map((e) => ({ ...e })),
});

async function offersFor(ctx: NodeContext, participantId: string, asset: Parameters<typeof selects>[1]) {
  const found: OfferDefinition[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listOffers(ctx.db, participantId, { limit: 500, ...(after ? { after } : {}) });
    found.push(...page.filter((o) => selects(o.selector, asset)));
    if (page.length < 500) return found;
    after = page.at(-1)?.id;
  }
}

async function latestAgreement(
  ctx: NodeContext,
  participantId: string,
  counterparty: string,
  offerId: string,
) {
  return ctx.db
    .selectFrom('agreements')
    .select(['id'])
    .where('participant_id', '=', participantId)
    .where('role', '=', 'provider')
    .where('counterparty_id', '=', counterparty)
    .where('offer_id', '=', offerId)
    .where('finalized_at', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function checkAccess(ctx: NodeContext, r: CheckRequest): Promise<CheckAnswer> {
  const uc = usageControl(ctx);
  const asset = await participantStore(ctx.db, r.participantId).findAsset(r.assetId);
  if (!asset) throw new NotFound('asset', r.assetId);
  const claims = r.claims ?? (await uc.claimsOf(r.as, true));
  const now = ctx.now();
  const base = { now, participantId: r.as, claims };
  const decide = (rules: PolicyRules | undefined, scope: Scope, extra: Partial<PolicyContext> = {}) =>
    evaluate(compilePolicy(rules ?? {}, uc.registry), { ...base, scope, ...extra });
  const offers: OfferAnswer[] = [];
  for (const o of await offersFor(ctx, r.participantId, asset)) {
    const offerId = publishedOfferId(o, asset.id);
    const access = await findPolicy(ctx.db, r.participantId, o.accessPolicyId);
    const contract = await findPolicy(ctx.db, r.participantId, o.contractPolicyId);
    const purpose = r.purpose ?? (contract ? purposeOf(contract, uc.registry) : undefined);
    const declared = purpose !== undefined ? { purpose } : {};
    const agreed = await latestAgreement(ctx, r.participantId, r.as, offerId);
    const terms = agreed && (await uc.agreementOf(ctx.db, r.participantId, agreed.id));
    const usage = terms ? await uc.usageOf(ctx.db, r.participantId, terms.id) : { count: 0, bytes: 0 };
    const transfer = decide(terms ? terms.rules : contract, 'transfer', {
      ...(terms ? { purpose: r.purpose ?? terms.purpose } : declared),
      agreement: { id: terms?.id ?? 'dry-run', signedAt: terms?.signedAt ?? now.toISOString() },
      usage: { count: usage.count + 1, bytes: usage.bytes },
    });
    offers.push({
      offerId,
      catalog: answer(decide(access, 'catalog')),
      negotiation: answer(decide(contract, 'negotiation', declared)),
      transfer: { ...answer(transfer), agreementId: terms?.id ?? null },
    });
  }
  return { assetId: asset.id, as: r.as, purpose: r.purpose ?? null, claims, offers };
}
