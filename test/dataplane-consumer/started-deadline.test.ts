import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProcesses } from '../../src/node/processes.js';
import { api, eventually } from '../dataspace/two-node-support.js';
import {
  type Clock,
  clockedNode,
  type Node,
  negotiated,
  providerSide,
  publishFile,
  testClock,
  transferOf,
} from './support.js';

type View = Record<string, unknown> & { id: string; state: string };

/**
 * A provider's STARTED pull of finite data waits for the consumer to complete it: when the consumer never
 * does, the started deadline terminates it and the consumer is told. A stream (`finite: false`) has no
 * deadline. Both nodes run on one hand-moved clock; the test fires the armed deadline run instead of waiting.
 */
describe('the started deadline of a pull between two nodes', () => {
  const startedMs = 3_600_000;
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let root: string;
  let finiteAgreement: string;
  let streamAgreement: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-started-'));
    writeFileSync(join(root, '部品表.csv'), '番号,品名\n1,ボルト M8\n');
    writeFileSync(join(root, '温度.csv'), '時刻,温度\n');
    clock = testClock();
    [provider, consumer] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root], transferStartedDeadlineMs: startedMs }),
      clockedNode(clock),
    ]);
    const finite = await publishFile(provider, 'bom-finite', '部品表.csv');
    const stream = await publishFile(provider, 'line-temperature', '温度.csv', { finite: false });
    finiteAgreement = await negotiated(consumer, provider, finite);
    streamAgreement = await negotiated(consumer, provider, stream);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  async function startedPull(agreementId: string) {
    const created = await api<View>(consumer, 'POST', '/transfers', { agreementId, format: 'HttpData-PULL' });
    expect(created.status).toBe(201);
    await eventually(
      'consumer STARTED',
      () => transferOf(consumer, created.body.id),
      (t) => t.state === 'STARTED',
    );
    const theirs = await providerSide(provider, created.body.id);
    expect(theirs?.state).toBe('STARTED');
    return { consumerId: created.body.id, providerId: String(theirs?.id) };
  }

  it('terminates a finite pull the consumer never completes and tells it; a stream keeps running', async () => {
    const finite = await startedPull(finiteAgreement);
    const stream = await startedPull(streamAgreement);
    const { runtime } = nodeProcesses(provider.node.context);
    await runtime.settled();

    const finiteThere = await transferOf(provider, finite.providerId);
    const streamThere = await transferOf(provider, stream.providerId);
    expect(streamThere.deadlineAt).toBeNull();
    expect((await transferOf(consumer, finite.consumerId)).deadlineAt).toBeNull(); // the consumer completes itself
    const deadline = new Date(String(finiteThere.deadlineAt));
    expect(deadline.getTime() - clock.now().getTime()).toBeGreaterThan(startedMs - 60_000);
    // The negotiations' deadlines were cleared when they finalized, but the runtime only learns that by looking:
    // at worst one run, when the earliest it was told of comes, finds nothing and re-arms for the real one.
    const stale = runtime.nextWake();
    if (stale && stale < deadline) {
      clock.advance(stale.getTime() - clock.now().getTime());
      runtime.wake(clock.now());
      await runtime.settled();
    }
    expect(runtime.nextWake()).toEqual(deadline); // the one timer is armed for it

    clock.advance(deadline.getTime() - clock.now().getTime() - 1_000);
    runtime.wake(clock.now()); // a run a second early changes nothing
    await runtime.settled();
    expect((await transferOf(provider, finite.providerId)).state).toBe('STARTED');

    clock.advance(1_000);
    runtime.wake(clock.now()); // what the armed timer does when the deadline comes
    await runtime.settled();
    const ended = await transferOf(provider, finite.providerId);
    expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'deadline-passed' });
    expect(String(ended.reason)).toMatch(/did not complete/);
    const told = await eventually(
      'consumer told',
      () => transferOf(consumer, finite.consumerId),
      (t) => t.state === 'TERMINATED',
    );
    expect(told.reasonCode).toBe('deadline-passed');

    expect((await transferOf(provider, stream.providerId)).state).toBe('STARTED');
    expect((await transferOf(consumer, stream.consumerId)).state).toBe('STARTED');
    expect(runtime.nextWake()).toBeUndefined();
  });
});
