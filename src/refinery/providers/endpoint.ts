import type { Endpoint } from './openai-compatible.js';

/**
 * An endpoint from configuration values; empty URL = not configured. On its own (no HTTP client behind it) so a
 * search can tell whether a provider is configured before loading any client code.
 */
export function endpointOf(url: string, model: string, apiKey: string): Endpoint | undefined {
  if (url.trim() === '') return undefined;
  return { url: url.trim(), model, ...(apiKey ? { apiKey } : {}) };
}
