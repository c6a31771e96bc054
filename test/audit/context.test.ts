import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskPersonalFields, toExportLine, verifyExport } from '../../src/dataspace/audit/index.js';
import { verifyStoredAudit, writeCheckpoint } from '../../src/node/audit.js';
import { publicKeysOf } from '../../src/node/participants.js';
import { appendAudit, auditPages } from '../../src/store/index.js';
import { type AuditFixture, appendEntries, auditFixture, row } from './support.js';

describe('5W1H context and masked export', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await auditFixture();
  });
  afterEach(async () => f.close());

  const context = {
    participantDid: 'did:web:example.jp:p:nagoya',
    operator: '鈴木花子',
    node: 'node-1',
    endpoint: '/dsp/2025-1/negotiations/request',
    purpose: 'カーボンフットプリント算定',
    agreementId: 'urn:uuid:agreement-1',
    policyId: '会員限定',
    protocol: 'dsp-2025-1',
    format: 'application/json',
    trackingId: 'trk-0001',
  };

  it('stores the optional 5W1H fields inside the hashed details; callers without them are unchanged', async () => {
    await appendEntries(f, 1);
    await f.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        {
          participantId: 'nagoya',
          actor: 'did:web:example.jp:p:customer',
          action: 'dsp.message.received',
          resourceType: 'negotiation',
          resourceId: 'n-1',
          via: 'dsp',
          outcome: 'success',
          details: { type: 'ContractRequestMessage' },
          context,
        },
        f.deps.now(),
      ),
    );
    expect(JSON.parse((await row(f, 2)).details)).toEqual({
      title: 'ポンプ点検手順 0',
      operator: '山田太郎',
    });
    expect(JSON.parse((await row(f, 3)).details)).toEqual({
      type: 'ContractRequestMessage',
      '5w1h': context,
    });
    expect((await verifyStoredAudit(f.db, 'nagoya')).intact).toBe(true);
  });

  it('masks personal fields on export; the masked export still verifies by links and checkpoints', async () => {
    await appendEntries(f, 3);
    await writeCheckpoint(f.deps, 'nagoya', 'test');
    const lines: string[] = [];
    for await (const page of auditPages(f.db, 'nagoya'))
      for (const r of page) lines.push(JSON.stringify(toExportLine(r, maskPersonalFields)));
    const text = lines.join('\n');
    expect(text).not.toContain('山田太郎');
    expect(JSON.parse(lines[1] ?? '{}').masked).toEqual(['/operator']);
    const keys = new Map((await publicKeysOf(f.db, 'nagoya')).map((k) => [k.kid ?? '', k]));
    const lineStream = async function* () {
      yield* lines;
    };
    expect(await verifyExport(lineStream(), keys)).toMatchObject({
      intact: true,
      checkpoints: 1,
      entries: 5,
    });
    // A masked line whose link is cut still fails.
    const cut = lines.filter((_, i) => i !== 2);
    expect(
      (
        await verifyExport(
          (async function* () {
            yield* cut;
          })(),
          keys,
        )
      ).firstBad,
    ).toMatchObject({
      seq: 3,
      problem: 'deleted',
    });
  });
});
