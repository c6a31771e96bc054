import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { Conflict, NotFound } from '../../errors/index.js';
import { type Asset, participantStore } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { idParams, pageQuery, problemResponses } from './schemas.js';
import './auth.js';

const assetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'dataAddress'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/?#]+$' },
    title: { type: 'string', minLength: 1, maxLength: 500 },
    description: { type: 'string', maxLength: 10_000, default: '' },
    contentType: { type: 'string', maxLength: 200, default: 'application/octet-stream' },
    properties: { type: 'object', default: {} },
    dataAddress: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', minLength: 1 } },
      description: 'where the data plane reads the bytes; kept private to this participant',
    },
  },
} as const;

const assetSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'description',
    'contentType',
    'properties',
    'dataAddress',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    contentType: { type: 'string' },
    properties: { type: 'object', additionalProperties: true },
    dataAddress: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

/** Assets of the calling participant. Another participant's asset id answers 404, exactly like a missing one. */
export const assetManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['assets'];

  app.post(
    '/assets',
    {
      schema: {
        tags,
        summary: 'Register an asset',
        body: assetBody,
        response: { 201: assetSchema, ...problemResponses },
      },
    },
    async (req, reply) => {
      const at = ctx.now().toISOString();
      const b = req.body;
      const asset: Asset = {
        id: b.id,
        title: b.title,
        description: b.description ?? '',
        contentType: b.contentType ?? 'application/octet-stream',
        properties: b.properties ?? {},
        dataAddress: b.dataAddress,
        createdAt: at,
        updatedAt: at,
      };
      await participantStore(ctx.db, req.participantId).transaction(async (tx) => {
        if (await tx.findAsset(asset.id))
          throw new Conflict('asset.exists', `asset ${JSON.stringify(asset.id)} already exists`, {
            id: asset.id,
          });
        await tx.insertAsset(asset);
        await tx.audit(
          {
            actor: req.actor,
            action: 'asset.create',
            resourceType: 'asset',
            resourceId: asset.id,
            via: 'management-api',
            outcome: 'success',
          },
          new Date(at),
        );
      });
      return reply.status(201).send(asset);
    },
  );

  app.get(
    '/assets',
    {
      schema: {
        tags,
        summary: 'List assets, ordered by id',
        querystring: pageQuery,
        response: { 200: { type: 'array', items: assetSchema }, ...problemResponses },
      },
    },
    async (req) =>
      participantStore(ctx.db, req.participantId).listAssets({
        limit: req.query.limit ?? 100,
        ...(req.query.after ? { after: req.query.after } : {}),
      }),
  );

  app.get(
    '/assets/:id',
    {
      schema: {
        tags,
        summary: 'One asset',
        params: idParams,
        response: { 200: assetSchema, ...problemResponses },
      },
    },
    async (req) => {
      const asset = await participantStore(ctx.db, req.participantId).findAsset(req.params.id);
      if (!asset) throw new NotFound('asset', req.params.id);
      return asset;
    },
  );

  app.delete(
    '/assets/:id',
    {
      schema: {
        tags,
        summary: 'Delete an asset',
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const at = ctx.now();
      await participantStore(ctx.db, req.participantId).transaction(async (tx) => {
        if (!(await tx.deleteAsset(req.params.id))) throw new NotFound('asset', req.params.id);
        await tx.audit(
          {
            actor: req.actor,
            action: 'asset.delete',
            resourceType: 'asset',
            resourceId: req.params.id,
            via: 'management-api',
            outcome: 'success',
          },
          at,
        );
      });
      return reply.status(204).send(null);
    },
  );
};
