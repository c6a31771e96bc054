import { Command, Option } from 'commander';
import { MusubiError } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';

/**
 * `musubi transfer …`: transfer processes through a running node's management API, so nobody writes DSP
 * messages by hand. Every command acts for the participant that owns the API key.
 */

interface Connection {
  readonly node: string;
  readonly apiKey: string;
}

interface TransferView {
  readonly id: string;
  readonly role: string;
  readonly state: string;
  readonly agreementId: string;
  readonly format: string;
  readonly counterpartyId: string;
  readonly dataAddress?: {
    endpoint?: string;
    endpointProperties?: { name: string; value: string }[];
  } | null;
  readonly reasonCode?: string | null;
  readonly reason?: string | null;
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
    // The CLI talks to its own operator's node, not out into the data space: no egress policy applies.
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

function line(t: TransferView): string {
  const why = t.reasonCode ? `\t${t.reasonCode}${t.reason ? `: ${t.reason}` : ''}` : '';
  return `${t.id}\t${t.state}\t${t.role}\t${t.format}\t${t.agreementId}${why}`;
}

/** What a consumer needs to pull: the endpoint and the token the provider handed out. */
function access(t: TransferView): string {
  const a = t.dataAddress;
  if (t.role !== 'consumer' || t.state !== 'STARTED' || !a?.endpoint) return '';
  const token = a.endpointProperties?.find((p) => p.name === 'authorization')?.value;
  return `endpoint: ${a.endpoint}\n${token ? `token: ${token}\n` : ''}`;
}

function show(t: TransferView, json: boolean | undefined): void {
  if (json) printJson(t);
  else process.stdout.write(`${line(t)}\n${access(t)}`);
}

function withConnection(cmd: Command): Command {
  return cmd
    .addOption(new Option('--node <url>', 'the node’s URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'management API key of the participant').makeOptionMandatory())
    .option('--json', 'output as JSON');
}

const connection = (f: { node: string; apiKey: string }): Connection => ({ node: f.node, apiKey: f.apiKey });

async function waitWhileRequested(c: Connection, t: TransferView, timeoutS: number): Promise<TransferView> {
  const until = Date.now() + timeoutS * 1000;
  let current = t;
  while (current.state === 'REQUESTED') {
    if (Date.now() > until)
      throw new MusubiError(
        'cli.wait-timeout',
        'unavailable',
        `transfer ${t.id} still REQUESTED after ${timeoutS} s`,
      );
    await new Promise((r) => setTimeout(r, 200));
    current = await call<TransferView>(c, 'GET', `/transfers/${encodeURIComponent(t.id)}`);
  }
  return current;
}

export function transferCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('transfer').description(
    'transfer processes: request data under an agreement, follow and end them',
  );

  withConnection(
    cmd
      .command('request <agreementId>')
      .description('ask the provider of a FINALIZED agreement for a transfer (as consumer)')
      .addOption(
        new Option('--format <format>', 'transfer format')
          .choices(['HttpData-PULL', 'HttpData-PUSH'])
          .default('HttpData-PULL'),
      )
      .option(
        '--provider-address <url>',
        "the provider's DSP base (default: where the agreement was negotiated)",
      )
      .option('--push-endpoint <url>', 'HttpData-PUSH: where the provider pushes the data')
      .option('--idempotency-key <key>', 'a retried request with the same key returns the same transfer')
      .option('--wait', 'wait until the provider starts (or refuses) the transfer')
      .option('--timeout <seconds>', 'how long --wait waits', '30'),
  ).action(
    async (
      agreementId: string,
      f: {
        node: string;
        apiKey: string;
        json?: boolean;
        format: string;
        providerAddress?: string;
        pushEndpoint?: string;
        idempotencyKey?: string;
        wait?: boolean;
        timeout: string;
      },
    ) => {
      await runCommand(globals(), async () => {
        const c = connection(f);
        const body = {
          agreementId,
          format: f.format,
          ...(f.providerAddress ? { providerAddress: f.providerAddress } : {}),
          ...(f.pushEndpoint
            ? { dataAddress: { endpointType: 'https://w3id.org/idsa/v4.1/HTTP', endpoint: f.pushEndpoint } }
            : {}),
        };
        const headers = f.idempotencyKey ? { 'idempotency-key': f.idempotencyKey } : {};
        let t = await call<TransferView>(c, 'POST', '/transfers', body, headers);
        if (f.wait) t = await waitWhileRequested(c, t, Number(f.timeout) || 30);
        show(t, f.json);
      });
    },
  );

  withConnection(
    cmd
      .command('list')
      .description('list transfers, oldest first')
      .addOption(
        new Option('--state <state>', 'only this state').choices([
          'REQUESTED',
          'STARTED',
          'SUSPENDED',
          'COMPLETED',
          'TERMINATED',
        ]),
      )
      .addOption(new Option('--role <role>', 'only this role').choices(['provider', 'consumer']))
      .option('--agreement <id>', 'only transfers under this agreement')
      .option('--limit <n>', 'page size', '100')
      .option('--after <id>', 'the last id of the previous page'),
  ).action(
    async (f: {
      node: string;
      apiKey: string;
      json?: boolean;
      state?: string;
      role?: string;
      agreement?: string;
      limit: string;
      after?: string;
    }) => {
      await runCommand(globals(), async () => {
        const q = new URLSearchParams({ limit: f.limit });
        if (f.state) q.set('state', f.state);
        if (f.role) q.set('role', f.role);
        if (f.agreement) q.set('agreementId', f.agreement);
        if (f.after) q.set('after', f.after);
        const page = await call<TransferView[]>(connection(f), 'GET', `/transfers?${q}`);
        if (f.json) return printJson(page);
        for (const t of page) process.stdout.write(`${line(t)}\n`);
      });
    },
  );

  withConnection(
    cmd.command('show <id>').description('one transfer; for a started pull, its endpoint and token'),
  ).action(async (id: string, f: { node: string; apiKey: string; json?: boolean }) => {
    await runCommand(globals(), async () => {
      show(await call<TransferView>(connection(f), 'GET', `/transfers/${encodeURIComponent(id)}`), f.json);
    });
  });

  const steps: readonly [string, string][] = [
    ['terminate', 'terminate a transfer; the counterparty is told'],
    ['suspend', 'suspend a started transfer; the counterparty is told'],
    ['start', 'start (provider) or resume a suspended transfer'],
    ['complete', 'mark a started transfer completed'],
  ];
  for (const [step, description] of steps) {
    withConnection(
      cmd
        .command(`${step} <id>`)
        .description(description)
        .option('--reason <text>', 'why (sent to the counterparty)'),
    ).action(async (id: string, f: { node: string; apiKey: string; json?: boolean; reason?: string }) => {
      await runCommand(globals(), async () => {
        const body = f.reason ? { reason: f.reason } : {};
        show(
          await call<TransferView>(
            connection(f),
            'POST',
            `/transfers/${encodeURIComponent(id)}/${step}`,
            body,
          ),
          f.json,
        );
      });
    });
  }
  return cmd;
}
