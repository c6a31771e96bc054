import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NotFound, Unauthorized } from '../../errors/index.js';
import type { NodeContext } from '../context.js';

/** Proves who a protocol caller is; DCP self-issued tokens plug in here. */
export type CounterpartyVerifier = (req: FastifyRequest) => Promise<{ id: string } | undefined>;

/** Until a verifier is configured nobody is authenticated, so nothing under the scope answers. */
export const noVerifier: CounterpartyVerifier = async () => undefined;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated counterparty of a protocol or data-plane request. */
    counterparty?: { id: string };
  }
}

/**
 * A scope whose every request must first authenticate its caller: the DSP endpoints (`/dsp`, `/p/<id>/dsp`)
 * and the data plane (`/data`). Routes come with the protocol and data-plane capabilities; until then every
 * authenticated path is unknown (404) and every unauthenticated one 401.
 */
export const authenticatedScope: FastifyPluginAsync<{
  ctx: NodeContext;
  verify: CounterpartyVerifier;
  what: string;
}> = async (app, { verify, what }) => {
  app.addHook('onRequest', async (req) => {
    const who = await verify(req);
    if (!who) throw new Unauthorized(`auth.${what}`, `${what} requests must authenticate the caller`);
    req.counterparty = who;
  });
  app.all('/*', async (req) => {
    throw new NotFound('resource', req.url);
  });
};
