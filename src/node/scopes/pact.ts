import type { FastifyPluginAsync } from 'fastify';
import {
  answerUndeliverable,
  exchangeFootprints,
  exchangeNotices,
  exchangeRequests,
  type PactDeps,
  type PactHost,
  pactDelivery,
  pactManagementRoutes,
  pactProcessType,
  pactRoutes,
  storedFootprints,
  storedRequests,
} from '../../apps/pact/index.js';
import type { NodeContext } from '../context.js';
import { addNoticeChannel, receiveRequest } from '../footprint/exchange.js';
import { nodeProcesses } from '../processes.js';
import { addressedParticipant } from './protocol.js';

const hosts = new WeakMap<NodeContext, PactHost>();

/** A participant's PACT base URL as its customers reach it. */
export function pactBaseOf(ctx: NodeContext, participantId: string): string {
  const root = participantId === ctx.config.defaultParticipantId ? '' : `/p/${participantId}`;
  return `${ctx.publicUrl().replace(/\/+$/, '')}${root}/pact`;
}

/**
 * The node's PACT host: the default ports over this node's store and its footprint exchange, events sent through the node's outbox (one
 * process kind, `pact`, with its own sender: OAuth client credentials instead of DSP tokens). One per node.
 */
export function pactHostOf(ctx: NodeContext): PactHost {
  const existing = hosts.get(ctx);
  if (existing) return existing;
  const { runtime } = nodeProcesses(ctx);
  const deps: PactDeps = {
    db: ctx.db,
    nodeSecret: ctx.participants.nodeSecret,
    now: ctx.now,
    baseUrl: (participantId) => pactBaseOf(ctx, participantId),
    wake: () => runtime.wake(),
  };
  const send = pactDelivery({
    db: ctx.db,
    nodeSecret: deps.nodeSecret,
    outbound: ctx.outbound,
    now: ctx.now,
  });
  runtime.register({
    type: pactProcessType,
    send,
    gaveUp: async (item, reason) => {
      ctx.logger.warn(
        { processId: item.processId, customer: item.audience, reason },
        'PACT event undeliverable',
      );
      await answerUndeliverable(deps, item.participantId, item.processId, reason);
    },
  });
  // PACT is an interface onto the footprint exchange: a customer bound to its DID sees what the exchange
  // published for it, its requests go to the exchange's inbox, the exchange's answers come back as PACT events.
  const footprints = exchangeFootprints(deps, storedFootprints(deps));
  const events = exchangeRequests(deps, storedRequests(deps, footprints), {
    request: (participantId, customerDid, e, actor) =>
      receiveRequest(ctx, participantId, customerDid, e, { via: 'pact', actor }),
  });
  addNoticeChannel(ctx, exchangeNotices(deps, footprints));
  const host: PactHost = {
    deps,
    footprints,
    events,
    participantOf: (req) => addressedParticipant(ctx, req),
  };
  hosts.set(ctx, host);
  return host;
}

/** The PACT API of each participant: `/pact/…` for the default one, `/p/<participant>/pact/…` for every one. */
export const pactScope: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const host = pactHostOf(ctx);
  await app.register(pactRoutes, { host, prefix: '/pact' });
  await app.register(pactRoutes, { host, prefix: '/p/:participant/pact' });
};

/** The PACT routes of the management API. */
export const pactManagementScope: FastifyPluginAsync<{ ctx: NodeContext }> = async (app, { ctx }) => {
  const host = pactHostOf(ctx);
  await app.register(pactManagementRoutes, { deps: host.deps, footprints: host.footprints });
};
