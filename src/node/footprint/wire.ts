import { randomUUID } from 'node:crypto';
import { didWebDocumentUrl } from '../../dataspace/identity/index.js';
import { findFinalizedAgreement, findNegotiation } from '../../dataspace/negotiation/index.js';
import { findTransfer, listTransfers } from '../../dataspace/transfer/index.js';
import { plainHttpEnabled } from '../config.js';
import type { NodeContext } from '../context.js';
import { dspAuthHeaders, ownDids } from '../counterparty.js';
import { nodeEdrs } from '../edrs.js';
import { offerFromCatalog, peerDspBase } from '../management/negotiations.js';
import { nodeProcesses } from '../processes.js';
import { nodeTransfers } from '../scopes/transfers.js';
import { ExchangeFailed } from './errors.js';

/**
 * The footprint exchange on the wire (docs/footprint.md, "The exchange"):
 * - each supplier offers the asset `footprint-exchange` (offer `offer-footprint-exchange`); a customer
 *   negotiates it and keeps one pull transfer STARTED (the asset is a stream, so it does not expire);
 * - requests travel with that transfer's EDR token: `POST <supplier>/footprint/exchange/<transfer>/events`
 *   (a PACT v3 RequestCreatedEvent); answers are fetched the same way:
 *   `GET <supplier>/footprint/exchange/<transfer>/footprints/<pfId>` (a JWS);
 * - the supplier tells the customer with a PACT PublishedEvent (or RequestRejectedEvent) at
 *   `POST <customer>/footprint/notices`, authenticated like a DSP message (a self-issued token of its DID).
 */

export const exchangeAssetId = 'footprint-exchange';
export const exchangeOfferId = 'offer-footprint-exchange';
export const exchangeSourceType = 'FootprintExchange';
/** A published footprint as a data product of its own (its JWS), for its one customer. */
export const publishedSourceType = 'FootprintPublished';
export const publishedEventType = 'org.wbcsd.pact.ProductFootprint.PublishedEvent.3';
export const rejectedEventType = 'org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3';
export const requestCreatedEventType = 'org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3';
/** PACT has no cancellation event: ours, in the same CloudEvents shape. */
export const requestCancelledEventType = 'dev.musubi.footprint.RequestCancelledEvent.1';

