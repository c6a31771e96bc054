import { type AuditRecord, auditHash } from '../../store/index.js';

/** The action of an entry that signs the chain head; the `signature` column holds its JWS. */
export const checkpointAction = 'audit.checkpoint';

export type ChainProblem =
  | 'edited'
  | 'inserted'
  | 'deleted'
  | 'reordered'
  | 'replaced'
  | 'unanchored'
  | 'signature'
  | 'truncated';

/** The first entry that does not hold, with what is wrong, in words an operator can act on. */
export interface ChainFinding {
  readonly seq: number;
  readonly problem: ChainProblem;
  readonly message: string;
}

export interface ChainReport {
  readonly participantId?: string;
  readonly intact: boolean;
  readonly entries: number;
  readonly firstSeq?: number;
  readonly head?: { readonly seq: number; readonly hash: string };
  readonly checkpoints: number;
  readonly lastCheckpoint?: number;
  /** Receipts checked against the chain (those this participant issued, and any given by an auditor). */
  readonly receipts?: number;
  readonly firstBad?: ChainFinding;
}

/** Checks one checkpoint entry's signature; returns why it fails, or undefined when it holds. */
export type CheckpointCheck = (record: AuditRecord) => Promise<string | undefined>;

function hashHolds(r: AuditRecord, seq = r.seq): boolean {
  // auditHash reads only the fields it covers, so the record goes in as it is: no copy per entry.
  return (seq === r.seq ? auditHash(r) : auditHash({ ...r, seq })) === r.hash;
}

/** How far an entry may have moved and still be recognised (only tried once something is already wrong). */
const moveWindow = 16;

/** The position an entry was written at when its hash no longer holds at the position it now has. */
function writtenAt(r: AuditRecord): number | undefined {
  for (let d = 1; d <= moveWindow; d++) {
    if (hashHolds(r, r.seq - d)) return r.seq - d;
    if (hashHolds(r, r.seq + d)) return r.seq + d;
  }
  return undefined;
}

function moved(r: AuditRecord, next: AuditRecord | undefined): ChainFinding {
  const was = writtenAt(r);
  if (was === undefined) {
    return {
      seq: r.seq,
      problem: 'edited',
      message: `entry ${r.seq} was edited: its content no longer matches its hash`,
    };
  }
  if (was < r.seq) {
    return {
      seq: was,
      problem: 'inserted',
      message: `entry ${was} was inserted: the entry now at ${r.seq} was written as ${was}`,
    };
  }
  const nextWas = next && !hashHolds(next) ? writtenAt(next) : undefined;
  if (nextWas !== undefined && nextWas < next!.seq) {
    return {
      seq: r.seq,
      problem: 'reordered',
      message: `entry ${r.seq} is out of order: it was written as ${was}, and ${next!.seq} as ${nextWas}`,
    };
  }
  return {
    seq: r.seq,
    problem: 'deleted',
    message: `entr${was - r.seq > 1 ? `ies ${r.seq}–${was - 1} were` : `y ${r.seq} was`} deleted: the entry now at ${r.seq} was written as ${was}`,
  };
}

/** What is wrong with `r` given the entry before it (undefined for the first one kept), if anything. */
function check(
  prev: AuditRecord | undefined,
  r: AuditRecord,
  next: AuditRecord | undefined,
  masked: (r: AuditRecord) => boolean,
): ChainFinding | undefined {
  if (!prev && r.seq !== 1 && r.action !== checkpointAction) {
    return {
      seq: 1,
      problem: 'unanchored',
      message: `entries 1–${r.seq - 1} are missing and entry ${r.seq} is no checkpoint to re-anchor the chain`,
    };
  }
  if (prev && r.seq !== prev.seq + 1) {
    const from = prev.seq + 1;
    const range = r.seq - 1 > from ? `ies ${from}–${r.seq - 1} are` : `y ${from} is`;
    return {
      seq: from,
      problem: 'deleted',
      message: `entr${range} missing: the chain jumps from ${prev.seq} to ${r.seq}`,
    };
  }
  // A masked export hides content on purpose: its hash cannot be recomputed, its links still can.
  if (!masked(r) && !hashHolds(r)) return moved(r, next);
  if (prev && r.prev_hash !== prev.hash) {
    return {
      seq: prev.seq,
      problem: 'replaced',
      message: `entry ${prev.seq} was replaced: entry ${r.seq} links to a different predecessor`,
    };
  }
  return undefined;
}

/**
 * Walks a participant's chain oldest first, page by page (a million entries never sit in memory), and
 * stops at the first entry that does not hold. Checkpoints are checked by the caller's `checkpoint`,
 * which knows where the public keys come from (the store, a DID document, a JWK file).
 */
export async function verifyChain(
  pages: AsyncIterable<readonly AuditRecord[]>,
  checkpoint: CheckpointCheck,
  masked: (r: AuditRecord) => boolean = () => false,
): Promise<ChainReport> {
  let prev: AuditRecord | undefined;
  let entries = 0;
  let firstSeq: number | undefined;
  let checkpoints = 0;
  let lastCheckpoint: number | undefined;
  let pending: AuditRecord | undefined;
  const visit = async (r: AuditRecord, next: AuditRecord | undefined): Promise<ChainFinding | undefined> => {
    entries += 1;
    firstSeq ??= r.seq;
    const found = check(prev, r, next, masked);
    if (found) return found;
    if (r.action === checkpointAction) {
      const why = await checkpoint(r);
      if (why)
        return { seq: r.seq, problem: 'signature', message: `checkpoint ${r.seq} does not hold: ${why}` };
      checkpoints += 1;
      lastCheckpoint = r.seq;
    }
    prev = r;
    return undefined;
  };
  const report = (firstBad?: ChainFinding): ChainReport => ({
    ...(prev ? { participantId: prev.participant_id } : {}),
    intact: firstBad === undefined,
    entries,
    ...(firstSeq !== undefined ? { firstSeq } : {}),
    ...(prev ? { head: { seq: prev.seq, hash: prev.hash } } : {}),
    checkpoints,
    ...(lastCheckpoint !== undefined ? { lastCheckpoint } : {}),
    ...(firstBad ? { firstBad } : {}),
  });
  // One entry is held back so a moved entry can be told apart as deleted or reordered by its successor.
  for await (const page of pages) {
    for (const r of page) {
      if (pending) {
        const found = await visit(pending, r);
        if (found) return report(found);
      }
      pending = r;
    }
  }
  if (pending) {
    const found = await visit(pending, undefined);
    if (found) return report(found);
  }
  return report();
}

/** One line for the CLI: the outcome and, when broken, the first bad entry. */
export function describeReport(r: ChainReport): string {
  if (r.firstBad)
    return `audit chain broken at entry ${r.firstBad.seq} (${r.firstBad.problem}): ${r.firstBad.message}`;
  const span = r.entries === 0 ? 'no entries' : `${r.entries} entries (${r.firstSeq}–${r.head?.seq})`;
  const signed = r.lastCheckpoint
    ? `, ${r.checkpoints} signed checkpoints, last at ${r.lastCheckpoint}`
    : ', no checkpoint yet';
  const receipts = r.receipts ? `, ${r.receipts} receipts agree` : '';
  return `audit chain intact: ${span}${signed}${receipts}`;
}
