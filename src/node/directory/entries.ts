import { corporateNumberOf, type DirectoryEntry, endpointsOf } from '../../dataspace/directory/index.js';
import { didWebDocumentUrl } from '../../dataspace/identity/index.js';
import { InvalidInput, NotFound } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf } from '../counterparty.js';
import {
  type DirectoryRow,
  deleteDirectoryEntry,
  entryOf,
  findDirectoryEntry,
  upsertDirectoryEntry,
} from './store.js';

/**
 * The participant directory of an authority: corporate number (法人番号) → DID and endpoints. The operator writes
 * entries; a membership credential carrying a `corporateNumber` claim writes one too (`directoryFromCredentials`).
 * Every change is audited with the state it changes.
 */

export interface EntryInput {
  readonly corporateNumber: string;
  readonly did: string;
  readonly name?: string;
  readonly dspEndpoint?: string;
  readonly credentialService?: string;
}

function httpUrl(name: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InvalidInput('directory.invalid-endpoint', `${name} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new InvalidInput('directory.invalid-endpoint', `${name} must be an https URL`);
  return u.href;
}

/**
 * Endpoints the operator left out, read from the DID document (DataService, CredentialService). Best effort: a
 * company whose node is not up yet is still listed by its DID, and lookups resolve the rest.
 */
async function missingEndpoints(ctx: NodeContext, input: EntryInput) {
  if (input.dspEndpoint && input.credentialService) return {};
  try {
    return endpointsOf(await didResolverOf(ctx)(input.did, true));
  } catch (e) {
    ctx.logger.warn({ did: input.did, err: (e as Error).message }, 'directory: DID document did not resolve');
    return {};
  }
}

export async function putDirectoryEntry(
  ctx: NodeContext,
  participantId: string,
  input: EntryInput,
  actor: string,
  fromCredential?: string,
): Promise<DirectoryEntry> {
  const corporateNumber = corporateNumberOf(input.corporateNumber);
  didWebDocumentUrl(input.did); // a DID that is not a usable did:web is refused here, not at lookup time
  const given = {
    ...(input.dspEndpoint ? { dspEndpoint: httpUrl('dspEndpoint', input.dspEndpoint) } : {}),
    ...(input.credentialService
      ? { credentialService: httpUrl('credentialService', input.credentialService) }
      : {}),
  };
  const endpoints = { ...(await missingEndpoints(ctx, input)), ...given };
  const at = ctx.now();
  const row: DirectoryRow = {
    participant_id: participantId,
    corporate_number: corporateNumber,
    did: input.did,
    name: input.name?.normalize('NFKC').trim() || null,
    dsp_endpoint: endpoints.dspEndpoint ?? null,
    credential_service: endpoints.credentialService ?? null,
    source: fromCredential ? 'credential' : 'operator',
    credential_id: fromCredential ?? null,
    updated_at: at.toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await upsertDirectoryEntry(trx, row);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'directory.put',
        resourceType: 'directory-entry',
        resourceId: corporateNumber,
        via: 'management',
        outcome: 'success',
        details: {
          did: input.did,
          source: row.source,
          ...(fromCredential ? { credential: fromCredential } : {}),
        },
      },
      at,
    );
  });
  return entryOf(row);
}

export async function removeDirectoryEntry(
  ctx: NodeContext,
  participantId: string,
  input: string,
  actor: string,
): Promise<void> {
  const corporateNumber = corporateNumberOf(input);
  const at = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteDirectoryEntry(trx, participantId, corporateNumber)))
      throw new NotFound('directory-entry', corporateNumber);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'directory.remove',
        resourceType: 'directory-entry',
        resourceId: corporateNumber,
        via: 'management',
        outcome: 'success',
      },
      at,
    );
  });
}

export async function directoryEntry(
  ctx: NodeContext,
  participantId: string,
  input: string,
): Promise<DirectoryEntry> {
  const corporateNumber = corporateNumberOf(input);
  const row = await findDirectoryEntry(ctx.db, participantId, corporateNumber);
  if (!row) throw new NotFound('directory-entry', corporateNumber);
  return entryOf(row);
}

/**
 * After a membership credential was issued and delivered: its `corporateNumber` claim lists the holder in the
 * directory (when `directoryFromCredentials` is on). A claim that is not a 法人番号 was refused before issuing.
 */
export async function entryFromCredential(
  ctx: NodeContext,
  participantId: string,
  c: { id: string; holder: string; type: string; claims: Readonly<Record<string, unknown>> },
  actor: string,
): Promise<void> {
  const n = c.claims.corporateNumber;
  if (!ctx.config.directoryFromCredentials || c.type !== 'MembershipCredential' || typeof n !== 'string')
    return;
  const name = typeof c.claims.name === 'string' ? { name: c.claims.name } : {};
  await putDirectoryEntry(ctx, participantId, { corporateNumber: n, did: c.holder, ...name }, actor, c.id);
}
