import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { Conflict, InvalidInput } from '../../errors/index.js';
import { appendAudit, type Tables } from '../../store/index.js';
import { addApiKey, addOperator } from './accounts.js';
import { OuranosError } from './errors.js';
import { operatorView, ouranosDb } from './store.js';

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
