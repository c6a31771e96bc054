import { Command } from 'commander';
// The trace formatter alone: the node's policy module loads the data plane.
import { formatTrace, type TraceEntry } from '../../dataspace/policy/trace.js';
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

  withConnection(
    cmd
      .command('check')
      .description(
        'dry run: would a participant see (catalog), obtain (negotiation) and use (transfer now) an asset, and why not',
      )
      .requiredOption('--asset <id>', 'the asset')
      .requiredOption('--as <participant>', 'the counterparty (its DID)')
      .option(
        '--claims <file|json>',
        "claims to assume (a JSON file or inline JSON) instead of the claims source's",
      )
      .option('--purpose <purpose>', 'the purpose it declares'),
  ).action(async (f: CheckFlags) => {
    await runCommand(globals(), async () => {
      const body = {
        assetId: f.asset,
        as: f.as,
        ...(f.claims ? { claims: claimsFrom(f.claims) } : {}),
        ...(f.purpose ? { purpose: f.purpose } : {}),
      };
      const a = await managementCall<CheckView>(connection(f), 'POST', '/policies/check', body);
      if (f.json) return printJson(a);
      process.stdout.write(checkLines(a).join('\n') + '\n');
    });
  });
  return cmd;
}

interface CheckFlags extends ConnectionFlags {
  asset: string;
  as: string;
  claims?: string;
  purpose?: string;
}

interface ScopeView {
  readonly permitted: boolean;
  readonly reasonCode: string;
  readonly message: string;
  readonly trace: readonly TraceEntry[];
}

interface CheckView {
  readonly assetId: string;
  readonly as: string;
  readonly purpose: string | null;
  readonly offers: readonly {
    offerId: string;
    catalog: ScopeView;
    negotiation: ScopeView;
    transfer: ScopeView;
  }[];
}

/** `--claims` as inline JSON (starts with `{`) or a JSON file. */
function claimsFrom(text: string): Record<string, unknown> {
  if (!text.trimStart().startsWith('{')) return readJsonFile(text, 'claims');
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidInput('cli.claims', `--claims must be a JSON object or a JSON file: ${text}`);
}

/** Per offer, one line per scope (yes / no and the reason code), then the trace of each scope. */
export function checkLines(a: CheckView): string[] {
  const purpose = a.purpose ? `, purpose ${a.purpose}` : '';
  if (a.offers.length === 0) return [`No offer covers asset ${a.assetId}: ${a.as} cannot see it${purpose}.`];
  const lines: string[] = [];
  const scopes = [
    ['catalog', 'sees it in the catalog'],
    ['negotiation', 'can obtain it by negotiation'],
    ['transfer', 'can use it by a transfer now'],
  ] as const;
  for (const o of a.offers) {
    lines.push(`Offer ${o.offerId} (asset ${a.assetId}, as ${a.as}${purpose}):`);
    for (const [scope, what] of scopes) {
      const d = o[scope];
      lines.push(`  ${d.permitted ? 'yes' : 'no '}  ${what} — ${d.reasonCode}`);
    }
    for (const [scope] of scopes) {
      lines.push(`  trace (${scope}):`);
      for (const l of formatTrace(o[scope].trace)) lines.push(`    ${l}`);
    }
  }
  return lines;
}
