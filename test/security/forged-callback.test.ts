import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiationMessages, transferMessages } from '../../src/dataspace/protocol/index.js';
import { dspAuthHeaders, ownDids } from '../../src/node/counterparty.js';
import { createParticipant } from '../../src/node/index.js';
import { recordingPeer } from '../dataspace/transfer-support.js';
import {
  api,
  eventually,
  loopbackNode,
  negotiationState,
  publishOffer,
  useOffer,
} from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';

/**
 * Issue 6, "a forged provider callback carrying a fake agreement or DataAddress": a consumer has a negotiation
 * and a transfer running with a real provider; others post to the consumer's callback paths as if they were
 * that provider. A third node with its own valid did:web, and another participant hosted on the provider's own
 * node, are answered 404 (a process that is not theirs is unknown to them); a request without a verifiable
 * token 401. Nothing changes: no agreement, no state, no EDR. The same message from the real provider's
 * identity is accepted, so it was the sender alone that was refused.
 */

type Node = TestNode & { did: string };
let provider: Node;
let consumer: Node;
let stranger: Node;

beforeAll(async () => {
  [provider, consumer, stranger] = await Promise.all([
    loopbackNode({ negotiationAutoAgree: false }),
    loopbackNode(),
    loopbackNode(),
  ]);
  await publishOffer(provider);
  // a tenant of the provider's own node: same host, its own DID and key
  await createParticipant(provider.node.context.participants, { id: 'rinjin', name: '隣接商事' }, 'test');
}, 60_000);
afterAll(async () => {
  await Promise.all([provider?.stop(), consumer?.stop(), stranger?.stop()]);
});

interface Sender {
  readonly who: string;
  readonly headers: () => Promise<Record<string, string>>;
}
const audience = () => ownDids(consumer.node.context, 'default')[0] ?? '';
const realProvider: Sender = {
  who: 'the provider',
  headers: () => dspAuthHeaders(provider.node.context, 'default', audience()),
};

/**
 * Who else posts to the consumer's process `kind/pid`: a third node and a tenant of the provider's node, each
 * with its own valid identity (404); nobody (401); and someone holding a real provider token — one the consumer
 * already accepted (a replayed jti), or one the provider addressed to the third node and that node forwards
 * (another audience) — both 401.
 */
function thirdParties(kind: string, pid: string): readonly (Sender & { status: number })[] {
  return [
    {
      who: 'a third node',
      headers: () => dspAuthHeaders(stranger.node.context, 'default', audience()),
      status: 404,
    },
    {
      who: "a tenant of the provider's node",
      headers: () => dspAuthHeaders(provider.node.context, 'rinjin', audience()),
      status: 404,
    },
    { who: 'nobody (no token)', headers: async () => ({}), status: 401 },
    {
      who: "a replay of the provider's token",
      headers: async () => {
        const used = await realProvider.headers();
        const res = await fetch(`${consumer.node.url}/dsp/2025-1/${kind}/${encodeURIComponent(pid)}`, {
          headers: used,
        });
        expect(res.status).toBe(200); // the provider may read its process: the token was good, once
        await res.body?.cancel();
        return used;
      },
      status: 401,
    },
    {
      who: 'a token the provider addressed to the third node, forwarded',
      headers: () => dspAuthHeaders(provider.node.context, 'default', stranger.did),
      status: 401,
    },
  ];
}

