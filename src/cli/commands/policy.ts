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
  readJsonFile,
  withConnection,
} from './management.js';

/** `musubi policy …`: ODRL policies built from flags (or read from a file), so nobody writes JSON-LD by hand. */

interface PolicyView {
  readonly id: string;
  readonly title: string;
  readonly permission?: readonly { action: string; constraint?: readonly unknown[] }[];
  readonly prohibition?: readonly unknown[];
  readonly obligation?: readonly unknown[];
}

interface RuleFlags extends ConnectionFlags {
  title?: string;
  action: string;
  participant?: string[];
  constraint?: string[];
  file?: string;
  idempotencyKey?: string;
}

const operators = [
  'eq',
  'neq',
  'gt',
  'gteq',
  'lt',
  'lteq',
  'isAnyOf',
  'isNoneOf',
  'isAllOf',
  'isA',
  'hasPart',
  'isPartOf',
];

/** `purpose eq 品質保証` → an atomic constraint; a list operator takes comma-separated values. */
export function parseConstraint(text: string): {
  leftOperand: string;
  operator: string;
  rightOperand: unknown;
} {
  const m = /^\s*(\S+)\s+(\S+)\s+(.+?)\s*$/.exec(text);
  if (!m?.[1] || !m[2] || !m[3] || !operators.includes(m[2]))
    throw new InvalidInput(
      'cli.constraint',
      `cannot read constraint ${JSON.stringify(text)}: write "<left operand> <operator> <value>" with one of ${operators.join(', ')}`,
    );
  const list = m[2].startsWith('is') && m[2] !== 'isA' && m[2] !== 'isPartOf';
  return {
    leftOperand: m[1],
    operator: m[2],
    rightOperand: list ? m[3].split(',').map((v) => v.trim()) : m[3],
  };
}

/** The rules from the flags: one permission of --action, constrained by --participant and --constraint. */
export function rulesFrom(f: RuleFlags): Record<string, unknown> {
  if (f.file) {
    const { id: _id, createdAt: _c, updatedAt: _u, ...rules } = readJsonFile(f.file, 'policy');
    return rules;
  }
  const participants = f.participant ?? [];
  const constraint = [
    ...(participants.length === 1
      ? [{ leftOperand: 'participantId', operator: 'eq', rightOperand: participants[0] }]
      : []),
    ...(participants.length > 1
      ? [{ leftOperand: 'participantId', operator: 'isAnyOf', rightOperand: participants }]
      : []),
    ...(f.constraint ?? []).map(parseConstraint),
  ];
  return { permission: [{ action: f.action, ...(constraint.length ? { constraint } : {}) }] };
}

function ruleOptions(cmd: Command): Command {
  return cmd
    .option('--title <title>', 'a name people understand, e.g. 取引先限定')
    .option('--action <action>', 'the permitted action', 'use')
    .option('--participant <did>', 'only this counterparty (repeatable)', collect)
    .option('--constraint <text>', 'e.g. "purpose eq 品質保証" (repeatable, all must hold)', collect)
    .option('--file <json>', 'the whole policy as compact ODRL (permission / prohibition / obligation)');
}

function describe(p: PolicyView): string {
  const rules = (p.permission ?? []).map(
    (r) =>
      `${r.action}${r.constraint?.length ? ` if ${(r.constraint as { leftOperand?: string; operator?: string; rightOperand?: unknown }[]).map((c) => `${c.leftOperand ?? '(logical)'} ${c.operator ?? ''} ${JSON.stringify(c.rightOperand ?? '')}`).join(' and ')}` : ''}`,
  );
  const extra = [
    p.prohibition?.length ? `${p.prohibition.length} prohibition(s)` : '',
    p.obligation?.length ? `${p.obligation.length} duty(ies)` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.id}\t${p.title}\t${rules.join('; ') || '-'}${extra ? `\t${extra}` : ''}`;
}

export function policyCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('policy').description(
    'ODRL policies: who may see an offer (access) and on what terms (contract)',
  );
  const print = (f: ConnectionFlags, p: PolicyView): void => {
    if (f.json) printJson(p);
    else process.stdout.write(`${describe(p)}\n`);
  };

  withConnection(
    ruleOptions(
      cmd.command('create <id>').description('create a policy (without rules flags: anyone may use)'),
    ),
  )
    .option('--idempotency-key <key>', 'a retried create with the same key answers the same')
    .action(async (id: string, f: RuleFlags) => {
      await runCommand(globals(), async () => {
        const body = { id, ...(f.title ? { title: f.title } : {}), ...rulesFrom(f) };
        print(
          f,
          await managementCall<PolicyView>(
            connection(f),
            'POST',
            '/policies',
            body,
            idempotency(f.idempotencyKey),
          ),
        );
      });
    });

  withConnection(
    ruleOptions(cmd.command('update <id>').description("replace a policy's rules (agreements keep theirs)")),
  ).action(async (id: string, f: RuleFlags) => {
    await runCommand(globals(), async () => {
      const body = { ...(f.title ? { title: f.title } : {}), ...rulesFrom(f) };
      print(f, await managementCall<PolicyView>(connection(f), 'PUT', `/policies/${enc(id)}`, body));
    });
  });

  withConnection(
    cmd
      .command('list')
      .description('list policies')
      .option('--after <id>', 'start after this id')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (f: ConnectionFlags & { after?: string; limit: string }) => {
    await runCommand(globals(), async () => {
      const policies = await managementCall<PolicyView[]>(
        connection(f),
        'GET',
        `/policies${query({ after: f.after, limit: f.limit })}`,
      );
      if (f.json) return printJson(policies);
      for (const p of policies) process.stdout.write(`${describe(p)}\n`);
    });
  });

  withConnection(cmd.command('show <id>').description('one policy')).action(
    async (id: string, f: ConnectionFlags) => {
      await runCommand(globals(), async () => {
        const p = await managementCall<PolicyView>(connection(f), 'GET', `/policies/${enc(id)}`);
        if (f.json) return printJson(p);
        process.stdout.write(`${describe(p)}\n`);
      });
    },
  );

  withConnection(
    cmd.command('delete <id>').description('delete a policy (refused while an offer uses it)'),
  ).action(async (id: string, f: ConnectionFlags) => {
    await runCommand(globals(), async () => {
      await managementCall(connection(f), 'DELETE', `/policies/${enc(id)}`);
      if (f.json) return printJson({ deleted: id });
      process.stdout.write(`Deleted policy ${id}\n`);
    });
  });
  return cmd;
}
