import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Corpus,
  chunkVectorModel,
  embedPending,
  openCorpus,
  type SearchProviders,
  searchWithProviders,
} from '../../src/refinery/corpus/index.js';
import { loadJapaneseAnalyzer } from '../../src/refinery/index/index.js';
import { type ConfiguredProviders, configuredProviders } from '../../src/refinery/providers/index.js';
import { type Fixture, refinedFixture } from './corpus-fixture.js';
import { type ProviderServer, startProviderServer } from './provider-server.js';

let fixture: Fixture;
let corpus: Corpus;
let server: ProviderServer;
let configured: ConfiguredProviders;
let providers: SearchProviders;
let warnings: string[];
const warn = (m: string) => warnings.push(m);

beforeAll(async () => {
  const analyzer = await loadJapaneseAnalyzer();
  fixture = await refinedFixture(analyzer);
  corpus = openCorpus({ dir: fixture.store, participantId: 'default', analyzer });
  server = await startProviderServer();
  configured = configuredProviders(
    {
      embeddings: { url: server.url, model: 'fake-e5' },
      rerank: { url: `${server.url}/v1`, model: 'fake-reranker' },
      timeoutMs: 300,
    },
    corpus.providerCache,
  );
  providers = {
    dense: { model: chunkVectorModel(server.url, 'fake-e5'), embed: configured.embeddings!.embed },
    rerank: configured.rerank!,
  };
  const embedded = await embedPending(corpus, providers.dense!.model, providers.dense!.embed, () => {});
  expect(embedded.embedded).toBe(corpus.counts().chunks);
}, 120_000);
afterAll(async () => {
  await configured?.close();
  await server?.close();
  corpus?.close();
  rmSync(fixture.root, { recursive: true, force: true });
});
beforeEach(() => {
  warnings = [];
  server.mode.embeddings = 'ok';
  server.mode.rerank = 'ok';
});

