import { randomUUID } from 'node:crypto';
import {
  type CredentialMessage,
  credentialMessage,
  issueCredential,
  issueStatusListCredential,
} from '../../dataspace/credentials/index.js';
import { corporateNumberOf, InvalidCorporateNumber } from '../../dataspace/directory/index.js';
import { InvalidInput, MusubiError, NotFound } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, selfIssuedToken } from '../counterparty.js';
import { deleteEntriesOfCredential, entryFromCredential } from '../directory/index.js';
import { signerOf } from '../signing.js';
import { participantBaseUrl } from './services.js';
import {
  allocateStatusIndex,
  findStatusList,
  type IssuedCredential,
  insertIssuedCredential,
  revokeIssuedCredential,
} from './store.js';

/**
 * The authority role, for any participant of a node: issue credentials (VC 2.0 JOSE) with an entry in its
 * revocation status list, deliver them to the holder's CredentialService as a DCP CredentialMessage, publish
 * the list, and revoke. Which authorities a verifier trusts is its own `trustedIssuers` configuration.
 */

export interface IssueRequest {
  readonly holder: string;
  readonly type: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly validFrom?: Date;
  readonly validUntil?: Date;
}

/** The revocation list every credential of one type shares: `…/dcp/status/<type>`. */
const listIdOf = (type: string) => type.replace(/Credential$/, '').toLowerCase() || 'default';

export function statusListUrl(ctx: NodeContext, participantId: string, listId: string): string {
  return `${participantBaseUrl(ctx, participantId)}/dcp/status/${listId}`;
}

export class DeliveryFailed extends MusubiError {
  constructor(holder: string, why: string) {
    super(
      'authority.delivery-failed',
      'unavailable',
      `the credential could not be delivered to ${holder}: ${why}`,
      {
        holder,
      },
    );
  }
}

const defaultValidity = 365 * 86_400_000;

/** Issues, records (with its status index) and delivers one credential; audited. */
export async function issueAndDeliver(
  ctx: NodeContext,
  participantId: string,
  r: IssueRequest,
  actor: string,
  holderPid?: string,
): Promise<IssuedCredential & { jwt: string }> {
  if (!/^did:web:\S+$/.test(r.holder))
    throw new InvalidInput('authority.invalid-holder', 'holder must be a did:web');
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,99}$/.test(r.type))
    throw new InvalidInput(
      'authority.invalid-type',
      `credential type ${JSON.stringify(r.type)} is not a name`,
    );
  const claims = withCorporateNumber(r.claims);
  const at = ctx.now();
  const validFrom = r.validFrom ?? at;
  const validUntil = r.validUntil ?? new Date(validFrom.getTime() + defaultValidity);
  const signer = await signerOf(ctx, participantId);
  const id = `urn:uuid:${randomUUID()}`;
  const listId = listIdOf(r.type);
  const record = await ctx.db.transaction().execute(async (trx) => {
    const index = await allocateStatusIndex(trx, participantId, listId, at);
    const row: IssuedCredential = {
      participant_id: participantId,
      id,
      holder: r.holder,
      type: r.type,
      claims: JSON.stringify(claims),
      status_list: listId,
      status_index: index,
      issued_at: at.toISOString(),
      valid_until: validUntil.toISOString(),
      revoked_at: null,
    };
    await insertIssuedCredential(trx, row);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'credential.issue',
        resourceType: 'credential',
        resourceId: id,
        via: 'management',
        outcome: 'success',
        details: { holder: r.holder, type: r.type, statusList: listId, statusIndex: index },
      },
      at,
    );
    return row;
  });
  const jwt = await issueCredential(signer, {
    id,
    type: r.type,
    subject: r.holder,
    claims,
    validFrom,
    validUntil,
    status: {
      listUrl: statusListUrl(ctx, participantId, listId),
      index: record.status_index,
      purpose: 'revocation',
    },
  });
  try {
    const message = credentialMessage({
      issuerPid: `urn:uuid:${randomUUID()}`,
      holderPid: holderPid ?? `urn:uuid:${randomUUID()}`,
      status: 'ISSUED',
      credentials: [{ credentialType: r.type, payload: jwt, format: 'jwt' }],
    });
    await deliver(ctx, participantId, r.holder, message);
  } catch (e) {
    // A credential that never reached its holder must not stay valid somewhere unseen: it is revoked.
    await revokeCredential(ctx, participantId, id, actor, 'not delivered');
    throw e;
  }
  await entryFromCredential(ctx, participantId, { id, holder: r.holder, type: r.type, claims }, actor).catch(
    (e: Error) => ctx.logger.warn({ err: e.message, credential: id }, 'directory: entry not written'),
  );
  return { ...record, jwt };
}

