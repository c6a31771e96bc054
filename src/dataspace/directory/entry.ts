import type { DidDocument } from '../identity/index.js';

/** What the participant directory says of one company: its DID and where to reach it. */
export interface DirectoryEntry {
  readonly corporateNumber: string;
  readonly did: string;
  readonly name?: string;
  /** DSP: the participant's version metadata (`…/.well-known/dspace-version`), as its DID document's DataService. */
  readonly dspEndpoint?: string;
  /** DCP: its CredentialService. */
  readonly credentialService?: string;
  readonly updatedAt: string;
}

/** The endpoints a DID document lists: its DataService and CredentialService. */
export function endpointsOf(doc: DidDocument): Pick<DirectoryEntry, 'dspEndpoint' | 'credentialService'> {
  const of = (type: string) => doc.service?.find((s) => s.type === type)?.serviceEndpoint;
  const dsp = of('DataService');
  const cs = of('CredentialService');
  return { ...(dsp ? { dspEndpoint: dsp } : {}), ...(cs ? { credentialService: cs } : {}) };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;

/** A directory answer read from the wire: only the members above, each a string; undefined when malformed. */
export function readDirectoryEntry(body: unknown): DirectoryEntry | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (!isString(b.corporateNumber) || !isString(b.did) || !b.did.startsWith('did:') || !isString(b.updatedAt))
    return undefined;
  const optional = (k: 'name' | 'dspEndpoint' | 'credentialService') => (isString(b[k]) ? { [k]: b[k] } : {});
  return {
    corporateNumber: b.corporateNumber,
    did: b.did,
    ...optional('name'),
    ...optional('dspEndpoint'),
    ...optional('credentialService'),
    updatedAt: b.updatedAt,
  };
}
