import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Dec } from '../../apps/footprint/index.js';
import { loadConfig, type RunningNode, startNode } from '../../node/index.js';
import { type GlobalOptions, runCommand } from '../run.js';
import { type Connection, managementCall } from './management.js';

/**
 * `musubi sandbox battery`: four companies of a battery supply chain, each its own node on loopback —
 * automaker ← battery-pack maker ← cell maker ← cathode-material maker — with demo data. The automaker asks
 * for its pack's footprint and the cascade runs unattended down to the cathode maker and back; the sandbox
 * prints the car's footprint with its data quality, and checks that nothing the automaker holds names a
 * company two tiers up.
 */

interface Tier {
  readonly key: string;
  readonly name: string;
  readonly part: { id: string; name: string; unit: string; productId: string };
  readonly own: { pre: string; main: string; dqr: string; primaryDataShare: string };
  /** The part bought from the next tier: my id, quantity per my unit, its unit. */
  readonly buys?: { id: string; name: string; quantity: string; unit: string };
}

/** The chain, top first. Per unit: cathode 10.5 kg⁻¹; cell 0.5 + 0.02 × 10.5; pack 35 + 200 cells; car 2000 + pack. */
export const batteryChain: readonly Tier[] = [
  {
    key: 'automaker',
    name: '結び自動車株式会社',
    part: {
      id: 'EV-01',
      name: '電気自動車 EV-01',
      unit: 'piece',
      productId: 'urn:musubi:sandbox:automaker:ev-01',
    },
    own: { pre: '1200', main: '800', dqr: '1', primaryDataShare: '100' },
    buys: { id: 'PACK-IN', name: '電池パック', quantity: '1', unit: 'piece' },
  },
  {
    key: 'pack',
    name: '結び電池パック工業株式会社',
    part: {
      id: 'PACK-60',
      name: '電池パック 60kWh',
      unit: 'piece',
      productId: 'urn:musubi:sandbox:pack:pack-60',
    },
    own: { pre: '5', main: '30', dqr: '1', primaryDataShare: '100' },
    buys: { id: 'CELL-IN', name: '円筒形セル', quantity: '200', unit: 'piece' },
  },
  {
    key: 'cell',
    name: '結びセル製造株式会社',
    part: {
      id: 'CELL-21700',
      name: '円筒形セル 21700',
      unit: 'piece',
      productId: 'urn:musubi:sandbox:cell:21700',
    },
    own: { pre: '0.1', main: '0.4', dqr: '2', primaryDataShare: '60' },
    buys: { id: 'NCM-IN', name: '正極材', quantity: '0.02', unit: 'kg' },
  },
  {
    key: 'cathode',
    name: '結び正極材料株式会社',
    part: {
      id: 'NCM-811',
      name: '正極材 NCM811',
      unit: 'kg',
      productId: 'urn:musubi:sandbox:cathode:ncm811',
    },
    own: { pre: '8.0', main: '2.5', dqr: '3', primaryDataShare: '80' },
  },
];

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Company {
  readonly tier: Tier;
  readonly node: RunningNode;
  readonly did: string;
  readonly api: Connection;
  readonly store: string;
}

async function startCompany(tier: Tier, tlsCaDir: string | undefined): Promise<Company> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), `musubi-sandbox-${tier.key}-`));
  const lines: string[] = [];
  const loaded = loadConfig({
    flags: {
      port,
      host: `127.0.0.1:${port}`,
      store,
      // HTTPS with certificates from one local CA every sandbox node trusts, or plain HTTP.
      ...(tlsCaDir ? { plainHttp: false, tlsLocalCaDir: tlsCaDir } : { plainHttp: true }),
      outboundAllow: ['127.0.0.1'],
      logLevel: 'silent',
      defaultParticipantName: tier.name,
    },
    env: {},
  });
  const node = await startNode(loaded, { announce: (l) => lines.push(l) });
  const apiKey = lines.join('\n').match(/msk_\S+/)?.[0] ?? '';
  return {
    tier,
    node,
    did: `did:web:127.0.0.1%3A${port}`,
    api: { node: node.url, apiKey, ca: node.caFile ? [node.caFile] : [] },
    store,
  };
}

const own = (o: Tier['own']) => ({
  pre: { emissions: o.pre, dqr: { TeR: o.dqr, GeR: o.dqr, TiR: o.dqr } },
  main: { emissions: o.main, dqr: { TeR: o.dqr, GeR: o.dqr, TiR: o.dqr } },
  primaryDataShare: o.primaryDataShare,
});

interface Shown {
  readonly partial: boolean;
  readonly footprint?: {
    readonly stages: Record<'pre' | 'main', { own: string; components: string; dqr: Record<string, string> }>;
    readonly primaryDataShare?: string;
  };
  readonly flags: readonly unknown[];
}