/** A `corporateNumber` claim must be a 法人番号; it is kept in its 13-digit form (全角 and hyphens folded). */
function withCorporateNumber(claims: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const n = claims.corporateNumber;
  if (n === undefined) return claims;
  if (typeof n !== 'string') throw new InvalidCorporateNumber(JSON.stringify(n));
  return { ...claims, corporateNumber: corporateNumberOf(n) };
}

/** DCP Storage API: POST a CredentialMessage to the holder's CredentialService `…/credentials`. */
export async function deliver(
  ctx: NodeContext,
  participantId: string,
  holder: string,
  message: CredentialMessage,
): Promise<void> {
  let endpoint: string | undefined;
  try {
    const doc = await didResolverOf(ctx)(holder, true);
    endpoint = doc.service?.find((s) => s.type === 'CredentialService')?.serviceEndpoint;
  } catch (e) {
    throw new DeliveryFailed(holder, `its DID did not resolve (${(e as Error).message})`);
  }
  if (!endpoint) throw new DeliveryFailed(holder, 'its DID document lists no CredentialService');
  const token = await selfIssuedToken(ctx, participantId, holder);
  const res = await ctx.outbound
    .request(`${endpoint.replace(/\/$/, '')}/credentials`, {
      method: 'POST',
      json: message,
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(ctx.config.credentialServiceTimeoutMs),
    })
    .catch((e: Error) => {
      throw new DeliveryFailed(holder, e.message);
    });
  if (res.status !== 200) throw new DeliveryFailed(holder, `its credential service answered ${res.status}`);
}

/** Revokes an issued credential: its status bit is set; verifiers see it once their cached list expires. */
export async function revokeCredential(
  ctx: NodeContext,
  participantId: string,
  credentialId: string,
  actor: string,
  reason: string | undefined,
): Promise<IssuedCredential> {
  const at = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const c = await revokeIssuedCredential(trx, participantId, credentialId, at);
    const unlisted = await deleteEntriesOfCredential(trx, participantId, credentialId);
    await appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'credential.revoke',
        resourceType: 'credential',
        resourceId: credentialId,
        ...(reason ? { reason } : {}),
        via: 'management',
        outcome: 'success',
        details: {
          holder: c.holder,
          type: c.type,
          statusList: c.status_list,
          statusIndex: c.status_index,
          ...(unlisted.length ? { directoryRemoved: unlisted } : {}),
        },
      },
      at,
    );
    return c;
  });
}

/** The published status list as a signed BitstringStatusListCredential. */
export async function statusListCredential(
  ctx: NodeContext,
  participantId: string,
  listId: string,
): Promise<string> {
  const list = await findStatusList(ctx.db, participantId, listId);
  if (!list) throw new NotFound('status-list', listId);
  return issueStatusListCredential(await signerOf(ctx, participantId), {
    url: statusListUrl(ctx, participantId, listId),
    purpose: list.purpose === 'suspension' ? 'suspension' : 'revocation',
    encodedList: list.encoded,
    validFrom: new Date(list.updated_at),
  });
}
