import { createOutboundClient, egressPolicy } from '../../outbound/index.js';
import type { ProviderCache } from './cache.js';
import { type Endpoint, embeddings, type RerankResult, reranker } from './openai-compatible.js';

export interface ProviderSettings {
  readonly embeddings?: Endpoint;
  readonly rerank?: Endpoint;
  /** Connect and read timeout of each call. */
  readonly timeoutMs: number;
  /** Extra egress allowances (the node's `outboundAllow`). */
  readonly allow?: readonly string[];
}

export interface ConfiguredProviders {
  readonly embeddings?: {
    readonly endpoint: Endpoint;
    readonly embed: (texts: readonly string[]) => Promise<Float32Array[]>;
  };
  readonly rerank?: {
    readonly rerank: (query: string, documents: readonly string[]) => Promise<RerankResult[]>;
  };
  close(): Promise<void>;
}

/**
 * The embeddings and rerank clients the configuration names, over one outbound client. A configured
 * endpoint's own host is allowed even on a private address: the operator named it (a GPU box on the LAN,
 * a server on localhost), unlike URLs that arrive from peers.
 */
export function configuredProviders(settings: ProviderSettings, cache: ProviderCache): ConfiguredProviders {
  const endpoints = [settings.embeddings, settings.rerank].filter((e): e is Endpoint => e !== undefined);
  if (endpoints.length === 0) return { close: async () => {} };
  const http = createOutboundClient({
    egress: egressPolicy({
      allow: [...(settings.allow ?? []), ...endpoints.map((e) => new URL(e.url).host)],
    }),
    connectTimeoutMs: settings.timeoutMs,
    readTimeoutMs: settings.timeoutMs,
  });
  const deps = { http, cache };
  return {
    ...(settings.embeddings
      ? { embeddings: { endpoint: settings.embeddings, embed: embeddings(settings.embeddings, deps) } }
      : {}),
    ...(settings.rerank ? { rerank: { rerank: reranker(settings.rerank, deps) } } : {}),
    close: () => http.close(),
  };
}
