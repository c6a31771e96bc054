import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startTestNode, type TestNode } from '../support/node.js';

/** The README-style walk: a provider publishes with the CLI, a consumer reads its catalog with the CLI. */
let provider: TestNode;
let consumer: TestNode;

const as = (t: TestNode, ...args: string[]) => runCli([...args, '--node', t.node.url, '--api-key', t.apiKey]);

beforeAll(async () => {
  const loopback = { plainHttp: true, outboundAllow: ['127.0.0.1'] };
  [provider, consumer] = await Promise.all([startTestNode(loopback), startTestNode(loopback)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([provider?.stop(), consumer?.stop()]);
});

describe('musubi asset | policy | offer | catalog', () => {
  it('publishes assets under policies and reads the catalog from the other node, without writing JSON-LD', async () => {
    for (const [id, kw, type] of [
      ['bom-a100', '部品表', 'text/csv'],
      ['bom-a200', '部品表', 'text/csv'],
      ['manual-x', '取扱説明書', 'application/pdf'],
    ] as const) {
      const r = await as(
        provider,
        'asset',
        'create',
        id,
        '--title',
        `${kw} ${id}`,
        '--keyword',
        kw,
        '--media-type',
        type,
        '--base-url',
        `https://internal.example/${id}`,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(id);
    }
    const consumerDid = `did:web:${encodeURIComponent(consumer.node.context.publicHost())}`;
    const policies = [
      ['policy', 'create', 'anyone', '--title', '誰でも'],
      ['policy', 'create', 'partners', '--participant', consumerDid],
      ['policy', 'create', 'qa-only', '--constraint', 'purpose eq 品質保証'],
    ];
    for (const args of policies) {
      const r = await as(provider, ...args);
      expect(r.code, r.stderr).toBe(0);
    }
    const shown = await as(provider, 'policy', 'show', 'qa-only', '--json');
    expect(JSON.parse(shown.stdout).permission).toEqual([
      { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' }] },
    ]);
    for (const args of [
      ['offer', 'create', 'boms', '--access', 'partners', '--contract', 'qa-only', '--keyword', '部品表'],
      ['offer', 'create', 'manual', '--access', 'anyone', '--contract', 'anyone', '--asset', 'manual-x'],
    ]) {
      const r = await as(provider, ...args);
      expect(r.code, r.stderr).toBe(0);
    }
    const listed = await as(provider, 'offer', 'list', '--policy', 'qa-only');
    expect(listed.stdout.trim()).toBe('boms\taccess partners\tcontract qa-only\tkeyword 部品表');

    const catalog = await as(consumer, 'catalog', 'request', '--provider', provider.node.url);
    expect(catalog.code, catalog.stderr).toBe(0);
    expect(catalog.stdout.trim().split('\n')).toEqual([
      'bom-a100\ttext/csv\t部品表 bom-a100\toffers: boms:bom-a100',
      'bom-a200\ttext/csv\t部品表 bom-a200\toffers: boms:bom-a200',
      'manual-x\tapplication/pdf\t取扱説明書 manual-x\toffers: manual',
    ]);
    const paged = await as(
      consumer,
      'catalog',
      'request',
      '--provider',
      provider.node.url,
      '--limit',
      '2',
      '--all',
      '--json',
    );
    const pages = JSON.parse(paged.stdout) as { dataset: { '@id': string }[] }[];
    expect(pages.map((p) => p.dataset.map((d) => d['@id']))).toEqual([
      ['bom-a100', 'bom-a200'],
      ['manual-x'],
    ]);
    const filtered = await as(
      consumer,
      'catalog',
      'request',
      '--provider',
      provider.node.url,
      '--media-type',
      'application/pdf',
    );
    expect(filtered.stdout).toMatch(/^manual-x\t/);

    // The provider's own view (not a partner of itself) does not show the partner-only offers.
    const self = await as(provider, 'catalog', 'request', '--provider', provider.node.url);
    expect(
      self.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(['manual-x']);
  });

  it('fails with one readable line and the exit code of the error kind', async () => {
    const inUse = await as(provider, 'policy', 'delete', 'qa-only');
    expect(inUse.code).toBe(4);
    expect(inUse.stderr.trim()).toMatch(/^musubi: policy "qa-only" is used by offers boms$/);
    const missing = await as(provider, 'asset', 'show', 'nothing');
    expect(missing.code).toBe(3);
    const noSelector = await as(
      provider,
      'offer',
      'create',
      'x',
      '--access',
      'anyone',
      '--contract',
      'anyone',
    );
    expect(noSelector.code).toBe(2);
    expect(noSelector.stderr).toContain('--asset, --keyword, --media-type or --all');
    const badConstraint = await as(
      provider,
      'policy',
      'create',
      'bad',
      '--constraint',
      'purpose roughly 品質',
    );
    expect(badConstraint.code).toBe(2);
    expect(badConstraint.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const badFilter = await as(consumer, 'catalog', 'request', '--provider', 'http://127.0.0.1:9');
    expect(badFilter.code).not.toBe(0);
    expect(badFilter.stderr).toMatch(/^musubi: /);
  });
});
