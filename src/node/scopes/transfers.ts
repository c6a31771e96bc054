import type { FastifyReply, FastifyRequest } from 'fastify';
import { compactDspMessage, transferMessages } from '../../dataspace/protocol/index.js';
import {
  type TransferReact,
  type TransferService,
  transferAnswer,
  transferService,
} from '../../dataspace/transfer/index.js';
import type { NodeContext } from '../context.js';
import { nodeEdrs } from '../edrs.js';
import { startUsageControl, stopUsageControl, usageControl } from '../policy/index.js';
import { toProblem } from '../problem.js';
import { dspBaseOf, nodeProcesses } from '../processes.js';
import { startPush } from '../push.js';
import { dataEndpointOf, nodeDataPlane, pullTokensOf } from './dataplane.js';
import { addressedParticipant, type ScopeRoutes } from './protocol.js';

/**
 * The DSP 2025-1 transfer process endpoints of both roles (HTTPS binding): the provider's
 * (`/transfers/request`, `/:providerPid/start|completion|suspension|termination`), the consumer's callbacks
 * (`/:consumerPid/start|completion|suspension|termination`), and `GET /transfers/:pid` for either. A pid is
 * ours, so it alone says which role we play. Compact JSON in the official schemas' shape; expanded JSON-LD is
 * compacted first; extra members are allowed, as the spec allows.
 */

const services = new WeakMap<NodeContext, TransferService>();
const reactions = new WeakMap<NodeContext, TransferReact>();

/** Scripted reactions (the conformance profile's); set before the server is built. */
export function setTransferReactions(ctx: NodeContext, react: TransferReact): void {
  if (services.has(ctx)) throw new Error('transfer reactions must be set before the server is built');
  reactions.set(ctx, react);
}

/** The node's transfer service, registered with the shared process runtime on first use. */
export function nodeTransfers(ctx: NodeContext): TransferService {
  const existing = services.get(ctx);
  if (existing) return existing;
  const { runtime } = nodeProcesses(ctx);
  const react = reactions.get(ctx);
  const transfers = transferService({
    db: ctx.db,
    now: ctx.now,
    wake: (at) => runtime.wake(at),
    callbackAddress: (participantId) => dspBaseOf(ctx, participantId),
    dataEndpoint: (participantId, transferId) => dataEndpointOf(ctx, participantId, transferId),
    pullTokens: pullTokensOf(ctx),
    deadlineMs: ctx.config.processDeadlineMs,
    startedDeadlineMs: ctx.config.transferStartedDeadlineMs,
    ...(react ? { react } : {}),
    edrs: nodeEdrs(ctx),
    pushStarted: (t) => startPush(ctx, transfers, nodeDataPlane(ctx).sources, t),
    admit: (trx, t, request) => usageControl(ctx).admitTransfer(trx, t, request),
  });
  runtime.register({
    type: 'transfer',
    gaveUp: (item, reason) => transfers.gaveUp(item, reason),
    delivered: (item, answer) => transfers.delivered(item, answer),
    deadlines: {
      name: 'transfer-deadlines',
      nextDue: () => transfers.nextDeadline(),
      runDue: (now) => transfers.expireDue(now),
    },
  });
  services.set(ctx, transfers);
  return transfers;
}

const str = { type: 'string', minLength: 1, maxLength: 2048 } as const;
const context = {
  anyOf: [
    { type: 'string' },
    { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object' }] } },
    { type: 'object' },
  ],
} as const;
const dataAddress = {
  type: 'object',
  required: ['endpointType'],
  properties: {
    '@type': { type: 'string' },
    endpointType: str,
    endpoint: str,
    endpointProperties: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['name', 'value'],
        properties: { name: str, value: { type: 'string', maxLength: 8192 } },
      },
    },
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
      ...extra,
    },
  } as const;
}

