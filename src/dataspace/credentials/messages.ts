/**
 * DCP v1.0 messages (Presentation and Issuance flows), as plain JSON builders and readers. Every message emitted
 * or accepted is validated against the official schemas in tests.
 */
export const dcpContext = 'https://w3id.org/dspace-dcp/v1.0/dcp.jsonld';

export interface PresentationQueryMessage {
  readonly '@context': readonly string[];
  readonly type: 'PresentationQueryMessage';
  readonly scope: readonly string[];
}

export interface PresentationResponseMessage {
  readonly '@context': readonly string[];
  readonly type: 'PresentationResponseMessage';
  readonly presentation: readonly string[];
}

export function presentationQuery(scope: readonly string[]): PresentationQueryMessage {
  return { '@context': [dcpContext], type: 'PresentationQueryMessage', scope: [...scope] };
}

export function presentationResponse(presentations: readonly string[]): PresentationResponseMessage {
  return { '@context': [dcpContext], type: 'PresentationResponseMessage', presentation: [...presentations] };
}

/** The scopes of a query, or undefined when the body is no PresentationQueryMessage with scopes. */
export function queryScopes(body: unknown): string[] | undefined {
  const b = body as Partial<PresentationQueryMessage> | null;
  if (!b || typeof b !== 'object' || b.type !== 'PresentationQueryMessage') return undefined;
  if (!Array.isArray(b['@context']) || !b['@context'].includes(dcpContext)) return undefined;
  if (!Array.isArray(b.scope) || b.scope.length === 0) return undefined;
  return b.scope.every((s) => typeof s === 'string') ? [...b.scope] : undefined;
}

/** The presentations of a response, or undefined when the body is no PresentationResponseMessage. */
export function responsePresentations(body: unknown): string[] | undefined {
  const b = body as Partial<PresentationResponseMessage> | null;
  if (!b || typeof b !== 'object' || b.type !== 'PresentationResponseMessage') return undefined;
  if (!Array.isArray(b.presentation)) return undefined;
  return b.presentation.every((p) => typeof p === 'string') ? [...b.presentation] : undefined;
}

export interface CredentialMessage {
  readonly '@context': readonly string[];
  readonly type: 'CredentialMessage';
  readonly issuerPid: string;
  readonly holderPid: string;
  readonly status: 'ISSUED' | 'REJECTED';
  readonly credentials: readonly { credentialType: string; payload: string; format: 'jwt' }[];
  readonly rejectionReason?: string;
}

/** Issuance: credentials delivered by the issuer to the holder's storage endpoint (`…/credentials`). */
export function credentialMessage(m: Omit<CredentialMessage, '@context' | 'type'>): CredentialMessage {
  return { '@context': [dcpContext], type: 'CredentialMessage', ...m };
}

export interface CredentialRequestMessage {
  readonly '@context': readonly string[];
  readonly type: 'CredentialRequestMessage';
  readonly holderPid: string;
  readonly credentials: readonly { id: string }[];
}

/** Issuance: the holder asks the issuer for credentials by their credential-object ids. */
export function credentialRequest(holderPid: string, ids: readonly string[]): CredentialRequestMessage {
  return {
    '@context': [dcpContext],
    type: 'CredentialRequestMessage',
    holderPid,
    credentials: ids.map((id) => ({ id })),
  };
}

/** The credential-object id an issuer offers a type under (a URI, as the schema asks). */
export const credentialObjectId = (type: string) => `urn:musubi:credential-object:${type}`;

export function typeOfCredentialObject(id: string): string | undefined {
  const type = id.startsWith('urn:musubi:credential-object:') ? id.slice(29) : undefined;
  return type && /^[A-Za-z][A-Za-z0-9._-]{0,99}$/.test(type) ? type : undefined;
}

/** Issuance: what an issuer issues (`…/issuer/metadata`). */
export function issuerMetadata(issuer: string, types: readonly string[]) {
  return {
    '@context': [dcpContext],
    type: 'IssuerMetadata' as const,
    issuer,
    credentialsSupported: types.map((t) => ({
      id: credentialObjectId(t),
      type: 'CredentialObject' as const,
      credentialType: t,
      offerReason: 'reissue',
      credentialSchema: 'https://www.w3.org/ns/credentials/v2',
      bindingMethods: ['did:web'],
      profile: 'vc20-bssl/jwt',
    })),
  };
}

/** Issuance: where a credential request stands (`…/issuer/requests/<issuerPid>`). */
export function credentialStatus(
  issuerPid: string,
  holderPid: string,
  status: 'RECEIVED' | 'ISSUED' | 'REJECTED',
) {
  return { '@context': [dcpContext], type: 'CredentialStatus' as const, issuerPid, holderPid, status };
}

/** The holderPid and requested credential-object ids of a CredentialRequestMessage, or undefined. */
export function requestedCredentials(body: unknown): { holderPid: string; ids: string[] } | undefined {
  const b = body as Partial<CredentialRequestMessage> | null;
  if (!b || typeof b !== 'object' || b.type !== 'CredentialRequestMessage') return undefined;
  if (!Array.isArray(b['@context']) || !b['@context'].includes(dcpContext)) return undefined;
  if (typeof b.holderPid !== 'string' || !Array.isArray(b.credentials) || b.credentials.length === 0)
    return undefined;
  const ids = b.credentials.map((c) => (c && typeof c.id === 'string' ? c.id : undefined));
  return ids.every((i): i is string => i !== undefined) ? { holderPid: b.holderPid, ids } : undefined;
}
