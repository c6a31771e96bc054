export { cacheKey, memoryCache, type ProviderCache, sqliteCache } from './cache.js';
export { type ConfiguredProviders, configuredProviders, type ProviderSettings } from './configured.js';
export { endpointOf } from './endpoint.js';
export { ProviderProtocolError } from './errors.js';
export {
  chatCompletion,
  cosineScores,
  type Endpoint,
  embeddings,
  type ProviderDeps,
  type RerankResult,
  reranker,
} from './openai-compatible.js';
