import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient, egressPolicy, type OutboundClient } from '../../outbound/index.js';
import { memoryCache } from './cache.js';
import { chatCompletion, cosineScores, embeddings, reranker } from './openai-compatible.js';

/** A tiny server speaking the OpenAI-compatible protocol the way vLLM / TEI do; it records what it was sent. */
let server: Server;
let base: string;
const seen: { path: string; auth?: string; body: Record<string, unknown> }[] = [];

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

// Deterministic "embedding": counts of a few characters, enough to make similarity meaningful.
const embed = (t: string) => ['注', '意', '手', '順', 'a', 'e'].map((c) => t.split(c).length - 1);

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    seen.push({
      path: req.url ?? '',
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      body,
    });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/chat/completions') {
      const prompt = (body.messages as { content: string }[])[0]!.content;
      return res.end(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: ` 文脈: ${prompt.slice(0, 5)} ` } }],
        }),
      );
    }
    if (req.url === '/v1/embeddings') {
      return res.end(
        JSON.stringify({
          data: (body.input as string[]).map((t, index) => ({ index, embedding: embed(t) })),
        }),
      );
    }
    if (req.url === '/v1/rerank') {
      const docs = body.documents as string[];
      const scores = docs.map((d) => (d.includes(body.query as string) ? 0.9 : 0.1));
      // TEI answers a bare array with `score`; vLLM/Cohere answer { results: [{ relevance_score }] }.
      if (body.model === 'tei')
        return res.end(JSON.stringify(scores.map((score, index) => ({ index, score }))));
      return res.end(
        JSON.stringify({ results: scores.map((relevance_score, index) => ({ index, relevance_score })) }),
      );
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (): OutboundClient => createOutboundClient({ egress: egressPolicy({ allow: ['127.0.0.1'] }) });

describe('OpenAI-compatible providers', () => {
  it('asks the chat endpoint once per prompt and serves repeats from the cache', async () => {
    const http = client();
    const cache = memoryCache();
    const complete = chatCompletion({ url: base, model: 'qwen', apiKey: 'sk-test' }, { http, cache });
    const before = seen.length;
    expect(await complete('この手順は何のためか')).toBe('文脈: この手順は');
    expect(await complete('この手順は何のためか')).toBe('文脈: この手順は');
    const calls = seen.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      path: '/v1/chat/completions',
      auth: 'Bearer sk-test',
      body: { model: 'qwen', temperature: 0 },
    });
    await http.close();
  });

  it('embeds only texts it has not seen, in batches, keeping input order', async () => {
    const http = client();
    const cache = memoryCache();
    const embed = embeddings({ url: `${base}/v1`, model: 'e5' }, { http, cache }, { batch: 2 });
    const before = seen.length;
    const first = await embed(['注意事項', '手順１', 'abc']);
    expect(seen.length - before).toBe(2); // 3 texts in batches of 2
    const second = await embed(['手順１', '新しい注意']);
    expect(seen.length - before).toBe(3); // only the new text was sent
    expect(Array.from(second[0]!)).toEqual(Array.from(first[1]!));
    const scores = cosineScores(Float32Array.from([1, 1, 0, 0, 0, 0]), first);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    await http.close();
  });

  it('reads both the Cohere/vLLM and the TEI rerank answer shapes, best first', async () => {
    const http = client();
    const docs = ['ポンプの点検', '停止手順と注意', '定期交換部品'];
    for (const model of ['bge-reranker', 'tei']) {
      const rerank = reranker({ url: base, model }, { http, cache: memoryCache() });
      const results = await rerank('停止手順', docs);
      expect(results[0]).toEqual({ index: 1, score: 0.9 });
      expect(results).toHaveLength(3);
    }
    await http.close();
  });

  it('says which endpoint answered out of protocol', async () => {
    const http = client();
    const complete = chatCompletion({ url: `${base}/nothing`, model: 'm' }, { http, cache: memoryCache() });
    await expect(complete('x')).rejects.toMatchObject({ code: 'outbound.bad-status' });
    await http.close();
  });

  it('refuses a provider on a private address unless it is allowed', async () => {
    const http = createOutboundClient();
    const complete = chatCompletion({ url: base, model: 'm' }, { http, cache: memoryCache() });
    await expect(complete('x')).rejects.toMatchObject({ code: 'outbound.egress-denied' });
    await http.close();
  });
});
