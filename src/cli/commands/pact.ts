import { Command } from 'commander';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import {
  type ConnectionFlags,
  collect,
  connection,
  enc,
  managementCall,
  readJsonFile,
  withConnection,
} from './management.js';

/** `musubi pact …`: the participant's PACT host — customers' clients and the footprints served to them. */

interface ClientView {
  readonly clientId: string;
  readonly customer: string;
  readonly customerDid?: string;
  readonly createdAt?: string;
  readonly revokedAt?: string;
  readonly clientSecret?: string;
}

export function pactCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('pact').description(
    "the participant's PACT API: OAuth clients of customers and the ProductFootprints they may read",
  );
  const client = cmd.command('client').description('OAuth 2.0 client credentials of customers');

  withConnection(
    client
      .command('add <customer>')
      .description('register a client for a customer (the secret is shown once)')
      .option(
        '--customer-did <did>',
        "the customer's participant DID in the footprint exchange: its clients also read what the exchange published for it, and its requests go to the exchange",
      ),
  ).action(async (customer: string, f: ConnectionFlags & { customerDid?: string }) => {
    await runCommand(globals(), async () => {
      const c = await managementCall<ClientView>(connection(f), 'POST', '/pact/clients', {
        customer,
        ...(f.customerDid ? { customerDid: f.customerDid } : {}),
      });
      if (f.json) return printJson(c);
      process.stdout.write(
        `Client for ${c.customer}${c.customerDid ? ` (${c.customerDid})` : ''}: ${c.clientId}\nSecret (shown once, keep it safe): ${c.clientSecret}\n`,
      );
    });
  });

  withConnection(client.command('list').description('clients of customers (never their secrets)')).action(
    async (f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const list = await managementCall<ClientView[]>(connection(f), 'GET', '/pact/clients');
        if (f.json) return printJson(list);
        for (const c of list)
          process.stdout.write(
            `${c.clientId}\t${c.customer}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'live'}\n`,
          );
      });
    },
  );

  withConnection(
    client.command('remove <clientId>').description('revoke a client: its tokens stop working at once'),
  ).action(async (clientId: string, f: ConnectionFlags) => {
    await runCommand(globals(), async () => {
      await managementCall(connection(f), 'DELETE', `/pact/clients/${enc(clientId)}`);
      if (f.json) return printJson({ revoked: clientId });
      process.stdout.write(`Revoked client ${clientId}\n`);
    });
  });

  withConnection(
    cmd
      .command('publish <file>')
      .description('publish a PACT v3 ProductFootprint (JSON file); the same id again is a new version')
      .requiredOption(
        '--audience <customer>',
        'a customer that may read it, or "*" for all (repeatable)',
        collect,
      ),
  ).action(async (file: string, f: ConnectionFlags & { audience: string[] }) => {
    await runCommand(globals(), async () => {
      const footprint = readJsonFile(file, 'ProductFootprint');
      const r = await managementCall<{ id: string; version: number }>(
        connection(f),
        'POST',
        '/pact/footprints',
        {
          footprint,
          audiences: f.audience,
        },
      );
      if (f.json) return printJson(r);
      process.stdout.write(`Published ${r.id} (version ${r.version})\n`);
    });
  });
  return cmd;
}
