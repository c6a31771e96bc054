/** Where a policy is evaluated; each left operand says in which of these its value is knowable. */
export type Scope = 'catalog' | 'negotiation' | 'transfer' | 'access' | 'monitor';

export const scopes: readonly Scope[] = ['catalog', 'negotiation', 'transfer', 'access', 'monitor'];

/**
 * Everything a decision may look at, as plain data the caller assembles at the edge (claims already
 * verified, time already read). The engine never reads a clock or a database.
 */
export interface PolicyContext {
  readonly scope: Scope;
  readonly now: Date;
  /** The counterparty the decision is about (its participant id, often a DID). */
  readonly participantId: string;
  readonly did?: string;
  /** Verified claims (membership, role, frameworkAgreement, country, …); a claim may hold one value or a list. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The purpose the counterparty declared (at negotiation, then recorded and re-declared at transfer). */
  readonly purpose?: string;
  readonly agreement?: { readonly id: string; readonly signedAt: string };
  /** Uses counted including the one being decided (the monitor: uses so far); bytes served so far. */
  readonly usage?: { readonly count: number; readonly bytes: number };
  /** The action requested; `use` when absent. */
  readonly action?: string;
}
