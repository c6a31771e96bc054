import type { FastifyRequest } from 'fastify';
import { storedReplayGuard, TokenRejected, verifyCounterpartyToken } from '../../dataspace/identity/index.js';
import { Unauthorized } from '../../errors/index.js';
import type { NodeContext } from '../context.js';
import { didResolverOf, ownDids } from '../counterparty.js';

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return (header && /^Bearer\s+(\S+)$/i.exec(header)?.[1]) || undefined;
}

/**
 * Who calls a participant's DCP endpoints: a self-issued ID token addressed to it (replays refused), with the
 * `token` claim it carries. A refusal is a bare 401; its reason goes to the log.
 */
export function dcpCaller(ctx: NodeContext) {
  const seen = storedReplayGuard(ctx.db);
  const resolveDid = didResolverOf(ctx);
  return async (req: FastifyRequest, participantId: string) => {
    const token = bearer(req);
    try {
      if (!token) throw new TokenRejected('no bearer token');
      return await verifyCounterpartyToken(
        token,
        {
          audiences: ownDids(ctx, participantId),
          leewaySeconds: ctx.config.credentialLeewayS,
          maxLifetimeSeconds: 300,
        },
        {
          resolveDid,
          now: ctx.now,
          replay: { remember: (k, exp, now) => seen.remember(participantId, k, exp, now) },
        },
      );
    } catch (e) {
      if (!(e instanceof TokenRejected)) throw e;
      req.log.info({ reason: e.message }, 'DCP caller refused');
      throw new Unauthorized('auth.dcp', 'DCP requests must authenticate the caller');
    }
  };
}