async function post(from: Sender, path: string, message: unknown) {
  const res = await fetch(`${consumer.node.url}/dsp/2025-1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await from.headers()) },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const pidPath = (kind: string, pid: string, endpoint: string) =>
  `/${kind}/${encodeURIComponent(pid)}/${endpoint}`;

/** Every audit entry of the consumer's default participant. */
async function auditOf(t: Node) {
  return (await api<{ action: string; resourceId: string; actor: string }[]>(t, 'GET', '/audit?limit=1000'))
    .body;
}

describe('forged provider callbacks to a consumer', () => {
  let consumerPid: string;
  let providerPid: string;

  it('refuses a fake agreement, a FINALIZED event and a termination for a negotiation that is not the sender’s', async () => {
    const created = await api(consumer, 'POST', '/negotiations', {
      counterpartyAddress: provider.node.url,
      counterpartyId: provider.did,
      offer: useOffer,
      force: true,
    });
    expect(created.status).toBe(201);
    consumerPid = String(created.body.id);
    // the provider waits for a person; the consumer learned the provider's pid from its answer
    const waiting = await eventually(
      'providerPid',
      () => negotiationState(consumer, consumerPid),
      (n) => Boolean(n.providerPid),
    );
    providerPid = String(waiting.providerPid);
    expect(waiting.state).toBe('REQUESTED');
    const auditBefore = await auditOf(consumer);

    const pids = { providerPid, consumerPid };
    const fake = {
      '@id': 'urn:uuid:fake-agreement',
      target: 'bom-2026',
      assigner: provider.did,
      assignee: consumer.did,
      timestamp: new Date().toISOString(),
      permission: [{ action: 'use' }],
    };
    const forged = [
      ['agreement', negotiationMessages.agreement({ ...pids, agreement: fake })],
      ['events', negotiationMessages.event({ ...pids, eventType: 'FINALIZED' })],
      ['termination', negotiationMessages.termination({ ...pids, code: 'forged', reason: ['偽の終了'] })],
    ] as const;
    for (const from of thirdParties('negotiations', consumerPid)) {
      for (const [endpoint, message] of forged) {
        const res = await post(from, pidPath('negotiations', consumerPid, endpoint), message);
        expect(res.status, `${from.who} → ${endpoint}`).toBe(from.status);
        if (from.status === 404) {
          expect(res.body).toMatchObject({
            '@type': 'ContractNegotiationError',
            code: 'negotiation.not-found',
          });
        } else {
          expect(res.body).toMatchObject({ code: 'auth.protocol' });
        }
      }
    }

    const after = await negotiationState(consumer, consumerPid);
    expect(after).toMatchObject({ state: 'REQUESTED', agreementId: null, reasonCode: null });
    const agreements = await api<{ id: string }[]>(consumer, 'GET', '/agreements?limit=1000');
    expect(agreements.body.map((a) => a.id)).not.toContain(fake['@id']);
    expect(await auditOf(consumer)).toEqual(auditBefore);
    // the local operator sees a stable code for every refusal (the caller learns no more than 404 / 401)
    const refused = consumer
      .logs()
      .split('\n')
      .filter((l) => l.includes('negotiation message refused'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refused.map((r) => `${r.status} ${r.code}`).sort()).toEqual([
      ...Array(9).fill('401 auth.protocol'),
      ...Array(6).fill('404 negotiation.not-found'),
    ]);
    // a 404 names who sent it: the operator tells a forged callback from a mistyped pid
    const rinjin = ownDids(provider.node.context, 'rinjin')[0];
    expect(refused.filter((r) => r.status === 404).map((r) => r.from)).toEqual([
      ...Array(3).fill(stranger.did),
      ...Array(3).fill(rinjin),
    ]);
    // and, for the 401s, why the token was refused
    expect(consumer.logs()).toMatch(/"reason":"token \S+ of [^"]+ replayed","msg":"counterparty refused"/);
    expect(consumer.logs()).toMatch(/unexpected \W+aud\W+ claim value","msg":"counterparty refused"/);

    // the real provider itself cannot agree to something else than what was negotiated: another target, or
    // rules added — refused with a stable code, nothing stored, still REQUESTED
    const altered = [
      { ...fake, '@id': 'urn:uuid:other-target', target: 'other-asset' },
      { ...fake, '@id': 'urn:uuid:extra-duty', obligation: [{ action: 'delete' }] },
    ];
    for (const agreement of altered) {
      const res = await post(
        realProvider,
        pidPath('negotiations', consumerPid, 'agreement'),
        negotiationMessages.agreement({ ...pids, agreement }),
      );
      expect(res.status, agreement['@id']).toBe(400);
      expect(res.body).toMatchObject({
        '@type': 'ContractNegotiationError',
        code: 'negotiation.agreement-mismatch',
      });
    }
    expect(await negotiationState(consumer, consumerPid)).toMatchObject({
      state: 'REQUESTED',
      agreementId: null,
    });
    const stored = await api<{ id: string }[]>(consumer, 'GET', '/agreements?limit=1000');
    expect(stored.body.map((a) => a.id)).not.toContain('urn:uuid:other-target');
    expect(stored.body.map((a) => a.id)).not.toContain('urn:uuid:extra-duty');

    // the real provider's agreement still goes through: only the sender was refused
    const approved = await api(provider, 'POST', `/negotiations/${encodeURIComponent(providerPid)}/agree`);
    expect(approved.status).toBe(200);
    const done = await eventually(
      'consumer FINALIZED',
      () => negotiationState(consumer, consumerPid),
      (n) => n.state === 'FINALIZED' || n.state === 'TERMINATED',
    );
    expect(done.state).toBe('FINALIZED');
    expect(done.agreementId).not.toBe(fake['@id']);
  }, 60_000);

  it('refuses a TransferStartMessage with a fake DataAddress from anyone but the provider: no EDR, still REQUESTED', async () => {
    const agreementId = String((await negotiationState(consumer, consumerPid)).agreementId);
    // The provider has not started yet: its DSP side is a peer that answers the request and waits.
    const held = await recordingPeer('urn:uuid:provider-transfer');
    try {
      const requested = await api(consumer, 'POST', '/transfers', {
        agreementId,
        format: 'HttpData-PULL',
        providerAddress: held.base,
      });
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      const transferId = String(requested.body.id);
      const transfer = `/transfers/${encodeURIComponent(transferId)}`;
      await eventually(
        'providerPid',
        async () => (await api(consumer, 'GET', transfer)).body,
        (t) => t.providerPid === 'urn:uuid:provider-transfer',
      );
      const pids = { providerPid: 'urn:uuid:provider-transfer', consumerPid: transferId };
      const start = (token: string) =>
        transferMessages.start({
          ...pids,
          dataAddress: {
            endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
            endpoint: 'http://127.0.0.1:9/偽の受け口',
            endpointProperties: [
              { name: 'authorization', value: token },
              { name: 'authType', value: 'bearer' },
            ],
          },
        });
      const auditBefore = await auditOf(consumer);
      const logLines = () => consumer.logs().split('\n').length;
      const linesBefore = logLines();
      for (const from of thirdParties('transfers', transferId)) {
        for (const [endpoint, message] of [
          ['start', start('forged-access-token-0123456789')],
          ['termination', transferMessages.termination({ ...pids, code: 'forged', reason: ['偽の終了'] })],
        ] as const) {
          const res = await post(from, pidPath('transfers', transferId, endpoint), message);
          expect(res.status, `${from.who} → ${endpoint}`).toBe(from.status);
          if (from.status === 404)
            expect(res.body).toMatchObject({ '@type': 'TransferError', code: 'transfer.not-found' });
        }
      }
      expect((await api(consumer, 'GET', transfer)).body).toMatchObject({
        state: 'REQUESTED',
        dataAddress: null,
        reasonCode: null,
      });
      expect(await auditOf(consumer)).toEqual(auditBefore);
      const edr = await api(consumer, 'GET', `${transfer}/edr`);
      expect(edr.status).toBe(409);
      expect(edr.body).toMatchObject({ code: 'edr.transfer-not-started' });
      const edrs = await consumer.node.context.db
        .withTables<{ edrs: { transfer_id: string } }>()
        .selectFrom('edrs')
        .select('transfer_id')
        .execute();
      expect(edrs.map((r) => r.transfer_id)).not.toContain(transferId);
      const refused = consumer
        .logs()
        .split('\n')
        .slice(linesBefore - 1)
        .filter((l) => l.includes('transfer message refused'))
        .map((l) => JSON.parse(l) as { code: string; status: number; from?: string })
        .map((r) => `${r.status} ${r.code}${r.from ? ` from ${r.from}` : ''}`);
      expect(refused.sort()).toEqual(
        [
          ...Array(6).fill('401 auth.protocol'),
          ...Array(2).fill(`404 transfer.not-found from ${stranger.did}`),
          ...Array(2).fill(`404 transfer.not-found from ${ownDids(provider.node.context, 'rinjin')[0]}`),
        ].sort(),
      );
      expect(logLines()).toBeGreaterThan(linesBefore);

      // the same start from the provider's identity is taken: the sender alone was refused
      const real = await post(
        realProvider,
        pidPath('transfers', transferId, 'start'),
        start('real-token-0123456789'),
      );
      expect(real.status).toBe(200);
      expect((await api(consumer, 'GET', transfer)).body).toMatchObject({ state: 'STARTED' });
      const ok = await api(consumer, 'GET', `${transfer}/edr`);
      expect(ok.body).toMatchObject({ endpoint: 'http://127.0.0.1:9/偽の受け口' });
    } finally {
      await held.close();
    }
  }, 60_000);
});
