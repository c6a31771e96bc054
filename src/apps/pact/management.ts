import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NotFound } from '../../errors/index.js';
import { appendAudit } from '../../store/index.js';
import {
  bindCustomerDid,
  customerDids,
  listClients,
  putOutboundCredentials,
  registerClient,
  revokeClient,
} from './clients.js';
import { PactRefusal } from './errors.js';
import { type Answer, answerRequest, noticePublished, type PactDeps } from './host.js';
import type { ProductFootprint } from './model.js';
import { pactErrorStatus, publicAudience } from './model.js';
import type { PactFootprints } from './ports.js';
import {
  deleteFootprint,
  findFootprint,
  findRequest,
  listFootprints,
  listRequests,
  pactDb,
  putFootprint,
} from './store.js';

/**
 * The PACT host's management routes (under `/management/v1/pact`, behind the participant's API key): clients of
 * customers, the participant's own credentials at its customers' hosts, the footprints served, and the requests
 * received with their answers.
 */

const str = (max = 500) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const urn = { type: 'string', pattern: '^[uU][rR][nN]:', maxLength: 500 } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const decimal = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', maxLength: 60 } as const;
const customer = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$' } as const;
const did = { type: 'string', pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500 } as const;

/** The members PACT v3 requires of a ProductFootprint, checked before it is served to anyone. */
export const productFootprintSchema = {
  type: 'object',
  required: [
    'id',
    'specVersion',
    'created',
    'status',
    'companyName',
    'companyIds',
    'productDescription',
    'productIds',
    'productNameCompany',
    'pcf',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    specVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(-\\d{8})?$' },
    precedingPfIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } },
    created: dateTime,
    status: { enum: ['Active', 'Deprecated'] },
    validityPeriodStart: dateTime,
    validityPeriodEnd: dateTime,
    companyName: str(),
    companyIds: { type: 'array', minItems: 1, maxItems: 100, items: urn },
    productDescription: { type: 'string', maxLength: 10_000 },
    productIds: { type: 'array', minItems: 1, maxItems: 100, items: urn },
    productClassifications: { type: 'array', maxItems: 100, items: urn },
    productNameCompany: str(),
    comment: { type: 'string', maxLength: 10_000 },
    pcf: {
      type: 'object',
      required: [
        'declaredUnitOfMeasurement',
        'declaredUnitAmount',
        'productMassPerDeclaredUnit',
        'referencePeriodStart',
        'referencePeriodEnd',
        'pcfExcludingBiogenicUptake',
        'pcfIncludingBiogenicUptake',
        'fossilGhgEmissions',
        'fossilCarbonContent',
        'ipccCharacterizationFactors',
        'crossSectoralStandards',
        'exemptedEmissionsPercent',
      ],
      properties: {
        declaredUnitOfMeasurement: str(40),
        declaredUnitAmount: decimal,
        productMassPerDeclaredUnit: decimal,
        referencePeriodStart: dateTime,
        referencePeriodEnd: dateTime,
        pcfExcludingBiogenicUptake: decimal,
        pcfIncludingBiogenicUptake: decimal,
        fossilGhgEmissions: decimal,
        fossilCarbonContent: decimal,
        exemptedEmissionsPercent: decimal,
        ipccCharacterizationFactors: { type: 'array', minItems: 1, items: str(40) },
        crossSectoralStandards: { type: 'array', minItems: 1, items: str(40) },
        geographyCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
        geographyCountrySubdivision: str(20),
        geographyRegionOrSubregion: str(60),
      },
    },
  },
} as const;

const publishBody = {
  type: 'object',
  additionalProperties: false,
  required: ['footprint', 'audiences'],
  properties: {
    footprint: productFootprintSchema,
    audiences: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { anyOf: [customer, { const: publicAudience }] },
      description: 'customers that may read it, or "*" for every client of this participant',
    },
  },
} as const;

const outboundBody = {
  type: 'object',
  additionalProperties: false,
  required: ['tokenUrl', 'clientId', 'clientSecret', 'eventUrls'],
  properties: {
    tokenUrl: { type: 'string', pattern: '^https://', maxLength: 2000 },
    clientId: str(500),
    clientSecret: str(2000),
    eventUrls: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'string', pattern: '^https://', maxLength: 2000 },
      description:
        'the customer’s PACT base or events URL(s): requests must name one of them as source; notices go to the first',
    },
    autoAnswer: {
      type: 'boolean',
      default: false,
      description: 'answer its requests at once from the footprints published for it',
    },
  },
} as const;

const answerBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    fulfil: { type: 'array', minItems: 1, maxItems: 100, items: str(200) },
    reject: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { enum: Object.keys(pactErrorStatus) }, message: str(2000) },
    },
    auto: { const: true },
  },
  minProperties: 1,
  maxProperties: 1,
} as const;

const page = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'string', maxLength: 200 },
    state: { enum: ['pending', 'fulfilled', 'rejected', 'undeliverable'] },
  },
} as const;

