import type { Kysely } from 'kysely';
import {
  type CredentialReason,
  CredentialRefused,
  type VerifiedCredential,
} from '../../dataspace/credentials/index.js';
import type { Tables } from '../../store/index.js';

/** Where a counterparty's credentials stand (migration 0020). */
interface CredentialStandingsTable {
  did: string;
  credentials: string;
  refused: string;
  updated_at: string;
}

export interface StoredStanding {
  readonly credentials: readonly VerifiedCredential[];
  readonly refused: ReadonlyMap<string, CredentialRefused>;
}

const withStandings = (db: Kysely<Tables>) =>
  db.withTables<{ credential_standings: CredentialStandingsTable }>();

type StoredCredential = Omit<VerifiedCredential, 'validFrom' | 'validUntil'> & {
  validFrom?: string;
  validUntil?: string;
};

const encode = (c: VerifiedCredential): StoredCredential => {
  const { validFrom, validUntil, ...rest } = c;
  return {
    ...rest,
    ...(validFrom ? { validFrom: validFrom.toISOString() } : {}),
    ...(validUntil ? { validUntil: validUntil.toISOString() } : {}),
  };
};

const decode = (c: StoredCredential): VerifiedCredential => ({
  ...c,
  validFrom: c.validFrom === undefined ? undefined : new Date(c.validFrom),
  validUntil: c.validUntil === undefined ? undefined : new Date(c.validUntil),
});

export async function saveStanding(
  db: Kysely<Tables>,
  did: string,
  s: StoredStanding,
  at: Date,
): Promise<void> {
  const row = {
    did,
    credentials: JSON.stringify(s.credentials.map(encode)),
    refused: JSON.stringify(
      Object.fromEntries([...s.refused].map(([t, r]) => [t, { reason: r.reason, message: r.message }])),
    ),
    updated_at: at.toISOString(),
  };
  const { did: _d, ...rest } = row;
  await withStandings(db)
    .insertInto('credential_standings')
    .values(row)
    .onConflict((oc) => oc.column('did').doUpdateSet(rest))
    .execute();
}

/** The stored standings of those of `dids` that have one. */
export async function loadStandings(
  db: Kysely<Tables>,
  dids: readonly string[],
): Promise<Map<string, StoredStanding>> {
  if (dids.length === 0) return new Map();
  const rows = await withStandings(db)
    .selectFrom('credential_standings')
    .selectAll()
    .where('did', 'in', dids)
    .execute();
  return new Map(
    rows.map((r) => {
      const refused = JSON.parse(r.refused) as Record<string, { reason: CredentialReason; message: string }>;
      return [
        r.did,
        {
          credentials: (JSON.parse(r.credentials) as StoredCredential[]).map(decode),
          refused: new Map(
            Object.entries(refused).map(([t, x]) => [t, new CredentialRefused(x.reason, x.message, [t])]),
          ),
        },
      ];
    }),
  );
}
