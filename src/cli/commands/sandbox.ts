import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Dec } from '../../apps/footprint/decimal.js';
import { loadConfig } from '../../node/config.js';
import type { RunningNode } from '../../node/start.js';
import { type GlobalOptions, runCommand } from '../run.js';
import { type Connection, managementCall } from './management.js';

/**
 * `musubi sandbox battery`: an authority and four companies of a battery supply chain, each its own node on
 * loopback — automaker ← battery-pack maker ← cell maker ← cathode-material maker — with demo data. The
 * authority issues each company a MembershipCredential carrying its 法人番号, which lists it in the authority's
 * participant directory; each company offers its footprint exchange to members only and verifies callers'
 * credentials (DCP); each customer finds its supplier by corporate number in the directory. The automaker asks
 * for its pack's footprint and the cascade runs unattended down to the cathode maker and back, over HTTPS by
 * default; the sandbox prints the car's footprint with its data quality, and checks that nothing the automaker
 * holds names a company two tiers up.
 */

/** The data space the authority runs: the membership every exchange offer asks for. */
export const sandboxMembership = '結び電池データスペース';
const authorityName = '結び電池データスペース運営機構';

interface Tier {
  readonly key: string;
  readonly name: string;
  /** 法人番号: made up, with a valid check digit. */
  readonly corporateNumber: string;
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
    corporateNumber: '7999901000001',
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
    corporateNumber: '6999901000002',
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
    corporateNumber: '5999901000003',
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
    corporateNumber: '4999901000004',
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

interface Started {
  readonly node: RunningNode;
  readonly did: string;
  readonly api: Connection;
  readonly store: string;
}

interface Company extends Started {
  readonly tier: Tier;
}

/** One node on loopback: HTTPS under the run's local CA (every sandbox node trusts it), or plain HTTP. */
async function startParticipant(
  key: string,
  name: string,
  tlsCaDir: string | undefined,
  trust: Record<string, unknown>,
): Promise<Started> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), `musubi-sandbox-${key}-`));
  const lines: string[] = [];
  try {
    const loaded = loadConfig({
      flags: {
        port,
        host: `127.0.0.1:${port}`,
        store,
        ...(tlsCaDir ? { plainHttp: false, tlsLocalCaDir: tlsCaDir } : { plainHttp: true }),
        outboundAllow: ['127.0.0.1'],
        logLevel: 'silent',
        defaultParticipantName: name,
        ...trust,
      },
      env: {},
    });
    const { startNode } = await import('../../node/start.js');
    const node = await startNode(loaded, { announce: (l) => lines.push(l) });
    const apiKey = lines.join('\n').match(/msk_\S+/)?.[0] ?? '';
    return {
      node,
      did: `did:web:127.0.0.1%3A${port}`,
      api: { node: node.url, apiKey, ca: node.caFile ? [node.caFile] : [] },
      store,
    };
  } catch (e) {
    rmSync(store, { recursive: true, force: true });
    throw e;
  }
}

const own = (o: Tier['own']) => ({
  pre: { emissions: o.pre, dqr: { TeR: o.dqr, GeR: o.dqr, TiR: o.dqr } },
  main: { emissions: o.main, dqr: { TeR: o.dqr, GeR: o.dqr, TiR: o.dqr } },
  primaryDataShare: o.primaryDataShare,
});

const membersOnly = {
  id: 'footprint-exchange-members',
  title: `${sandboxMembership}の会員のみ`,
  permission: [
    {
      action: 'use',
      constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: sandboxMembership }],
    },
  ],
};

/** A company's demo data: its part, its footprint exchange for members only, and its BOM line (if it buys). */
async function furnish(c: Company): Promise<void> {
  const t = c.tier;
  const { exchangeAssetId, exchangeOfferId } = await import('../../node/footprint/wire.js');
  await managementCall(c.api, 'PUT', '/footprint/settings', { exchange: true, autoLink: true });
  await managementCall(c.api, 'POST', '/policies', membersOnly);
  await managementCall(c.api, 'PUT', `/offers/${exchangeOfferId}`, {
    accessPolicyId: membersOnly.id,
    contractPolicyId: membersOnly.id,
    selector: { assetIds: [exchangeAssetId] },
  });
  await managementCall(c.api, 'PUT', `/footprint/parts/${t.part.id}`, {
    name: t.part.name,
    unit: t.part.unit,
    productIds: [t.part.productId],
    own: own(t.own),
  });
  if (!t.buys) return;
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
}

interface Shown {
  readonly partial: boolean;
  readonly footprint?: {
    readonly stages: Record<'pre' | 'main', { own: string; components: string; dqr: Record<string, string> }>;
    readonly primaryDataShare?: string;
  };
  readonly flags: readonly unknown[];
}

interface AgreementView {
  readonly role: string;
  readonly offerId: string;
  readonly policy: Record<string, unknown>;
}

/** The suppliers' exchange agreements (each with its customer) whose agreed terms ask for the membership. */
async function membersOnlyAgreements(suppliers: readonly Company[]): Promise<number> {
  const { exchangeOfferId } = await import('../../node/footprint/wire.js');
  let n = 0;
  for (const c of suppliers) {
    const all = await managementCall<AgreementView[]>(c.api, 'GET', '/agreements?limit=1000');
    n += all.filter(
      (a) =>
        a.role === 'provider' &&
        a.offerId === exchangeOfferId &&
        JSON.stringify(a.policy).includes(sandboxMembership),
    ).length;
  }
  return n;
}

/**
 * What the automaker holds — its result, requests, links and audit log — must not name the cell or cathode
 * maker, their corporate numbers, or their parts: the findings, empty when nothing leaked.
 */
