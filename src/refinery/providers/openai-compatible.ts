import type { OutboundClient } from '../../outbound/index.js';
import { cacheKey, type ProviderCache } from './cache.js';
import { ProviderProtocolError } from './errors.js';

/**
 * Clients for the model endpoints vLLM, TEI, llama.cpp server, Ollama, OpenAI and Azure all speak:
 * `/v1/chat/completions`, `/v1/embeddings` and `/v1/rerank`. Everything goes through the node's outbound
 * client (egress policy, timeouts, size limits); every answer is cached by content hash.
 */
export interface Endpoint {
  /** Base URL, e.g. `http://gpu-box:8000` — the `/v1/...` path is appended. */
  readonly url: string;
  readonly model: string;
  readonly apiKey?: string;
}

export interface ProviderDeps {
  readonly http: OutboundClient;
  readonly cache: ProviderCache;
}

function target(endpoint: Endpoint, path: string): string {
  return `${endpoint.url.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/${path}`;
}

function headers(endpoint: Endpoint): Record<string, string> {
  return endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {};
}

/** `complete(prompt)` for LLM-written chunk context: temperature 0 so the cache holds one right answer. */
export function chatCompletion(endpoint: Endpoint, deps: ProviderDeps, options: { maxTokens?: number } = {}) {
  const url = target(endpoint, 'chat/completions');
  return async (prompt: string): Promise<string> => {
    const key = cacheKey('chat', url, endpoint.model, prompt);
    const hit = deps.cache.get(key);
    if (hit !== undefined) return hit;
    const body = await deps.http.json<{ choices?: { message?: { content?: unknown } }[] }>(url, {
      method: 'POST',
      headers: headers(endpoint),
      json: {
        model: endpoint.model,
        messages: [{ role: 'user', content: prompt }],
        temperature: 0,
        max_tokens: options.maxTokens ?? 200,
      },
    });
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new ProviderProtocolError(url, 'no choices[0].message.content');
    deps.cache.set(key, content.trim());
    return content.trim();
  };
}

/** Embeds texts in batches; cached per text, so only new texts reach the endpoint. */
export function embeddings(endpoint: Endpoint, deps: ProviderDeps, options: { batch?: number } = {}) {
  const url = target(endpoint, 'embeddings');
  const batch = options.batch ?? 64;
  return async (texts: readonly string[]): Promise<Float32Array[]> => {
    const keys = texts.map((t) => cacheKey('embed', url, endpoint.model, t));
    const out: (Float32Array | undefined)[] = keys.map((k) => {
      const hit = deps.cache.get(k);
      return hit === undefined ? undefined : Float32Array.from(JSON.parse(hit) as number[]);
    });
    const missing = out.flatMap((v, i) => (v ? [] : [i]));
    for (let start = 0; start < missing.length; start += batch) {
      const idx = missing.slice(start, start + batch);
      const body = await deps.http.json<{ data?: { embedding?: unknown; index?: number }[] }>(url, {
        method: 'POST',
        headers: headers(endpoint),
        json: { model: endpoint.model, input: idx.map((i) => texts[i]) },
      });
      const data = body.data ?? [];
      if (data.length !== idx.length)
        throw new ProviderProtocolError(url, `expected ${idx.length} embeddings, got ${data.length}`);
      data.forEach((d, j) => {
        const at = idx[d.index ?? j];
        if (at === undefined || !Array.isArray(d.embedding))
          throw new ProviderProtocolError(url, 'bad data[].embedding');
        out[at] = Float32Array.from(d.embedding as number[]);
        deps.cache.set(keys[at]!, JSON.stringify(d.embedding));
      });
    }
    return out.map((v) => v!);
  };
}

export interface RerankResult {
  readonly index: number;
  readonly score: number;
}

/** Scores documents against a query; accepts the Cohere/Jina/vLLM and the TEI response shapes. */
export function reranker(endpoint: Endpoint, deps: ProviderDeps) {
  const url = target(endpoint, 'rerank');
  return async (query: string, documents: readonly string[]): Promise<RerankResult[]> => {
    const key = cacheKey('rerank', url, endpoint.model, query, ...documents);
    const hit = deps.cache.get(key);
    if (hit !== undefined) return JSON.parse(hit) as RerankResult[];
    const body = await deps.http.json<unknown>(url, {
      method: 'POST',
      headers: headers(endpoint),
      json: { model: endpoint.model, query, documents, texts: documents, top_n: documents.length },
    });
    const rows = Array.isArray(body) ? body : (body as { results?: unknown }).results;
    if (!Array.isArray(rows)) throw new ProviderProtocolError(url, 'no results array');
    const results = rows.map((r: { index?: unknown; relevance_score?: unknown; score?: unknown }) => {
      const score = typeof r.relevance_score === 'number' ? r.relevance_score : r.score;
      if (typeof r.index !== 'number' || typeof score !== 'number')
        throw new ProviderProtocolError(url, 'bad result row');
      return { index: r.index, score };
    });
    results.sort((a, b) => b.score - a.score);
    deps.cache.set(key, JSON.stringify(results));
    return results;
  };
}

/** Cosine similarity of a query vector with each stored vector (brute force: corpora here are ≤ ~1e5 chunks). */
export function cosineScores(query: Float32Array, vectors: readonly Float32Array[]): number[] {
  let q2 = 0;
  for (let i = 0; i < query.length; i++) q2 += query[i]! * query[i]!;
  const qn = Math.sqrt(q2) || 1;
  return vectors.map((v) => {
    let dot = 0;
    let vn = 0;
    for (let i = 0; i < v.length; i++) {
      dot += v[i]! * (query[i] ?? 0);
      vn += v[i]! * v[i]!;
    }
    return dot / (qn * (Math.sqrt(vn) || 1));
  });
}