const codeAndReason = {
  code: { type: 'string', maxLength: 200 },
  reason: { type: 'array', minItems: 1, maxItems: 20 },
} as const;
const pair = ['providerPid', 'consumerPid'] as const;
const bodies: Readonly<Record<string, object>> = {
  start: message('TransferStartMessage', pair, { dataAddress }),
  completion: message('TransferCompletionMessage', pair),
  suspension: message('TransferSuspensionMessage', pair, codeAndReason),
  termination: message('TransferTerminationMessage', pair, codeAndReason),
};
const requestBody = message(
  'TransferRequestMessage',
  ['consumerPid', 'agreementId', 'format', 'callbackAddress'],
  {
    agreementId: str,
    format: { type: 'string', minLength: 1, maxLength: 200 },
    callbackAddress: str,
    dataAddress,
  },
);

const processSchema = {
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

/** Errors under the DSP scope are TransferError messages, not problem documents. */
function transferError(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error, req);
  // `from` names the authenticated sender for the local operator; outside, another's process is a plain 404
  if (p.status >= 500) req.log.error({ err: error }, 'transfer request failed');
  else
    req.log.info({ code: p.code, status: p.status, from: req.counterparty?.id }, 'transfer message refused');
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const pid = (req.params as { pid?: string } | undefined)?.pid ?? '';
  const asString = (v: unknown) => (typeof v === 'string' ? v : pid);
  const reason = [p.detail ?? p.title, ...(p.errors ?? []).map((e) => `${e.pointer}: ${e.message}`)];
  return reply.status(p.status).send(
    transferMessages.error({
      providerPid: asString(body.providerPid),
      consumerPid: asString(body.consumerPid),
      code: p.code,
      reason,
    }),
  );
}

export const transferRoutes: ScopeRoutes = async (app, { ctx }) => {
  const { runtime } = nodeProcesses(ctx);
  const transfers = nodeTransfers(ctx);
  app.addHook('onReady', async () => runtime.start());
  app.addHook('onClose', async () => runtime.stop());
  app.addHook('onReady', async () => startUsageControl(ctx, transfers));
  app.addHook('onClose', async () => stopUsageControl(ctx));
  app.setErrorHandler(transferError);
  if (!app.hasContentTypeParser('application/ld+json')) {
    app.addContentTypeParser(
      'application/ld+json',
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    );
  }
  // Expanded JSON-LD becomes the compact shape before the schema sees it; compact bodies pass unchanged.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.body !== undefined) req.body = await compactDspMessage(req.body);
  });

  const sender = (req: FastifyRequest) => req.counterparty?.id ?? '';

  app.post(
    '/2025-1/transfers/request',
    { schema: { body: requestBody, response: { 201: processSchema } } },
    async (req, reply) => {
      const answer = await transfers.receive({
        participantId: await addressedParticipant(ctx, req),
        sender: sender(req),
        endpoint: 'request',
        body: req.body as Record<string, unknown>,
      });
      return reply.status(201).send(answer.body);
    },
  );

  for (const [endpoint, body] of Object.entries(bodies)) {
    app.post(
      `/2025-1/transfers/:pid/${endpoint}`,
      { schema: { params: pidParams, body } },
      async (req, reply) => {
        const answer = await transfers.receive({
          participantId: await addressedParticipant(ctx, req),
          sender: sender(req),
          pid: (req.params as { pid: string }).pid,
          endpoint,
          body: req.body as Record<string, unknown>,
        });
        return answer.body === null
          ? reply.status(answer.status).send()
          : reply.status(answer.status).send(answer.body);
      },
    );
  }

  app.get(
    '/2025-1/transfers/:pid',
    { schema: { params: pidParams, response: { 200: processSchema } } },
    async (req) => {
      const participantId = await addressedParticipant(ctx, req);
      const pid = (req.params as { pid: string }).pid;
      return transferAnswer(await transfers.forCounterparty(participantId, sender(req), pid));
    },
  );
};
