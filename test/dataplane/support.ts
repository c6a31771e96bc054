import { dspAuthHeaders } from '../../src/node/counterparty.js';
import { participantStore } from '../../src/store/index.js';
import { dspContext, recordingPeer } from '../dataspace/transfer-support.js';
import { eventually } from '../dataspace/two-node-support.js';
import type { clockedNode, testClock } from '../support/clocked-node.js';

export { clockedNode, testClock } from '../support/clocked-node.js';
export type Clock = ReturnType<typeof testClock>;

export type Node = Awaited<ReturnType<typeof clockedNode>>;

/** A FINALIZED provider-side agreement on `assetId` with `consumer`, and the asset with its data address. */
export async function seedAsset(
  provider: Node,
  a: {
    agreementId: string;
    assetId: string;
    consumerDid: string;
    address: Record<string, unknown>;
    contentType?: string;
  },
) {
  await seedAgreement(provider, a);
  const ctx = provider.node.context;
  const at = ctx.now().toISOString();
  await participantStore(ctx.db, ctx.config.defaultParticipantId).insertAsset({
    id: a.assetId,
    title: `資産 ${a.assetId}`,
    description: '',
    contentType: a.contentType ?? 'application/octet-stream',
    keywords: [],
    properties: {},
    dataAddress: a.address,
    createdAt: at,
    updatedAt: at,
  });
}

/** A FINALIZED provider-side agreement on `assetId` with `consumer` (the asset is stored separately). */
export async function seedAgreement(
  provider: Node,
  a: { agreementId: string; assetId: string; consumerDid: string },
) {
  const ctx = provider.node.context;
  const p = ctx.config.defaultParticipantId;
  const at = ctx.now().toISOString();
  const negotiationId = `urn:uuid:negotiation-${a.agreementId}`;
  await ctx.db
    .insertInto('negotiations')
    .values({
      participant_id: p,
      id: negotiationId,
      role: 'provider',
      provider_pid: negotiationId,
      consumer_pid: `urn:uuid:c-${a.agreementId}`,
      state: 'FINALIZED',
      counterparty_id: a.consumerDid,
      counterparty_address: 'http://127.0.0.1:9/unused',
      offer_id: `offer-${a.assetId}`,
      offer: JSON.stringify({
        '@id': `offer-${a.assetId}`,
        target: a.assetId,
        permission: [{ action: 'use' }],
      }),
      agreement_id: a.agreementId,
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
      participant_id: p,
      id: a.agreementId,
      negotiation_id: negotiationId,
      role: 'provider',
      counterparty_id: a.consumerDid,
      offer_id: `offer-${a.assetId}`,
      asset_id: a.assetId,
      policy: JSON.stringify({ '@id': a.agreementId, target: a.assetId, permission: [{ action: 'use' }] }),
      finalized_at: at,
      created_at: at,
    })
    .execute();
}

export interface Edr {
  readonly endpoint: string;
  readonly token: string;
  readonly refreshToken: string;
  readonly refreshEndpoint: string;
  readonly expiresIn: number;
  readonly providerPid: string;
  readonly consumerPid: string;
}

/**
 * The consumer's side of the protocol, as far as a pull needs it: signed DSP requests from `consumer` (a real
 * node), callbacks recorded by a peer, so the provider's TransferStartMessage (with the EDR) can be read.
 */
export async function protocolDriver(provider: Node, consumer: Node) {
  const peer = await recordingPeer();
  let seq = 0;
  async function dsp(path: string, body: unknown) {
    const ctx = consumer.node.context;
    const auth = await dspAuthHeaders(ctx, ctx.config.defaultParticipantId, provider.did);
    const res = await fetch(`${provider.node.url}/dsp/2025-1${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }
  /** Opens a pull transfer under `agreementId` and returns the EDR the provider's start carried. */
  async function start(agreementId: string): Promise<Edr> {
    const consumerPid = `urn:uuid:consumer-${++seq}-${Date.now()}`;
    const res = await dsp('/transfers/request', {
      '@context': dspContext,
      '@type': 'TransferRequestMessage',
      consumerPid,
      agreementId,
      format: 'HttpData-PULL',
      callbackAddress: peer.base,
    });
    if (res.status !== 201) throw new Error(`transfer request: ${res.status} ${JSON.stringify(res.body)}`);
    const startMsg = await eventually(
      `start of ${consumerPid}`,
      async () => peer.of('TransferStartMessage').find((m) => m.body.consumerPid === consumerPid),
      Boolean,
    );
    const address = startMsg?.body.dataAddress as {
      endpoint: string;
      endpointProperties: { name: string; value: string }[];
    };
    const prop = (n: string) => address.endpointProperties.find((p) => p.name === n)?.value ?? '';
    return {
      endpoint: address.endpoint,
      token: prop('authorization'),
      refreshToken: prop('refreshToken'),
      refreshEndpoint: prop('refreshEndpoint'),
      expiresIn: Number(prop('expiresIn')),
      providerPid: res.body.providerPid as string,
      consumerPid,
    };
  }
  /** A suspension, completion or termination from the consumer. */
  async function send(type: string, edr: Edr, endpoint: string, extra: Record<string, unknown> = {}) {
    return dsp(`/transfers/${encodeURIComponent(edr.providerPid)}/${endpoint}`, {
      '@context': dspContext,
      '@type': type,
      providerPid: edr.providerPid,
      consumerPid: edr.consumerPid,
      ...extra,
    });
  }
  return { start, send, peer, close: () => peer.close() };
}

/** GET (or another method) on the data plane with a bearer token. */
export function pull(
  url: string,
  token: string | undefined,
  init: RequestInit & { headers?: Record<string, string> } = {},
) {
  return fetch(url, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
  });
}

/** The data-plane audit records of the provider's default participant, oldest first. */
export async function accessAudit(provider: Node) {
  const ctx = provider.node.context;
  const rows = await ctx.db
    .selectFrom('audit_log')
    .selectAll()
    .where('participant_id', '=', ctx.config.defaultParticipantId)
    .where('action', '=', 'dataplane.access')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
