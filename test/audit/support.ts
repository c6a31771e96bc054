import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createParticipant, type ParticipantDeps } from '../../src/node/index.js';
import {
  type AuditRecord,
  appendAudit,
  auditHash,
  openDatabase,
  type Tables,
} from '../../src/store/index.js';
import { type Clock, clockedNode, type Node, testClock } from '../dataplane-consumer/support.js';

export interface AuditFixture {
  readonly db: Kysely<Tables>;
  readonly deps: ParticipantDeps;
  readonly dir: string;
  readonly close: () => Promise<void>;
}

/** A real SQLite store with one participant (名古屋部品) and its keys; time advances a second per call. */
export async function auditFixture(): Promise<AuditFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-audit-'));
  const database = await openDatabase({ engine: 'sqlite', file: join(dir, 'musubi.db') });
  let t = Date.parse('2026-04-01T00:00:00Z');
  const deps: ParticipantDeps = {
    db: database.db,
    nodeSecret: 'a'.repeat(64),
    keyStorage: 'database',
    storeDir: dir,
    now: () => {
      t += 1000;
      return new Date(t);
    },
  };
  await createParticipant(deps, { id: 'nagoya', name: '名古屋部品株式会社' }, 'system');
  return {
    db: database.db,
    deps,
    dir,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Appends n ordinary entries (asset changes with Japanese details). */
export async function appendEntries(f: AuditFixture, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await f.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        {
          participantId: 'nagoya',
          actor: 'ak_operator',
          action: 'asset.update',
          resourceType: 'asset',
          resourceId: `保全記録-${i}`,
          via: 'management-api',
          outcome: 'success',
          details: { title: `ポンプ点検手順 ${i}`, operator: '山田太郎' },
        },
        f.deps.now(),
      ),
    );
  }
}

export async function row(f: AuditFixture, seq: number): Promise<AuditRecord> {
  return f.db
    .selectFrom('audit_log')
    .selectAll()
    .where('participant_id', '=', 'nagoya')
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow();
}

export async function setSeq(f: AuditFixture, from: number, to: number): Promise<void> {
  await f.db
    .updateTable('audit_log')
    .set({ seq: to })
    .where('participant_id', '=', 'nagoya')
    .where('seq', '=', from)
    .execute();
}

export async function lastSeq(f: AuditFixture): Promise<number> {
  const r = await f.db
    .selectFrom('audit_log')
    .select('seq')
    .where('participant_id', '=', 'nagoya')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return r.seq;
}

/** A well-formed entry an attacker without the key could compute: right prev_hash, right hash. */
export function forged(prev: AuditRecord, seq: number): AuditRecord {
  const unsigned = {
    ...prev,
    seq,
    at: prev.at,
    action: 'asset.delete',
    resource_id: '偽の記録',
    details: '{}',
    prev_hash: prev.hash,
  };
  const { hash: _h, signature: _s, ...rest } = unsigned;
  return { ...rest, hash: auditHash(rest), signature: null };
}

export interface FileNodes {
  readonly provider: Node;
  readonly consumer: Node;
  /** The provider's file root (parts.csv lies there). */
  readonly root: string;
  /** The clock both nodes read. */
  readonly clock: Clock;
  /** Stops both nodes and removes the provider's file root. */
  readonly stop: () => Promise<void>;
}

/**
 * Two nodes on loopback sharing one hand-moved clock: a provider whose data plane serves `content` as parts.csv
 * from a fresh file root (named after `prefix`), and a consumer.
 */
export async function fileProviderAndConsumer(prefix: string, content: string): Promise<FileNodes> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  try {
    writeFileSync(join(root, 'parts.csv'), content);
    const clock = testClock();
    const [provider, consumer] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root] }),
      clockedNode(clock),
    ]);
    return {
      provider,
      consumer,
      root,
      clock,
      stop: async () => {
        await Promise.all([consumer.stop(), provider.stop()]);
        removeRoot();
      },
    };
  } catch (e) {
    removeRoot();
    throw e;
  }
}
