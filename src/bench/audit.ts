import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { JWK } from 'jose';
import {
  checkpointAction,
  checkpointVerifier,
  signCheckpoint,
  verifyChain,
} from '../dataspace/audit/index.js';
import { generateParticipantKey } from '../dataspace/identity/index.js';
import { auditHash, auditPages, openDatabase, participantStore } from '../store/index.js';
import { type Figure, opsPerSecond } from './measure.js';

const verifyEntries = 1_000_000;

/**
 * Audit append: one transaction per entry together with a state change (an asset row), against the same
 * transaction without the entry, on SQLite WAL. The floor is ≥ 5,000 appends/s.
 */
async function appendFigures(file: string): Promise<Figure[]> {
  const database = await openDatabase({ engine: 'sqlite', file });
  try {
    await database.db
      .insertInto('participants')
      .values({ id: 'p', name: '名古屋部品', corporate_number: null, created_at: new Date().toISOString() })
      .execute();
    const store = participantStore(database.db, 'p');
    let i = 0;
    const change = (audited: boolean) => () =>
      store.transaction(async (tx) => {
        const at = new Date();
        const id = `a${i++}`;
        await tx.insertAsset({
          id,
          title: 'ポンプ点検手順書',
          description: '',
          contentType: 'text/plain',
          properties: {},
          dataAddress: { type: 'HttpData' },
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
        });
        if (audited) {
          await tx.audit(
            {
              actor: 'ak_bench',
              action: 'asset.create',
              resourceType: 'asset',
              resourceId: id,
              via: 'management-api',
              outcome: 'success',
              details: { title: 'ポンプ点検手順書' },
            },
            at,
          );
        }
      });
    const alone = await opsPerSecond(change(false), 3000);
    const withAudit = await opsPerSecond(change(true), 3000);
    return [
      {
        name: 'audit: append with its state change, one transaction each (SQLite WAL)',
        value: withAudit,
        unit: 'ops/s',
        baseline: { name: 'the state change alone', value: alone },
        note: 'floor ≥ 5,000/s',
      },
    ];
  } finally {
    await database.close();
  }
}

/** Writes a chain of n entries ending in a signed checkpoint straight through better-sqlite3 (setup, not measured). */
async function seedChain(file: string, n: number): Promise<void> {
  const key = await generateParticipantKey('EdDSA');
  const raw = new SqliteDatabase(file);
  raw
    .prepare('insert into participants (id, name, corporate_number, created_at) values (?, ?, null, ?)')
    .run('v', '検証用', new Date().toISOString());
  const insert = raw.prepare(
    `insert into audit_log (participant_id, seq, at, actor, action, resource_type, resource_id, reason, via,
      outcome, details, prev_hash, hash, signature) values (@participant_id, @seq, @at, @actor, @action,
      @resource_type, @resource_id, @reason, @via, @outcome, @details, @prev_hash, @hash, @signature)`,
  );
  let prev: string | null = null;
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  raw.transaction(() => {
    for (let seq = 1; seq < n; seq++) {
      const unsigned = {
        participant_id: 'v',
        seq,
        at: new Date(t0 + seq).toISOString(),
        actor: 'did:web:example.jp:p:customer',
        action: 'dsp.message.received',
        resource_type: 'negotiation',
        resource_id: `urn:uuid:${seq}`,
        reason: null,
        via: 'dsp',
        outcome: 'success',
        details: JSON.stringify({ type: 'ContractRequestMessage', 品目: '軸受' }),
        prev_hash: prev,
      };
      const hash = auditHash(unsigned);
      insert.run({ ...unsigned, hash, signature: null });
      prev = hash;
    }
  })();
  const last = {
    participant_id: 'v',
    seq: n,
    at: new Date(t0 + n).toISOString(),
    actor: 'system',
    action: checkpointAction,
    resource_type: 'audit-log',
    resource_id: 'v',
    reason: null,
    via: 'bench',
    outcome: 'success',
    details: JSON.stringify({ kid: key.kid }),
    prev_hash: prev,
  };
  const hash = auditHash(last);
  const signature = await signCheckpoint({ ...last, hash }, key);
  insert.run({ ...last, hash, signature });
  raw.close();
  keys.set(key.kid, key.publicJwk);
}

const keys = new Map<string, JWK>();

async function verifyFigures(file: string): Promise<Figure[]> {
  await (await openDatabase({ engine: 'sqlite', file })).close(); // migrations make the tables
  await seedChain(file, verifyEntries);
  const database = await openDatabase({ engine: 'sqlite', file });
  try {
    let t = process.hrtime.bigint();
    let read = 0;
    for await (const page of auditPages(database.db, 'v')) read += page.length;
    const readSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const report = await verifyChain(
      auditPages(database.db, 'v'),
      checkpointVerifier(async (kid) => keys.get(kid)),
    );
    const verifySeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const used = process.cpuUsage(cpu);
    // On a shared machine wall time includes waiting for a core; CPU time is what verify itself costs.
    const cpuSeconds = (used.user + used.system) / 1e6;
    if (!report.intact || report.entries !== verifyEntries || read !== verifyEntries) {
      throw new Error(`bench chain did not verify: ${JSON.stringify(report.firstBad)}`);
    }
    return [
      {
        name: `audit: verify ${verifyEntries.toLocaleString('en')} entries from the store`,
        value: verifySeconds,
        unit: 's',
        baseline: { name: 'reading the same pages without checking', value: readSeconds },
        note: `floor ≤ 10 s; ${cpuSeconds.toFixed(1)} s of CPU`,
      },
    ];
  } finally {
    await database.close();
  }
}

export async function auditFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-audit-'));
  try {
    return [
      ...(await appendFigures(join(dir, 'append.db'))),
      ...(await verifyFigures(join(dir, 'verify.db'))),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
