import type { FastifyRequest } from 'fastify';
import { findOffer } from '../../dataspace/catalog/index.js';
import { findAgreement, findNegotiation } from '../../dataspace/negotiation/index.js';
import {
  credentialTypesOf,
  findPolicies,
  findPolicy,
  type OperandRegistry,
  type PolicyRules,
} from '../../dataspace/policy/index.js';
import type { NodeContext } from '../context.js';
import { usageControl } from '../policy/usage-control.js';
import { presentationCheck } from './verifier.js';

/**
 * Which credentials a protocol request must be shown, from the policy it will be evaluated against:
 * - a catalog request: the access policies of the participant's offers (soft — a caller that cannot present them
 *   still sees what needs no claims);
 * - a ContractRequestMessage: the requested offer's contract and access policies; a consumer's ACCEPTED event: the
 *   policy of its negotiation (the provider decides again there);
 * - a TransferRequestMessage: the caller's agreement;
 * - anything else (callbacks, verification, termination, receipts): no policy is evaluated, nothing is asked.
 * `dcpScopes` is added to every request. DCP is on when the node trusts an issuer or sets dcpScopes.
 */

interface Caller {
  readonly did: string;
  readonly accessToken: string | undefined;
}

/** Protocol callers authenticated by a self-issued ID token (the TCK's static header and test verifiers are not). */
const dcpCallers = new WeakMap<FastifyRequest, Caller>();

export function rememberDcpCaller(req: FastifyRequest, did: string, accessToken: string | undefined): void {
  dcpCallers.set(req, { did, accessToken });
}

export function dcpActive(config: Pick<NodeContext['config'], 'dcpScopes' | 'trustedIssuers'>): boolean {
  return config.dcpScopes.length > 0 || config.trustedIssuers.length > 0;
}

const catalogTtlMs = 5_000;
const catalogCaches = new WeakMap<NodeContext, Map<string, { types: Promise<string[]>; at: number }>>();

/** The types every access policy in use reads, per participant, re-read at most every few seconds. */
function catalogTypes(ctx: NodeContext, participantId: string, registry: OperandRegistry): Promise<string[]> {
  const cache = catalogCaches.get(ctx) ?? new Map<string, { types: Promise<string[]>; at: number }>();
  catalogCaches.set(ctx, cache);
  const now = ctx.now().getTime();
  const hit = cache.get(participantId);
  if (hit && now - hit.at < catalogTtlMs) return hit.types;
  const types = (async () => {
    const rows = await ctx.db
      .selectFrom('offers')
      .select('access_policy_id')
      .distinct()
      .where('participant_id', '=', participantId)
      .execute();
    const policies = await findPolicies(
      ctx.db,
      participantId,
      rows.map((r) => r.access_policy_id),
    );
    return [...new Set([...policies.values()].flatMap((p) => credentialTypesOf(p, registry)))].sort();
  })();
  cache.set(participantId, { types, at: now });
  types.catch(() => cache.delete(participantId));
  return types;
}

type Body = Record<string, unknown> | undefined;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The policies a protocol request is evaluated against (none for messages that evaluate none). */
async function policiesOf(
  ctx: NodeContext,
  participantId: string,
  caller: string,
  route: string,
  req: FastifyRequest,
): Promise<PolicyRules[]> {
  const body = req.body as Body;
  if (route === 'negotiations/request' || route === 'negotiations/:pid/request') {
    // the offer's access policy too: the provider checks the requester may see the offer, with its claims
    const offerId = str((body?.offer as Body)?.['@id']);
    const offer = offerId ? await findOffer(ctx.db, participantId, offerId) : undefined;
    if (!offer) return [];
    const access = await findPolicy(ctx.db, participantId, offer.definition.accessPolicyId);
    return [offer.policy as unknown as PolicyRules, ...(access ? [access] : [])];
  }
  if (route === 'negotiations/:pid/events' && body?.eventType === 'ACCEPTED') {
    const n = await findNegotiation(ctx.db, participantId, (req.params as { pid?: string }).pid ?? '');
    return n && n.role === 'provider' && n.counterpartyId === caller
      ? [n.offer as unknown as PolicyRules]
      : [];
  }
  if (route === 'transfers/request') {
    const a = await findAgreement(ctx.db, participantId, str(body?.agreementId) ?? '');
    return a && a.role === 'provider' && a.counterpartyId === caller
      ? [a.policy as unknown as PolicyRules]
      : [];
  }
  return [];
}

/**
 * The presentation step of the authenticated scopes (a preHandler: the body is parsed and valid by then): asks the
 * caller for what the request's policy needs and verifies it. False refuses the request (401).
 */
export function presentationGate(ctx: NodeContext): (req: FastifyRequest) => Promise<boolean> {
  if (!dcpActive(ctx.config)) return async () => true;
  const check = presentationCheck(ctx);
  const required = ctx.config.dcpScopes;
  return async (req) => {
    const caller = dcpCallers.get(req);
    if (!caller) return true;
    const participantId =
      (req.params as { participant?: string }).participant ?? ctx.config.defaultParticipantId;
    const registry = usageControl(ctx).registry;
    const route = /\/2025-1\/(.+)$/.exec(req.routeOptions.url ?? '')?.[1] ?? '';
    const catalog = route.startsWith('catalog/');
    const wanted = catalog
      ? await catalogTypes(ctx, participantId, registry)
      : [
          ...new Set(
            (await policiesOf(ctx, participantId, caller.did, route, req)).flatMap((p) =>
              credentialTypesOf(p, registry),
            ),
          ),
        ].sort();
    return check(req, participantId, caller.did, caller.accessToken, { required, wanted, soft: catalog });
  };
}
