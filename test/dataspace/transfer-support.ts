import { createServer, type Server } from 'node:http';
import { dspErrors } from '../support/dsp-schemas.js';
import type { TestNode } from '../support/node.js';
import { schemas } from './two-node-support.js';

export const dspContext = ['https://w3id.org/dspace/2025/1/context.jsonld'];

/** Fails with the schema errors when a message is not valid against the official DSP 2025-1 transfer schema. */
export function assertTransfer(name: string, message: unknown): void {
  const errors = dspErrors(schemas, 'transfer', name, message);
  if (errors.length > 0) throw new Error(`${name} invalid: ${errors.join('; ')}\n${JSON.stringify(message)}`);
}

/**
 * A FINALIZED agreement (and the negotiation it came from) as if negotiated: the transfer tests start where
 * negotiation ends. `address` is the provider's DSP base on the consumer side.
 */
export async function seedAgreement(
  t: TestNode,
  a: {
    id: string;
    role: 'provider' | 'consumer';
    counterpartyId: string;
    address?: string;
    finalized?: boolean;
  },
): Promise<void> {
  const ctx = t.node.context;
  const participantId = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  const negotiationId = `urn:uuid:negotiation-${a.id}`;
  await ctx.db
    .insertInto('negotiations')
    .values({
      participant_id: participantId,
      id: negotiationId,
      role: a.role,
      provider_pid: a.role === 'provider' ? negotiationId : `urn:uuid:p-${a.id}`,
      consumer_pid: a.role === 'consumer' ? negotiationId : `urn:uuid:c-${a.id}`,
      state: a.finalized === false ? 'AGREED' : 'FINALIZED',
      counterparty_id: a.counterpartyId,
      counterparty_address: a.address ?? 'http://127.0.0.1:9/unused',
      offer_id: 'offer-部品表',
      offer: JSON.stringify({ '@id': 'offer-部品表', target: 'bom-2026', permission: [{ action: 'use' }] }),
      agreement_id: a.id,
      deadline_at: null,
      reason_code: null,
      reason: null,
      idempotency_key: null,
      version: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('agreements')
    .values({
      participant_id: participantId,
      id: a.id,
      negotiation_id: negotiationId,
      role: a.role,
      counterparty_id: a.counterpartyId,
      offer_id: 'offer-部品表',
      asset_id: 'bom-2026',
      policy: JSON.stringify({ '@id': a.id, target: 'bom-2026', permission: [{ action: 'use' }] }),
      finalized_at: a.finalized === false ? null : at,
      created_at: at,
    })
    .execute();
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * A DSP peer's HTTP side that records every message it is sent: 200 with an empty body, and for a
 * TransferRequestMessage 201 with a TransferProcess naming `providerPid`. It never acts on its own.
 */
export async function recordingPeer(providerPid = 'urn:uuid:peer-provider') {
  const received: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      received.push({ method: req.method ?? '', path: req.url ?? '', body });
      if (body['@type'] === 'TransferRequestMessage') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            '@context': dspContext,
            '@type': 'TransferProcess',
            providerPid,
            consumerPid: body.consumerPid,
            state: 'REQUESTED',
          }),
        );
        return;
      }
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}/dsp/2025-1`,
    received,
    of: (type: string) => received.filter((m) => m.body['@type'] === type),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