const clientView = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'customer'],
  properties: {
    clientId: { type: 'string' },
    customer: { type: 'string' },
    customerDid: {
      type: 'string',
      description: "the customer's participant DID in the footprint exchange, when bound",
    },
    createdAt: { type: 'string' },
    revokedAt: { type: 'string' },
    clientSecret: { type: 'string', description: 'only in the answer to the create, never again' },
  },
} as const;
const requestView = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'customer', 'eventId', 'source', 'spec', 'criteria', 'state', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    customer: { type: 'string' },
    eventId: { type: 'string' },
    source: { type: 'string' },
    spec: { type: 'string' },
    criteria: { type: 'object', additionalProperties: true },
    comment: { type: 'string' },
    state: { type: 'string' },
    reason: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;
const storedView = {
  type: 'object',
  additionalProperties: false,
  properties: {
    footprint: { type: 'object', additionalProperties: true },
    version: { type: 'integer' },
    audiences: { type: 'array', items: { type: 'string' } },
    updatedAt: { type: 'string' },
  },
} as const;

/** A DID already bound to another customer: answers from the exchange must reach one customer only. */
const didTaken = (d: string) => new PactRefusal('BadRequest', `${d} is bound to another customer`);

const who = (req: FastifyRequest) => req as FastifyRequest & { participantId: string; actor: string };

