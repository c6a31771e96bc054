import { Command } from 'commander';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import { type ConnectionFlags, collect, connection, managementCall, withConnection } from './management.js';

/** `musubi catalog request …`: read another participant's catalog through this node. */

interface Dataset {
  readonly '@id': string;
  readonly 'dct:title'?: string;
  readonly 'dcat:mediaType'?: string;
  readonly hasPolicy?: readonly { '@id': string }[];
}

interface Answer {
  readonly catalog: { dataset?: readonly Dataset[] };
  readonly next?: string;
  readonly prev?: string;
}

interface RequestFlags extends ConnectionFlags {
  provider: string;
  providerId?: string;
  keyword?: string[];
  mediaType?: string[];
  dataset?: string[];
  limit?: string;
  page?: string;
  all?: boolean;
}

const line = (d: Dataset) =>
  `${d['@id']}\t${d['dcat:mediaType'] ?? '-'}\t${d['dct:title'] ?? ''}\toffers: ${(d.hasPolicy ?? []).map((o) => o['@id']).join(', ')}`;

export function catalogCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('catalog').description("other participants' catalogs");

  withConnection(
    cmd
      .command('request')
      .description("the datasets a provider lets this participant see, with their offers' ids")
      .requiredOption(
        '--provider <url>',
        "the provider participant's URL (where /.well-known/dspace-version answers)",
      )
      .option('--provider-id <did>', "the provider's DID (default: read from its did.json)")
      .option('--keyword <word>', 'only datasets with this keyword (repeatable: any)', collect)
      .option('--media-type <type>', 'only datasets of this media type (repeatable: any)', collect)
      .option('--dataset <id>', 'only this dataset (repeatable)', collect)
      .option('--limit <n>', 'datasets per page (1–1000)')
      .option('--page <url>', 'the next/prev page URL of an earlier answer')
      .option('--all', 'follow every next page'),
  ).action(async (f: RequestFlags) => {
    await runCommand(globals(), async () => {
      const filter = [
        ...(f.keyword ? [{ keyword: f.keyword }] : []),
        ...(f.mediaType ? [{ mediaType: f.mediaType }] : []),
        ...(f.dataset ? [{ id: f.dataset }] : []),
      ];
      const body = (page?: string) => ({
        counterpartyAddress: f.provider,
        ...(f.providerId ? { counterpartyId: f.providerId } : {}),
        ...(filter.length ? { filter } : {}),
        ...(f.limit ? { limit: Number(f.limit) } : {}),
        ...(page ? { page } : {}),
      });
      const answers: Answer[] = [];
      let page = f.page;
      do {
        const a = await managementCall<Answer>(connection(f), 'POST', '/catalog/request', body(page));
        answers.push(a);
        if (!f.json) for (const d of a.catalog.dataset ?? []) process.stdout.write(`${line(d)}\n`);
        page = a.next;
      } while (f.all && page);
      const last = answers[answers.length - 1];
      if (f.json) return printJson(f.all ? answers.map((a) => a.catalog) : last);
      if (!f.all && last?.next) process.stdout.write(`next page: --page '${last.next}'\n`);
    });
  });
  return cmd;
}
