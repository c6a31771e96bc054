import { readFileSync } from 'node:fs';
import { InvalidInput } from '../../errors/index.js';

/**
 * Verified facts about a counterparty (membership, role, country, certifications …) as policy code reads
 * them. Sources differ — a static file now, DCP verifiable presentations later — but policy code only ever
 * sees this shape, so it can be written and tested before DCP exists.
 */
export interface VerifiedClaims {
  /** The counterparty these claims are about (a DID). */
  readonly subject: string;
  /** Who vouches for them (issuer DID, or `static-config`). */
  readonly issuer: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface ClaimsSource {
  /** Claims about the counterparty, or an empty claim set when nothing is known (never throws for unknown). */
  claimsFor(counterparty: string): Promise<VerifiedClaims>;
}

/** A source backed by a plain map, e.g. read from the `claimsFile` config key. */
export function staticClaimsSource(
  table: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): ClaimsSource {
  const frozen = structuredClone(table);
  return {
    claimsFor: async (counterparty) => ({
      subject: counterparty,
      issuer: 'static-config',
      claims: Object.freeze({ ...(Object.hasOwn(frozen, counterparty) ? frozen[counterparty] : {}) }),
    }),
  };
}

export class ClaimsFileInvalid extends InvalidInput {
  constructor(path: string, why: string) {
    super('claims.invalid-file', `claims file ${path}: ${why}`, { path });
  }
}

/** Reads `{ "<did>": { "membership": "active", "country": "JP" }, … }`. */
export function readClaimsFile(path: string): ClaimsSource {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ClaimsFileInvalid(path, (e as Error).message);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ClaimsFileInvalid(path, 'must be an object keyed by counterparty id');
  }
  for (const [k, v] of Object.entries(parsed)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new ClaimsFileInvalid(path, `claims of ${k} must be an object`);
  }
  return staticClaimsSource(parsed as Record<string, Record<string, unknown>>);
}
