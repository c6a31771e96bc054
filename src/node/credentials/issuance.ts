import { randomUUID } from 'node:crypto';
import {
  credentialMessage,
  credentialObjectId,
  credentialRequest,
  requestedCredentials,
  typeOfCredentialObject,
} from '../../dataspace/credentials/index.js';
import { InvalidInput, MusubiError } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, selfIssuedToken } from '../counterparty.js';
import { deliver, issueAndDeliver } from './authority.js';
import {
  findCredentialRequest,
  insertCredentialRequest,
  latestIssuedTo,
  settleCredentialRequest,
} from './store.js';

/**
 * DCP's issuance flow, both ends. The holder sends a CredentialRequestMessage to the issuer's IssuerService
 * (`…/dcp/issuer/credentials`); the issuer answers 201 with the request's status URL and later delivers a
 * CredentialMessage — ISSUED or REJECTED — to the holder's CredentialService. What this issuer grants on request:
 * a renewal of a type it issued the holder before and has not revoked (same claims, fresh validity). First
 * issuance stays the authority operator's act (`musubi authority …`).
 */

const renewalValidityMs = 365 * 86_400_000;

/** Issuer side: records the request and answers at once; the outcome is delivered to the holder afterwards. */
export async function receiveCredentialRequest(
  ctx: NodeContext,
  participantId: string,
  holder: string,
  body: unknown,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Promise<{ issuerPid: string; holderPid: string }> {
  const asked = requestedCredentials(body);
  if (!asked) throw new InvalidInput('dcp.invalid-credential-request', 'expected a CredentialRequestMessage');
  const types = asked.ids.map((id) => typeOfCredentialObject(id));
  if (types.some((t) => t === undefined))
    throw new InvalidInput(
      'dcp.unknown-credential-object',
      'a requested credential is not one this issuer offers',
    );
  const at = ctx.now();
  const issuerPid = `urn:uuid:${randomUUID()}`;
  await insertCredentialRequest(ctx.db, {
    participant_id: participantId,
    id: issuerPid,
    holder,
    holder_pid: asked.holderPid,
    types: JSON.stringify(types),
    status: 'RECEIVED',
    reason: null,
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
  });
  // After the answer: the holder learns the outcome from the CredentialMessage (or the status URL).
  setImmediate(() => {
    settle(ctx, participantId, holder, issuerPid, asked.holderPid, types as string[]).then(
      (status) => log.info({ issuerPid, holder, status }, 'credential request settled'),
      (err: unknown) => log.warn({ err, issuerPid, holder }, 'credential request could not be settled'),
    );
  });
  return { issuerPid, holderPid: asked.holderPid };
}

async function settle(
  ctx: NodeContext,
  participantId: string,
  holder: string,
  issuerPid: string,
  holderPid: string,
  types: readonly string[],
): Promise<'ISSUED' | 'REJECTED'> {
  const previous = await Promise.all(types.map((t) => latestIssuedTo(ctx.db, participantId, holder, t)));
  const missing = types.filter((_, i) => !previous[i]);
  if (missing.length > 0) {
    const reason = `no unrevoked ${missing.join(', ')} was issued to ${holder} by this issuer`;
    await deliver(
      ctx,
      participantId,
      holder,
      credentialMessage({
        issuerPid,
        holderPid,
        status: 'REJECTED',
        credentials: [],
        rejectionReason: reason,
      }),
    );
    await settleCredentialRequest(ctx.db, participantId, issuerPid, 'REJECTED', reason, ctx.now());
    return 'REJECTED';
  }
  for (const p of previous) {
    if (!p) continue;
    await issueAndDeliver(
      ctx,
      participantId,
      {
        holder,
        type: p.type,
        claims: JSON.parse(p.claims) as Record<string, unknown>,
        validUntil: new Date(ctx.now().getTime() + renewalValidityMs),
      },
      holder,
      holderPid,
    );
  }
  await settleCredentialRequest(ctx.db, participantId, issuerPid, 'ISSUED', null, ctx.now());
  return 'ISSUED';
}

export async function credentialRequestStatus(
  ctx: NodeContext,
  participantId: string,
  id: string,
  caller: string,
) {
  const r = await findCredentialRequest(ctx.db, participantId, id);
  // another holder's request is as unknown as a request that does not exist
  if (!r || r.holder !== caller) return undefined;
  return r;
}

export class IssuerUnreachable extends MusubiError {
  constructor(issuer: string, why: string) {
    super('credentials.issuer-unreachable', 'unavailable', `issuer ${issuer}: ${why}`, { issuer });
  }
}

/** Holder side: asks `issuer` for credentials of `types`; they arrive at this participant's storage endpoint. */
export async function requestCredentials(
  ctx: NodeContext,
  participantId: string,
  issuer: string,
  types: readonly string[],
  actor: string,
): Promise<{ holderPid: string; status: string; statusUrl?: string }> {
  let endpoint: string | undefined;
  try {
    const doc = await didResolverOf(ctx)(issuer, true);
    endpoint = doc.service?.find((s) => s.type === 'IssuerService')?.serviceEndpoint;
  } catch (e) {
    throw new IssuerUnreachable(issuer, `its DID did not resolve (${(e as Error).message})`);
  }
  if (!endpoint) throw new IssuerUnreachable(issuer, 'its DID document lists no IssuerService');
  const holderPid = `urn:uuid:${randomUUID()}`;
  const token = await selfIssuedToken(ctx, participantId, issuer);
  const message = credentialRequest(holderPid, types.map(credentialObjectId));
  const res = await ctx.outbound
    .request(`${endpoint.replace(/\/$/, '')}/credentials`, {
      method: 'POST',
      json: message,
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(ctx.config.credentialServiceTimeoutMs),
    })
    .catch((e: Error) => {
      throw new IssuerUnreachable(issuer, e.message);
    });
  if (res.status !== 201) throw new IssuerUnreachable(issuer, `it answered ${res.status}`);
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        participantId,
        actor,
        action: 'credential.request',
        resourceType: 'credential-request',
        resourceId: holderPid,
        via: 'management',
        outcome: 'success',
        details: {
          issuer,
          types: [...types],
          ...(res.headers.location ? { statusUrl: res.headers.location } : {}),
        },
      },
      ctx.now(),
    ),
  );
  const statusUrl = res.headers.location;
  return { holderPid, status: 'RECEIVED', ...(statusUrl ? { statusUrl } : {}) };
}
