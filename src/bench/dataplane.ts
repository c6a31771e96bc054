import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { issueTokens } from '../dataspace/dataplane/index.js';
import { participantStore } from '../store/index.js';
import { benchNode } from './dataspace.js';
import type { Figure } from './measure.js';

/**
 * Data-plane pull of a 1 GiB file asset against a bare `node:http` server streaming the same file, both on
 * loopback in the same run, each read by a separate consumer process (so the consumer's work does not share
 * the server's event loop). Best of three rounds each. The data plane does not hash content for the audit log
 * (it records bytes, status, duration), so there is one figure, not two.
 */

const fileBytes = 2 ** 30;

/** A consumer process that reads the URL to the end and reports bytes and seconds. */
async function consume(url: string, token?: string): Promise<{ bytes: number; seconds: number }> {
  const script = `
    const http = require('node:http');
    const headers = { 'accept-encoding': 'identity' };
    if (process.env.BENCH_TOKEN) headers.authorization = 'Bearer ' + process.env.BENCH_TOKEN;
    const t0 = process.hrtime.bigint();
    let n = 0;
    http.get(process.env.BENCH_URL, { headers }, (res) => {
      res.on('data', (c) => { n += c.length; });
      res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, bytes: n,
        seconds: Number(process.hrtime.bigint() - t0) / 1e9 })));
    });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { ...process.env, BENCH_URL: url, ...(token ? { BENCH_TOKEN: token } : {}) },
  });
  const r = JSON.parse(stdout) as { status: number; bytes: number; seconds: number };
  if (r.status !== 200 || r.bytes !== fileBytes)
    throw new Error(`pull of ${url}: ${r.status}, ${r.bytes} bytes`);
  return r;
}

async function writeFile(path: string): Promise<void> {
  const block = randomBytes(1024 * 1024);
  async function* blocks() {
    for (let i = 0; i < fileBytes / block.length; i++) yield block;
  }
  await pipeline(blocks(), createWriteStream(path));
}

/** The bare baseline: the same file streamed by node:http with nothing else. */
async function bareServer(path: string) {
  const size = statSync(path).size;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    // pipe(), as Fastify sends a stream: stream.pipeline measured markedly slower here, which would flatter the ratio
    const file = createReadStream(path, { highWaterMark: 256 * 1024 });
    file.once('error', () => res.destroy());
    res.once('close', () => file.destroy());
    file.pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/asset.bin`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A provider node with a STARTED pull transfer of the file asset; returns its endpoint and a live token. */
async function dataPlane(dir: string) {
  const n = await benchNode({ dataPlaneFileRoots: [dir], dataPlaneTokenTtlS: 3600 });
  const ctx = n.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now();
  const iso = at.toISOString();
  const consumer = 'did:web:consumer.example';
  await participantStore(ctx.db, p).insertAsset({
    id: 'asset-1gib',
    title: '1 GiB',
    description: '',
    contentType: 'application/octet-stream',
    keywords: [],
    properties: {},
    dataAddress: { type: 'File', path: 'asset.bin' },
    createdAt: iso,
    updatedAt: iso,
  });
  await ctx.db
    .insertInto('agreements')
    .values({
      participant_id: p,
      id: 'agreement-bench',
      negotiation_id: 'negotiation-bench',
      role: 'provider',
      counterparty_id: consumer,
      offer_id: 'offer-bench',
      asset_id: 'asset-1gib',
      policy: JSON.stringify({
        '@id': 'agreement-bench',
        target: 'asset-1gib',
        permission: [{ action: 'use' }],
      }),
      finalized_at: iso,
      created_at: iso,
    })
    .execute();
  await ctx.db
    .insertInto('transfers')
    .values({
      participant_id: p,
      id: 'transfer-bench',
      role: 'provider',
      provider_pid: 'transfer-bench',
      consumer_pid: 'consumer-bench',
      state: 'STARTED',
      counterparty_id: consumer,
      counterparty_address: 'http://127.0.0.1:9/unused',
      agreement_id: 'agreement-bench',
      format: 'HttpData-PULL',
      data_address: null,
      access_token_hash: null,
      deadline_at: null,
      reason_code: null,
      reason: null,
      idempotency_key: null,
      version: 1,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  const tokens = await ctx.db.transaction().execute((trx) =>
    issueTokens(
      trx,
      {
        participantId: p,
        transferId: 'transfer-bench',
        agreementId: 'agreement-bench',
        consumerId: consumer,
      },
      at,
      { accessTtlS: 3600, refreshTtlS: 3600 },
    ),
  );
  return {
    url: `${n.node.url}/data/transfers/transfer-bench`,
    token: tokens.accessToken,
    close: async () => {
      await n.node.close();
      rmSync(n.dir, { recursive: true, force: true });
    },
  };
}

/** Peak RSS growth (bytes) of this process while `work` runs, sampled every 20 ms. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    return { result, growth: Math.max(0, peak - start) };
  } finally {
    clearInterval(timer);
  }
}

export async function dataplaneFigures(rounds = 5): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-dataplane-'));
  const path = join(dir, 'asset.bin');
  try {
    await writeFile(path);
    const bare = await bareServer(path);
    const plane = await dataPlane(dir);
    try {
      await consume(bare.url); // warm the page cache and both servers
      await consume(plane.url, plane.token);
      let bareBest = 0;
      let planeBest = 0;
      let growth = 0;
      const paired: number[] = [];
      for (let i = 0; i < rounds; i++) {
        // alternate which goes first, so a load spike from the other tenants of the machine hits both alike
        const b = i % 2 === 0 ? await consume(bare.url) : undefined;
        const d = await rssGrowth(() => consume(plane.url, plane.token));
        const b2 = b ?? (await consume(bare.url));
        const bareRate = b2.bytes / b2.seconds / 1e6;
        const planeRate = d.result.bytes / d.result.seconds / 1e6;
        bareBest = Math.max(bareBest, bareRate);
        planeBest = Math.max(planeBest, planeRate);
        paired.push(planeRate / bareRate);
        growth = Math.max(growth, d.growth);
      }
      const ratio = planeBest / bareBest;
      const median = [...paired].sort((x, y) => x - y)[Math.floor(paired.length / 2)] ?? 0;
      return [
        {
          name: 'data plane: pull of a 1 GiB file asset (token, access hook, audit)',
          value: planeBest,
          unit: 'MB/s',
          baseline: { name: 'bare node:http streaming the same file', value: bareBest },
          note: `ratio of bests ${ratio.toFixed(2)}, median of ${rounds} paired rounds ${median.toFixed(2)} (floor 0.70); no inline content hash`,
        },
        {
          name: 'data plane: peak RSS growth of the provider during a 1 GiB pull',
          value: growth / 2 ** 20,
          unit: 'MiB',
          note: 'sampled every 20 ms in the provider process; the consumer is a separate process',
        },
      ];
    } finally {
      await plane.close();
      await bare.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
