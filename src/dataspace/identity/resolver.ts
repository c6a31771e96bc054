import { cacheLifetime } from './cache-control.js';
import { type DidDocument, didWebDocumentUrl } from './did.js';

/** A fetched DID document: its JSON body and the response's `Cache-Control` header. */
export interface FetchedDocument {
  readonly body: unknown;
  readonly cacheControl?: string;
}

export interface DidResolverOptions {
  /** Fetches a URL expecting JSON (through the node's outbound client, so the egress policy applies). */
  readonly fetchDocument: (url: URL) => Promise<FetchedDocument>;
  readonly now: () => Date;
  readonly scheme: 'https' | 'http';
  /**
   * How long a resolved document is kept when its response carries no Cache-Control lifetime; a `max-age` is
   * honoured up to `maxTtlMs`, `no-store` / `no-cache` keep nothing.
   */
  readonly ttlMs?: number;
  readonly maxTtlMs?: number;
  /** A `fresh` lookup (unknown key id) refetches at most this often per DID, so garbage kids cost no traffic. */
  readonly refreshAfterMs?: number;
  readonly maxEntries?: number;
}

export type DidResolver = (did: string, fresh: boolean) => Promise<DidDocument>;

/**
 * A did:web resolver with a bounded cache kept per the documents' HTTP cache headers; concurrent lookups of one DID
 * share a single fetch.
 */
export function didWebResolver(options: DidResolverOptions): DidResolver {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxTtlMs = options.maxTtlMs ?? 60 * 60_000;
  const refreshAfterMs = options.refreshAfterMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 1000;
  // `lifetime` is unknown (infinite) while the fetch is in flight, so concurrent lookups share it.
  const cache = new Map<string, { doc: Promise<DidDocument>; at: number; lifetime: number }>();
  return (did, fresh) => {
    const now = options.now().getTime();
    const hit = cache.get(did);
    const age = hit ? now - hit.at : Number.POSITIVE_INFINITY;
    if (hit && age < (fresh ? Math.min(refreshAfterMs, hit.lifetime) : hit.lifetime)) return hit.doc;
    cache.delete(did);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    const entry = { doc: Promise.resolve({} as DidDocument), at: now, lifetime: Number.POSITIVE_INFINITY };
    const forget = () => {
      if (cache.get(did) === entry) cache.delete(did);
    };
    entry.doc = options.fetchDocument(didWebDocumentUrl(did, options.scheme)).then((fetched) => {
      const seconds = cacheLifetime(fetched.cacheControl);
      entry.lifetime = seconds === undefined ? ttlMs : Math.min(seconds * 1000, maxTtlMs);
      if (entry.lifetime <= 0) forget();
      return asDidDocument(fetched.body, did);
    });
    entry.doc.catch(forget); // failures are not cached: the next request tries again
    cache.set(did, entry);
    return entry.doc;
  };
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
