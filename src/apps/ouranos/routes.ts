import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { appendAudit, type Tables } from '../../store/index.js';
import {
  apiKeyValid,
  hashPassword,
  issueTokens,
  operatorOfToken,
  passwordMatches,
  passwordPattern,
} from './accounts.js';
import { type OuranosTradeBridge, ouranosBridgeOf } from './bridge.js';
import { badParameter, OuranosError, type OuranosSubsystem, unauthenticated } from './errors.js';
import * as api from './operations/index.js';
import { type OperatorRow, ouranosDb } from './store.js';

/** What the Ouranos scope needs from the node. */
export interface OuranosDeps {
  readonly db: Kysely<Tables>;
  /** The node secret: the token keys derive from it. */
  readonly secret: string;
  readonly now: () => Date;
  /** The participant a request addresses (`/p/<id>/ouranos`, or the node's default at `/ouranos`); throws if unknown. */
  participantOf(req: FastifyRequest): Promise<string>;
  /** The participant's bridge to operators hosted elsewhere, once the node wires one. */
  bridge?(participantId: string): OuranosTradeBridge | undefined;
}

interface Track {
  id: string;
  participantId?: string;
  operator?: OperatorRow;
}

declare module 'fastify' {
  interface FastifyRequest {
    ouranos: Track;
  }
}

type Query = Record<string, string | undefined>;
type Operation = (c: api.Caller, q: Query, body: unknown) => Promise<api.Answer>;

const authInfo: Record<string, Partial<Record<'GET' | 'PUT', Operation>>> = {
  operator: { GET: api.getOperator, PUT: api.putOperator },
  plant: { GET: api.getPlants, PUT: api.putPlant },
};
const dataTransport: Record<string, Partial<Record<'GET' | 'PUT' | 'DELETE', Operation>>> = {
  parts: { GET: api.getParts, PUT: api.putPart, DELETE: api.deletePart },
  partsStructure: { GET: api.getPartsStructure, PUT: api.putPartsStructure },
  tradeRequest: { GET: api.getTradeRequests, PUT: api.putTradeRequest },
  tradeResponse: { GET: api.getTradeResponses, PUT: api.putTradeResponse },
  status: { GET: api.getStatus, PUT: api.putStatus },
  cfp: { GET: api.getCfp, PUT: api.putCfp },
  cfpCertification: { GET: api.getCfpCertification },
};

/**
 * The Ouranos-compatible API (データ連携基盤 API) of one participant, registered at `/p/<participant>/ouranos` and
 * `/ouranos`: `/auth/{login,refresh,change}`, `/api/v1/authInfo?dataTarget=…`, `/api/v1/datatransport?dataTarget=…`.
 * Every request carries an application API key (`apiKey` header, 403 without), every data request an operator's
 * bearer token (401 without); every answer carries `x-track`, every refusal the platform's `{code, message, detail}`.
 */
