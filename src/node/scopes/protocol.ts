import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NotFound, Unauthorized } from '../../errors/index.js';
import { findParticipant } from '../../store/index.js';
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
 * A capability's routes inside an authenticated scope (catalog, negotiation, transfer, data plane). Paths are
 * relative to the scope's base: `/2025-1/catalog/request` answers at `/dsp/2025-1/catalog/request` for the
 * default participant and at `/p/<id>/dsp/2025-1/catalog/request` for the others.
 */
export type ScopeRoutes = FastifyPluginAsync<{ ctx: NodeContext }>;

/**
 * The participant a protocol request is addressed to: the `:participant` of `/p/<id>/…`, or the default
 * participant at the root. An unknown participant is a 404, like any unknown resource.
 */
export async function addressedParticipant(ctx: NodeContext, req: FastifyRequest): Promise<string> {
  const id = (req.params as { participant?: string }).participant ?? ctx.config.defaultParticipantId;
  const known = knownParticipants.get(ctx) ?? new Set<string>();
  if (known.has(id)) return id;
  if (!(await findParticipant(ctx.db, id))) throw new NotFound('participant', id);
  knownParticipants.set(ctx, known.add(id));
  return id;
}

/** Participants found once, per node: a participant is never removed, so every message need not ask again. */
const knownParticipants = new WeakMap<NodeContext, Set<string>>();

/**
 * A scope whose every request must first authenticate its caller: the DSP endpoints (`/dsp`, `/p/<id>/dsp`)
 * and the data plane (`/data`). Any path no capability claims is unknown (404) once authenticated, and 401
 * before.
 */
export const authenticatedScope: FastifyPluginAsync<{
  ctx: NodeContext;
  verify: CounterpartyVerifier;
  what: string;
  routes?: readonly ScopeRoutes[];
  /** Once the message is read: whether the caller presented what the request needs (DCP credentials). */
  present?: (req: FastifyRequest) => Promise<boolean>;
}> = async (app, { ctx, verify, what, routes = [], present }) => {
  app.addHook('onRequest', async (req) => {
    const who = await verify(req);
    if (!who) throw new Unauthorized(`auth.${what}`, `${what} requests must authenticate the caller`);
    req.counterparty = who;
  });
  if (present)
    app.addHook('preHandler', async (req) => {
      if (!(await present(req)))
        throw new Unauthorized(`auth.${what}`, `${what} requests must authenticate the caller`);
    });
  for (const r of routes) await app.register(r, { ctx });
  app.all('/*', async (req) => {
    throw new NotFound('resource', req.url);
  });
};
