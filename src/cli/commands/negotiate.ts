import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { InvalidInput, MusubiError } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';

/**
 * `musubi negotiate …`: contract negotiations through a running node's management API, so nobody writes DSP
 * messages or ODRL by hand. Every command acts for the participant that owns the API key.
 */

interface Connection {
  readonly node: string;
  readonly apiKey: string;
}

interface NegotiationView {
  readonly id: string;
  readonly role: string;
  readonly state: string;
  readonly offerId: string;
  readonly counterpartyId: string;
  readonly agreementId?: string | null;
  readonly reasonCode?: string | null;
  readonly reason?: string | null;
  readonly reused?: boolean;
}

interface AgreementView {
  readonly id: string;
  readonly role: string;
  readonly offerId: string;
  readonly assetId: string;
  readonly counterpartyId: string;
  readonly finalizedAt: string | null;
}

const kindOfStatus = (status: number) =>
  status === 404
    ? 'not-found'
    : status === 401 || status === 403
      ? 'unauthorized'
      : status === 409
        ? 'conflict'
        : status === 503
          ? 'unavailable'
          : status >= 400 && status < 500
            ? 'invalid'
            : 'internal';

/** One management API call; a problem answer becomes one readable line and the exit code of its kind. */
async function call<T>(
  c: Connection,
  method: string,
  path: string,
  body?: unknown,
  headers = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${c.node.replace(/\/+$/, '')}/management/v1${path}`, {
      method,
      headers: {
        'x-api-key': c.apiKey,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new MusubiError(
      'cli.node-unreachable',
      'unavailable',
      `cannot reach the node at ${c.node}: ${(e as Error).message}`,
    );
  }
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const p = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
    throw new MusubiError(
      p.code ?? 'cli.request-failed',
      kindOfStatus(res.status),
      p.detail ?? p.title ?? `HTTP ${res.status}`,
    );
  }
  return parsed as T;
}

function line(n: NegotiationView): string {
  const why = n.reasonCode ? `\t${n.reasonCode}${n.reason ? `: ${n.reason}` : ''}` : '';
  return `${n.id}\t${n.state}\t${n.role}\t${n.offerId}\t${n.agreementId ?? '-'}${n.reused ? '\t(reused)' : ''}${why}`;
}

function withConnection(cmd: Command): Command {
  return cmd
    .addOption(new Option('--node <url>', 'the node’s URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'management API key of the participant').makeOptionMandatory())
    .option('--json', 'output as JSON');
}

const connection = (f: { node: string; apiKey: string }): Connection => ({ node: f.node, apiKey: f.apiKey });
const path = (id: string) => `/negotiations/${encodeURIComponent(id)}`;

/** Follows a negotiation until it ends; TERMINATED is a failure the exit code tells. */
async function waitForEnd(c: Connection, n: NegotiationView, timeoutS: number): Promise<NegotiationView> {
  const until = Date.now() + timeoutS * 1000;
  let current = n;
  while (current.state !== 'FINALIZED' && current.state !== 'TERMINATED') {
    if (Date.now() > until)
      throw new MusubiError(
        'cli.wait-timeout',
        'unavailable',
        `negotiation ${n.id} still ${current.state} after ${timeoutS} s`,
      );
    await new Promise((r) => setTimeout(r, 100));
    current = await call<NegotiationView>(c, 'GET', path(n.id));
  }
  return current;
}

function readOffer(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidInput('cli.offer-file', `cannot read the offer from ${file}: ${(e as Error).message}`);
  }
}

interface StartFlags {
  node: string;
  apiKey: string;
  json?: boolean;
  provider: string;
  providerId: string;
  offerId?: string;
  dataset?: string;
  offerFile?: string;
  force?: boolean;
  idempotencyKey?: string;
  wait?: boolean;
  timeout: string;
}

export function negotiateCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('negotiate').description(
    'contract negotiations: agree on an offer of another participant',
  );

  withConnection(
    cmd
      .command('start')
      .description("negotiate a contract for a provider's offer (as consumer); reuses a FINALIZED agreement")
      .requiredOption(
        '--provider <url>',
        "the provider participant's URL (where /.well-known/dspace-version answers)",
      )
      .requiredOption('--provider-id <did>', "the provider's DID")
      .option('--offer-id <id>', "the offer's id in the provider's catalog (with --dataset)")
      .option('--dataset <id>', 'the dataset the offer belongs to')
      .option('--offer-file <file>', 'the offer as JSON (compact ODRL with @id and target) instead')
      .option('--force', 'negotiate again even if a FINALIZED agreement for the offer exists')
      .option('--idempotency-key <key>', 'a retried start with the same key returns the same negotiation')
      .option('--wait', 'wait until the negotiation is FINALIZED or TERMINATED')
      .option('--timeout <seconds>', 'how long --wait waits', '60'),
  ).action(async (flags: StartFlags) => {
    const g = globals();
    await runCommand(g, async () => {
      const c = connection(flags);
      if (!flags.offerFile && !(flags.offerId && flags.dataset))
        throw new InvalidInput('cli.offer-missing', 'give --offer-id with --dataset, or --offer-file');
      const body = {
        counterpartyAddress: flags.provider,
        counterpartyId: flags.providerId,
        ...(flags.offerFile
          ? { offer: readOffer(flags.offerFile) }
          : { offerId: flags.offerId, datasetId: flags.dataset }),
        ...(flags.force ? { force: true } : {}),
      };
      const headers = flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {};
      let n = await call<NegotiationView>(c, 'POST', '/negotiations', body, headers);
      if (flags.wait) n = await waitForEnd(c, n, Number(flags.timeout));
      if (flags.json) printJson(n);
      else process.stdout.write(`${line(n)}\n`);
      if (n.state === 'TERMINATED')
        throw new MusubiError(
          'negotiation.terminated',
          'conflict',
          `negotiation ${n.id} was terminated: ${n.reasonCode ?? ''} ${n.reason ?? ''}`.trim(),
        );
    });
  });

  withConnection(
    cmd
      .command('list')
      .description('list negotiations, oldest first')
      .addOption(
        new Option('--state <state>', 'only this state').choices([
          'REQUESTED',
          'OFFERED',
          'ACCEPTED',
          'AGREED',
          'VERIFIED',
          'FINALIZED',
          'TERMINATED',
        ]),
      )
      .addOption(new Option('--role <role>', 'only this role').choices(['provider', 'consumer']))
      .option('--limit <n>', 'page size', '100')
      .option('--after <id>', 'the last id of the previous page'),
  ).action(
    async (flags: {
      node: string;
      apiKey: string;
      json?: boolean;
      state?: string;
      role?: string;
      limit: string;
      after?: string;
    }) => {
      const g = globals();
      await runCommand(g, async () => {
        const q = new URLSearchParams({ limit: flags.limit });
        if (flags.state) q.set('state', flags.state);
        if (flags.role) q.set('role', flags.role);
        if (flags.after) q.set('after', flags.after);
        const page = await call<NegotiationView[]>(connection(flags), 'GET', `/negotiations?${q}`);
        if (flags.json) return printJson(page);
        for (const n of page) process.stdout.write(`${line(n)}\n`);
      });
    },
  );

  withConnection(cmd.command('show <id>').description('one negotiation')).action(
    async (id: string, flags: { node: string; apiKey: string; json?: boolean }) => {
      const g = globals();
      await runCommand(g, async () => {
        const n = await call<NegotiationView>(connection(flags), 'GET', path(id));
        if (flags.json) printJson(n);
        else process.stdout.write(`${line(n)}\n`);
      });
    },
  );

  withConnection(
    cmd
      .command('terminate <id>')
      .description('terminate a negotiation; the counterparty is told')
      .option('--reason <text>', 'why, for the counterparty'),
  ).action(async (id: string, flags: { node: string; apiKey: string; json?: boolean; reason?: string }) => {
    const g = globals();
    await runCommand(g, async () => {
      const n = await call<NegotiationView>(
        connection(flags),
        'POST',
        `${path(id)}/terminate`,
        flags.reason ? { reason: flags.reason } : {},
      );
      if (flags.json) printJson(n);
      else process.stdout.write(`${line(n)}\n`);
    });
  });

  withConnection(
    cmd
      .command('agreements')
      .description('list contract agreements')
      .option('--finalized', 'only FINALIZED ones'),
  ).action(async (flags: { node: string; apiKey: string; json?: boolean; finalized?: boolean }) => {
    const g = globals();
    await runCommand(g, async () => {
      const page = await call<AgreementView[]>(
        connection(flags),
        'GET',
        `/agreements${flags.finalized ? '?finalized=true' : ''}`,
      );
      if (flags.json) return printJson(page);
      for (const a of page)
        process.stdout.write(
          `${a.id}\t${a.role}\t${a.offerId}\t${a.assetId}\t${a.finalizedAt ? 'FINALIZED' : 'pending'}\n`,
        );
    });
  });

  return cmd;
}
