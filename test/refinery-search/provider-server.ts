import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A small server speaking the OpenAI-compatible `/v1/embeddings` and the `/v1/rerank` protocol (as vLLM and
 * TEI do), with deterministic fake models, and switchable failures: a 500, or an answer that never comes.
 */
export type Mode = 'ok' | 'error' | 'hang';

export interface ProviderServer {
  readonly url: string;
  mode: { embeddings: Mode; rerank: Mode };
  /** Texts sent to /v1/embeddings, in order. */
  readonly embedded: string[];
  readonly reranked: number;
  close(): Promise<void>;
}

// Each dimension is a concept, named in Japanese and English, so "pump seal" lands near ポンプ…シール.
const concepts = [
  ['ポンプ', 'pump'],
  ['シール', 'seal'],
  ['圧力', 'pressure'],
  ['記録', 'record'],
  ['安全', 'safety'],
  ['電源', 'power'],
];

export function fakeEmbedding(text: string): number[] {
  const t = text.toLowerCase();
  return [0.1, ...concepts.map((names) => names.reduce((n, name) => n + t.split(name).length - 1, 0))];
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as Record<string, unknown>;
}

export async function startProviderServer(): Promise<ProviderServer> {
  const embedded: string[] = [];
  let reranked = 0;
  const state = { embeddings: 'ok' as Mode, rerank: 'ok' as Mode };
  const answer = (res: ServerResponse, mode: Mode, body: unknown): void => {
    if (mode === 'hang') return; // the client's read timeout must end this
    res.setHeader('content-type', 'application/json');
    if (mode === 'error') {
      res.statusCode = 500;
      res.end('{"error":"model crashed"}');
      return;
    }
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    if (req.url === '/v1/embeddings') {
      const input = body['input'] as string[];
      if (state.embeddings === 'ok') embedded.push(...input);
      return answer(res, state.embeddings, {
        data: input.map((t, index) => ({ index, embedding: fakeEmbedding(t) })),
      });
    }
    if (req.url === '/v1/rerank') {
      reranked++;
      // A "model" that prefers compressor documents: it must visibly reorder the lexical ranking.
      const docs = body['documents'] as string[];
      return answer(res, state.rerank, {
        results: docs.map((d, index) => ({
          index,
          relevance_score: d.includes('コンプレッサー') ? 0.9 : 0.1,
        })),
      });
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    mode: state,
    embedded,
    get reranked() {
      return reranked;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
