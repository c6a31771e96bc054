import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dereference } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { ensureServerCertificate } from '../../src/node/tls/index.js';
import { repoRoot } from '../support/cli.js';
import { testCaDir, testFetch } from '../support/node.js';

/** PACT v3 ProductFootprints the suites publish: every field PACT v3 requires, v2.3-mappable unless said. */
export function footprint(
  id: string,
  o: {
    product: string;
    company?: string;
    classification?: string;
    country?: string;
    region?: string;
    status?: 'Active' | 'Deprecated';
    validFrom?: string;
    validTo?: string;
    unit?: string;
    description?: string;
  },
) {
  return {
    id,
    specVersion: '3.0.0',
    created: '2023-01-15T10:15:30Z',
    status: o.status ?? 'Active',
    ...(o.validFrom ? { validityPeriodStart: o.validFrom } : {}),
    ...(o.validTo ? { validityPeriodEnd: o.validTo } : {}),
    companyName: '結び電池株式会社',
    companyIds: [
      o.company ?? 'urn:uuid:abc12345-6789-4def-0123-456789abcdef',
      'urn:pact:company:jp:houjin-bangou:5010001000001',
    ],
    productDescription: o.description ?? 'リチウムイオン電池セル（角形、50Ah）',
    productIds: [o.product],
    productClassifications: [
      o.classification ?? 'urn:eclass:0173-1#01-AAA123#005',
      'urn:pact:productclassification:un-cpc:46410',
    ],
    productNameCompany: '角形セル 50Ah',
    comment: '',
    pcf: {
      declaredUnitOfMeasurement: o.unit ?? 'kilogram',
      declaredUnitAmount: '1',
      productMassPerDeclaredUnit: '1',
      referencePeriodStart: '2024-01-01T00:00:00Z',
      referencePeriodEnd: '2024-12-31T00:00:00Z',
      ...(o.region ? { geographyRegionOrSubregion: o.region } : { geographyCountry: o.country ?? 'DE' }),
      boundaryProcessesDescription: '正極材の焼成からセル組立まで',
      pcfExcludingBiogenicUptake: '77.0',
      pcfIncludingBiogenicUptake: '76.5',
      fossilGhgEmissions: '75.0',
      fossilCarbonContent: '11.72',
      biogenicCarbonContent: '0',
      recycledCarbonContent: '0.5',
      ipccCharacterizationFactors: ['AR6'],
      crossSectoralStandards: ['ISO14067', 'GHGP-Product'],
      exemptedEmissionsPercent: '0',
      packagingEmissionsIncluded: false,
    },
  };
}

export type Validate = (value: unknown) => string[];

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
};

/** Validators for the responses and events of one of the official OpenAPI files (every $ref resolved). */
export async function pactSchemas(file: 'openapi_v3_0.yaml' | 'openapi_v2_3.yaml') {
  const doc = (await dereference(`${repoRoot}../shared/pact/${file}`)) as unknown as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('urn', /^urn:/i);
  ajv.addFormat('uint', /^\d+$/);
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  for (const f of ['double', 'float', 'int32']) ajv.addFormat(f, true);
  const compile = (schema: object): Validate => {
    const v = ajv.compile(schema);
    return (value) => (v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  };
  const v = file === 'openapi_v3_0.yaml' ? '3' : '2';
  const response = (path: string, status: string) =>
    compile(doc.paths[path]?.get?.responses[status]?.content?.['application/json']?.schema as object);
  return {
    list: response(`/${v}/footprints`, '200'),
    get: response(`/${v}/footprints/{id}`, '200'),
    error: compile(doc.components.schemas.Error as object),
    schema: (name: string) => compile(doc.components.schemas[name] as object),
  };
}

/** A received event, with the bearer token it came with. */
export interface Received {
  readonly path: string;
  readonly token: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

/**
 * A customer's PACT host over HTTPS (certificate from the test CA) on loopback: a token endpoint that takes one
 * client id/secret, and `/3/events` + `/2/events` that record what arrives with a valid token.
 */
export async function startReceiver(clientId: string, clientSecret: string) {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-pact-receiver-'));
  const tls = await ensureServerCertificate(dir, testCaDir, ['127.0.0.1', 'localhost'], new Date());
  const app: FastifyInstance = Fastify({ https: { key: tls.key, cert: tls.cert } });
  const received: Received[] = [];
  const waiting: (() => void)[] = [];
  let tokens = 0;
  let failing = 0;
  let failStatus = 503;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, b, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(b)))),
  );
  app.addContentTypeParser(
    'application/cloudevents+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.post('/auth/token', async (req, reply) => {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const [id, secret] = Buffer.from(basic, 'base64')
      .toString('utf8')
      .split(':')
      .map((s) => decodeURIComponent(s));
    if (
      id !== clientId ||
      secret !== clientSecret ||
      (req.body as { grant_type?: string }).grant_type !== 'client_credentials'
    )
      return reply.status(401).send({ error: 'invalid_client' });
    tokens += 1;
    return { access_token: `receiver-token-${tokens}`, token_type: 'Bearer', expires_in: 3600 };
  });
  for (const v of ['2', '3'])
    app.post(`/${v}/events`, async (req, reply) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token?.startsWith('receiver-token-'))
        return reply.status(401).send({ code: 'BadRequest', message: 'no token' });
      if (failing > 0) {
        failing -= 1;
        return reply
          .status(failStatus)
          .send({ code: failStatus === 503 ? 'InternalError' : 'BadRequest', message: 'not now' });
      }
      received.push({
        path: req.url,
        token,
        contentType: req.headers['content-type'],
        body: req.body as Record<string, unknown>,
      });
      for (const w of waiting.splice(0)) w();
      return reply.status(200).send();
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    received,
    tokensIssued: () => tokens,
    /** The next `n` events are answered `status` (503: the sender must retry; a 4xx: it must give up). */
    failNext: (n: number, status = 503) => {
      failing = n;
      failStatus = status;
    },
    failuresLeft: () => failing,
    /** Resolves once an event matching `pred` arrived; fails after `ms` (a bound, not a sleep). */
    async next(pred: (r: Received) => boolean, ms = 20_000): Promise<Received> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `no matching event within ${ms} ms: ${JSON.stringify(received.map((r) => r.body.type))}`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON from a node over HTTPS (the test CA trusted); `body` is `{}` when the answer had none (see `text`). */
export async function call(url: string, init: Parameters<typeof testFetch>[1] = {}) {
  const res = await testFetch(url, init);
  const text = await res.text();
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, text, body };
}
