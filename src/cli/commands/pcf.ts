import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command } from 'commander';
import { Dec } from '../../apps/footprint/decimal.js';
import { InvalidInput } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import {
  type ConnectionFlags,
  collect,
  connection,
  enc,
  idempotency,
  managementCall,
  query,
  readJsonFile,
  withConnection,
} from './management.js';

/**
 * `musubi pcf …`: the product carbon footprint app through the management API — parts, BOM import, trade
 * links, settings, requests in and out (link, answer, reject, approve) and results (docs/footprint.md).
 */

interface RequestView {
  readonly id: string;
  readonly direction: string;
  readonly status: string;
  readonly counterpartyDid: string;
  readonly partRef: string;
  readonly traceId?: string;
  readonly message?: string;
  readonly dueDate?: string;
  readonly reply?: string;
}

interface ResultView {
  readonly traceId: string;
  readonly partial: boolean;
  readonly footprint?: {
    readonly declaredUnit: string;
    readonly stages?: Record<
      'pre' | 'main',
      { own: string; components: string; dqr?: Record<string, string> }
    >;
    readonly pcf: Record<string, string>;
    readonly primaryDataShare?: string;
  };
  readonly flags: readonly Record<string, unknown>[];
}

const requestLine = (r: RequestView) =>
  [
    r.id,
    r.direction,
    r.status,
    r.partRef,
    r.traceId ?? '-',
    r.counterpartyDid,
    r.dueDate ?? '',
    r.message ?? '',
  ]
    .join('\t')
    .trimEnd();

function resultLines(r: ResultView): string {
  const s = r.footprint?.stages;
  const total = s
    ? [s.pre.own, s.pre.components, s.main.own, s.main.components]
        .reduce((sum, v) => sum.plus(v), new Dec(0))
        .toFixed()
    : undefined;
  const head = `${r.traceId}\t${total === undefined ? '-' : `${total} kgCO2e/${r.footprint?.declaredUnit}`}${r.partial ? '\tPARTIAL' : ''}`;
  const rows = [head];
  if (s) {
    rows.push(
      `  pre  own ${s.pre.own} + components ${s.pre.components}\tTeR ${s.pre.dqr?.TeR ?? '-'} GeR ${s.pre.dqr?.GeR ?? '-'} TiR ${s.pre.dqr?.TiR ?? '-'}`,
    );
    rows.push(
      `  main own ${s.main.own} + components ${s.main.components}\tTeR ${s.main.dqr?.TeR ?? '-'} GeR ${s.main.dqr?.GeR ?? '-'} TiR ${s.main.dqr?.TiR ?? '-'}`,
    );
  }
  if (r.footprint?.primaryDataShare !== undefined)
    rows.push(`  primary data share ${r.footprint.primaryDataShare} %`);
  for (const f of r.flags) rows.push(`  ! ${JSON.stringify(f)}`);
  return rows.join('\n');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidInput('cli.file', `cannot read ${file}: ${(e as Error).message}`);
  }
}

interface LinkFlags {
  readonly supplier?: string;
  readonly address?: string;
  readonly supplierCorporateNumber?: string;
  readonly authority?: string;
  readonly part: string;
}

/** The link body: the supplier by DID and address, or by corporate number; a mix or neither is refused. */
function linkBody(f: LinkFlags): Record<string, string> {
  if (f.supplierCorporateNumber !== undefined) {
    if (f.supplier !== undefined || f.address !== undefined)
      throw new InvalidInput(
        'cli.usage',
        'give the supplier either by --supplier-corporate-number or by --supplier and --address, not both',
      );
    return {
      supplierCorporateNumber: f.supplierCorporateNumber,
      ...(f.authority ? { authority: f.authority } : {}),
      supplierPart: f.part,
    };
  }
  if (f.supplier === undefined || f.address === undefined)
    throw new InvalidInput(
      'cli.usage',
      'name the supplier: --supplier-corporate-number <法人番号>, or --supplier <did> with --address <url>',
    );
  if (f.authority !== undefined)
    throw new InvalidInput('cli.usage', '--authority goes with --supplier-corporate-number');
  return { supplierDid: f.supplier, supplierAddress: f.address, supplierPart: f.part };
}

