import { readFileSync } from 'node:fs';
import { dereference } from '@readme/openapi-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { repoRoot } from '../support/cli.js';
import { testFetch } from '../support/node.js';

export const ouranosDir = `${repoRoot}../shared/ouranos`;

/** One API call of a tutorial: the curl command and the JSON answer the tutorial shows (if any). */
export interface Step {
  readonly file: string;
  readonly method: string;
  /** Path and query, e.g. `/api/v1/datatransport?dataTarget=parts`. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly expected?: unknown;
}

/** The curl blocks of a tutorial, each with the JSON block that follows it before the next curl. */
export function stepsOf(file: string): Step[] {
  const text = readFileSync(`${ouranosDir}/tutorials/${file}`, 'utf8');
  const blocks = text
    .split('```')
    .filter((_, i) => i % 2 === 1)
    .map((b) => b.replace(/^[a-z]*\n/, '').trim());
  const steps: Step[] = [];
  for (const [i, block] of blocks.entries()) {
    if (!block.startsWith('curl ')) continue;
    const request = block.match(/--request (\w+) '([^']+)'/);
    if (!request) throw new Error(`${file}: no --request in ${block.slice(0, 80)}`);
    const url = new URL(request[2] as string);
    const headers: Record<string, string> = {};
    for (const h of block.matchAll(/--header '([^:]+): ([^']*)'/g))
      headers[(h[1] as string).toLowerCase()] = h[2] as string;
    const data = block.match(/--data(?:-raw)? '([\s\S]*?)'\s*$/);
    const next = blocks[i + 1];
    const expected = next && !next.startsWith('curl ') && /^[[{]/.test(next) ? JSON.parse(next) : undefined;
    steps.push({
      file,
      method: request[1] as string,
      path: `${url.pathname}${url.search}`,
      headers,
      ...(data ? { body: JSON.parse(data[1] as string) } : {}),
      ...(expected !== undefined ? { expected } : {}),
    });
  }
  return steps;
}

/** The account a tutorial's (unsigned) bearer token names. */
export function accountOfToken(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as {
    email: string;
  };
  return payload.email;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
};

let doc: OpenApi | undefined;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const f of ['double', 'float', 'int32', 'string']) ajv.addFormat(f, true);

export async function openapi(): Promise<OpenApi> {
  doc ??= (await dereference(`${ouranosDir}/openapi.yaml`)) as unknown as OpenApi;
  return doc;
}

/**
 * The documented success status and response schema of a call: the path key of openapi.yaml whose path and
 * `dataTarget` match (the document embeds query strings in its keys).
 */
export async function documented(method: string, path: string) {
  const d = await openapi();
  const [p, query = ''] = path.split('?');
  const target = new URLSearchParams(query).get('dataTarget');
  const key = Object.keys(d.paths)
    .filter((k) => k.split('?')[0] === p)
    .filter((k) => (target ? new URLSearchParams(k.split('?')[1] ?? '').get('dataTarget') === target : true))
    .find((k) => d.paths[k]?.[method.toLowerCase()]);
  if (!key) throw new Error(`no documented operation for ${method} ${path}`);
  const responses = d.paths[key]?.[method.toLowerCase()]?.responses ?? {};
  const status = Object.keys(responses).find((s) => s.startsWith('2')) as string;
  const schema = responses[status]?.content?.['application/json']?.schema;
  return { status: Number(status), schema };
}

/** Errors of `value` against a schema of the document, as readable lines (none: valid). */
export function schemaErrors(schema: object, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export const errorSchema = async () => (await openapi()).components.schemas['common.HTTP400Error'] as object;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Tutorial ids ↔ server ids. Ids the server generated are learnt where the tutorial first shows them in an
 * answer; from then on they must be the same wherever the tutorial shows them again.
 */
export class IdMap {
  readonly ours = new Map<string, string>();

  /** A tutorial value with every known tutorial id replaced by ours. */
  request<T>(value: T): T {
    return JSON.parse(JSON.stringify(value), (_k, v) =>
      typeof v === 'string' && this.ours.has(v) ? this.ours.get(v) : v,
    );
  }

  path(path: string): string {
    return path.replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
      (id) => this.ours.get(id) ?? id,
    );
  }

  /** Differences between our answer and the tutorial's, ids mapped and learnt, timestamps compared by form. */
  differences(actual: unknown, expected: unknown, at = ''): string[] {
    if (typeof expected === 'string' && uuid.test(expected)) {
      if (typeof actual !== 'string' || !uuid.test(actual))
        return [`${at}: expected a uuid, got ${JSON.stringify(actual)}`];
      const known = this.ours.get(expected);
      if (known === undefined) {
        if ([...this.ours.values()].includes(actual))
          return [`${at}: ${actual} already stands for another id`];
        this.ours.set(expected, actual);
        return [];
      }
      return known === actual ? [] : [`${at}: expected ${known} (tutorial ${expected}), got ${actual}`];
    }
    if (typeof expected === 'string' && timestamp.test(expected))
      return typeof actual === 'string' && timestamp.test(actual)
        ? []
        : [`${at}: expected a timestamp, got ${actual}`];
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length)
        return [`${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`];
      return expected.flatMap((e, i) => this.differences(actual[i], e, `${at}[${i}]`));
    }
    if (expected !== null && typeof expected === 'object') {
      if (actual === null || typeof actual !== 'object')
        return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
      const a = actual as Record<string, unknown>;
      const e = expected as Record<string, unknown>;
      const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
      return [...keys].flatMap((k) =>
        k in e ? this.differences(a[k], e[k], `${at}.${k}`) : [`${at}.${k}: not in the tutorial`],
      );
    }
    return Object.is(actual, expected)
      ? []
      : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
}

export async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const res = await testFetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The body of a new CFP `tradeRequest`: the downstream operator's part asked of the upstream operator. */
export function tradeRequestBody(r: {
  downstream: string | undefined;
  upstream: string | undefined;
  traceId: string;
  message?: string | null;
  dueDate?: string;
}) {
  return {
    tradeModel: {
      tradeId: null,
      downstreamOperatorId: r.downstream,
      upstreamOperatorId: r.upstream,
      downstreamTraceId: r.traceId,
      upstreamTraceId: null,
    },
    statusModel: {
      statusId: null,
      tradeId: null,
      requestStatus: {},
      message: r.message ?? null,
      replyMessage: null,
      requestType: 'CFP',
      responseDueDate: r.dueDate ?? '2027-03-31',
    },
  };
}
