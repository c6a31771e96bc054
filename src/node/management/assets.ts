import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import { Conflict, NotFound } from '../../errors/index.js';
import { type Asset, participantStore } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { digestFileAsset } from '../scopes/dataplane.js';
import { idempotencyHeaders, idempotentCreate } from './idempotency.js';
import { idParams, pageQuery, problemResponses } from './schemas.js';
import './auth.js';

const assetMembers = {
  title: { type: 'string', minLength: 1, maxLength: 500, description: 'dct:title' },
  description: { type: 'string', maxLength: 10_000, default: '', description: 'dct:description' },
  contentType: {
    type: 'string',
    maxLength: 200,
    default: 'application/octet-stream',
    description: 'dcat:mediaType',
  },
  keywords: {
    type: 'array',
    maxItems: 100,
    items: { type: 'string', minLength: 1, maxLength: 200 },
    default: [],
    description: 'dcat:keyword; offers may select assets by keyword',
  },
  properties: { type: 'object', default: {} },
  dataAddress: {
    type: 'object',
    required: ['type'],
    properties: {
      type: { type: 'string', minLength: 1 },
      finite: {
        type: 'boolean',
        description:
          'false for a stream (a live feed): its STARTED transfers run until someone ends them; otherwise a started pull the consumer does not complete is terminated after transferStartedDeadlineMs',
      },
    },
    description: 'where the data plane reads the bytes; kept private to this participant',
  },
} as const;

const assetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'dataAddress'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/?#]+$' },
    ...assetMembers,
  },
} as const;

const assetUpdate = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'dataAddress'],
  properties: assetMembers,
} as const;

const assetQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery.properties,
    keyword: { type: 'string', maxLength: 200, description: 'only assets with this keyword' },
    contentType: { type: 'string', maxLength: 200, description: 'only assets of this media type' },
  },
} as const;

const changeRule =
  'Agreements keep what was agreed (each stores its own copy of the agreed policy). An asset with agreements ' +
  'cannot be deleted (409): its data address is what those agreements are honoured from. Changing it is allowed.';

const assetSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'description',
    'contentType',
    'keywords',
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
    keywords: { type: 'array', items: { type: 'string' } },
    properties: { type: 'object', additionalProperties: true },
    dataAddress: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

type AssetInput = {
  title: string;
  description?: string;
  contentType?: string;
  keywords?: string[];
  properties?: Record<string, unknown>;
  dataAddress: Record<string, unknown> & { type: string };
};

function assetFrom(id: string, b: AssetInput, createdAt: string, updatedAt: string): Asset {
  return {
    id,
    title: b.title,
    description: b.description ?? '',
    contentType: b.contentType ?? 'application/octet-stream',
    keywords: [...new Set(b.keywords ?? [])],
    properties: b.properties ?? {},
    dataAddress: b.dataAddress,
    createdAt,
    updatedAt,
  };
}

/** An asset as the API shows it (keywords always present, as plain arrays). */
function shown(a: Asset) {
  return {
    ...a,
    keywords: [...(a.keywords ?? [])],
    properties: { ...a.properties },
    dataAddress: { ...a.dataAddress },
  };
}

const auditEntry = (actor: string, action: string, id: string) =>
  ({
    actor,
    action,
    resourceType: 'asset',
    resourceId: id,
    via: 'management-api',
    outcome: 'success',
  }) as const;

/** Assets of the calling participant. Another participant's asset id answers 404, exactly like a missing one. */
export const assetManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();
  const tags = ['assets'];
  const agreementsOn = async (participantId: string, assetId: string) =>
    (
      await ctx.db
        .selectFrom('agreements')
        .select('id')
        .where('participant_id', '=', participantId)
        .where('asset_id', '=', assetId)
        .limit(10)
        .execute()
    ).map((a) => a.id);

  app.post(
    '/assets',
    {
      schema: {
        tags,
        summary: 'Register an asset',
        description: 'DCAT metadata (title, description, keywords, media type) and a private data address.',
        headers: idempotencyHeaders,
        body: assetBody,
        response: { 201: assetSchema, ...problemResponses },
      },
    },
    async (req, reply) =>
      idempotentCreate(ctx, req, reply, 'asset.create', async () => {
        const at = ctx.now().toISOString();
        const asset = assetFrom(req.body.id, req.body, at, at);
        await participantStore(ctx.db, req.participantId).transaction(async (tx) => {
          if (await tx.findAsset(asset.id))
            throw new Conflict('asset.exists', `asset ${JSON.stringify(asset.id)} already exists`, {
              id: asset.id,
            });
          await tx.insertAsset(asset);
          await tx.audit(auditEntry(req.actor, 'asset.create', asset.id), new Date(at));
        });
        digestFileAsset(ctx, asset.dataAddress); // once stored: its first pull need not hash inline
        return shown(asset);
      }),
  );

  app.put(
    '/assets/:id',
    {
      schema: {
        tags,
        summary: "Replace an asset's metadata and data address",
        description: changeRule,
        params: idParams,
        body: assetUpdate,
        response: { 200: assetSchema, ...problemResponses },
      },
    },
    async (req) => {
      const at = ctx.now().toISOString();
      const asset = await participantStore(ctx.db, req.participantId).transaction(async (tx) => {
        const old = await tx.findAsset(req.params.id);
        if (!old) throw new NotFound('asset', req.params.id);
        const asset = assetFrom(old.id, req.body, old.createdAt, at);
        await tx.updateAsset(asset);
        await tx.audit(auditEntry(req.actor, 'asset.update', asset.id), new Date(at));
        return asset;
      });
      // once stored; an update is also how an operator says the file was replaced
      digestFileAsset(ctx, asset.dataAddress);
      return shown(asset);
    },
  );

  app.get(
    '/assets',
    {
      schema: {
        tags,
        summary: 'List assets, ordered by id',
        querystring: assetQuery,
        response: { 200: { type: 'array', items: assetSchema }, ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const assets = await participantStore(ctx.db, req.participantId).listAssets({
        limit: q.limit ?? 100,
        ...(q.after ? { after: q.after } : {}),
        ...(q.keyword ? { keyword: q.keyword } : {}),
        ...(q.contentType ? { contentType: q.contentType } : {}),
      });
      return assets.map(shown);
    },
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
      return shown(asset);
    },
  );

  app.delete(
    '/assets/:id',
    {
      schema: {
        tags,
        summary: 'Delete an asset',
        description: changeRule,
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      const at = ctx.now();
      const agreed = await agreementsOn(req.participantId, req.params.id);
      await participantStore(ctx.db, req.participantId).transaction(async (tx) => {
        if (agreed.length > 0)
          throw new Conflict(
            'asset.has-agreements',
            `asset ${JSON.stringify(req.params.id)} has agreements (${agreed.join(', ')}); it cannot be deleted`,
            { agreements: agreed },
          );
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