export const pactManagementRoutes: FastifyPluginAsync<{
  deps: PactDeps;
  footprints: PactFootprints;
}> = async (app, { deps, footprints }) => {
  const db = pactDb(deps.db);
  const tags = ['pact'];
  const audit = (
    req: FastifyRequest,
    action: string,
    type: string,
    id: string,
    details?: Record<string, unknown>,
  ) =>
    appendAudit(
      deps.db,
      {
        participantId: who(req).participantId,
        actor: who(req).actor,
        action,
        resourceType: type,
        resourceId: id,
        via: 'management-api',
        outcome: 'success',
        ...(details ? { details } : {}),
      },
      deps.now(),
    );

  app.post(
    '/pact/clients',
    {
      schema: {
        tags,
        summary: 'Register a PACT client for a customer (the secret is shown once)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['customer'],
          properties: { customer, customerDid: did },
        },
        response: { 201: clientView },
      },
    },
    async (req, reply) => {
      const { participantId } = who(req);
      const b = req.body as { customer: string; customerDid?: string };
      const at = deps.now();
      const issued = await deps.db.transaction().execute(async (trx) => {
        if (
          b.customerDid &&
          !(await bindCustomerDid(pactDb(trx), participantId, b.customer, b.customerDid, at))
        )
          throw didTaken(b.customerDid);
        return registerClient(pactDb(trx), participantId, b.customer, at);
      });
      await audit(req, 'pact.client.create', 'pact-client', issued.clientId, {
        customer: issued.customer,
        ...(b.customerDid ? { customerDid: b.customerDid } : {}),
      });
      const bound = (await customerDids(db, participantId)).get(b.customer);
      return reply.status(201).send({ ...issued, ...(bound ? { customerDid: bound } : {}) });
    },
  );

  app.put(
    '/pact/customers/:customer/did',
    {
      schema: {
        tags,
        summary:
          'Bind a customer to its participant DID in the footprint exchange: its clients see what the exchange published for that DID, and its requests become exchange requests',
        params: { type: 'object', properties: { customer } },
        body: { type: 'object', additionalProperties: false, required: ['did'], properties: { did } },
      },
    },
    async (req, reply) => {
      const { customer: name } = req.params as { customer: string };
      const { did: bound } = req.body as { did: string };
      if (!(await bindCustomerDid(db, who(req).participantId, name, bound, deps.now())))
        throw didTaken(bound);
      await audit(req, 'pact.customer.bind', 'pact-customer', name, { did: bound });
      return reply.status(204).send();
    },
  );

  app.delete(
    '/pact/customers/:customer/did',
    {
      schema: {
        tags,
        summary: 'Unbind a customer from its exchange DID',
        params: { type: 'object', properties: { customer } },
      },
    },
    async (req, reply) => {
      const { customer: name } = req.params as { customer: string };
      await bindCustomerDid(db, who(req).participantId, name, undefined, deps.now());
      await audit(req, 'pact.customer.unbind', 'pact-customer', name);
      return reply.status(204).send();
    },
  );

  app.get(
    '/pact/clients',
    {
      schema: {
        tags,
        summary: 'PACT clients of customers (never their secrets)',
        response: { 200: { type: 'array', items: clientView } },
      },
    },
    async (req) => {
      const { participantId } = who(req);
      const dids = await customerDids(db, participantId);
      return (await listClients(db, participantId)).map((c) => {
        const bound = dids.get(c.customer);
        return bound ? { ...c, customerDid: bound } : c;
      });
    },
  );

  app.delete(
    '/pact/clients/:clientId',
    {
      schema: {
        tags,
        summary: 'Revoke a PACT client: its tokens stop working at once',
        params: { type: 'object', properties: { clientId: str(200) } },
      },
    },
    async (req, reply) => {
      const { clientId } = req.params as { clientId: string };
      if (!(await revokeClient(db, who(req).participantId, clientId, deps.now())))
        throw new NotFound('pact-client', clientId);
      await audit(req, 'pact.client.revoke', 'pact-client', clientId);
      return reply.status(204).send();
    },
  );

  app.put(
    '/pact/customers/:customer/outbound',
    {
      schema: {
        tags,
        summary: "This participant's client credentials at a customer's PACT host, for sending it events",
        params: { type: 'object', properties: { customer } },
        body: outboundBody,
      },
    },
    async (req, reply) => {
      const { customer: name } = req.params as { customer: string };
      const b = req.body as {
        tokenUrl: string;
        clientId: string;
        clientSecret: string;
        eventUrls: string[];
        autoAnswer?: boolean;
      };
      await putOutboundCredentials(
        db,
        deps.nodeSecret,
        who(req).participantId,
        { customer: name, ...b, autoAnswer: b.autoAnswer ?? false },
        deps.now(),
      );
      await audit(req, 'pact.outbound.put', 'pact-customer', name, {
        tokenUrl: b.tokenUrl,
        eventUrls: b.eventUrls,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/pact/footprints',
    {
      schema: {
        tags,
        summary: 'Publish a PACT v3 ProductFootprint for customers or everyone (same id: a new version)',
        body: publishBody,
      },
    },
    async (req, reply) => {
      const { participantId } = who(req);
      const b = req.body as { footprint: ProductFootprint; audiences: string[] };
      const at = deps.now();
      const { version, notices } = await deps.db.transaction().execute(async (trx) => {
        const v = await putFootprint(pactDb(trx), participantId, b.footprint, b.audiences, at);
        const n = await noticePublished(deps, trx, participantId, b.footprint.id, b.audiences, at);
        await appendAudit(
          trx,
          {
            participantId,
            actor: who(req).actor,
            action: 'pact.footprint.publish',
            resourceType: 'pact-footprint',
            resourceId: b.footprint.id,
            via: 'management-api',
            outcome: 'success',
            details: { version: v, audiences: b.audiences },
          },
          at,
        );
        return { version: v, notices: n };
      });
      if (notices > 0) deps.wake();
      return reply
        .status(version === 1 ? 201 : 200)
        .send({ id: b.footprint.id, version, audiences: b.audiences, notices });
    },
  );

  app.get(
    '/pact/footprints',
    {
      schema: {
        tags,
        summary: 'The footprints this participant serves',
        querystring: page,
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: storedView }, next: { type: 'string' } },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { limit: number; after?: string };
      const found = await listFootprints(
        db,
        who(req).participantId,
        undefined,
        {},
        { limit: q.limit, ...(q.after ? { after: q.after } : {}) },
      );
      return { items: found.items, ...(found.next ? { next: found.next } : {}) };
    },
  );

  app.get(
    '/pact/footprints/:id',
    {
      schema: {
        tags,
        params: { type: 'object', properties: { id: str(200) } },
        response: { 200: storedView },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const found = await findFootprint(db, who(req).participantId, id, undefined);
      if (!found) throw new NotFound('pact-footprint', id);
      return found;
    },
  );

  app.delete(
    '/pact/footprints/:id',
    { schema: { tags, params: { type: 'object', properties: { id: str(200) } } } },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!(await deleteFootprint(db, who(req).participantId, id))) throw new NotFound('pact-footprint', id);
      await audit(req, 'pact.footprint.delete', 'pact-footprint', id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/pact/requests',
    {
      schema: {
        tags,
        summary: 'Footprint requests received from customers',
        querystring: page,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: requestView } } } },
      },
    },
    async (req) => {
      const q = req.query as { limit: number; after?: string; state?: string };
      return { items: await listRequests(db, who(req).participantId, q) };
    },
  );

  app.get(
    '/pact/requests/:id',
    {
      schema: {
        tags,
        params: { type: 'object', properties: { id: str(200) } },
        response: { 200: requestView },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const found = await findRequest(db, who(req).participantId, id);
      if (!found) throw new NotFound('pact-request', id);
      return found;
    },
  );

  app.post(
    '/pact/requests/:id/answer',
    {
      schema: {
        tags,
        summary:
          'Answer a request: fulfil with footprints, reject with a PACT error, or auto (matching footprints, else NotFound)',
        params: { type: 'object', properties: { id: str(200) } },
        body: answerBody,
        response: { 200: requestView },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { participantId, actor } = who(req);
      if (!(await findRequest(db, participantId, id))) throw new NotFound('pact-request', id);
      return answerRequest(deps, footprints, participantId, id, req.body as Answer, actor);
    },
  );
};
