import { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { type GlobalOptions, printJson, runCommand } from '../run.js';
import { authorityDirectoryCommand } from './directory.js';
import {
  type ConnectionFlags,
  connection,
  enc,
  managementCall,
  readJsonFile,
  withConnection,
} from './management.js';

/**
 * `musubi authority …`: a participant acting as a credential authority — issue membership, data-exchange
 * governance and role credentials (delivered to the holder's CredentialService), list them, revoke them.
 * Verifiers decide for themselves whom they trust (`trustedIssuers`).
 */

interface IssuedView {
  readonly id: string;
  readonly holder: string;
  readonly type: string;
  readonly statusList: string;
  readonly statusIndex: number;
  readonly issuedAt: string;
  readonly validUntil?: string;
  readonly revokedAt?: string;
}

interface IssueFlags extends ConnectionFlags {
  holder: string;
  validFrom?: string;
  validUntil?: string;
}

const line = (c: IssuedView) =>
  `${c.id}\t${c.type}\t${c.holder}\t${c.revokedAt ? `revoked ${c.revokedAt}` : `valid until ${c.validUntil ?? '-'}`}`;

function validity(f: IssueFlags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, flag, value] of [
    ['validFrom', '--valid-from', f.validFrom],
    ['validUntil', '--valid-until', f.validUntil],
  ] as const) {
    if (value === undefined) continue;
    const t = Date.parse(value);
    if (Number.isNaN(t))
      throw new InvalidInput('cli.invalid-date', `${flag} ${JSON.stringify(value)} is not a date`);
    out[name] = new Date(t).toISOString();
  }
  return out;
}

function issueCommand(
  cmd: Command,
  globals: () => GlobalOptions,
  name: string,
  description: string,
  credential: (
    value: string,
    f: IssueFlags & Record<string, string>,
  ) => { type: string; claims: Record<string, unknown> },
  valueName: string,
): void {
  const sub = withConnection(
    cmd
      .command(`${name} <${valueName}>`)
      .description(description)
      .requiredOption(
        '--holder <did>',
        "the holder's did:web (the credential is delivered to its CredentialService)",
      )
      .option('--valid-from <date>', 'start of validity (default: now)')
      .option('--valid-until <date>', 'end of validity (default: one year)'),
  );
  if (name === 'governance')
    sub.option('--framework <name>', 'governance framework name', 'DataExchangeGovernance');
  if (name === 'membership')
    sub.option(
      '--corporate-number <法人番号>',
      "the holder's corporate number (claim corporateNumber; lists the holder in the participant directory)",
    );
  sub.action(async (value: string, f: IssueFlags & Record<string, string>) => {
    await runCommand(globals(), async () => {
      const body = { holder: f.holder, ...credential(value, f), ...validity(f) };
      const c = await managementCall<IssuedView>(connection(f), 'POST', '/authority/credentials', body);
      if (f.json) printJson(c);
      else process.stdout.write(`${line(c)}\n`);
    });
  });
}

export function authorityCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('authority').description('act as a credential authority: issue, list, revoke');

  issueCommand(
    cmd,
    globals,
    'membership',
    'issue a MembershipCredential (claim membership = <name>)',
    (v, f) => ({
      type: 'MembershipCredential',
      claims: { membership: v, ...(f.corporateNumber ? { corporateNumber: f.corporateNumber } : {}) },
    }),
    'name',
  );
  issueCommand(
    cmd,
    globals,
    'governance',
    'issue a DataExchangeGovernanceCredential for a framework version (claim frameworkAgreement = <framework>:<version>)',
    (v, f) => ({
      type: 'DataExchangeGovernanceCredential',
      claims: { frameworkAgreement: `${f.framework}:${v}`, frameworkVersion: v },
    }),
    'version',
  );
  issueCommand(
    cmd,
    globals,
    'role',
    'issue a RoleCredential (claim role = <role>)',
    (v) => ({
      type: 'RoleCredential',
      claims: { role: v },
    }),
    'role',
  );
  withConnection(
    cmd
      .command('issue <type>')
      .description('issue a credential of any type with claims from a JSON file')
      .requiredOption('--holder <did>', "the holder's did:web")
      .requiredOption('--claims <file>', 'JSON object of credentialSubject members')
      .option('--valid-from <date>', 'start of validity (default: now)')
      .option('--valid-until <date>', 'end of validity (default: one year)'),
  ).action(async (type: string, f: IssueFlags & { claims: string }) => {
    await runCommand(globals(), async () => {
      const body = { holder: f.holder, type, claims: readJsonFile(f.claims, 'claims'), ...validity(f) };
      const c = await managementCall<IssuedView>(connection(f), 'POST', '/authority/credentials', body);
      if (f.json) printJson(c);
      else process.stdout.write(`${line(c)}\n`);
    });
  });

  withConnection(cmd.command('list').description('credentials this participant issued')).action(
    async (f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const all = await managementCall<IssuedView[]>(connection(f), 'GET', '/authority/credentials');
        if (f.json) return printJson(all);
        for (const c of all) process.stdout.write(`${line(c)}\n`);
      });
    },
  );

  withConnection(
    cmd
      .command('revoke <credential-id>')
      .description('revoke an issued credential (its status list bit is set)')
      .option('--reason <text>', 'why (kept in the audit log)'),
  ).action(async (id: string, f: ConnectionFlags & { reason?: string }) => {
    await runCommand(globals(), async () => {
      const c = await managementCall<IssuedView>(
        connection(f),
        'POST',
        `/authority/credentials/${enc(id)}/revoke`,
        f.reason ? { reason: f.reason } : {},
      );
      if (f.json) printJson(c);
      else process.stdout.write(`${line(c)}\n`);
    });
  });
  cmd.addCommand(authorityDirectoryCommand(globals));
  return cmd;
}