export const ouranosScope: FastifyPluginAsync<{ deps: OuranosDeps }> = async (app, { deps }) => {
  const db = ouranosDb(deps.db);
  const failures = new LoginFailures();
  app.decorateRequest('ouranos', null as unknown as Track);

  app.addHook('onRequest', async (req, reply) => {
    req.ouranos = { id: randomUUID() };
    reply.header('x-track', req.ouranos.id);
    const subsystem: OuranosSubsystem = req.url.includes('/api/v1/datatransport') ? 'dataspace' : 'auth';
    let participantId: string;
    try {
      participantId = await deps.participantOf(req);
    } catch {
      throw new OuranosError(404, subsystem, 'Endpoint Not Found');
    }
    req.ouranos.participantId = participantId;
    const key = req.headers.apikey;
    if (typeof key !== 'string' || !(await apiKeyValid(db, participantId, key)))
      throw new OuranosError(403, subsystem, 'You do not have the necessary privileges');
  });

  app.setErrorHandler((error, req, reply) => {
    const e = ouranosErrorOf(error, req);
    if (e.status >= 500) req.log.error({ err: error }, 'ouranos request failed');
    return sendError(reply, req, e.status, e.code, e.message);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      req,
      404,
      req.url.includes('/auth') ? '[auth] NotFound' : '[dataspace] NotFound',
      'Endpoint Not Found',
    ),
  );

  app.addHook('onResponse', async (req, reply) => {
    const t = req.ouranos;
    // data requests, refused ones included; a login only once it names an operator
    if (!t?.participantId || (!t.operator && !req.url.includes('/api/v1/'))) return;
    const q = req.query as Query;
    await appendAudit(
      deps.db,
      {
        participantId: t.participantId,
        actor: t.operator ? `ouranos-operator:${t.operator.operator_id}` : 'ouranos-unauthenticated',
        action: `ouranos.${req.method.toLowerCase()}`,
        resourceType: `ouranos.${q.dataTarget ?? req.routeOptions.url?.split('/').pop() ?? 'unknown'}`,
        resourceId: q.traceId ?? q.tradeId ?? q.traceIds ?? q.statusId ?? '-',
        via: 'ouranos',
        outcome:
          reply.statusCode < 400
            ? 'success'
            : reply.statusCode === 401 || reply.statusCode === 403
              ? 'denied'
              : 'failure',
        details: { track: t.id, status: reply.statusCode },
      },
      deps.now(),
    ).catch((err) => req.log.error({ err }, 'ouranos audit append failed'));
  });

  const authenticate = async (req: FastifyRequest): Promise<api.Caller> => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw unauthenticated();
    const participantId = req.ouranos.participantId as string;
    const now = deps.now();
    const operator = await operatorOfToken(
      db,
      deps.secret,
      participantId,
      header.slice(7).trim(),
      'access',
      now,
    );
    req.ouranos.operator = operator;
    const bridge = deps.bridge ? deps.bridge(participantId) : ouranosBridgeOf(deps.db, participantId);
    return { db, participantId, operator, now, ...(bridge ? { bridge } : {}) };
  };

  const route =
    (table: Record<string, Partial<Record<string, Operation>>>, subsystem: OuranosSubsystem) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = await authenticate(req);
      const q = req.query as Query;
      const target = q.dataTarget;
      const operation =
        target !== undefined && Object.hasOwn(table, target) ? table[target]?.[req.method] : undefined;
      if (!operation) throw badParameter('dataTarget', 'Unexpected query parameter', subsystem);
      const answer = await operation(caller, q, req.body);
      // after a committed change: requests from operators elsewhere are answered (again) where it changed them
      if (req.method !== 'GET' && answer.status < 300) await caller.bridge?.changed?.();
      reply.code(answer.status);
      if (answer.next)
        reply.header(
          'link',
          `<${baseUrl(req)}${req.url.split('?')[0]}?${new URLSearchParams(answer.next)}>; rel="next"`,
        );
      return answer.body === undefined ? reply.send() : reply.send(answer.body);
    };

  app.get('/api/v1/authInfo', route(authInfo, 'auth'));
  app.put('/api/v1/authInfo', route(authInfo, 'auth'));
  for (const method of ['GET', 'PUT', 'DELETE'] as const)
    app.route({ method, url: '/api/v1/datatransport', handler: route(dataTransport, 'dataspace') });

  app.post('/auth/login', async (req, reply) => {
    const body = objectBody(req.body);
    const accountId = body.operatorAccountId;
    const password = body.accountPassword;
    if (typeof accountId !== 'string' || accountId === '')
      throw new OuranosError(400, 'auth', 'Validation failed, operatorAccountId: cannot be blank.');
    if (typeof password !== 'string' || password === '')
      throw new OuranosError(400, 'auth', 'Validation failed, accountPassword: cannot be blank.');
    if (!/^[^@\s]+@[^@\s]+$/.test(accountId))
      throw new OuranosError(
        400,
        'auth',
        'Validation failed, operatorAccountId: must be a valid email address.',
      );
    const participantId = req.ouranos.participantId as string;
    const who = `${participantId}\n${accountId}`;
    if (failures.locked(who, deps.now()))
      throw new OuranosError(401, 'auth', 'Too many failed login attempts; try again later');
    const op = await db
      .selectFrom('ouranos_operators')
      .selectAll()
      .where('participant_id', '=', participantId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    // one answer for an unknown account and a wrong password: accounts cannot be probed
    if (!op || !passwordMatches(password, op.password_hash)) {
      failures.add(who, deps.now());
      throw new OuranosError(401, 'auth', 'Invalid credentials');
    }
    failures.clear(who);
    req.ouranos.operator = op;
    return reply.code(201).send(await issueTokens(deps.secret, participantId, op, deps.now()));
  });

  app.post('/auth/refresh', async (req, reply) => {
    const body = objectBody(req.body);
    if (typeof body.refreshToken !== 'string' || body.refreshToken === '')
      throw new OuranosError(400, 'auth', 'Validation failed, refreshToken: cannot be blank.');
    const participantId = req.ouranos.participantId as string;
    const op = await operatorOfToken(
      db,
      deps.secret,
      participantId,
      body.refreshToken,
      'refresh',
      deps.now(),
    );
    req.ouranos.operator = op;
    const { accessToken } = await issueTokens(deps.secret, participantId, op, deps.now());
    return reply.code(201).send({ accessToken });
  });

  app.post('/auth/change', async (req, reply) => {
    const caller = await authenticate(req);
    const body = objectBody(req.body);
    const password = body.newPassword;
    if (typeof password !== 'string' || password === '')
      throw new OuranosError(400, 'auth', 'Validation failed, newPassword: cannot be blank.');
    if (!passwordPattern.test(password))
      throw new OuranosError(
        400,
        'auth',
        'Validation failed, newPassword: 8 to 20 characters of a-z, A-Z, 0-9 and !@#$%^&*().',
      );
    await db
      .updateTable('ouranos_operators')
      .set({
        password_hash: hashPassword(password),
        token_version: caller.operator.token_version + 1,
        updated_at: caller.now.toISOString(),
      })
      .where('participant_id', '=', caller.participantId)
      .where('operator_id', '=', caller.operator.operator_id)
      .execute();
    return reply.code(201).send();
  });
};

