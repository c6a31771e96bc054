export { cacheKey, memoryCache, type ProviderCache, sqliteCache } from './cache.js';
export {
  type ConfiguredProviders,
  configuredProviders,
  endpointOf,
  type ProviderSettings,
} from './configured.js';
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
