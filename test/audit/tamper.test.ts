import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneAudit, verifyStoredAudit, writeCheckpoint } from '../../src/node/audit.js';
import { auditHash } from '../../src/store/index.js';
import { type AuditFixture, appendEntries, auditFixture, forged, lastSeq, row, setSeq } from './support.js';

/**
 * Every tamper case against a real SQLite store, with the outcome each one must give. Entry 1 is
 * participant.create; entries 2–9 are asset updates.
 */
describe('audit verify names the first bad entry', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
    await appendEntries(f, 8);
  });
  afterEach(async () => f.close());

  const verify = () => verifyStoredAudit(f.db, 'nagoya');

  it('passes an untouched chain', async () => {
    const r = await verify();
    expect(r).toMatchObject({ intact: true, entries: 9, head: { seq: 9 } });
    expect(r.firstBad).toBeUndefined();
  });

  it('edited: a changed field is named at its own entry', async () => {
    await f.db.updateTable('audit_log').set({ outcome: 'denied' }).where('seq', '=', 4).execute();
    expect((await verify()).firstBad).toMatchObject({ seq: 4, problem: 'edited' });
  });

  it('edited in Japanese details: one character changed is found', async () => {
    const r4 = await row(f, 5);
    await f.db
      .updateTable('audit_log')
      .set({ details: r4.details.replace('点検', '点険') })
      .where('seq', '=', 5)
      .execute();
    expect((await verify()).firstBad).toMatchObject({ seq: 5, problem: 'edited' });
  });

  it('replaced: an entry rewritten with a fresh hash breaks the link from its successor', async () => {
    const r = await row(f, 3);
    const { hash: _h, signature: _s, ...rest } = { ...r, reason: '改ざん' };
    await f.db
      .updateTable('audit_log')
      .set({ reason: '改ざん', hash: auditHash(rest) })
      .where('seq', '=', 3)
      .execute();
    expect((await verify()).firstBad).toMatchObject({ seq: 3, problem: 'replaced' });
  });

  it('deleted: a missing entry is named by its seq', async () => {
    await f.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    const bad = (await verify()).firstBad;
    expect(bad).toMatchObject({ seq: 6, problem: 'deleted' });
    expect(bad?.message).toContain('jumps from 5 to 7');
  });

  it('deleted and renumbered: the gap closed by shifting later entries down is still named', async () => {
    await f.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    for (let s = 7; s <= 9; s++) await setSeq(f, s, s - 1);
    expect((await verify()).firstBad).toMatchObject({ seq: 6, problem: 'deleted' });
  });

  it('inserted: a well-formed entry slipped in (later ones renumbered) is named', async () => {
    for (let s = 9; s >= 4; s--) await setSeq(f, s, s + 1);
    await f.db
      .insertInto('audit_log')
      .values(forged(await row(f, 3), 4))
      .execute();
    expect(await lastSeq(f)).toBe(10);
    expect((await verify()).firstBad).toMatchObject({ seq: 4, problem: 'inserted' });
  });

  it('reordered: two entries swapped are named at the first of them', async () => {
    await setSeq(f, 5, -1);
    await setSeq(f, 6, 5);
    await setSeq(f, -1, 6);
    expect((await verify()).firstBad).toMatchObject({ seq: 5, problem: 'reordered' });
  });

  it('tail-truncated after the last checkpoint: not detectable locally (stated in docs/audit.md)', async () => {
    await writeCheckpoint(f.deps, 'nagoya', 'test');
    await appendEntries(f, 3);
    await f.db.deleteFrom('audit_log').where('seq', '>', 10).execute();
    expect(await verify()).toMatchObject({ intact: true, entries: 10, lastCheckpoint: 10 });
  });
});

describe('signed checkpoints', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
    await appendEntries(f, 4);
  });
  afterEach(async () => f.close());

  it('sign the chain head with the participant key and verify', async () => {
    const cp = await writeCheckpoint(f.deps, 'nagoya', 'test');
    expect(cp.seq).toBe(6);
    expect(cp.signature).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    await appendEntries(f, 2);
    expect(await verify(f)).toMatchObject({ intact: true, checkpoints: 1, lastCheckpoint: 6, entries: 8 });
  });

  it('catch a whole-chain rewrite with recomputed hashes by someone without the key', async () => {
    await writeCheckpoint(f.deps, 'nagoya', 'test');
    // Rewrite entry 3 and recompute every hash and link after it, as a careful attacker would.
    let prev = await row(f, 2);
    for (let s = 3; s <= 6; s++) {
      const r = await row(f, s);
      const {
        hash: _h,
        signature: _s,
        ...rest
      } = {
        ...r,
        prev_hash: prev.hash,
        ...(s === 3 ? { resource_id: '書き換え' } : {}),
      };
      const hash = auditHash(rest);
      await f.db
        .updateTable('audit_log')
        .set({ ...rest, hash })
        .where('seq', '=', s)
        .execute();
      prev = { ...rest, hash, signature: r.signature };
    }
    const bad = (await verify(f)).firstBad;
    expect(bad).toMatchObject({ seq: 6, problem: 'signature' });
    expect(bad?.message).toContain('rewritten');
  });

  it('refuse a checkpoint whose signature was replaced', async () => {
    const cp = await writeCheckpoint(f.deps, 'nagoya', 'test');
    const [h, p, s] = (cp.signature ?? '').split('.');
    const flipped = `${s?.[0] === 'A' ? 'B' : 'A'}${s?.slice(1)}`;
    await f.db
      .updateTable('audit_log')
      .set({ signature: `${h}.${p}.${flipped}` })
      .where('seq', '=', cp.seq)
      .execute();
    expect((await verify(f)).firstBad).toMatchObject({ seq: cp.seq, problem: 'signature' });
  });

  it('refuse a checkpoint entry without a signature', async () => {
    const cp = await writeCheckpoint(f.deps, 'nagoya', 'test');
    await f.db.updateTable('audit_log').set({ signature: null }).where('seq', '=', cp.seq).execute();
    expect((await verify(f)).firstBad).toMatchObject({ seq: cp.seq, problem: 'signature' });
  });

  it('prune behind a checkpoint, and the pruned chain still verifies', async () => {
    const cp = await writeCheckpoint(f.deps, 'nagoya', 'test');
    await appendEntries(f, 2);
    const r = await pruneAudit(f.db, 'nagoya', new Date(cp.at));
    expect(r).toEqual({ removed: cp.seq - 1, anchor: cp.seq });
    expect(await verify(f)).toMatchObject({ intact: true, firstSeq: cp.seq, entries: 3 });
  });

  it('refuse to prune with no checkpoint to re-anchor on, and a chain cut without one fails verify', async () => {
    await expect(pruneAudit(f.db, 'nagoya', new Date('2030-01-01T00:00:00Z'))).rejects.toMatchObject({
      code: 'audit.nothing-to-prune',
    });
    await f.db.deleteFrom('audit_log').where('seq', '<', 3).execute();
    expect((await verify(f)).firstBad).toMatchObject({ seq: 1, problem: 'unanchored' });
  });
});

const verify = (f: AuditFixture) => verifyStoredAudit(f.db, 'nagoya');
