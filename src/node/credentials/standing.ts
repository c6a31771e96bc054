import {
  type CredentialReason,
  CredentialRefused,
  checkStanding,
  type VerifiedCredential,
} from '../../dataspace/credentials/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf } from '../counterparty.js';
import { presentedClaimsOf } from './presented.js';
import { statusListsOf, trustedIssuersOf } from './verifier.js';

/**
 * Where each counterparty's credentials stand, for its running transfers: the credentials its last verified
 * presentation held (re-checked on demand: validity window and status bit, the list fetched anew), or the
 * refusal its last presentation met. Kept in memory: after a restart a counterparty stands unknown until its next
 * request presents its credentials again (nothing ends for want of knowing).
 */
export interface Standings {
  remember(did: string, credentials: readonly VerifiedCredential[]): void;
  refused(did: string, refusal: CredentialRefused): void;
  /** The counterparties among `dids` whose credentials no longer stand, each with its refusal. */
  recheck(dids: readonly string[]): Promise<ReadonlyMap<string, CredentialRefused>>;
}

/**
 * Refusals that say the credentials themselves no longer hold. A credential service that is slow or a status
 * list that cannot be fetched refuses a new request, but does not end what already runs.
 */
const ending: ReadonlySet<CredentialReason> = new Set<CredentialReason>([
  'credential.revoked',
  'credential.suspended',
  'credential.expired',
  'credential.untrusted-issuer',
  'credential.wrong-holder',
  'credential.bad-signature',
  'presentation.missing-credential',
]);

/** What the counterparty hears when its transfer ends this way: the code and this sentence, nothing more. */
export const standingLostSentence = 'the counterparty credentials no longer verify';

const limit = 10_000;
const byContext = new WeakMap<NodeContext, Standings>();

export function standingsOf(ctx: NodeContext): Standings {
  const known = byContext.get(ctx);
  if (known) return known;
  const byDid = new Map<
    string,
    { credentials: readonly VerifiedCredential[] } | { refusal: CredentialRefused }
  >();
  const keep = (
    did: string,
    v: { credentials: readonly VerifiedCredential[] } | { refusal: CredentialRefused },
  ) => {
    byDid.delete(did);
    if (byDid.size >= limit) byDid.delete(byDid.keys().next().value as string);
    byDid.set(did, v);
  };
  const log = ctx.logger.child({ component: 'credential-standing' });

  const made: Standings = {
    remember: (did, credentials) => keep(did, { credentials }),
    refused(did, refusal) {
      if (ending.has(refusal.reason)) keep(did, { refusal });
    },
    async recheck(dids) {
      const lists = statusListsOf(ctx);
      const deps = {
        resolveDid: didResolverOf(ctx),
        statusList: lists,
        trusted: trustedIssuersOf(ctx.config.trustedIssuers),
        now: ctx.now,
        leewaySeconds: ctx.config.credentialLeewayS,
      };
      const held = new Map<string, readonly VerifiedCredential[]>();
      const lost = new Map<string, CredentialRefused>();
      for (const did of new Set(dids)) {
        const s = byDid.get(did);
        if (s && 'refusal' in s) lost.set(did, s.refusal);
        else if (s) held.set(did, s.credentials);
      }
      // Each list once per re-check, fetched anew: the copy a verdict rests on is never older than this pass.
      const urls = new Set([...held.values()].flat().flatMap((c) => (c.status ? [c.status.listUrl] : [])));
      await Promise.all([...urls].map((u) => lists.refresh(u).catch(() => undefined)));
      for (const [did, credentials] of held) {
        try {
          for (const c of credentials) await checkStanding(c, deps);
        } catch (e) {
          const refusal =
            e instanceof CredentialRefused
              ? e
              : new CredentialRefused('credential.status-unavailable', (e as Error).message);
          if (!ending.has(refusal.reason)) {
            log.warn(
              { counterparty: did, reasonCode: refusal.reason, reason: refusal.message },
              'credentials not re-checked',
            );
            continue;
          }
          keep(did, { refusal });
          presentedClaimsOf(ctx).forget(did);
          lost.set(did, refusal);
        }
      }
      return lost;
    },
  };
  byContext.set(ctx, made);
  return made;
}
