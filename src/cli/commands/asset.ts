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

/** `musubi asset …`: the participant's assets (DCAT metadata and a private data address) via the management API. */

interface AssetView {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly contentType: string;
  readonly keywords: readonly string[];
  readonly properties: Record<string, unknown>;
  readonly dataAddress: Record<string, unknown>;
}

interface AssetFlags extends ConnectionFlags {
  title?: string;
  description?: string;
  mediaType?: string;
  keyword?: string[];
  dataAddressType?: string;
  baseUrl?: string;
  idempotencyKey?: string;
}

const line = (a: AssetView) =>
  `${a.id}\t${a.contentType}\t${a.title}${a.keywords.length ? `\t[${a.keywords.join(', ')}]` : ''}`;

function metadataOptions(cmd: Command): Command {
  return cmd
    .option('--description <text>', 'dct:description')
    .option('--media-type <type>', 'dcat:mediaType, e.g. text/csv')
    .option('--keyword <word>', 'dcat:keyword (repeatable); offers may select assets by keyword', collect)
    .option('--data-address-type <type>', 'how the data plane reads the data', 'HttpData')
    .option('--base-url <url>', 'where the data plane reads it (kept private)');
}

function dataAddress(f: AssetFlags, old?: Record<string, unknown>): Record<string, unknown> {
  if (!f.baseUrl && old) return old;
  if (!f.baseUrl)
    throw new InvalidInput('cli.base-url-missing', 'give --base-url: where the data plane reads the data');
  return { type: f.dataAddressType ?? 'HttpData', baseUrl: f.baseUrl };
}

export function assetCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('asset').description(
    "the participant's assets: DCAT metadata and a private data address",
  );
  const print = (f: ConnectionFlags, a: AssetView): void => {
    if (f.json) printJson(a);
    else process.stdout.write(`${line(a)}\n`);
  };

  withConnection(
    metadataOptions(
      cmd
        .command('create <id>')
        .description('register an asset')
        .requiredOption('--title <title>', 'dct:title'),
    ),
  )
    .option('--idempotency-key <key>', 'a retried create with the same key answers the same')
    .action(async (id: string, f: AssetFlags) => {
      await runCommand(globals(), async () => {
        const body = {
          id,
          title: f.title,
          ...(f.description !== undefined ? { description: f.description } : {}),
          ...(f.mediaType ? { contentType: f.mediaType } : {}),
          ...(f.keyword ? { keywords: f.keyword } : {}),
          dataAddress: dataAddress(f),
        };
        print(
          f,
          await managementCall<AssetView>(
            connection(f),
            'POST',
            '/assets',
            body,
            idempotency(f.idempotencyKey),
          ),
        );
      });
    });

  withConnection(
    metadataOptions(
      cmd
        .command('update <id>')
        .description("change an asset's metadata or data address")
        .option('--title <title>'),
    ),
  ).action(async (id: string, f: AssetFlags) => {
    await runCommand(globals(), async () => {
      const c = connection(f);
      const old = await managementCall<AssetView>(c, 'GET', `/assets/${enc(id)}`);
      const body = {
        title: f.title ?? old.title,
        description: f.description ?? old.description,
        contentType: f.mediaType ?? old.contentType,
        keywords: f.keyword ?? old.keywords,
        properties: old.properties,
        dataAddress: dataAddress(f, old.dataAddress),
      };
      print(f, await managementCall<AssetView>(c, 'PUT', `/assets/${enc(id)}`, body));
    });
  });

  withConnection(
    cmd
      .command('list')
      .description('list assets, ordered by id')
      .option('--keyword <word>', 'only assets with this keyword')
      .option('--media-type <type>', 'only assets of this media type')
      .option('--after <id>', 'start after this id')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(
    async (f: ConnectionFlags & { keyword?: string; mediaType?: string; after?: string; limit: string }) => {
      await runCommand(globals(), async () => {
        const q = query({ keyword: f.keyword, contentType: f.mediaType, after: f.after, limit: f.limit });
        const assets = await managementCall<AssetView[]>(connection(f), 'GET', `/assets${q}`);
        if (f.json) return printJson(assets);
        for (const a of assets) process.stdout.write(`${line(a)}\n`);
      });
    },
  );

  withConnection(cmd.command('show <id>').description('one asset')).action(
    async (id: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const a = await managementCall<AssetView>(connection(f), 'GET', `/assets/${enc(id)}`);
        if (f.json) return printJson(a);
        process.stdout.write(`${line(a)}\n${a.description ? `${a.description}\n` : ''}`);
      });
    },
  );

  withConnection(
    cmd.command('delete <id>').description('delete an asset (refused while agreements exist)'),
  ).action(async (id: string, f: ConnectionFlags) => {
    await runCommand(globals(), async () => {
      await managementCall(connection(f), 'DELETE', `/assets/${enc(id)}`);
      if (f.json) return printJson({ deleted: id });
      process.stdout.write(`Deleted asset ${id}\n`);
    });
  });
  return cmd;
}