describe('dense retrieval and reranking through configured providers', () => {
  it('embeds each chunk once: a second pass finds nothing pending and sends nothing', async () => {
    const sent = server.embedded.length;
    expect(sent).toBe(corpus.counts().chunks);
    const again = await embedPending(corpus, providers.dense!.model, providers.dense!.embed, warn);
    expect(again).toEqual({ embedded: 0, pending: 0 });
    expect(server.embedded.length).toBe(sent);
    expect(corpus.vectorsPending('another-model')).toHaveLength(corpus.counts().chunks);
  });

  it('finds a Japanese chunk from an English query through the dense view alone', async () => {
    expect(corpus.search('pump seal', { k: 5 })).toEqual([]); // no lexical overlap at all
    const hits = await searchWithProviders(corpus, 'pump seal', { k: 3 }, { dense: providers.dense! }, warn);
    expect(warnings).toEqual([]);
    expect(hits[0]!.uri).toMatch(/ポンプ分解手順|保全記録/);
    expect(hits[0]!.text).toMatch(/ポンプ|シール/);
    expect(hits[0]!.views['dense']).toBeGreaterThan(0);
    expect(hits[0]!.views['bigram']).toBe(0);
  });

  it('fuses the dense view with the lexical ones, the views summing to the score', async () => {
    const hits = await searchWithProviders(
      corpus,
      '吐出圧力の判定基準',
      { k: 3 },
      { dense: providers.dense! },
      warn,
    );
    const top = hits[0]!;
    expect(top.uri).toBe('docs/manuals/compressors/コンプレッサー点検.md');
    expect(top.views['dense']).toBeGreaterThan(0);
    expect(top.views['bigram']).toBeGreaterThan(0);
    const sum = Object.values(top.views).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(top.score, 9);
  });

  it('respects the filters in the dense view too', async () => {
    const hits = await searchWithProviders(
      corpus,
      'pump seal',
      { k: 5, filters: { folder: 'manuals/compressors' } },
      { dense: providers.dense! },
      warn,
    );
    expect(hits.every((h) => h.uri === 'docs/manuals/compressors/コンプレッサー点検.md')).toBe(true);
  });

  it('reorders the top hits by the reranker’s scores and shows them', async () => {
    const lexical = corpus.search('メカニカルシールの点検', { k: 5 });
    expect(lexical[0]!.uri).not.toBe('docs/manuals/compressors/コンプレッサー点検.md');
    const calls = server.reranked;
    const hits = await searchWithProviders(
      corpus,
      'メカニカルシールの点検',
      { k: 5 },
      { rerank: providers.rerank! },
      warn,
    );
    expect(server.reranked).toBe(calls + 1);
    expect(hits[0]!.uri).toBe('docs/manuals/compressors/コンプレッサー点検.md');
    expect(hits[0]!.views['rerank']).toBe(0.9);
    expect(hits[0]!.score).toBe(0.9);
    expect(hits.map((h) => h.rank)).toEqual(hits.map((_, i) => i + 1));
    expect(new Set(hits.map((h) => h.chunkId))).toEqual(new Set(lexical.map((h) => h.chunkId)));
  });

  it('falls back to the lexical ranking with a warning when the embeddings endpoint answers 500', async () => {
    server.mode.embeddings = 'error';
    const hits = await searchWithProviders(
      corpus,
      '羽根車 交換',
      { k: 3 },
      { dense: providers.dense! },
      warn,
    );
    expect(hits.map((h) => h.chunkId)).toEqual(corpus.search('羽根車 交換', { k: 3 }).map((h) => h.chunkId));
    expect(hits[0]!.views['dense']).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dense retrieval skipped.*500/);
  });

  it('keeps the fused order with a warning when the reranker times out', async () => {
    server.mode.rerank = 'hang';
    const hits = await searchWithProviders(
      corpus,
      'ポンプの点検',
      { k: 5 },
      { rerank: providers.rerank! },
      warn,
    );
    expect(hits.map((h) => h.chunkId)).toEqual(corpus.search('ポンプの点検', { k: 5 }).map((h) => h.chunkId));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/reranking skipped/);
  });

  it('keeps the fused order with a warning when the reranker answers 500', async () => {
    server.mode.rerank = 'error';
    const hits = await searchWithProviders(
      corpus,
      'ポンプの点検と記録',
      { k: 5 },
      { rerank: providers.rerank! },
      warn,
    );
    expect(hits.map((h) => h.chunkId)).toEqual(
      corpus.search('ポンプの点検と記録', { k: 5 }).map((h) => h.chunkId),
    );
    expect(warnings[0]).toMatch(/reranking skipped/);
  });

  it('stops embedding at a failing batch with a warning and leaves the rest pending', async () => {
    const model = chunkVectorModel(server.url, 'other-model');
    server.mode.embeddings = 'hang';
    const other = configuredProviders(
      { embeddings: { url: server.url, model: 'other-model' }, timeoutMs: 300 },
      corpus.providerCache,
    );
    try {
      const outcome = await embedPending(corpus, model, other.embeddings!.embed, warn, 2);
      expect(outcome.embedded).toBe(0);
      expect(outcome.pending).toBe(corpus.counts().chunks);
      expect(warnings[0]).toMatch(/embeddings stopped after 0 of/);
      expect(corpus.vectorsPending(model)).toHaveLength(corpus.counts().chunks);
    } finally {
      await other.close();
    }
  });

  it('drops a document’s vectors with its chunks', () => {
    const model = providers.dense!.model;
    corpus.removeDocument('docs/records/保全記録.txt');
    expect(corpus.vectorsPending(model)).toEqual([]);
    const hits = corpus.search('pump seal', {
      k: 10,
      dense: { vector: Float32Array.from([0.1, 1, 1, 0, 0, 0, 0]), model },
    });
    expect(hits.some((h) => h.uri === 'docs/records/保全記録.txt')).toBe(false);
    expect(hits.length).toBeGreaterThan(0);
  });
});
