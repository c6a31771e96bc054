import { type DidDocument, didWebDocumentUrl } from './did.js';

export interface DidResolverOptions {
  /** Fetches a URL expecting JSON (through the node's outbound client, so the egress policy applies). */
  readonly fetchJson: (url: URL) => Promise<unknown>;
  readonly now: () => Date;
  readonly scheme: 'https' | 'http';
  /** How long a resolved document is trusted before it is fetched again. */
  readonly ttlMs?: number;
  /** A `fresh` lookup (unknown key id) refetches at most this often per DID, so garbage kids cost no traffic. */
  readonly refreshAfterMs?: number;
  readonly maxEntries?: number;
}

export type DidResolver = (did: string, fresh: boolean) => Promise<DidDocument>;

/** A did:web resolver with a bounded cache; concurrent lookups of one DID share a single fetch. */
export function didWebResolver(options: DidResolverOptions): DidResolver {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const refreshAfterMs = options.refreshAfterMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 1000;
  const cache = new Map<string, { doc: Promise<DidDocument>; at: number }>();
  return (did, fresh) => {
    const now = options.now().getTime();
    const hit = cache.get(did);
    const age = hit ? now - hit.at : Number.POSITIVE_INFINITY;
    if (hit && age < (fresh ? refreshAfterMs : ttlMs)) return hit.doc;
    const doc = fetchDocument(did, options);
    cache.delete(did);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(did, { doc, at: now });
    doc.catch(() => cache.delete(did)); // failures are not cached: the next request tries again
    return doc;
  };
}

async function fetchDocument(did: string, options: DidResolverOptions): Promise<DidDocument> {
  const body = await options.fetchJson(didWebDocumentUrl(did, options.scheme));
  return asDidDocument(body, did);
}

function asDidDocument(body: unknown, did: string): DidDocument {
  const doc = body as Partial<DidDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.id !== did) throw new Error('document id is not the DID');
  const methods = Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [];
  const usable = methods.filter(
    (m) =>
      m &&
      typeof m.id === 'string' &&
      typeof m.controller === 'string' &&
      m.publicKeyJwk !== null &&
      typeof m.publicKeyJwk === 'object',
  );
  const refs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const services = (Array.isArray(doc.service) ? doc.service : []).filter(
    (s) =>
      s && typeof s.id === 'string' && typeof s.type === 'string' && typeof s.serviceEndpoint === 'string',
  );
  return {
    '@context': refs(doc['@context']),
    id: did,
    verificationMethod: usable,
    authentication: refs(doc.authentication),
    assertionMethod: refs(doc.assertionMethod),
    ...(services.length > 0 ? { service: services } : {}),
  };
}
