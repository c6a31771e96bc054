import { afterEach, describe, expect, it } from 'vitest';
import { checkpointAction } from '../../src/dataspace/audit/index.js';
import { verifyStoredAudit } from '../../src/node/audit.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import { startTestNode, type TestNode } from '../support/node.js';

/** The automatic checkpoint policy on a real node: by count, by time, and nothing at all while idle. */
describe('automatic audit checkpoints', () => {
  let t: TestNode | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  const checkpoints = async (node: TestNode) => {
    const ctx = node.node.context;
    return ctx.db
      .selectFrom('audit_log')
      .select(['seq', 'prev_hash'])
      .where('participant_id', '=', ctx.config.defaultParticipantId)
      .where('action', '=', checkpointAction)
      .orderBy('seq')
      .execute();
  };
  const createAsset = (node: TestNode, i: number) =>
    api(node, 'POST', '/assets', {
      id: `点検記録-${i}`,
      title: `ポンプ点検記録 ${i}`,
      dataAddress: { type: 'HttpData', baseUrl: 'http://127.0.0.1:9/x' },
    });

  it('signs the chain after N new entries, and the chain verifies with it', async () => {
    t = await startTestNode({ auditCheckpointEntries: 3, auditCheckpointSeconds: 0 });
    for (let i = 0; i < 3; i++) expect((await createAsset(t, i)).status).toBe(201);
    const [first] = await eventually(
      'a checkpoint',
      () => checkpoints(t as TestNode),
      (c) => c.length === 1,
    );
    const report = await verifyStoredAudit(t.node.context.db, t.node.context.config.defaultParticipantId);
    expect(report).toMatchObject({ intact: true, checkpoints: 1, lastCheckpoint: first?.seq });
  });

  it('signs T seconds after the first uncovered entry, then runs no query while idle', async () => {
    t = await startTestNode({ auditCheckpointEntries: 0, auditCheckpointSeconds: 1 });
    const node = t;
    const queries = async () => {
      const text = await (await fetch(`${node.node.url}/metrics`)).text();
      return Number(/^musubi_db_queries_total (\d+)/m.exec(text)?.[1]);
    };
    expect(await checkpoints(node)).toHaveLength(0);
    expect((await createAsset(node, 1)).status).toBe(201);
    await eventually(
      'a timed checkpoint',
      () => checkpoints(node),
      (c) => c.length === 1,
    );
    // Nothing uncovered: no timer armed, so a window longer than T sees no query and no new checkpoint.
    const before = await queries();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await queries()).toBe(before);
    expect(await checkpoints(node)).toHaveLength(1);
  });
});
