import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import { isValidCorporateNumber } from '../dataspace/directory/index.js';
import {
  type GeneratedKey,
  generateParticipantKey,
  type KeyHistoryEntry,
  participantKeyAlgorithms,
  sealPrivateJwk,
  unsealPrivateJwk,
} from '../dataspace/identity/index.js';
import { NotFound } from '../errors/index.js';

export { isValidCorporateNumber } from '../dataspace/directory/index.js';

import {
  type ApiKeyRecord,
  appendAudit,
  findApiKeyByHash,
  findParticipant,
  insertApiKey,
  insertParticipant,
  insertParticipantKey,
  listParticipantKeys,
  type Participant,
  type ParticipantKey,
  rotateParticipantKeys,
  type Tables,
} from '../store/index.js';
import { InvalidCorporateNumber, InvalidParticipantId, ParticipantExists } from './errors.js';

export interface ParticipantDeps {
  readonly db: Kysely<Tables>;
  readonly nodeSecret: string;
  readonly keyStorage: 'database' | 'files';
  readonly storeDir: string;
  readonly now: () => Date;
}

export interface NewParticipant {
  readonly id: string;
  readonly name: string;
  readonly corporateNumber?: string;
}

/** An API key as handed to its owner, exactly once. Only its hash is stored. */
export interface IssuedApiKey {
  readonly id: string;
  readonly key: string;
}

const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function assertParticipantId(id: string): void {
  if (!idPattern.test(id)) throw new InvalidParticipantId(id);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newApiKey(
  participantId: string,
  at: Date,
  label: string,
): { issued: IssuedApiKey; record: ApiKeyRecord } {
  const id = `ak_${randomBytes(8).toString('hex')}`;
  const key = `msk_${participantId}_${randomBytes(24).toString('base64url')}`;
  return {
    issued: { id, key },
    record: {
      id,
      participant_id: participantId,
      hash: hashApiKey(key),
      label,
      created_at: at.toISOString(),
      revoked_at: null,
    },
  };
}

/** Creates the participant, its key pairs and a first API key in one transaction, audited. */
export async function createParticipant(
  deps: ParticipantDeps,
  input: NewParticipant,
  actor: string,
): Promise<{ participant: Participant; apiKey: IssuedApiKey }> {
  assertParticipantId(input.id);
  if (input.corporateNumber !== undefined && !isValidCorporateNumber(input.corporateNumber)) {
    throw new InvalidCorporateNumber(input.corporateNumber);
  }
  if (await findParticipant(deps.db, input.id)) throw new ParticipantExists(input.id);
  const at = deps.now();
  const keys = await Promise.all(participantKeyAlgorithms.map((alg) => generateParticipantKey(alg)));
  const participant: Participant = {
    id: input.id,
    name: input.name,
    corporate_number: input.corporateNumber ?? null,
    created_at: at.toISOString(),
  };
  const { issued, record } = newApiKey(input.id, at, 'initial');
  await deps.db.transaction().execute(async (trx) => {
    await insertParticipant(trx, participant).catch(async (e) => {
      if (await findParticipant(deps.db, input.id)) throw new ParticipantExists(input.id);
      throw e;
    });
    for (const k of keys) await insertParticipantKey(trx, keyRecord(deps, input.id, k, at));
    await insertApiKey(trx, record);
    await appendAudit(
      trx,
      {
        participantId: input.id,
        actor,
        action: 'participant.create',
        resourceType: 'participant',
        resourceId: input.id,
        via: actor === 'system' ? 'node-start' : 'cli',
        outcome: 'success',
        details: { keys: keys.map((k) => k.kid), apiKeyId: issued.id },
      },
      at,
    );
  });
  return { participant, apiKey: issued };
}

/** The stored form of a generated key: private half sealed under the node secret, or in a 0600 file. */
function keyRecord(deps: ParticipantDeps, participantId: string, k: GeneratedKey, at: Date): ParticipantKey {
  return {
    participant_id: participantId,
    kid: k.kid,
    alg: k.alg,
    public_jwk: JSON.stringify(k.publicJwk),
    private_sealed: deps.keyStorage === 'database' ? sealPrivateJwk(k.privateJwk, deps.nodeSecret) : null,
    private_file:
      deps.keyStorage === 'files'
        ? writePrivateKeyFile(deps.storeDir, participantId, k.kid, k.privateJwk)
        : null,
    created_at: at.toISOString(),
  };
}

export interface RotatedKeys {
  readonly kids: readonly string[];
  /** When the new keys start signing; until then the old ones do. */
  readonly activeFrom: string;
}

/**
 * Rotation without downtime: new key pairs (one per algorithm) are published in the DID document now and sign from
 * `activeFrom`, so peers that cached the document learn them before they see them; the replaced keys sign until
 * then and stay published for the grace period. Audited in the same transaction.
 */
export async function rotateParticipantKey(
  deps: ParticipantDeps,
  participantId: string,
  activateInMs: number,
  actor: string,
  via: string,
): Promise<RotatedKeys> {
  if (!(await findParticipant(deps.db, participantId))) throw new NotFound('participant', participantId);
  const at = deps.now();
  // Strictly after every key's activation, so the new keys win even when rotated twice within a millisecond.
  const latest = Math.max(
    0,
    ...(await listParticipantKeys(deps.db, participantId)).map((k) =>
      Date.parse(k.active_from ?? k.created_at),
    ),
  );
  const activeFrom = new Date(Math.max(at.getTime() + activateInMs, latest + 1)).toISOString();
  const keys = await Promise.all(participantKeyAlgorithms.map((alg) => generateParticipantKey(alg)));
  const records = keys.map((k) => keyRecord(deps, participantId, k, at));
  await deps.db.transaction().execute(async (trx) => {
    await rotateParticipantKeys(trx, participantId, records, activeFrom);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'participant.rotate-key',
        resourceType: 'participant',
        resourceId: participantId,
        via,
        outcome: 'success',
        details: { keys: keys.map((k) => k.kid), activeFrom },
      },
      at,
    );
  });
  return { kids: keys.map((k) => k.kid), activeFrom };
}

