import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
// Types only: the audit, store and node code is imported inside the actions, so other commands do not load it.
import type { ChainReport } from '../../dataspace/audit/index.js';
import { InvalidInput } from '../../errors/index.js';
import type { openNodeStore } from '../../node/open.js';
import { configFrom, type GlobalOptions, printJson, runCommand } from '../run.js';
import { type ConnectionFlags, connection, managementCall, query, withConnection } from './management.js';

const auditModule = () => import('../../dataspace/audit/index.js');

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InvalidInput('audit.file-unreadable', `cannot read the ${what} ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new (await auditModule()).AuditKeyInvalid(`the ${what} ${file} is not JSON`);
  }
}

async function finish(report: ChainReport, json: boolean | undefined): Promise<void> {
  const { AuditChainBroken, describeReport } = await auditModule();
  if (json) printJson(report);
  if (report.firstBad) throw new AuditChainBroken(report.firstBad);
  if (!json) process.stdout.write(`${describeReport(report)}\n`);
}

function isoDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InvalidInput('audit.invalid-date', `${flag} ${JSON.stringify(value)} is not a date`);
  return new Date(t).toISOString();
}

async function verifyFile(flags: {
  file: string;
  did?: string;
  jwk?: string;
  json?: boolean;
}): Promise<void> {
  if (!flags.did === !flags.jwk) {
    throw new InvalidInput(
      'audit.key-missing',
      'offline verify needs exactly one of --did <document.json> or --jwk <file>',
    );
  }
  const { keysFromDidDocument, keysFromJwk, verifyExport } = await auditModule();
  const keys = flags.did
    ? keysFromDidDocument(await readJson(flags.did, 'DID document'))
    : keysFromJwk(await readJson(flags.jwk ?? '', 'key file'));
  const input = createReadStream(flags.file, 'utf8');
  const opened = new Promise<void>((resolve, reject) => {
    input.once('ready', resolve);
    input.once('error', () => reject(new InvalidInput('audit.file-unreadable', `cannot read ${flags.file}`)));
  });
  await opened;
  await finish(
    await verifyExport(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }), keys),
    flags.json,
  );
}

/** The JWS of each receipt in a list as the management API gives it (objects with `jws`) or of plain strings. */
function receiptsIn(value: unknown): string[] {
  const list = Array.isArray(value) ? value : undefined;
  const jws = list?.map((r: unknown) => (typeof r === 'string' ? r : (r as { jws?: unknown } | null)?.jws));
  if (!jws || jws.some((j) => typeof j !== 'string')) {
    throw new InvalidInput(
      'audit.receipts-invalid',
      'the receipts file must be a JSON list of receipts (or JWS strings)',
    );
  }
  return jws as string[];
}

interface EntryView {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly reason?: string;
  readonly outcome: string;
  readonly details: { readonly reasonCode?: unknown };
}

/** One entry as a line: the reason code and the full reason are the operator's to read (a peer never sees them). */
function entryLine(e: EntryView): string {
  const code = typeof e.details.reasonCode === 'string' ? e.details.reasonCode : '-';
  return `${e.seq}\t${e.at}\t${e.action}\t${e.actor}\t${e.resourceType}:${e.resourceId}\t${e.outcome}\t${code}${e.reason ? `\t${e.reason}` : ''}`;
}

interface ListFlags extends ConnectionFlags {
  action?: string;
  actor?: string;
  outcome?: string;
  afterSeq?: string;
  limit: string;
}

/** `musubi audit list`: the participant's entries through a running node's management API, filtered. */
function listCommand(cmd: Command, globals: () => GlobalOptions): void {
  withConnection(
    cmd
      .command('list')
      .description('entries of the running node’s log, oldest first (the participant of the API key)')
      .option('--action <action>', 'only this action, e.g. credential.refused or dataplane.access')
      .option('--actor <did>', 'only entries by this actor (a counterparty DID or an operator)')
      .addOption(
        new Option('--outcome <outcome>', 'only this outcome').choices(['success', 'denied', 'failure']),
      )
      .option('--after-seq <n>', 'entries after this sequence number')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (f: ListFlags) => {
    await runCommand(globals(), async () => {
      const q = query({
        action: f.action,
        actor: f.actor,
        outcome: f.outcome,
        afterSeq: f.afterSeq,
        limit: f.limit,
      });
      const entries = await managementCall<EntryView[]>(connection(f), 'GET', `/audit${q}`);
      if (f.json) return printJson(entries);
      for (const e of entries) process.stdout.write(`${entryLine(e)}\n`);
    });
  });
}

/** `musubi audit …`: verify the provenance log (in the store or an export file), export, checkpoint, prune. */
export function auditCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('audit').description('check, export and maintain the provenance log (来歴)');
  const withStore = async <T>(
    body: (s: Awaited<ReturnType<typeof openNodeStore>>, participant: string) => Promise<T>,
    participant?: string,
  ) => {
    const loaded = configFrom(globals());
    const store = await (await import('../../node/open.js')).openNodeStore(loaded);
    try {
      return await body(store, participant ?? loaded.values.defaultParticipantId);
    } finally {
      await store.database.close();
    }
  };

  cmd
    .command('verify')
    .description(
      'walk the hash chain and checkpoint signatures; names the first bad entry (exit 4 when broken)',
    )
    .option('--participant <id>', 'participant whose log to check (default: the default participant)')
    .option('--file <export.jsonl>', 'check an export offline instead of the store (needs --did or --jwk)')
    .option('--did <document.json>', 'DID document file holding the participant public keys')
    .option('--jwk <file>', 'public JWK or JWK Set file')
    .option(
      '--receipts <file.json>',
      'receipts the counterparty holds (its GET /management/v1/audit/receipts?role=held): each must match the chain',
    )
    .option('--json', 'output the report as JSON')
    .action(
      async (flags: {
        participant?: string;
        file?: string;
        did?: string;
        jwk?: string;
        receipts?: string;
        json?: boolean;
      }) => {
        await runCommand(globals(), async () => {
          if (flags.file) return verifyFile({ ...flags, file: flags.file });
          if (flags.did || flags.jwk)
            throw new InvalidInput('audit.file-missing', '--did and --jwk go with --file');
          const receipts = flags.receipts ? receiptsIn(await readJson(flags.receipts, 'receipts file')) : [];
          const { verifyStoredAudit } = await import('../../node/audit.js');
          await finish(
            await withStore((s, p) => verifyStoredAudit(s.database.db, p, { receipts }), flags.participant),
            flags.json,
          );
        });
      },
    );

  listCommand(cmd, globals);

  cmd
    .command('export')
    .description('write the log as JSON lines on stdout (every column, so it verifies offline)')
    .option('--participant <id>', 'participant whose log to export')
    .option('--from <date>', 'entries at or after this time (ISO 8601)')
    .option('--to <date>', 'entries before this time')
    .option('--mask', 'mask personal data fields in details (masked entries verify by links only)')
    .action(async (flags: { participant?: string; from?: string; to?: string; mask?: boolean }) => {
      await runCommand(globals(), async () => {
        const from = isoDate(flags.from, '--from');
        const to = isoDate(flags.to, '--to');
        const { maskPersonalFields, toExportLine } = await auditModule();
        const { auditPages } = await import('../../store/index.js');
        await withStore(async (s, p) => {
          const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
          for await (const page of auditPages(s.database.db, p, range)) {
            const text = page.map((r) =>
              JSON.stringify(toExportLine(r, flags.mask ? maskPersonalFields : undefined)),
            );
            if (!process.stdout.write(`${text.join('\n')}\n`))
              await new Promise((r) => process.stdout.once('drain', r));
          }
        }, flags.participant);
      });
    });

  cmd
    .command('lineage')
    .description(
      'Created/Sent/Received of an asset, a process or an entry; stops at the counterparty’s receipt',
    )
    .argument('<subject>', 'an entry seq, an asset id or a process (negotiation or transfer) id')
    .option('--participant <id>', 'participant whose log to read')
    .option('--json', 'output the DAG as JSON')
    .action(async (subject: string, flags: { participant?: string; json?: boolean }) => {
      await runCommand(globals(), async () => {
        const { auditLineage } = await import('../../node/lineage.js');
        const { describeLineage } = await auditModule();
        const l = await withStore((s, p) => auditLineage(s.participants, p, subject), flags.participant);
        if (flags.json) printJson(l);
        else process.stdout.write(`${describeLineage(l).join('\n')}\n`);
      });
    });

  cmd
    .command('checkpoint')
    .description('sign the chain head now with the participant key')
    .option('--participant <id>', 'participant whose log to checkpoint')
    .action(async (flags: { participant?: string }) => {
      await runCommand(globals(), async () => {
        const { writeCheckpoint } = await import('../../node/audit.js');
        const r = await withStore((s, p) => writeCheckpoint(s.participants, p, 'cli'), flags.participant);
        process.stdout.write(`checkpoint ${r.seq} signed (head ${r.prev_hash ?? 'none'})\n`);
      });
    });

  cmd
    .command('prune')
    .description('drop entries before the newest signed checkpoint at or before --before (retention)')
    .requiredOption(
      '--before <date>',
      'keep the newest checkpoint at or before this time and everything after it',
    )
    .option('--participant <id>', 'participant whose log to prune')
    .action(async (flags: { participant?: string; before: string }) => {
      await runCommand(globals(), async () => {
        const before = new Date(isoDate(flags.before, '--before') ?? '');
        const { pruneAudit } = await import('../../node/audit.js');
        const r = await withStore((s, p) => pruneAudit(s.database.db, p, before), flags.participant);
        process.stdout.write(`pruned ${r.removed} entries; the chain now starts at checkpoint ${r.anchor}\n`);
      });
    });
  return cmd;
}
