import { problemSchema } from '../problem.js';

/** Error responses every management route may give; listed so the OpenAPI description shows them. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
  409: problemSchema,
} as const;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'string', maxLength: 200 },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
