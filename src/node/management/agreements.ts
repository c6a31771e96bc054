import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import {
  AgreementNotFound,
  findAgreement,
  listAgreements,
  type StoredAgreement,
} from '../../dataspace/negotiation/index.js';
import type { NodeContext } from '../context.js';
import { idParams, problemResponses } from './schemas.js';
import './auth.js';

const agreementView = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'negotiationId', 'role', 'counterpartyId', 'offerId', 'assetId', 'policy', 'createdAt'],
  properties: {
    id: { type: 'string' },
    negotiationId: { type: 'string' },
    role: { type: 'string', enum: ['provider', 'consumer'] },
    counterpartyId: { type: 'string' },
    offerId: { type: 'string' },
    assetId: { type: 'string' },
    policy: { type: 'object', additionalProperties: true, description: 'the ODRL agreement as agreed' },
    finalizedAt: { type: ['string', 'null'], description: 'null until the negotiation is FINALIZED' },
    createdAt: { type: 'string' },
  },
} as const;

const view = ({ participantId: _p, policy, ...rest }: StoredAgreement) => ({
  ...rest,
  policy: policy as unknown as Record<string, unknown>,
});

/** Contract agreements of the calling participant; an agreement keeps its policy whatever the offer becomes. */
export const agreementManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['agreements'];

  app.get(
    '/agreements',
    {
      schema: {
        tags,
        summary: 'List agreements, ordered by id',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            after: { type: 'string', maxLength: 2048 },
            finalized: { type: 'boolean', description: 'only agreements whose negotiation is FINALIZED' },
          },
        },
        response: { 200: { type: 'array', items: agreementView }, ...problemResponses },
      },
    },
    async (req) =>
      (
        await listAgreements(ctx.db, req.participantId, {
          limit: req.query.limit ?? 100,
          ...(req.query.after ? { after: req.query.after } : {}),
          ...(req.query.finalized ? { finalizedOnly: true } : {}),
        })
      ).map(view),
  );

  app.get(
    '/agreements/:id',
    {
      schema: {
        tags,
        summary: 'One agreement',
        params: idParams,
        response: { 200: agreementView, ...problemResponses },
      },
    },
    async (req) => {
      const a = await findAgreement(ctx.db, req.participantId, req.params.id);
      if (!a) throw new AgreementNotFound(req.params.id);
      return view(a);
    },
  );
};
