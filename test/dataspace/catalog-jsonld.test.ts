import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
// @ts-expect-error: an internal module of jsonld, without typings
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { describe, expect, it } from 'vitest';
import {
  bundledContexts,
  compactDspMessage,
  dspContext,
  InvalidJsonLd,
  UnknownContext,
} from '../../src/dataspace/protocol/index.js';
import { repoRoot } from '../support/cli.js';

const root = join(repoRoot, '..', 'shared', 'dsp-schemas', '2025-1');
const examples = ['catalog', 'negotiation', 'transfer'].flatMap((area) =>
  readdirSync(join(root, area, 'example'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [`${area}/${f}`, JSON.parse(readFileSync(join(root, area, 'example', f), 'utf8'))] as const),
);

// Expanding in the test uses the same bundled contexts (no network here either) and, like the normaliser, a
// context cache of its own: jsonld's shared one drops type-scoped members after other messages.
const expand = (doc: unknown) =>
  (jsonld.expand as unknown as (d: unknown, o: object) => Promise<unknown>)(doc, {
    contextResolver: new ContextResolver({ sharedCache: new Map() }),
    documentLoader: async (url: string) => {
      const document = bundledContexts[url];
      if (!document) throw new Error(`test tried to load ${url}`);
      return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
    },
  });

describe('compactDspMessage', () => {
  it('passes a compact message on the DSP context through untouched (the same object)', async () => {
    const body = { '@context': [dspContext], '@type': 'CatalogRequestMessage', filter: [] };
    expect(await compactDspMessage(body)).toBe(body);
    const single = { '@context': dspContext, '@type': 'CatalogRequestMessage' };
    expect(await compactDspMessage(single)).toEqual({ ...single, '@context': [dspContext] });
  });

  it.each(examples)(
    'turns the expanded form of %s back into the official compact message',
    async (_name, doc) => {
      const expanded = await expand(doc);
      expect(JSON.stringify(expanded)).not.toContain('"@context"');
      const compacted = await compactDspMessage(expanded);
      expect(compacted).toEqual(doc);
    },
  );

  it('keeps Japanese text through expansion and compaction', async () => {
    const doc = {
      '@context': [dspContext],
      '@type': 'ContractNegotiationTerminationMessage',
      providerPid: 'urn:uuid:p',
      consumerPid: 'urn:uuid:c',
      code: '期限切れ',
      reason: ['相手方が応答しませんでした'],
    };
    expect(await compactDspMessage(await expand(doc))).toEqual(doc);
  });

  it('refuses an unknown @context with a 400-kind error naming it, top-level or nested', async () => {
    const top = {
      '@context': [dspContext, 'https://evil.example/ctx.jsonld'],
      '@type': 'CatalogRequestMessage',
    };
    await expect(compactDspMessage(top)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'dsp.unknown-context',
      message: expect.stringContaining('https://evil.example/ctx.jsonld'),
    });
    const nested = { '@context': { '@import': 'https://other.example/c.jsonld' }, '@type': 'x' };
    const error = await compactDspMessage(nested).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownContext);
    expect((error as UnknownContext).url).toBe('https://other.example/c.jsonld');
  });

  it('refuses what is not one JSON-LD message', async () => {
    await expect(compactDspMessage('text')).rejects.toBeInstanceOf(InvalidJsonLd);
    const two = [
      { '@id': 'urn:a', '@type': ['https://w3id.org/dspace/2025/1/CatalogRequestMessage'] },
      { '@id': 'urn:b', '@type': ['https://w3id.org/dspace/2025/1/CatalogRequestMessage'] },
    ];
    await expect(compactDspMessage(two)).rejects.toBeInstanceOf(InvalidJsonLd);
  });

  it('refuses expanded JSON-LD nested deeper than any DSP message, before jsonld recurses into it', async () => {
    let deep: Record<string, unknown> = { '@value': '深い' };
    for (let i = 0; i < 5000; i++) deep = { 'https://w3id.org/dspace/2025/1/filter': [deep] };
    const message = { '@type': ['https://w3id.org/dspace/2025/1/CatalogRequestMessage'], ...deep };
    const error = await compactDspMessage(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidJsonLd);
    expect((error as InvalidJsonLd).message).toMatch(/nested deeper than 32 levels/);
  });
});
