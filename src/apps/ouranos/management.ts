import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { Conflict, InvalidInput } from '../../errors/index.js';
import { appendAudit, type Tables } from '../../store/index.js';
import { addApiKey, addOperator } from './accounts.js';
import { OuranosError } from './errors.js';
import { findPartner, listPartners, putPartner } from './partners.js';
import { findOperator, operatorView, ouranosDb } from './store.js';

/**
 * Management routes of the Ouranos base of the calling participant (behind the management API key): operator
 * accounts (the companies it hosts) and the API keys of the applications that call the Ouranos API. Passwords
 * and keys are returned once, never stored in clear nor logged.
 */
export const ouranosManagementRoutes: FastifyPluginAsync<{ db: Kysely<Tables>; now: () => Date }> = async (
  base,
  { db: raw, now },
) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const db = ouranosDb(raw);
  const tags = ['ouranos'];
  const refusal = (e: unknown) => {
    if (e instanceof OuranosError)
      return e.status === 409
        ? new Conflict('ouranos.conflict', e.message)
        : new InvalidInput('ouranos.invalid', e.message);
    return e;
  };

  app.post(
    '/ouranos/operators',
    {
      schema: {
        tags,
        summary: 'Add an operator (a company hosted by this participant) with its login account',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['operatorName', 'operatorAddress', 'openOperatorId', 'accountId'],
          properties: {
            operatorName: { type: 'string', minLength: 1, maxLength: 256 },
            operatorAddress: { type: 'string', minLength: 1, maxLength: 256 },
            openOperatorId: { type: 'string', minLength: 1, maxLength: 20 },
            globalOperatorId: { type: 'string', maxLength: 256 },
            accountId: { type: 'string', format: 'email', maxLength: 256 },
            password: { type: 'string', description: 'generated (and returned once) when absent' },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['operatorId', 'accountId'],
            properties: {
              operatorId: { type: 'string' },
              accountId: { type: 'string' },
              password: { type: 'string', description: 'only when generated; shown once' },
            },
          },
        },
      },
    },
    async (req, reply) => {
      try {
        const made = await addOperator(db, req.participantId, req.body, now());
        await appendAudit(
          raw,
          {
            participantId: req.participantId,
            actor: req.actor,
            action: 'ouranos.operator.add',
            resourceType: 'ouranos-operator',
            resourceId: made.operatorId,
            via: 'management',
            outcome: 'success',
          },
          now(),
        );
        return reply.code(201).send(made);
      } catch (e) {
        throw refusal(e);
      }
    },
  );

  app.get(
    '/ouranos/operators',
    { schema: { tags, summary: 'Operators hosted by this participant' } },
    async (req) =>
      (
        await db
          .selectFrom('ouranos_operators')
          .selectAll()
          .where('participant_id', '=', req.participantId)
          .orderBy('open_operator_id')
          .execute()
      ).map((o) => ({ ...operatorView(o), accountId: o.account_id })),
  );

  app.put(
    '/ouranos/partners/:operatorId',
    {
      schema: {
        tags,
        summary:
          'Register an operator hosted elsewhere (its participant DID and connector address) to trade with',
        params: {
          type: 'object',
          required: ['operatorId'],
          properties: { operatorId: { type: 'string', format: 'uuid' } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['operatorName', 'operatorAddress', 'openOperatorId', 'did', 'address'],
          properties: {
            operatorName: { type: 'string', minLength: 1, maxLength: 256 },
            operatorAddress: { type: 'string', minLength: 1, maxLength: 256 },
            openOperatorId: { type: 'string', minLength: 1, maxLength: 20 },
            globalOperatorId: { type: 'string', maxLength: 256 },
            did: { type: 'string', minLength: 1, maxLength: 2048 },
            address: { type: 'string', format: 'uri', maxLength: 2048 },
          },
        },
      },
    },
    async (req) => {
      const p = req.participantId;
      const { operatorId } = req.params;
      const b = req.body;
      // a hosted operator is traded with directly; the same id or 法人番号 twice would make lookups ambiguous
      if (await findOperator(db, p, operatorId))
        throw new Conflict('ouranos.conflict', `operator ${operatorId} is hosted here`);
      const hostedOpen = await db
        .selectFrom('ouranos_operators')
        .select('operator_id')
        .where('participant_id', '=', p)
        .where('open_operator_id', '=', b.openOperatorId)
        .executeTakeFirst();
      const sameOpen = await findPartner(db, p, { openOperatorId: b.openOperatorId });
      if (hostedOpen || (sameOpen && sameOpen.operator.operatorId !== operatorId))
        throw new Conflict('ouranos.conflict', `openOperatorId ${b.openOperatorId} is already known`);
      const partner = {
        operator: {
          operatorId,
          operatorName: b.operatorName,
          operatorAddress: b.operatorAddress,
          openOperatorId: b.openOperatorId,
          operatorAttribute: { globalOperatorId: b.globalOperatorId ?? null },
        },
        did: b.did,
        address: b.address,
      };
      await putPartner(db, p, partner, now());
      await appendAudit(
        raw,
        {
          participantId: p,
          actor: req.actor,
          action: 'ouranos.partner.put',
          resourceType: 'ouranos-partner',
          resourceId: operatorId,
          via: 'management',
          outcome: 'success',
          details: { did: b.did },
        },
        now(),
      );
      return partner;
    },
  );

  app.get(
    '/ouranos/partners',
    { schema: { tags, summary: 'Operators hosted elsewhere that this participant’s operators trade with' } },
    async (req) => listPartners(db, req.participantId),
  );

  app.post(
    '/ouranos/api-keys',
    {
      schema: {
        tags,
        summary: 'Issue an application API key for the Ouranos API (shown once)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['label'],
          properties: { label: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'key', 'label'],
            properties: { id: { type: 'string' }, key: { type: 'string' }, label: { type: 'string' } },
          },
        },
      },
    },
    async (req, reply) => {
      const made = await addApiKey(db, req.participantId, req.body.label, now());
      await appendAudit(
        raw,
        {
          participantId: req.participantId,
          actor: req.actor,
          action: 'ouranos.api-key.add',
          resourceType: 'ouranos-api-key',
          resourceId: made.id,
          via: 'management',
          outcome: 'success',
        },
        now(),
      );
      return reply.code(201).send(made);
    },
  );
};
