import {
  type CredentialReason,
  CredentialRefused,
  checkStanding,
  type VerifiedCredential,
} from '../../dataspace/credentials/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf } from '../counterparty.js';
import { presentedClaimsOf } from './presented.js';
import { loadStandings, saveStanding } from './standing-store.js';
import { statusListsOf, trustedIssuersOf } from './verifier.js';

/**
 * Where each counterparty's credentials stand, per credential type, for its running transfers: the credentials
 * its last verified presentations held (re-checked on demand: validity window and status bit, the list fetched
 * anew), and the types whose last presentation was refused. Kept in memory and written through to the store
 * (migration 0020), so a restarted node re-checks its running transfers' counterparties as before.
 */
export interface Standings {
  remember(did: string, credentials: readonly VerifiedCredential[]): Promise<void>;
  /** A presentation of `types` was refused (only refusals that say the credentials no longer hold count). */
  refused(did: string, refusal: CredentialRefused, types: readonly string[]): Promise<void>;
  /** Among `dids`, the credential types that no longer stand, each with its refusal, per counterparty. */
  recheck(dids: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, CredentialRefused>>>;
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
  interface Standing {
    credentials: readonly VerifiedCredential[];
    readonly refused: Map<string, CredentialRefused>;
  }
  const byDid = new Map<string, Standing>();
  /** The DID's standing, most recently used last (the oldest goes first when full). */
  const standingOf = (did: string): Standing => {
    const s = byDid.get(did) ?? { credentials: [], refused: new Map() };
    byDid.delete(did);
    if (byDid.size >= limit) byDid.delete(byDid.keys().next().value as string);
    byDid.set(did, s);
    return s;
  };
  const log = ctx.logger.child({ component: 'credential-standing' });
  // A failed write costs only the standing's survival of a restart: logged, never a refusal.
  const save = (did: string, s: Standing) =>
    saveStanding(ctx.db, did, s, ctx.now()).catch((err) =>
      log.error({ err, counterparty: did }, 'credential standing not stored'),
    );

  const made: Standings = {
    async remember(did, credentials) {
      const s = standingOf(did);
      s.credentials = credentials;
      // a type presented and verified again stands again
      for (const c of credentials) for (const t of c.types) s.refused.delete(t);
      await save(did, s);
    },
    async refused(did, refusal, types) {
      if (!ending.has(refusal.reason)) return;
      const s = standingOf(did);
      for (const t of types) s.refused.set(t, refusal);
      await save(did, s);
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
      const wanted = [...new Set(dids)];
      // after a restart, what the store kept (written through on every change) stands in for memory
      const unloaded = wanted.filter((did) => !byDid.has(did));
      for (const [did, stored] of await loadStandings(ctx.db, unloaded)) {
        const s = standingOf(did);
        s.credentials = stored.credentials;
        for (const [t, r] of stored.refused) s.refused.set(t, r);
      }
      const known = wanted.flatMap((did) => {
        const s = byDid.get(did);
        return s ? [[did, s] as const] : [];
      });
      // Each list once per re-check, fetched anew: the copy a verdict rests on is never older than this pass.
      const urls = new Set(
        known.flatMap(([, s]) => s.credentials.flatMap((c) => (c.status ? [c.status.listUrl] : []))),
      );
      await Promise.all([...urls].map((u) => lists.refresh(u).catch(() => undefined)));
      const lost = new Map<string, ReadonlyMap<string, CredentialRefused>>();
      for (const [did, s] of known) {
        for (const c of s.credentials) {
          try {
            await checkStanding(c, deps);
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
            for (const t of c.types) s.refused.set(t, refusal);
            presentedClaimsOf(ctx).forget(did, c.types);
          }
        }
        const kept = s.credentials.filter((c) => !c.types.some((t) => s.refused.has(t)));
        if (kept.length !== s.credentials.length) {
          s.credentials = kept;
          await save(did, s);
        }
        if (s.refused.size) lost.set(did, new Map(s.refused));
      }
      return lost;
    },
  };
  byContext.set(ctx, made);
  return made;
}
