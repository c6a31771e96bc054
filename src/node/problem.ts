import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isMusubiError } from '../errors/index.js';

/** RFC 9457 problem details, as every scope but the protocol one answers errors. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly code: string;
  readonly instance?: string;
  readonly errors?: readonly { pointer: string; message: string }[];
}

export const statusOfKind: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  unavailable: 503,
  internal: 500,
};

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { pointer: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;

function problemType(code: string): string {
  return `https://musubi.dev/problems/${code.replace(/\./g, '/')}`;
}

export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: problemType(code),
    title: titles[status] ?? 'Error',
    status,
    code,
    ...(detail !== undefined ? { detail } : {}),
    ...extra,
  };
}

/** Maps anything thrown to a problem; only client mistakes carry details, internal errors stay in the log. */
export function toProblem(error: unknown, req: FastifyRequest): Problem {
  if (isMusubiError(error)) {
    const status = statusOfKind[error.kind];
    if (status >= 500 && error.kind !== 'unavailable')
      return problem(500, 'internal', undefined, { instance: req.url });
    return problem(status, error.code, error.message, { instance: req.url });
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const errors = fe.validation.map((v) => {
      // Name the offending member itself, not only its parent object.
      const member = v.params?.additionalProperty ?? v.params?.missingProperty;
      const path = `/${fe.validationContext ?? 'request'}${v.instancePath}${typeof member === 'string' ? `/${member}` : ''}`;
      return { pointer: path, message: v.message ?? 'invalid' };
    });
    return problem(400, 'request.invalid', fe.message, { errors, instance: req.url });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code
      ? `request.${fe.code
          .toLowerCase()
          .replace(/^fst_err_/, '')
          .replace(/_/g, '-')}`
      : 'request.invalid';
    return problem(fe.statusCode, code, fe.message, { instance: req.url });
  }
  return problem(500, 'internal', undefined, { instance: req.url });
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.status(p.status).type('application/problem+json').send(p);
}
