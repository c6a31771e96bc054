import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Conflict } from '../../errors/index.js';
import type { NodeContext } from '../context.js';

/** The header schema of a create that honours Idempotency-Key, for the route's OpenAPI description. */
export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'makes a retried create answer what the first one answered',
    },
  },
} as const;

const hashOf = (body: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');

/**
 * Runs a create once per Idempotency-Key (per participant and route): a retry with the same key and body gets
 * the first answer back (`idempotent-replayed: true`), the same key with another body is a 409. Without the
 * header the create simply runs. Failed creates store nothing, so they may be retried with the same key.
 */
export async function idempotentCreate(
  ctx: NodeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: string,
  create: () => Promise<unknown>,
): Promise<FastifyReply> {
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' && header.length > 0 ? header : undefined;
  if (key === undefined) return reply.status(201).send(await create());
  const requestHash = hashOf(req.body);
  const earlier = await ctx.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('participant_id', '=', req.participantId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  if (earlier) {
    if (earlier.request_hash !== requestHash)
      throw new Conflict(
        'idempotency.key-reused',
        'this Idempotency-Key was used with a different request body',
        {
          key,
        },
      );
    return reply
      .status(earlier.status)
      .header('idempotent-replayed', 'true')
      .send(JSON.parse(earlier.response));
  }
  const body = await create();
  await ctx.db
    .insertInto('idempotency_keys')
    .values({
      participant_id: req.participantId,
      scope,
      key,
      request_hash: requestHash,
      status: 201,
      response: JSON.stringify(body),
      created_at: ctx.now().toISOString(),
    })
    // Two racing first requests: the loser's create already failed on the id, or both created the same thing.
    .onConflict((oc) => oc.doNothing())
    .execute();
  return reply.status(201).send(body);
}