async function leaks(companies: readonly Company[], result: Shown): Promise<string[]> {
  const [top] = companies;
  if (!top) return [];
  const held = JSON.stringify([
    result,
    await managementCall(top.api, 'GET', '/footprint/requests'),
    await managementCall(top.api, 'GET', '/footprint/links'),
    await managementCall(top.api, 'GET', '/credentials'),
    await managementCall(top.api, 'GET', '/audit?limit=1000'),
  ]);
  return companies
    .slice(2)
    .flatMap((c) =>
      [
        c.did,
        c.node.url,
        c.tier.name,
        c.tier.corporateNumber,
        c.tier.part.productId,
        c.tier.part.id,
        c.tier.part.name,
      ]
        .filter((canary) => held.includes(canary))
        .map((canary) => `${c.tier.key}: ${canary}`),
    );
}

/**
 * Sets the space up — the authority, the chain's members with their credentials, their data, links found by
 * corporate number — runs the cascade from the top and returns what the automaker sees, with a leak check.
 */
export async function runBatterySandbox(
  report: (line: string) => void,
  o: { https?: boolean; timeoutMs?: number } = {},
) {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const started: Started[] = [];
  const companies: Company[] = [];
  const tlsCaDir = o.https === false ? undefined : mkdtempSync(join(tmpdir(), 'musubi-sandbox-ca-'));
  try {
    const authority = await startParticipant('authority', authorityName, tlsCaDir, {});
    started.push(authority);
    report(`${authorityName} (authority)\t${authority.did}\t${authority.node.url}`);
    // Members verify every caller's credentials (DCP) against this authority, and look suppliers up in its directory.
    const trust = {
      trustedIssuers: [`MembershipCredential=${authority.did}`],
      directoryAuthority: authority.node.url,
    };
    for (const tier of batteryChain) {
      const c = { ...(await startParticipant(tier.key, tier.name, tlsCaDir, trust)), tier };
      started.push(c);
      companies.push(c);
    }
    for (const c of companies) {
      await managementCall(authority.api, 'POST', '/authority/credentials', {
        holder: c.did,
        type: 'MembershipCredential',
        claims: { membership: sandboxMembership, corporateNumber: c.tier.corporateNumber, name: c.tier.name },
      });
      report(`${c.tier.name} (${c.tier.key})\t法人番号 ${c.tier.corporateNumber}\t${c.did}\t${c.node.url}`);
      await furnish(c);
    }
    let foundInDirectory = 0;
    // Each customer knows its supplier by corporate number only: the authority's directory gives DID and address.
    for (const [i, c] of companies.entries()) {
      const supplier = companies[i + 1];
      if (!c.tier.buys || !supplier) continue;
      const link = await managementCall<{ supplierDid: string }>(
        c.api,
        'PUT',
        `/footprint/links/${c.tier.buys.id}`,
        {
          supplierCorporateNumber: supplier.tier.corporateNumber,
          supplierPart: supplier.tier.part.productId,
        },
      );
      if (link.supplierDid !== supplier.did)
        throw new Error(`the directory gave ${link.supplierDid} for ${supplier.tier.corporateNumber}`);
      foundInDirectory++;
    }
    const [top] = companies;
    if (!top?.tier.buys) throw new Error('the chain has no top');
    const requested = Date.now();
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
      if (Date.now() - requested > timeoutMs) throw new Error('the cascade did not finish in time');
      await new Promise((r) => setTimeout(r, 25));
    }
    const elapsedMs = Date.now() - requested;
    const [result] = await managementCall<Shown[]>(
      top.api,
      'GET',
      `/footprint/results?traceId=${top.tier.part.id}`,
    );
    if (!result?.footprint) throw new Error('the automaker has no result');
    const findings = await leaks(companies, result);
    const trusted = {
      authority: authority.did,
      foundInDirectory,
      membersOnlyAgreements: await membersOnlyAgreements(companies.slice(1)),
    };
    return { result, elapsedMs, findings, https: tlsCaDir !== undefined, trusted };
  } finally {
    await Promise.all(started.map((c) => c.node.close()));
    for (const c of started) rmSync(c.store, { recursive: true, force: true });
    if (tlsCaDir) rmSync(tlsCaDir, { recursive: true, force: true });
  }
}

export function sandboxCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('sandbox').description('self-contained multi-company scenarios on loopback');
  cmd
    .command('battery')
    .description(
      'an authority and four companies of a battery chain on loopback; the automaker asks, the footprint cascade runs unattended over HTTPS with verified membership credentials',
    )
    .option('--https', 'the nodes talk HTTPS, certificates from a local CA made for the run (the default)')
    .option('--no-https', 'the nodes talk plain HTTP')
    .action(async (flags: { https?: boolean }) => {
      await runCommand(globals(), async () => {
        const { result, elapsedMs, findings, https, trusted } = await runBatterySandbox(
          (l) => process.stdout.write(`${l}\n`),
          { https: flags.https !== false },
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
        w.write(
          `  trust: ${https ? 'HTTPS' : 'plain HTTP'}, DCP; ${trusted.foundInDirectory} suppliers found by 法人番号 in the authority’s directory; ${trusted.membersOnlyAgreements} exchange agreements for members of ${sandboxMembership} only (MembershipCredential from ${trusted.authority})\n`,
        );
        w.write(`\nleak check (automaker’s stored data vs. tiers 3–4): ${findings.length} findings\n`);
        for (const f of findings) w.write(`  ${f}\n`);
        if (findings.length > 0) process.exitCode = 1;
      });
    });
  return cmd;
}