export function pcfCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('pcf').description(
    'product carbon footprints across the supply chain: parts, BOM, suppliers, requests and results',
  );
  const run = (body: () => Promise<void>) => runCommand(globals(), body);
  const out = (f: ConnectionFlags, value: unknown, text: () => string) => {
    if (f.json) printJson(value);
    else process.stdout.write(`${text()}\n`);
  };

  withConnection(
    cmd
      .command('settings')
      .description(
        'show or change: auto-link requests by product id, approve before publishing, offer the exchange',
      )
      .option('--auto-link <on|off>')
      .option('--approve-before-publish <on|off>')
      .option('--exchange', 'offer the footprint exchange to customers'),
  ).action(
    async (f: ConnectionFlags & { autoLink?: string; approveBeforePublish?: string; exchange?: boolean }) => {
      await run(async () => {
        const flag = (v: string | undefined, name: string) => {
          if (v === undefined) return undefined;
          if (v !== 'on' && v !== 'off')
            throw new InvalidInput('cli.flag', `--${name} takes on or off, not ${v}`);
          return v === 'on';
        };
        const body = {
          ...(f.autoLink !== undefined ? { autoLink: flag(f.autoLink, 'auto-link') } : {}),
          ...(f.approveBeforePublish !== undefined
            ? { approveBeforePublish: flag(f.approveBeforePublish, 'approve-before-publish') }
            : {}),
          ...(f.exchange ? { exchange: true } : {}),
        };
        const c = connection(f);
        const s = Object.keys(body).length
          ? await managementCall<Record<string, unknown>>(c, 'PUT', '/footprint/settings', body)
          : await managementCall<Record<string, unknown>>(c, 'GET', '/footprint/settings');
        out(f, s, () =>
          Object.entries(s)
            .map(([k, v]) => `${k}\t${String(v)}`)
            .join('\n'),
        );
      });
    },
  );

  const part = cmd.command('part').description('parts and their own emissions per unit');
  withConnection(
    part
      .command('put <traceId>')
      .description('create or replace a part')
      .requiredOption('--name <name>', 'part name (品名)')
      .requiredOption('--unit <unit>', 'kg, t, l, m3, kWh, MJ, tkm, m2 or piece')
      .option('--leaf', 'not traced further upstream (own data only)')
      .option('--mass-per-unit <kg>', 'kg per unit, where a conversion needs it')
      .option('--product-id <urn>', 'product id customers ask for (repeatable)', collect)
      .option('--own <file>', "JSON file with the part's own emissions per unit ({ pre, main, pcf, … })"),
  ).action(
    async (
      traceId: string,
      f: ConnectionFlags & {
        name: string;
        unit: string;
        leaf?: boolean;
        massPerUnit?: string;
        productId?: string[];
        own?: string;
      },
    ) => {
      await run(async () => {
        const body = {
          name: f.name,
          unit: f.unit,
          leaf: Boolean(f.leaf),
          ...(f.massPerUnit ? { massPerUnit: f.massPerUnit } : {}),
          ...(f.productId ? { productIds: f.productId } : {}),
          ...(f.own ? { own: readJsonFile(f.own, 'own emissions') } : {}),
        };
        const p = await managementCall<{ traceId: string; name: string; unit: string }>(
          connection(f),
          'PUT',
          `/footprint/parts/${enc(traceId)}`,
          body,
        );
        out(f, p, () => `${p.traceId}\t${p.unit}\t${p.name}`);
      });
    },
  );
  withConnection(part.command('list').description('parts, by trace id')).action(
    async (f: ConnectionFlags) => {
      await run(async () => {
        const ps = await managementCall<{ traceId: string; name: string; unit: string; own?: unknown }[]>(
          connection(f),
          'GET',
          '/footprint/parts',
        );
        out(f, ps, () =>
          ps.map((p) => `${p.traceId}\t${p.unit}\t${p.name}${p.own ? '' : '\t(no own data)'}`).join('\n'),
        );
      });
    },
  );

  withConnection(
    cmd
      .command('bom-import <file>')
      .description('import BOM lines from CSV or JSON; the first bad line stops it and nothing is stored')
      .option('--format <csv|json>', 'default: from the file extension'),
  ).action(async (file: string, f: ConnectionFlags & { format?: string }) => {
    await run(async () => {
      const format = f.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
      if (format !== 'csv' && format !== 'json')
        throw new InvalidInput('cli.format', `--format is csv or json, not ${format}`);
      const r = await managementCall<{ lines: number; parents: string[] }>(
        connection(f),
        'POST',
        '/footprint/bom',
        {
          format,
          text: readText(file),
        },
      );
      out(f, r, () => `imported ${r.lines} lines for ${r.parents.join(', ')}`);
    });
  });

  withConnection(
    cmd
      .command('link <traceId>')
      .description(
        "my part is bought as a supplier's part; the supplier named by DID and address, or by its 法人番号",
      )
      .option('--supplier <did>', "the supplier's DID (with --address)")
      .option('--address <url>', "the supplier's connector URL (with --supplier)")
      .option(
        '--supplier-corporate-number <法人番号>',
        "find the supplier's DID and address in the participant directory (全角 and hyphens are fine)",
      )
      .option(
        '--authority <url>',
        "the authority whose directory to ask (default: the node's directoryAuthority)",
      )
      .requiredOption('--part <productId>', "the supplier's product id"),
  ).action(async (traceId: string, f: ConnectionFlags & LinkFlags) => {
    await run(async () => {
      const l = await managementCall<Record<string, string>>(
        connection(f),
        'PUT',
        `/footprint/links/${enc(traceId)}`,
        linkBody(f),
      );
      const named = l.supplierCorporateNumber
        ? `\t${l.supplierCorporateNumber}${l.supplierName ? ` ${l.supplierName}` : ''}`
        : '';
      out(f, l, () => `${traceId}\t← ${f.part}\t${l.supplierDid}${named}`);
    });
  });

  const requests = cmd
    .command('request')
    .description('footprint requests: inbox (customers) and outbox (suppliers)');
  withConnection(
    requests
      .command('list')
      .option('--inbox', 'requests from customers')
      .option('--outbox', 'requests to suppliers')
      .option('--status <status>', 'requested, answered, rejected, cancelled or outdated'),
  ).action(async (f: ConnectionFlags & { inbox?: boolean; outbox?: boolean; status?: string }) => {
    await run(async () => {
      const direction = f.inbox && !f.outbox ? 'inbox' : f.outbox && !f.inbox ? 'outbox' : undefined;
      const rs = await managementCall<RequestView[]>(
        connection(f),
        'GET',
        `/footprint/requests${query({ direction, status: f.status })}`,
      );
      out(f, rs, () => rs.map(requestLine).join('\n'));
    });
  });
  withConnection(
    requests
      .command('send <traceId>')
      .description('ask the supplier of my bought part for its footprint (never sends my quantities)')
      .option('--message <text>')
      .option('--due <date>', 'YYYY-MM-DD')
      .option('--idempotency-key <key>'),
  ).action(
    async (
      traceId: string,
      f: ConnectionFlags & { message?: string; due?: string; idempotencyKey?: string },
    ) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          '/footprint/requests',
          { traceId, ...(f.message ? { message: f.message } : {}), ...(f.due ? { dueDate: f.due } : {}) },
          idempotency(f.idempotencyKey),
        );
        out(f, r, () => requestLine(r));
      });
    },
  );
  const step = (name: string, description: string) =>
    withConnection(requests.command(`${name} <requestId>`).description(description));
  step('link', 'link an incoming request to my part')
    .requiredOption('--part <traceId>', 'my part')
    .action(async (id: string, f: ConnectionFlags & { part: string }) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          `/footprint/requests/${enc(id)}/link`,
          {
            traceId: f.part,
          },
        );
        out(f, r, () => requestLine(r));
      });
    });
  step('answer', 'compute and publish the answer (held when approval is required)')
    .option('--allow-partial', 'publish even while supplier answers are missing (flagged partial)')
    .action(async (id: string, f: ConnectionFlags & { allowPartial?: boolean }) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          `/footprint/requests/${enc(id)}/answer`,
          {
            allowPartial: Boolean(f.allowPartial),
          },
        );
        out(f, r, () => requestLine(r));
      });
    });
  step('reject', 'reject an incoming request')
    .requiredOption('--reply <text>', 'the reason, sent to the customer')
    .action(async (id: string, f: ConnectionFlags & { reply: string }) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          `/footprint/requests/${enc(id)}/reject`,
          {
            reply: f.reply,
          },
        );
        out(f, r, () => requestLine(r));
      });
    });
  step('cancel', 'withdraw a request I sent (the supplier is told)').action(
    async (id: string, f: ConnectionFlags) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          `/footprint/requests/${enc(id)}/cancel`,
        );
        out(f, r, () => requestLine(r));
      });
    },
  );
  step('approve', 'approve the answer held for approval: sign and publish it').action(
    async (id: string, f: ConnectionFlags) => {
      await run(async () => {
        const r = await managementCall<RequestView>(
          connection(f),
          'POST',
          `/footprint/requests/${enc(id)}/approve`,
        );
        out(f, r, () => requestLine(r));
      });
    },
  );

  withConnection(
    cmd
      .command('results [traceId]')
      .description('aggregated footprints of my parts, with their breakdown and flags'),
  ).action(async (traceId: string | undefined, f: ConnectionFlags) => {
    await run(async () => {
      const rs = await managementCall<ResultView[]>(
        connection(f),
        'GET',
        `/footprint/results${query({ traceId })}`,
      );
      out(f, rs, () => rs.map(resultLines).join('\n'));
    });
  });

  return cmd;
}
