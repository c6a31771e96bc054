import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyPluginAsync } from 'fastify';
import type { NodeContext } from '../context.js';
import {
  directoryEntry,
  entryOf,
  listDirectoryEntries,
  putDirectoryEntry,
  removeDirectoryEntry,
} from '../directory/index.js';
import './auth.js';
import { problemResponses } from './schemas.js';

const tags = ['authority'];

const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['corporateNumber', 'did', 'updatedAt'],
  properties: {
    corporateNumber: { type: 'string' },
    did: { type: 'string' },
    name: { type: 'string' },
    dspEndpoint: { type: 'string' },
    credentialService: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const numberParams = {
  type: 'object',
  required: ['corporateNumber'],
  properties: { corporateNumber: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/**
 * The authority's participant directory as its operator writes it (`/authority/directory`): add or replace an
 * entry (endpoints left out are read from the company's DID document), list, read, remove. Lookups are public at
 * `…/directory/<法人番号>`.
 */
export const directoryManagementRoutes: FastifyPluginAsync<{ ctx: NodeContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<JsonSchemaToTsProvider>();

  app.post(
    '/authority/directory',
    {
      schema: {
        tags,
        summary:
          'Add or replace a participant directory entry: corporate number (法人番号) → DID and endpoints',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['corporateNumber', 'did'],
          properties: {
            corporateNumber: { type: 'string', minLength: 1, maxLength: 64 },
            did: { type: 'string', pattern: '^did:web:', maxLength: 2048 },
            name: { type: 'string', maxLength: 200 },
            dspEndpoint: { type: 'string', maxLength: 2048 },
            credentialService: { type: 'string', maxLength: 2048 },
          },
        },
        response: { 200: entrySchema, ...problemResponses },
      },
    },
    async (req) => putDirectoryEntry(ctx, req.participantId, req.body, req.actor),
  );

  app.get(
    '/authority/directory',
    {
      schema: {
        tags,
        summary: 'The participant directory this participant serves',
        response: { 200: { type: 'array', items: entrySchema }, ...problemResponses },
      },
    },
    async (req) => (await listDirectoryEntries(ctx.db, req.participantId)).map(entryOf),
  );

  app.get(
    '/authority/directory/:corporateNumber',
    {
      schema: {
        tags,
        summary: 'One directory entry',
        params: numberParams,
        response: { 200: entrySchema, ...problemResponses },
      },
    },
    async (req) => directoryEntry(ctx, req.participantId, req.params.corporateNumber),
  );

  app.delete(
    '/authority/directory/:corporateNumber',
    {
      schema: {
        tags,
        summary: 'Remove a directory entry',
        params: numberParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await removeDirectoryEntry(ctx, req.participantId, req.params.corporateNumber, req.actor);
      return reply.code(204).send(null);
    },
  );
};
