import { claimsFromCredentials, type VerifiedCredential } from '../../dataspace/credentials/index.js';
import type { VerifiedClaims } from '../../dataspace/identity/index.js';
import type { NodeContext } from '../context.js';
import type { ChangingClaims } from '../policy/usage-control.js';

/**
 * Claims of counterparties as their last verified presentations stated them, kept per credential type (each
 * request asks only for the types its policy reads) until the earliest expiry of that type's credentials. A
 * refusal forgets the types it asked for; every change of the claims wakes the usage-control monitor.
 */
export interface PresentedClaims extends ChangingClaims {
  /** What the presentation of `types` showed: each type's credentials replace what was kept for it. */
  record(
    did: string,
    types: readonly string[],
    credentials: readonly VerifiedCredential[],
    untilMs: number,
  ): void;
  /** The unexpired credentials kept for the DID, of every type. */
  credentialsOf(did: string): VerifiedCredential[];
  /** Forgets `types` for the DID (all of them when none are named). */
  forget(did: string, types?: readonly string[]): void;
}

const presentedByContext = new WeakMap<NodeContext, PresentedClaims>();
const claimsLimit = 10_000;

type Kept = Map<string, { credentials: readonly VerifiedCredential[]; until: number }>;

export function presentedClaimsOf(ctx: NodeContext): PresentedClaims {
  const known = presentedByContext.get(ctx);
  if (known) return known;
  const byDid = new Map<string, Kept>();
  const listeners: (() => void)[] = [];

  const credentialsNow = (did: string): VerifiedCredential[] => {
    const now = ctx.now().getTime();
    const seen = new Set<VerifiedCredential>();
    for (const e of byDid.get(did)?.values() ?? [])
      if (now < e.until) for (const c of e.credentials) seen.add(c);
    return [...seen];
  };
  const claimsNow = (did: string): VerifiedClaims => {
    const held = credentialsNow(did);
    return held.length ? claimsFromCredentials(did, held) : { subject: did, issuer: 'dcp', claims: {} };
  };
  /** Runs a change and tells the listeners when the claims it leaves differ. */
  const changing = (did: string, change: () => void) => {
    const before = JSON.stringify(claimsNow(did).claims);
    change();
    if (JSON.stringify(claimsNow(did).claims) !== before) for (const l of listeners) l();
  };

  const made: PresentedClaims = {
    claimsFor: async (did) => claimsNow(did),
    credentialsOf: credentialsNow,
    onChange: (l) => {
      listeners.push(l);
    },
    record(did, types, credentials, until) {
      changing(did, () => {
        const kept: Kept = byDid.get(did) ?? new Map();
        byDid.delete(did); // most recently used last, so the oldest goes first when full
        if (byDid.size >= claimsLimit) byDid.delete(byDid.keys().next().value as string);
        for (const t of types)
          kept.set(t, { credentials: credentials.filter((c) => c.types.includes(t)), until });
        byDid.set(did, kept);
      });
    },
    forget(did, types) {
      const kept = byDid.get(did);
      if (!kept) return;
      changing(did, () => {
        if (!types) byDid.delete(did);
        else for (const t of types) kept.delete(t);
      });
    },
  };
  presentedByContext.set(ctx, made);
  return made;
}