export interface ExchangeClient {
  /**
   * Sends an event to the supplier through the exchange agreement (made first if needed): a
   * RequestCreatedEvent to `events`, a cancellation to `cancellations`.
   */
  send(
    participantId: string,
    supplierDid: string,
    supplierAddress: string,
    event: unknown,
    endpoint?: 'events' | 'cancellations',
  ): Promise<void>;
  /** Fetches a published footprint (a JWS) through the exchange agreement. */
  fetch(participantId: string, supplierDid: string, supplierAddress: string, pfId: string): Promise<string>;
  /** Tells a customer about a published footprint or a rejection. */
  notify(
    participantId: string,
    customerDid: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void>;
}

/** Longest wait for a negotiation or transfer to reach its state, and how often the store is read meanwhile. */
const waitMs = 20_000;
const pollMs = 25;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Where a customer takes notices: beside its DID document, like audit receipts. */
export function noticesUrl(ctx: NodeContext, did: string): URL {
  const url = didWebDocumentUrl(did, plainHttpEnabled(ctx.config) ? 'http' : 'https');
  url.pathname = url.pathname.replace(/(\/\.well-known)?\/did\.json$/, '/footprint/notices');
  return url;
}

/** The exchange endpoints beside the data plane's: same participant root, same transfer id. */
function exchangeUrl(edrEndpoint: string, rest: string): string {
  const m = /^(.*)\/data\/transfers\/([^/?#]+)$/.exec(edrEndpoint);
  if (!m) throw new Error(`unexpected data address ${edrEndpoint}`);
  return `${m[1]}/footprint/exchange/${m[2]}/${rest}`;
}

async function problemOf(res: { status: number; text(): string }): Promise<string> {
  try {
    const p = JSON.parse(res.text()) as { code?: string; detail?: string };
    return `HTTP ${res.status} ${[p.code, p.detail].filter(Boolean).join(': ')}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

export function exchangeClient(ctx: NodeContext): ExchangeClient {
  const connecting = new Map<string, Promise<string>>();

  /** The STARTED consumer transfer of the exchange agreement with this supplier, made when missing. */
  async function exchangeTransfer(
    participantId: string,
    supplierDid: string,
    address: string,
  ): Promise<string> {
    const key = `${participantId} ${supplierDid}`;
    const running = connecting.get(key);
    if (running) return running;
    const made = connect(participantId, supplierDid, address).finally(() => connecting.delete(key));
    connecting.set(key, made);
    return made;
  }

  async function connect(participantId: string, supplierDid: string, address: string): Promise<string> {
    let agreement = await findFinalizedAgreement(ctx.db, participantId, supplierDid, exchangeOfferId);
    if (agreement) {
      const started = (
        await listTransfers(ctx.db, participantId, {
          limit: 1000,
          role: 'consumer',
          state: 'STARTED',
          agreementId: agreement.id,
        })
      ).at(-1);
      if (started) return started.id;
    } else {
      const base = await peerDspBase(ctx, address);
      const offer = await offerFromCatalog(
        ctx,
        participantId,
        base,
        supplierDid,
        exchangeAssetId,
        exchangeOfferId,
      );
      const { negotiations } = nodeProcesses(ctx);
      const n = await negotiations.request({
        participantId,
        actor: 'footprint-exchange',
        counterpartyId: supplierDid,
        providerBase: base,
        offer,
      });
      const done = await until('the footprint exchange agreement', async () => {
        const now = await findNegotiation(ctx.db, participantId, n.id);
        if (now?.state === 'TERMINATED')
          throw new ExchangeFailed(supplierDid, `negotiation terminated: ${now.reason ?? ''}`);
        return now?.state === 'FINALIZED' ? now : undefined;
      });
      agreement = await findFinalizedAgreement(ctx.db, participantId, supplierDid, exchangeOfferId);
      if (!agreement) throw new ExchangeFailed(supplierDid, `negotiation ${done.id} left no agreement`);
    }
    const agreementId = agreement.id;
    const t = await nodeTransfers(ctx).request({
      participantId,
      actor: 'footprint-exchange',
      agreementId,
      format: 'HttpData-PULL',
      idempotencyKey: `footprint-${randomUUID()}`,
    });
    await until('the footprint exchange transfer', async () => {
      const now = await findTransfer(ctx.db, participantId, t.id);
      if (now?.state === 'TERMINATED')
        throw new ExchangeFailed(supplierDid, `transfer terminated: ${now.reason ?? ''}`);
      return now?.state === 'STARTED' ? now : undefined;
    });
    return t.id;
  }

  async function edr(participantId: string, supplierDid: string, address: string) {
    const transferId = await exchangeTransfer(participantId, supplierDid, address);
    return nodeEdrs(ctx).current(participantId, transferId);
  }

  return {
    async send(participantId, supplierDid, supplierAddress, event, endpoint = 'events') {
      const e = await edr(participantId, supplierDid, supplierAddress);
      const res = await ctx.outbound.request(exchangeUrl(e.endpoint, endpoint), {
        method: 'POST',
        json: event,
        headers: { authorization: `Bearer ${e.accessToken}` },
      });
      if (res.status !== 200)
        throw new ExchangeFailed(supplierDid, `the request was refused: ${await problemOf(res)}`);
    },

    async fetch(participantId, supplierDid, supplierAddress, pfId) {
      const e = await edr(participantId, supplierDid, supplierAddress);
      const res = await ctx.outbound.request(
        exchangeUrl(e.endpoint, `footprints/${encodeURIComponent(pfId)}`),
        {
          headers: { authorization: `Bearer ${e.accessToken}` },
        },
      );
      if (res.status !== 200)
        throw new ExchangeFailed(supplierDid, `footprint ${pfId}: ${await problemOf(res)}`);
      return res.text();
    },

    async notify(participantId, customerDid, type, data) {
      const headers = await dspAuthHeaders(ctx, participantId, customerDid);
      const res = await ctx.outbound.request(noticesUrl(ctx, customerDid), {
        method: 'POST',
        headers,
        json: {
          type,
          specversion: '1.0',
          id: randomUUID(),
          source: ownDids(ctx, participantId)[0] ?? participantId,
          time: ctx.now().toISOString(),
          data,
        },
      });
      if (res.status !== 200)
        throw new ExchangeFailed(customerDid, `the notice was refused: ${await problemOf(res)}`, res.status);
    },
  };
}