/** A stored key as the key-history functions see it, with its public JWK. */
export function historyEntry(k: ParticipantKey): KeyHistoryEntry & { readonly publicJwk: JWK } {
  return {
    kid: k.kid,
    alg: k.alg,
    createdAt: k.created_at,
    activeFrom: k.active_from ?? null,
    retiredAt: k.retired_at ?? null,
    publicJwk: JSON.parse(k.public_jwk) as JWK,
  };
}

function writePrivateKeyFile(storeDir: string, participantId: string, kid: string, jwk: JWK): string {
  const dir = join(storeDir, 'keys', participantId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${kid}.jwk.json`);
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600); // the umask may have narrowed less than we asked
  return file;
}

/** Issues another API key for an existing participant, audited in the same transaction. */
export async function issueApiKey(
  deps: Pick<ParticipantDeps, 'db' | 'now'>,
  participantId: string,
  label: string,
  actor: string,
  via: string,
): Promise<IssuedApiKey> {
  if (!(await findParticipant(deps.db, participantId))) throw new NotFound('participant', participantId);
  const at = deps.now();
  const { issued, record } = newApiKey(participantId, at, label);
  await deps.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, record);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'api-key.create',
        resourceType: 'api-key',
        resourceId: issued.id,
        via,
        outcome: 'success',
      },
      at,
    );
  });
  return issued;
}

/** The live key record a presented key belongs to, if any. */
export async function authenticateApiKey(
  db: Kysely<Tables>,
  presented: string,
): Promise<ApiKeyRecord | undefined> {
  if (!presented.startsWith('msk_') || presented.length > 200) return undefined;
  return findApiKeyByHash(db, hashApiKey(presented));
}

/** A participant's public keys, for its DID document. */
export async function publicKeysOf(db: Kysely<Tables>, participantId: string): Promise<JWK[]> {
  return (await listParticipantKeys(db, participantId)).map((k) => JSON.parse(k.public_jwk) as JWK);
}

/** A participant's private key, unsealed or read from its 0600 file. */
export async function privateKeyOf(deps: ParticipantDeps, participantId: string, kid: string): Promise<JWK> {
  const key = (await listParticipantKeys(deps.db, participantId)).find((k) => k.kid === kid);
  if (!key) throw new NotFound('key', kid);
  if (key.private_sealed) return unsealPrivateJwk(key.private_sealed, deps.nodeSecret);
  return JSON.parse(readFileSync(key.private_file ?? '', 'utf8')) as JWK;
}
