import { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import { type ConnectionFlags, connection, managementCall, withConnection } from './management.js';

/**
 * `musubi ouranos …`: the Ouranos-compatible API of a participant (its `/p/<id>/ouranos`) — the operators
 * (companies) it hosts with their login accounts, and the API keys of the applications that call it. Through the
 * management API; passwords and keys are printed once.
 */
interface OperatorFlags extends ConnectionFlags {
  name: string;
  address: string;
  openOperatorId: string;
  globalOperatorId?: string;
  account: string;
  passwordStdin?: boolean;
}

interface PartnerFlags extends ConnectionFlags {
  operatorId: string;
  name: string;
  address: string;
  openOperatorId: string;
  globalOperatorId?: string;
  did: string;
  connector: string;
}

interface PartnerView {
  operator: { operatorId: string; operatorName: string; openOperatorId: string };
  did: string;
  address: string;
}

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new InvalidInput('cli.password', '--password-stdin: no password on standard input');
  return line;
}

export function ouranosCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('ouranos').description(
    'the Ouranos-compatible API: operators, partner operators and application keys',
  );
  const operator = cmd.command('operator').description('operators (companies) hosted by this participant');

  withConnection(
    operator
      .command('add')
      .description('add an operator with its login account (a generated password is shown once)')
      .requiredOption('--name <name>', 'operator name, e.g. A社')
      .requiredOption('--address <address>', 'operator address (事業者所在地)')
      .requiredOption('--open-operator-id <id>', 'public operator id (法人番号)')
      .option('--global-operator-id <id>', 'global operator id')
      .requiredOption('--account <email>', 'login account (operatorAccountId)')
      .option('--password-stdin', 'read the password from standard input instead of generating one'),
  ).action(async (f: OperatorFlags) => {
    await runCommand(globals(), async () => {
      const body = {
        operatorName: f.name,
        operatorAddress: f.address,
        openOperatorId: f.openOperatorId,
        accountId: f.account,
        ...(f.globalOperatorId ? { globalOperatorId: f.globalOperatorId } : {}),
        ...(f.passwordStdin ? { password: await firstLineOfStdin() } : {}),
      };
      const made = await managementCall<{ operatorId: string; accountId: string; password?: string }>(
        connection(f),
        'POST',
        '/ouranos/operators',
        body,
      );
      if (f.json) return printJson(made);
      process.stdout.write(`Added operator ${made.operatorId} (account ${made.accountId})\n`);
      if (made.password) process.stdout.write(`Password (shown once, keep it safe): ${made.password}\n`);
    });
  });

  withConnection(operator.command('list').description('list the operators')).action(
    async (f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const rows = await managementCall<
          { operatorId: string; operatorName: string; openOperatorId: string; accountId: string }[]
        >(connection(f), 'GET', '/ouranos/operators');
        if (f.json) return printJson(rows);
        for (const o of rows)
          process.stdout.write(`${o.operatorId}\t${o.openOperatorId}\t${o.accountId}\t${o.operatorName}\n`);
      });
    },
  );

  const partner = cmd
    .command('partner')
    .description('operators hosted by another participant that the operators here trade with');

  withConnection(
    partner
      .command('add')
      .description(
        'register (or update) an operator hosted elsewhere, by its participant DID and connector address',
      )
      .requiredOption('--operator-id <uuid>', 'the operator id its own host gave it')
      .requiredOption('--name <name>', 'operator name, e.g. 部品メーカーC')
      .requiredOption('--address <address>', 'operator address (事業者所在地)')
      .requiredOption('--open-operator-id <id>', 'public operator id (法人番号)')
      .option('--global-operator-id <id>', 'global operator id')
      .requiredOption('--did <did>', 'DID of the participant that hosts it')
      .requiredOption('--connector <url>', 'DSP address of that participant'),
  ).action(async (f: PartnerFlags) => {
    await runCommand(globals(), async () => {
      const body = {
        operatorName: f.name,
        operatorAddress: f.address,
        openOperatorId: f.openOperatorId,
        did: f.did,
        address: f.connector,
        ...(f.globalOperatorId ? { globalOperatorId: f.globalOperatorId } : {}),
      };
      const put = await managementCall<PartnerView>(
        connection(f),
        'PUT',
        `/ouranos/partners/${encodeURIComponent(f.operatorId)}`,
        body,
      );
      if (f.json) return printJson(put);
      process.stdout.write(`Registered partner ${put.operator.operatorId} (${put.did})\n`);
    });
  });

  withConnection(partner.command('list').description('list the partner operators')).action(
    async (f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const rows = await managementCall<PartnerView[]>(connection(f), 'GET', '/ouranos/partners');
        if (f.json) return printJson(rows);
        for (const r of rows)
          process.stdout.write(
            `${r.operator.operatorId}\t${r.operator.openOperatorId}\t${r.did}\t${r.address}\t${r.operator.operatorName}\n`,
          );
      });
    },
  );

  withConnection(
    cmd
      .command('apikey')
      .description('issue an API key for an application calling the Ouranos API (shown once)')
      .requiredOption('--label <label>', 'what the key is for, e.g. CFPアプリ'),
  ).action(async (f: ConnectionFlags & { label: string }) => {
    await runCommand(globals(), async () => {
      const made = await managementCall<{ id: string; key: string }>(
        connection(f),
        'POST',
        '/ouranos/api-keys',
        {
          label: f.label,
        },
      );
      if (f.json) return printJson(made);
      process.stdout.write(`Ouranos API key ${made.id} (shown once, keep it safe): ${made.key}\n`);
    });
  });
  return cmd;
}
