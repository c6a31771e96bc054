import { Command, Option } from 'commander';
import { InvalidInput, MusubiError } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import {
  type ConnectionFlags,
  connection,
  enc,
  idempotency,
  managementCall,
  query,
  readJsonFile,
  withConnection,
} from './management.js';
import { follow, type ProcessView, why } from './processes.js';

/**
 * `musubi negotiate …`: contract negotiations through a running node's management API, so nobody writes DSP
 * messages or ODRL by hand. Every command acts for the participant that owns the API key.
 */

interface NegotiationView extends ProcessView {
  readonly role: string;
  readonly offerId: string;
  readonly counterpartyId: string;
  readonly agreementId?: string | null;
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

const states = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'];

function line(n: NegotiationView): string {
  return `${n.id}\t${n.state}\t${n.role}\t${n.offerId}\t${n.agreementId ?? '-'}${n.reused ? '\t(reused)' : ''}${why(n)}`;
}

function show(n: NegotiationView, json: boolean | undefined): void {
  if (json) printJson(n);
  else process.stdout.write(`${line(n)}\n`);
}

const path = (id: string) => `/negotiations/${enc(id)}`;

/** The members of a counter-offer the node takes; whatever else the file holds (`@type`, assigner…) stays. */
function counterOfferFrom(file: string, offerId: string | undefined): Record<string, unknown> {
  const o = readJsonFile(file, 'counter-offer');
  const picked = Object.fromEntries(
    ['@id', 'target', 'permission', 'prohibition', 'obligation']
      .filter((k) => o[k] !== undefined)
      .map((k) => [k, o[k]]),
  );
  return offerId ? { ...picked, '@id': offerId } : picked;
}

interface StartFlags extends ConnectionFlags {
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

function startCommand(cmd: Command, globals: () => GlobalOptions): void {
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
    await runCommand(globals(), async () => {
      const c = connection(flags);
      if (!flags.offerFile && !(flags.offerId && flags.dataset))
        throw new InvalidInput('cli.offer-missing', 'give --offer-id with --dataset, or --offer-file');
      const body = {
        counterpartyAddress: flags.provider,
        counterpartyId: flags.providerId,
        ...(flags.offerFile
          ? { offer: readJsonFile(flags.offerFile, 'offer') }
          : { offerId: flags.offerId, datasetId: flags.dataset }),
        ...(flags.force ? { force: true } : {}),
      };
      const headers = idempotency(flags.idempotencyKey);
      let n = await managementCall<NegotiationView>(c, 'POST', '/negotiations', body, headers);
      if (flags.wait)
        n = await follow(c, path(n.id), n, (x) => x.state === 'FINALIZED' || x.state === 'TERMINATED', {
          kind: 'negotiation',
          timeoutS: Number(flags.timeout) || 60,
          everyMs: 100,
        });
      show(n, flags.json);
      if (n.state === 'TERMINATED')
        throw new MusubiError(
          'negotiation.terminated',
          'conflict',
          `negotiation ${n.id} was terminated: ${n.reasonCode ?? ''} ${n.reason ?? ''}`.trim(),
        );
    });
  });
}

function counterCommand(cmd: Command, globals: () => GlobalOptions): void {
  withConnection(
    cmd
      .command('counter <id>')
      .description(
        "answer the provider's offer with your own (as consumer, in OFFERED): a counter-request is sent",
      )
      .requiredOption(
        '--offer-file <file>',
        'the rules you propose as JSON (compact ODRL: permission, prohibition, obligation) for the same dataset',
      )
      .option('--offer-id <id>', "the counter-offer's id (default: the id of the offer it answers)"),
  ).action(async (id: string, flags: ConnectionFlags & { offerFile: string; offerId?: string }) => {
    await runCommand(globals(), async () => {
      const offer = counterOfferFrom(flags.offerFile, flags.offerId);
      show(
        await managementCall<NegotiationView>(connection(flags), 'POST', `${path(id)}/counter`, { offer }),
        flags.json,
      );
    });
  });
}

export function negotiateCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('negotiate').description(
    'contract negotiations: agree on an offer of another participant',
  );
  startCommand(cmd, globals);

  withConnection(
    cmd
      .command('list')
      .description('list negotiations, oldest first')
      .addOption(new Option('--state <state>', 'only this state').choices(states))
      .addOption(new Option('--role <role>', 'only this role').choices(['provider', 'consumer']))
      .option('--limit <n>', 'page size', '100')
      .option('--after <id>', 'the last id of the previous page'),
  ).action(async (f: ConnectionFlags & { state?: string; role?: string; limit: string; after?: string }) => {
    await runCommand(globals(), async () => {
      const q = query({ limit: f.limit, state: f.state, role: f.role, after: f.after });
      const page = await managementCall<NegotiationView[]>(connection(f), 'GET', `/negotiations${q}`);
      if (f.json) return printJson(page);
      for (const n of page) process.stdout.write(`${line(n)}\n`);
    });
  });

  withConnection(cmd.command('show <id>').description('one negotiation')).action(
    async (id: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        show(await managementCall<NegotiationView>(connection(f), 'GET', path(id)), f.json);
      });
    },
  );

  counterCommand(cmd, globals);

  const steps: readonly [step: string, description: string, reason: boolean][] = [
    ['accept', "accept the provider's offer (as consumer, in OFFERED)", false],
    ['agree', 'approve a request waiting for a person (as provider): the agreement is sent', false],
    ['terminate', 'terminate a negotiation; the counterparty is told', true],
  ];
  for (const [step, description, reason] of steps) {
    const sub = cmd.command(`${step} <id>`).description(description);
    if (reason) sub.option('--reason <text>', 'why, for the counterparty');
    withConnection(sub).action(async (id: string, f: ConnectionFlags & { reason?: string }) => {
      await runCommand(globals(), async () => {
        const body = f.reason ? { reason: f.reason } : {};
        show(
          await managementCall<NegotiationView>(connection(f), 'POST', `${path(id)}/${step}`, body),
          f.json,
        );
      });
    });
  }

  withConnection(
    cmd
      .command('agreements')
      .description('list contract agreements')
      .option('--finalized', 'only FINALIZED ones'),
  ).action(async (f: ConnectionFlags & { finalized?: boolean }) => {
    await runCommand(globals(), async () => {
      const q = query({ finalized: f.finalized ? 'true' : undefined });
      const page = await managementCall<AgreementView[]>(connection(f), 'GET', `/agreements${q}`);
      if (f.json) return printJson(page);
      for (const a of page)
        process.stdout.write(
          `${a.id}\t${a.role}\t${a.offerId}\t${a.assetId}\t${a.finalizedAt ? 'FINALIZED' : 'pending'}\n`,
        );
    });
  });

  return cmd;
}
