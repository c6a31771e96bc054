import type { DataAddress } from '../../protocol/index.js';
import { type Edr, edrProperty } from '../edr.js';

/** Pure steps between a received DataAddress and the EDR the consumer keeps. */

/** A provider that names no lifetime: the token is used until the provider refuses it. */
export const noExpiry = '9999-12-31T23:59:59.999Z';

const secretNames: readonly string[] = [edrProperty.authorization, edrProperty.refreshToken];

/** The EDR a TransferStartMessage's DataAddress carries; undefined without an endpoint or token. */
export function edrOf(a: DataAddress, receivedAt: Date): Edr | undefined {
  const prop = (name: string) => a.endpointProperties?.find((p) => p.name === name)?.value;
  const accessToken = prop(edrProperty.authorization);
  if (!a.endpoint || !accessToken) return undefined;
  const refreshToken = prop(edrProperty.refreshToken);
  const refreshEndpoint = prop(edrProperty.refreshEndpoint);
  return {
    endpoint: a.endpoint,
    accessToken,
    expiresAt: expiryOf(prop(edrProperty.expiresIn), receivedAt),
    ...(refreshToken ? { refreshToken } : {}),
    ...(refreshEndpoint ? { refreshEndpoint } : {}),
  };
}

/** `expiresIn` seconds (a string, as DSP carries it) from `at`; unknown or malformed: no expiry. */
export function expiryOf(expiresIn: string | number | undefined, at: Date): string {
  const seconds = typeof expiresIn === 'number' ? expiresIn : Number(expiresIn);
  if (expiresIn === undefined || expiresIn === '' || !Number.isFinite(seconds) || seconds < 0)
    return noExpiry;
  return new Date(at.getTime() + seconds * 1000).toISOString();
}

/** The address as the transfer record keeps it: the tokens live sealed in the EDR store only. */
export function withoutSecrets(a: DataAddress): DataAddress {
  if (!a.endpointProperties) return a;
  return { ...a, endpointProperties: a.endpointProperties.filter((p) => !secretNames.includes(p.name)) };
}

/** Whether the access token must be refreshed before use: it expires within `marginMs` of `now`. */
export function needsRefresh(expiresAt: string, now: Date, marginMs: number): boolean {
  return Date.parse(expiresAt) - now.getTime() <= marginMs;
}
