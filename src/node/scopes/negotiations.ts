import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiationAnswer } from '../../dataspace/negotiation/index.js';
import { compactDspMessage, negotiationMessages } from '../../dataspace/protocol/index.js';
import { toProblem } from '../problem.js';
import { nodeProcesses } from '../processes.js';
import { addressedParticipant, type ScopeRoutes } from './protocol.js';

/**
 * The DSP 2025-1 contract negotiation endpoints of both roles (HTTPS binding): the provider's
 * (`/negotiations/request`, `/:providerPid/request|events|agreement/verification|termination`) and the
 * consumer's callbacks (`/negotiations/offers`, `/:consumerPid/offers|agreement|events|termination`), and
 * `GET /negotiations/:pid` for either. A pid is ours, so it alone says which role we play. Compact JSON in
 * the official schemas' shape; extra members are allowed, as the spec allows.
 */

const str = { type: 'string', minLength: 1, maxLength: 2048 } as const;
const context = {
  anyOf: [{ type: 'string' }, { type: 'array' }, { type: 'object' }],
} as const;
const rules = { type: 'array', minItems: 1, items: { type: 'object', required: ['action'] } } as const;
const offer = {
  type: 'object',
  required: ['@id'],
  properties: {
    '@id': str,
    '@type': { type: 'string' },
    target: str,
    permission: rules,
    prohibition: rules,
    obligation: rules,
  },
} as const;
const agreement = {
  type: 'object',
  required: ['@id', 'target', 'assigner', 'assignee'],
  properties: {
    '@id': str,
    target: str,
    assigner: str,
    assignee: str,
    permission: rules,
    prohibition: rules,
  },
} as const;

function message(type: string, required: readonly string[], extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    required: ['@context', '@type', ...required],
    properties: {
      '@context': context,
      '@type': { type: 'string', const: type },
      providerPid: str,
      consumerPid: str,
      callbackAddress: { type: 'string', format: 'uri', maxLength: 2048 },
      ...extra,
    },
  } as const;
}

const bodies: Record<string, object> = {
  request: message('ContractRequestMessage', ['consumerPid', 'offer'], { offer }),
  offers: message('ContractOfferMessage', ['providerPid', 'offer'], { offer }),
  events: message('ContractNegotiationEventMessage', ['providerPid', 'consumerPid', 'eventType'], {
    eventType: { type: 'string', enum: ['ACCEPTED', 'FINALIZED'] },
  }),
  agreement: message('ContractAgreementMessage', ['providerPid', 'consumerPid', 'agreement'], { agreement }),
  'agreement/verification': message('ContractAgreementVerificationMessage', ['providerPid', 'consumerPid']),
  termination: message('ContractNegotiationTerminationMessage', ['providerPid', 'consumerPid'], {
    code: { type: 'string', maxLength: 200 },
    reason: { type: 'array', maxItems: 20 },
  }),
};
const opening: Record<string, object> = {
  request: {
    ...bodies.request,
    required: ['@context', '@type', 'consumerPid', 'offer', 'callbackAddress'],
  },
  offers: {
    ...bodies.offers,
    required: ['@context', '@type', 'providerPid', 'offer', 'callbackAddress'],
  },
};

const negotiationSchema = {
  type: 'object',
  required: ['@context', '@type', 'providerPid', 'consumerPid', 'state'],
  properties: {
    '@context': { type: 'array', items: { type: 'string' } },
    '@type': { type: 'string' },
    providerPid: { type: 'string' },
    consumerPid: { type: 'string' },
    state: { type: 'string' },
  },
} as const;
const pidParams = {
  type: 'object',
  required: ['pid'],
  properties: { pid: str, participant: { type: 'string' } },
} as const;

/** Errors under the DSP scope are ContractNegotiationError messages, not problem documents. */
function negotiationError(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error, req);
  // `from` names the authenticated sender for the local operator; outside, another's process is a plain 404
  if (p.status >= 500) req.log.error({ err: error }, 'negotiation request failed');
  else
    req.log.info(
      { code: p.code, status: p.status, from: req.counterparty?.id },
      'negotiation message refused',
    );
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const pid = (req.params as { pid?: string } | undefined)?.pid ?? '';
  const asString = (v: unknown) => (typeof v === 'string' ? v : pid);
  const reason = [p.detail ?? p.title, ...(p.errors ?? []).map((e) => `${e.pointer}: ${e.message}`)];
  return reply.status(p.status).send(
    negotiationMessages.error({
      providerPid: asString(body.providerPid),
      consumerPid: asString(body.consumerPid),
      code: p.code,
      reason,
    }),
  );
}

export const negotiationRoutes: ScopeRoutes = async (app, { ctx }) => {
  const { runtime, negotiations } = nodeProcesses(ctx);
  app.addHook('onReady', async () => runtime.start());
  app.addHook('onClose', async () => runtime.stop());
  app.setErrorHandler(negotiationError);
  app.addContentTypeParser(
    'application/ld+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  // Expanded JSON-LD becomes the compact shape before the schema sees it; compact bodies pass untouched.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST') req.body = await compactDspMessage(req.body);
  });

  const sender = (req: FastifyRequest) => req.counterparty?.id ?? '';

  for (const endpoint of ['request', 'offers'] as const) {
    app.post(
      `/2025-1/negotiations/${endpoint}`,
      { schema: { body: opening[endpoint], response: { 201: negotiationSchema } } },
      async (req, reply) => {
        const answer = await negotiations.receive({
          participantId: await addressedParticipant(ctx, req),
          sender: sender(req),
          endpoint,
          body: req.body as Record<string, unknown>,
        });
        return reply.code(answer.status as never).send(answer.body as never);
      },
    );
  }

  for (const [endpoint, body] of Object.entries(bodies)) {
    app.post(
      `/2025-1/negotiations/:pid/${endpoint}`,
      { schema: { params: pidParams, body, response: { 200: negotiationSchema, 201: negotiationSchema } } },
      async (req, reply) => {
        const answer = await negotiations.receive({
          participantId: await addressedParticipant(ctx, req),
          sender: sender(req),
          pid: (req.params as { pid: string }).pid,
          endpoint,
          body: req.body as Record<string, unknown>,
        });
        return reply.code(answer.status as never).send(answer.body as never);
      },
    );
  }

  app.get(
    '/2025-1/negotiations/:pid',
    { schema: { params: pidParams, response: { 200: negotiationSchema } } },
    async (req) => {
      const participantId = await addressedParticipant(ctx, req);
      const pid = (req.params as { pid: string }).pid;
      return negotiationAnswer(await negotiations.forCounterparty(participantId, sender(req), pid));
    },
  );
};