/**
 * The platform locks an account for a while after repeated failed logins. Counted per account name, whether
 * it exists or not (so the lock tells nothing), in memory, bounded.
 */
class LoginFailures {
  static readonly limit = 5;
  static readonly windowMs = 15 * 60 * 1000;
  private readonly recent = new Map<string, number[]>();

  locked(who: string, now: Date): boolean {
    const times = (this.recent.get(who) ?? []).filter((t) => now.getTime() - t < LoginFailures.windowMs);
    return times.length >= LoginFailures.limit;
  }

  add(who: string, now: Date): void {
    if (this.recent.size >= 10_000) this.recent.clear();
    const times = (this.recent.get(who) ?? []).filter((t) => now.getTime() - t < LoginFailures.windowMs);
    this.recent.set(who, [...times, now.getTime()]);
  }

  clear(who: string): void {
    this.recent.delete(who);
  }
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new OuranosError(400, 'auth', 'Validation failed, the body must be a JSON object.');
  return body as Record<string, unknown>;
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Any error as the platform's status and code: Fastify's own 4xx (bad JSON, wrong media type) become 400s. */
function ouranosErrorOf(
  error: unknown,
  req: FastifyRequest,
): { status: number; code: string; message: string } {
  if (error instanceof OuranosError)
    return { status: error.status, code: error.code, message: error.message };
  const subsystem = req.url.includes('/api/v1/datatransport') ? 'dataspace' : 'auth';
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return {
      status: status === 413 ? 413 : 400,
      code: `[${subsystem}] BadRequest`,
      message: `Validation failed, ${(error as Error).message}`,
    };
  return { status: 500, code: `[${subsystem}] InternalServerError`, message: 'Unexpected error occurred' };
}

function sendError(reply: FastifyReply, req: FastifyRequest, status: number, code: string, message: string) {
  const track = req.ouranos?.id ?? randomUUID();
  const q = (req.query ?? {}) as Query;
  reply.header('x-track', track);
  return reply
    .code(status)
    .type('application/json')
    .send({
      code,
      message,
      detail: `id: ${track}, timeStamp: ${new Date().toISOString()}, dataTarget: ${q.dataTarget ?? ''}, method: ${req.method}`,
    });
}
