import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runningMonitor } from '../../src/node/policy/index.js';
import {
  negotiated,
  providerSide,
  publishFile,
  startedTransfer,
  testClock,
  transferOf,
} from '../dataplane-consumer/support.js';
import { clockedNode } from '../support/clocked-node.js';
import { issue, revokeCredential } from './support.js';

/**
 * Where a counterparty's credentials stand survives a restart of the provider: revoking the member's credential
 * afterwards still ends its running transfer at the monitor's next pass, without waiting for a new request.
 */
const boundS = 60;
type Started = Awaited<ReturnType<typeof clockedNode>>;
let clock: ReturnType<typeof testClock>;
let authority: Started;
let provider: Started;
let consumer: Started;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'musubi-standing-files-'));
  writeFileSync(join(root, 'parts.csv'), '番号,品名\n1,ボルト M8\n');
  clock = testClock();
  authority = await clockedNode(clock);
  const dcp = {
    dcpScopes: ['MembershipCredential'],
    trustedIssuers: [`MembershipCredential=${authority.did}`],
  };
  [provider, consumer] = await Promise.all([
    clockedNode(clock, { ...dcp, dataPlaneFileRoots: [root], credentialRecheckS: boundS }),
    clockedNode(clock, dcp),
  ]);
  expect((await issue(authority, provider.did)).status).toBe(201);
}, 60_000);
afterAll(async () => {
  for (const n of [consumer, provider, authority]) await n?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('a revocation after the provider restarted ends the running transfer at the next monitor pass', async () => {
  const issued = await issue(authority, consumer.did);
  expect(issued.status).toBe(201);
  const offer = await publishFile(provider, 'parts-restart', 'parts.csv');
  const agreementId = await negotiated(consumer, provider, offer);
  const id = await startedTransfer(consumer, agreementId);
  const theirs = await providerSide(provider, id);
  expect(theirs?.state).toBe('STARTED');

  await provider.restart();
  await revokeCredential(authority, issued.body.id, '会費未納');
  clock.advance(boundS * 1000 + 1);
  // the restarted node has not heard from the consumer since: only what it stored can tell it
  const pass = await runningMonitor(provider.node.context)?.wake();
  expect(pass?.terminated.map((x) => [x.transferId, x.reasonCode])).toEqual([
    [theirs?.id, 'credential.revoked'],
  ]);
  const ended = await transferOf(provider, String(theirs?.id));
  expect(ended).toMatchObject({ state: 'TERMINATED', reasonCode: 'credential.revoked' });
  expect(String(ended.reason)).toContain(`MembershipCredential revoked by ${authority.did}`);
}, 90_000);
