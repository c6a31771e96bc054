import { Command, Option } from 'commander';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import {
  type Connection,
  type ConnectionFlags,
  connection,
  enc,
  idempotency,
  managementCall,
  query,
  withConnection,
} from './management.js';
import { follow, type ProcessView, why } from './processes.js';
import { type PulledEdr, pullTransfer } from './transfer-pull.js';

/**
 * `musubi transfer …`: transfer processes through a running node's management API, so nobody writes DSP
 * messages by hand. Every command acts for the participant that owns the API key.
 */

interface TransferView extends ProcessView {
  readonly role: string;
  readonly agreementId: string;
  readonly format: string;
  readonly counterpartyId: string;
  readonly dataAddress?: {
    endpoint?: string;
    endpointProperties?: { name: string; value: string }[];
  } | null;
}

function line(t: TransferView): string {
  return `${t.id}\t${t.state}\t${t.role}\t${t.format}\t${t.agreementId}${why(t)}`;
}

const path = (id: string) => `/transfers/${enc(id)}`;

/** The EDR the node keeps for a pull (refreshed by the node when it is about to expire). */
const edrOf = (c: Connection, id: string) =>
  managementCall<PulledEdr & { expiresAt: string }>(c, 'GET', `${path(id)}/edr`);

/** What a consumer needs to pull: the endpoint and a valid token (the node keeps them sealed). */
async function access(c: Connection, t: TransferView): Promise<string> {
  if (t.role !== 'consumer' || t.state !== 'STARTED' || t.format !== 'HttpData-PULL') return '';
  try {
    const e = await edrOf(c, t.id);
    return `endpoint: ${e.endpoint}\ntoken: ${e.authorization}\nexpires: ${e.expiresAt}\n`;
  } catch (e) {
    // the transfer itself is still shown; why there is no usable access is one more line
    return `access: ${e instanceof Error ? e.message : String(e)}\n`;
  }
}

async function show(c: Connection, t: TransferView, json: boolean | undefined): Promise<void> {
  if (json) printJson(t);
  else process.stdout.write(`${line(t)}\n${await access(c, t)}`);
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
      f: ConnectionFlags & {
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
        let t = await managementCall<TransferView>(
          c,
          'POST',
          '/transfers',
          body,
          idempotency(f.idempotencyKey),
        );
        if (f.wait)
          t = await follow(c, path(t.id), t, (x) => x.state !== 'REQUESTED', {
            kind: 'transfer',
            timeoutS: Number(f.timeout) || 30,
            everyMs: 200,
          });
        await show(c, t, f.json);
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
    async (
      f: ConnectionFlags & {
        state?: string;
        role?: string;
        agreement?: string;
        limit: string;
        after?: string;
      },
    ) => {
      await runCommand(globals(), async () => {
        const q = query({
          limit: f.limit,
          state: f.state,
          role: f.role,
          agreementId: f.agreement,
          after: f.after,
        });
        const page = await managementCall<TransferView[]>(connection(f), 'GET', `/transfers${q}`);
        if (f.json) return printJson(page);
        for (const t of page) process.stdout.write(`${line(t)}\n`);
      });
    },
  );

  withConnection(
    cmd.command('show <id>').description('one transfer; for a started pull, its endpoint and token'),
  ).action(async (id: string, f: ConnectionFlags) => {
    await runCommand(globals(), async () => {
      const c = connection(f);
      await show(c, await managementCall<TransferView>(c, 'GET', path(id)), f.json);
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
    ).action(async (id: string, f: ConnectionFlags & { reason?: string }) => {
      await runCommand(globals(), async () => {
        const body = f.reason ? { reason: f.reason } : {};
        const c = connection(f);
        await show(c, await managementCall<TransferView>(c, 'POST', `${path(id)}/${step}`, body), f.json);
      });
    });
  }
  withConnection(
    cmd
      .command('pull <transferId>')
      .description('stream a STARTED pull transfer’s data to a file or stdout (continues a left .part file)')
      .option('-o, --output <file>', 'write to this file (default: stdout)'),
  ).action(async (id: string, f: ConnectionFlags & { output?: string }) => {
    await runCommand(globals(), async () => {
      const c = connection(f);
      await pullTransfer({
        transferId: id,
        ...(f.output ? { output: f.output } : {}),
        edr: () => edrOf(c, id),
        ca: c.ca,
        report: (l) => process.stderr.write(`${l}\n`),
      });
    });
  });
  return cmd;
}
