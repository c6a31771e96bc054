import { Command, Option } from 'commander';
import { type DirectoryEntry, lookupParticipant } from '../../dataspace/directory/index.js';
import { MusubiError } from '../../errors/index.js';
import { caFiles, trustedFetch } from '../https.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import { type ConnectionFlags, connection, enc, managementCall, withConnection } from './management.js';

/**
 * The participant directory (法人番号 → DID and endpoints): `musubi authority directory add|list|remove` for the
 * authority's operator, `musubi directory lookup` for anyone (a customer finding a supplier's DID).
 */

const line = (e: DirectoryEntry) =>
  [e.corporateNumber, e.did, e.name ?? '-', e.dspEndpoint ?? '-', e.credentialService ?? '-'].join('\t');

/** `musubi authority directory …`: the entries this participant serves as an authority. */
export function authorityDirectoryCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('directory').description(
    'the participant directory this authority serves (法人番号 → DID and endpoints)',
  );
  withConnection(
    cmd
      .command('add <corporate-number>')
      .description("add or replace an entry; endpoints left out are read from the company's DID document")
      .requiredOption('--did <did>', "the company's did:web")
      .option('--name <name>', 'the company name (e.g. 株式会社むすび部品)')
      .option('--dsp-endpoint <url>', 'its DSP endpoint (…/.well-known/dspace-version)')
      .option('--credential-service <url>', 'its DCP CredentialService'),
  ).action(
    async (
      corporateNumber: string,
      f: ConnectionFlags & { did: string; name?: string; dspEndpoint?: string; credentialService?: string },
    ) => {
      await runCommand(globals(), async () => {
        const body = {
          corporateNumber,
          did: f.did,
          ...(f.name ? { name: f.name } : {}),
          ...(f.dspEndpoint ? { dspEndpoint: f.dspEndpoint } : {}),
          ...(f.credentialService ? { credentialService: f.credentialService } : {}),
        };
        const e = await managementCall<DirectoryEntry>(connection(f), 'POST', '/authority/directory', body);
        if (f.json) printJson(e);
        else process.stdout.write(`${line(e)}\n`);
      });
    },
  );
  withConnection(cmd.command('list').description('every entry of the directory')).action(
    async (f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const all = await managementCall<DirectoryEntry[]>(connection(f), 'GET', '/authority/directory');
        if (f.json) return printJson(all);
        for (const e of all) process.stdout.write(`${line(e)}\n`);
      });
    },
  );
  withConnection(cmd.command('remove <corporate-number>').description('remove an entry')).action(
    async (corporateNumber: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        await managementCall(connection(f), 'DELETE', `/authority/directory/${enc(corporateNumber)}`);
        if (f.json) printJson({ removed: corporateNumber });
        else process.stdout.write(`removed ${corporateNumber}\n`);
      });
    },
  );
  return cmd;
}

/** `musubi directory lookup <法人番号> --authority <url>`: asks an authority's public directory. */
export function directoryCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('directory').description("find a company's DID and endpoints by its 法人番号");
  cmd
    .command('lookup <corporate-number>')
    .description(
      'look a corporate number up in an authority’s participant directory (全角 and hyphens are fine)',
    )
    .requiredOption(
      '--authority <url>',
      "the authority participant's root URL (e.g. https://authority.example)",
    )
    .addOption(
      new Option('--ca <files>', 'CA certificate(s) to trust for HTTPS, comma-separated').env(
        'MUSUBI_TLS_CA',
      ),
    )
    .option('--json', 'output as JSON')
    .action(async (input: string, f: { authority: string; ca?: string; json?: boolean }) => {
      await runCommand(globals(), async () => {
        const ca = caFiles(f.ca);
        const entry = await lookupParticipant(
          async (url) => {
            const res = await trustedFetch(url, { headers: { accept: 'application/json' } }, ca);
            const text = await res.text();
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            return { status: res.status, body };
          },
          f.authority,
          input,
        );
        if (!entry)
          throw new MusubiError(
            'directory-entry.not-found',
            'not-found',
            `${f.authority} lists no company with 法人番号 ${input}`,
          );
        if (f.json) return printJson(entry);
        const rows: [string, string | undefined][] = [
          ['法人番号', entry.corporateNumber],
          ['name', entry.name],
          ['did', entry.did],
          ['dsp', entry.dspEndpoint],
          ['credentialService', entry.credentialService],
          ['updatedAt', entry.updatedAt],
        ];
        for (const [k, v] of rows) if (v) process.stdout.write(`${k}\t${v}\n`);
      });
    });
  return cmd;
}