/** Sets the chain up, runs the cascade from the top and returns what the automaker sees, with a leak check. */
export async function runBatterySandbox(
  report: (line: string) => void,
  o: { https?: boolean; timeoutMs?: number } = {},
) {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const companies: Company[] = [];
  const tlsCaDir = o.https ? mkdtempSync(join(tmpdir(), 'musubi-sandbox-ca-')) : undefined;
  try {
    for (const tier of batteryChain) companies.push(await startCompany(tier, tlsCaDir));
    for (const [i, c] of companies.entries()) {
      const t = c.tier;
      report(`${t.name} (${t.key})\t${c.did}\t${c.node.url}`);
      await managementCall(c.api, 'PUT', '/footprint/settings', { exchange: true, autoLink: true });
      await managementCall(c.api, 'PUT', `/footprint/parts/${t.part.id}`, {
        name: t.part.name,
        unit: t.part.unit,
        productIds: [t.part.productId],
        own: own(t.own),
      });
      const supplier = companies[i + 1];
      if (!t.buys || !supplier) continue;
      await managementCall(c.api, 'POST', '/footprint/bom', {
        format: 'json',
        text: JSON.stringify([
          {
            parent: t.part.id,
            child: t.buys.id,
            childName: t.buys.name,
            quantity: t.buys.quantity,
            unit: t.buys.unit,
          },
        ]),
      });
      await managementCall(c.api, 'PUT', `/footprint/links/${t.buys.id}`, {
        supplierDid: supplier.did,
        supplierAddress: supplier.node.url,
        supplierPart: supplier.tier.part.productId,
      });
    }
    const [top] = companies;
    if (!top?.tier.buys) throw new Error('the chain has no top');
    const started = Date.now();
    await managementCall(top.api, 'POST', '/footprint/requests', {
      traceId: top.tier.buys.id,
      message: '車両LCA用に電池パックのCFPをお願いします',
    });
    for (;;) {
      const out = await managementCall<{ status: string }[]>(
        top.api,
        'GET',
        '/footprint/requests?direction=outbox',
      );
      if (out.some((r) => r.status === 'answered')) break;
      if (Date.now() - started > timeoutMs) throw new Error('the cascade did not finish in time');
      await new Promise((r) => setTimeout(r, 25));
    }
    const elapsedMs = Date.now() - started;
    const [result] = await managementCall<Shown[]>(
      top.api,
      'GET',
      `/footprint/results?traceId=${top.tier.part.id}`,
    );
    if (!result?.footprint) throw new Error('the automaker has no result');
    // One hop: what the automaker holds must not name the cell or cathode maker, or their parts.
    const held = JSON.stringify([
      result,
      await managementCall(top.api, 'GET', '/footprint/requests'),
      await managementCall(top.api, 'GET', '/footprint/links'),
    ]);
    const findings = companies
      .slice(2)
      .flatMap((c) =>
        [c.did, c.node.url, c.tier.name, c.tier.part.productId, c.tier.part.id, c.tier.part.name]
          .filter((canary) => held.includes(canary))
          .map((canary) => `${c.tier.key}: ${canary}`),
      );
    return { result, elapsedMs, findings };
  } finally {
    await Promise.all(companies.map((c) => c.node.close()));
    for (const c of companies) rmSync(c.store, { recursive: true, force: true });
    if (tlsCaDir) rmSync(tlsCaDir, { recursive: true, force: true });
  }
}

export function sandboxCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('sandbox').description('self-contained multi-company scenarios on loopback');
  cmd
    .command('battery')
    .description(
      'four companies of a battery chain on loopback; the automaker asks, the footprint cascade runs unattended',
    )
    .option('--https', 'the nodes talk HTTPS (certificates from a local CA made for the run)')
    .action(async (flags: { https?: boolean }) => {
      await runCommand(globals(), async () => {
        const { result, elapsedMs, findings } = await runBatterySandbox(
          (l) => process.stdout.write(`${l}\n`),
          { https: Boolean(flags.https) },
        );
        const s = result.footprint?.stages;
        if (!s) throw new Error('no stages');
        const total = [s.pre.own, s.pre.components, s.main.own, s.main.components]
          .reduce((sum, v) => sum.plus(v), new Dec(0))
          .toFixed();
        const top = batteryChain[0];
        const w = process.stdout;
        w.write(
          `\n${top?.part.name} (${top?.part.id}): ${total} kgCO2e per vehicle${result.partial ? ' (PARTIAL)' : ''}\n`,
        );
        w.write(
          `  原材料取得・前処理 own ${s.pre.own} + components ${s.pre.components}\tDQR TeR ${s.pre.dqr.TeR} GeR ${s.pre.dqr.GeR} TiR ${s.pre.dqr.TiR}\n`,
        );
        w.write(
          `  製造             own ${s.main.own} + components ${s.main.components}\tDQR TeR ${s.main.dqr.TeR} GeR ${s.main.dqr.GeR} TiR ${s.main.dqr.TiR}\n`,
        );
        w.write(`  primary data share ${result.footprint?.primaryDataShare ?? '-'} %\n`);
        w.write(`  cascade: request to verified result in ${elapsedMs} ms\n`);
        w.write(`\nleak check (automaker’s stored data vs. tiers 3–4): ${findings.length} findings\n`);
        for (const f of findings) w.write(`  ${f}\n`);
        if (findings.length > 0) process.exitCode = 1;
      });
    });
  return cmd;
}
