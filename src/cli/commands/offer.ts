import { Command } from 'commander';
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
  withConnection,
} from './management.js';

/** `musubi offer …`: offer definitions — access policy + contract policy + which assets. */

interface OfferView {
  readonly id: string;
  readonly accessPolicyId: string;
  readonly contractPolicyId: string;
  readonly selector: { all?: boolean; assetIds?: string[]; keywords?: string[]; mediaTypes?: string[] };
}

interface OfferFlags extends ConnectionFlags {
  access: string;
  contract: string;
  all?: boolean;
  asset?: string[];
  keyword?: string[];
  mediaType?: string[];
  idempotencyKey?: string;
}

function selectorFrom(f: OfferFlags): OfferView['selector'] {
  const s = {
    ...(f.all ? { all: true } : {}),
    ...(f.asset ? { assetIds: f.asset } : {}),
    ...(f.keyword ? { keywords: f.keyword } : {}),
    ...(f.mediaType ? { mediaTypes: f.mediaType } : {}),
  };
  if (Object.keys(s).length === 0)
    throw new InvalidInput(
      'cli.selector-missing',
      'say which assets the offer covers: --asset, --keyword, --media-type or --all',
    );
  return s;
}

function selectorText(s: OfferView['selector']): string {
  if (s.all) return 'all assets';
  return [
    ...(s.assetIds ?? []).map((a) => `asset ${a}`),
    ...(s.keywords ?? []).map((k) => `keyword ${k}`),
    ...(s.mediaTypes ?? []).map((m) => `type ${m}`),
  ].join(', ');
}

const line = (o: OfferView) =>
  `${o.id}\taccess ${o.accessPolicyId}\tcontract ${o.contractPolicyId}\t${selectorText(o.selector)}`;

function offerOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--access <policy>', 'who may see the offer in the catalog (a policy id)')
    .requiredOption('--contract <policy>', 'the terms a negotiation agrees to (a policy id)')
    .option('--asset <id>', 'an asset the offer covers (repeatable)', collect)
    .option('--keyword <word>', 'every asset with this keyword (repeatable)', collect)
    .option('--media-type <type>', 'every asset of this media type (repeatable)', collect)
    .option('--all', 'every asset');
}

export function offerCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('offer').description('offers: which assets, shown to whom, on what terms');
  const print = (f: ConnectionFlags, o: OfferView): void => {
    if (f.json) printJson(o);
    else process.stdout.write(`${line(o)}\n`);
  };

  withConnection(offerOptions(cmd.command('create <id>').description('publish assets in the catalog')))
    .option('--idempotency-key <key>', 'a retried create with the same key answers the same')
    .action(async (id: string, f: OfferFlags) => {
      await runCommand(globals(), async () => {
        const body = {
          id,
          accessPolicyId: f.access,
          contractPolicyId: f.contract,
          selector: selectorFrom(f),
        };
        print(
          f,
          await managementCall<OfferView>(
            connection(f),
            'POST',
            '/offers',
            body,
            idempotency(f.idempotencyKey),
          ),
        );
      });
    });

  withConnection(
    offerOptions(cmd.command('update <id>').description("replace an offer's policies and assets")),
  ).action(async (id: string, f: OfferFlags) => {
    await runCommand(globals(), async () => {
      const body = { accessPolicyId: f.access, contractPolicyId: f.contract, selector: selectorFrom(f) };
      print(f, await managementCall<OfferView>(connection(f), 'PUT', `/offers/${enc(id)}`, body));
    });
  });

  withConnection(
    cmd
      .command('list')
      .description('list offers')
      .option('--policy <id>', 'only offers using this policy')
      .option('--asset <id>', 'only offers naming this asset')
      .option('--after <id>', 'start after this id')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(
    async (f: ConnectionFlags & { policy?: string; asset?: string; after?: string; limit: string }) => {
      await runCommand(globals(), async () => {
        const q = query({ policyId: f.policy, assetId: f.asset, after: f.after, limit: f.limit });
        const offers = await managementCall<OfferView[]>(connection(f), 'GET', `/offers${q}`);
        if (f.json) return printJson(offers);
        for (const o of offers) process.stdout.write(`${line(o)}\n`);
      });
    },
  );

  withConnection(cmd.command('show <id>').description('one offer')).action(
    async (id: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () =>
        print(f, await managementCall<OfferView>(connection(f), 'GET', `/offers/${enc(id)}`)),
      );
    },
  );

  withConnection(cmd.command('delete <id>').description('withdraw an offer (agreements keep theirs)')).action(
    async (id: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        await managementCall(connection(f), 'DELETE', `/offers/${enc(id)}`);
        if (f.json) return printJson({ deleted: id });
        process.stdout.write(`Deleted offer ${id}\n`);
      });
    },
  );
  return cmd;
}
