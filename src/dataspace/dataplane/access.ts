import type { Kysely } from 'kysely';
import { participantStore, type Tables } from '../../store/index.js';
import { findTransfer } from '../transfer/index.js';
import type { AccessHook } from './edr.js';
import { DataPlaneError, tokenRefused } from './errors.js';
import type { SourceAddress } from './source.js';
import { type AccessGrant, checkAccessToken } from './tokens.js';

/** The default hook until the usage-control engine plugs in: every access a valid token reaches is permitted. */
export const permitAll: AccessHook = async () => ({ permitted: true });

export interface Authorized {
  readonly grant: AccessGrant;
  readonly address: SourceAddress;
  /** The asset's DCAT media type, used when the source names none. */
  readonly contentType: string;
}

/**
 * Everything that must hold before one byte is served: the bearer token is live and bound to this participant's
 * transfer, the transfer is a STARTED pull with the token's consumer, the access hook permits it now, and the
 * asset still has an address. Throws a DataPlaneError naming the first thing that does not hold.
 */
export async function authorize(
  deps: { readonly db: Kysely<Tables>; readonly access: AccessHook },
  bearer: string | undefined,
  target: { readonly participantId: string; readonly transferId: string },
  at: Date,
): Promise<Authorized> {
  if (!bearer) throw tokenRefused('token.missing', 'unauthenticated', 'a bearer token is required');
  const grant = await checkAccessToken(deps.db, bearer, at, target);
  const t = await findTransfer(deps.db, grant.participantId, grant.transferId);
  if (t?.role !== 'provider' || t.counterpartyId !== grant.consumerId || t.format !== 'HttpData-PULL')
    throw tokenRefused('token.foreign', 'forbidden', 'the token was issued for another transfer');
  if (t.state !== 'STARTED')
    throw tokenRefused('transfer.not-started', 'forbidden', `the transfer is ${t.state.toLowerCase()}`);
  const decision = await deps.access({
    participantId: grant.participantId,
    transferId: grant.transferId,
    agreementId: grant.agreementId,
    consumerId: grant.consumerId,
    assetId: grant.assetId,
    at,
  });
  if (!decision.permitted)
    throw new DataPlaneError(
      decision.reasonCode ?? 'policy.denied',
      'forbidden',
      decision.message ?? 'the usage policy does not permit this access now',
    );
  const asset = await participantStore(deps.db, grant.participantId).findAsset(grant.assetId);
  if (!asset) throw new DataPlaneError('asset.gone', 'not-found', 'the asset no longer exists');
  return {
    grant,
    address: asset.dataAddress as SourceAddress,
    contentType: asset.contentType,
  };
}

/** Whether a transfer still runs (the refresh endpoint's condition). */
export async function isStartedPull(
  db: Kysely<Tables>,
  b: { readonly participantId: string; readonly transferId: string; readonly consumerId: string },
): Promise<boolean> {
  const t = await findTransfer(db, b.participantId, b.transferId);
  return t?.state === 'STARTED' && t.role === 'provider' && t.counterpartyId === b.consumerId;
}
