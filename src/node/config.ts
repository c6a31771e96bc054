import { readFileSync } from 'node:fs';
import { InvalidInput } from '../errors/index.js';

/**
 * The one configuration schema. Every key has a type, a default and a one-line description; values are read
 * once (flags > env > file > defaults), validated, frozen and passed down. No other module reads process.env.
 */
type KeyType = 'string' | 'int' | 'bool' | 'list' | 'secret' | { enum: readonly string[] };

interface KeySpec {
  readonly type: KeyType;
  readonly default: string | number | boolean | readonly string[];
  readonly description: string;
  /** Extra environment names accepted besides MUSUBI_<KEY>. */
  readonly envAliases?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export const configSchema = {
  port: {
    type: 'int',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'TCP port the node listens on (0 = any free port)',
  },
  bind: {
    type: 'string',
    default: '127.0.0.1',
    description: 'address the node listens on (0.0.0.0 for all interfaces)',
  },
  host: {
    type: 'string',
    default: '',
    description:
      'public host[:port] peers use to reach this node, used in did:web ids (default: localhost:<port>)',
  },
  publicUrl: {
    type: 'string',
    default: '',
    description: 'public base URL (default: https://<host>, http://<host> with plainHttp)',
  },
  store: {
    type: 'string',
    default: '.musubi',
    description: 'directory for the SQLite database, keys and refined files',
  },
  databaseUrl: {
    type: 'secret',
    default: '',
    envAliases: ['DATABASE_URL'],
    description: 'postgres://… to keep state in PostgreSQL instead of SQLite under the store directory',
  },
  logLevel: {
    type: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    description: 'log level of the JSON log on stderr',
  },
  nodeSecret: {
    type: 'secret',
    default: '',
    description:
      'secret that encrypts participant private keys in the database (default: generated into <store>/node.secret)',
  },
  keyStorage: {
    type: { enum: ['database', 'files'] },
    default: 'database',
    description:
      'where participant private keys live: encrypted in the database, or 0600 files under the store',
  },
  defaultParticipantId: {
    type: 'string',
    default: 'default',
    description: 'id of the participant created on first start, which also answers at the URL root',
  },
  defaultParticipantName: {
    type: 'string',
    default: 'Default participant',
    description: 'display name of that participant',
  },
  shutdownTimeoutMs: {
    type: 'int',
    default: 10_000,
    min: 0,
    description: 'how long SIGTERM waits for in-flight requests before closing connections',
  },
  outboundConnectTimeoutMs: {
    type: 'int',
    default: 5_000,
    min: 1,
    description: 'connect timeout of outbound HTTP calls',
  },
  outboundReadTimeoutMs: {
    type: 'int',
    default: 30_000,
    min: 1,
    description: 'read timeout of outbound HTTP calls',
  },
  outboundMaxResponseBytes: {
    type: 'int',
    default: 10 * 1024 * 1024,
    min: 1,
    description: 'largest response body an outbound call accepts',
  },
  outboundAllow: {
    type: 'list',
    default: [],
    description: 'hosts, host:port, IPs or CIDRs outbound calls may reach even if private (comma-separated)',
  },
  chunkSize: {
    type: 'int',
    default: 800,
    min: 50,
    description: 'refinery chunk budget in characters, the context header included',
  },
  refineMaxFileBytes: {
    type: 'int',
    default: 100 * 1024 * 1024,
    min: 1,
    description: 'files larger than this are refused by refine, never read whole',
  },
  refineParseTimeoutMs: {
    type: 'int',
    default: 300_000,
    min: 1,
    description: 'time limit of one file parse',
  },
  refineParseMemoryMb: { type: 'int', default: 1024, min: 64, description: 'heap limit of one parse worker' },
  refineOcr: {
    type: { enum: ['all', 'scans', 'off'] },
    default: 'all',
    description:
      'OCR when tesseract is installed: all (PDF pages without a text layer, and the text in large images of PDF pages, DOCX and PPTX), scans (PDF pages only), off',
  },
  embeddingsUrl: {
    type: 'string',
    default: '',
    description: 'OpenAI-compatible /v1/embeddings base URL for optional dense retrieval (empty = off)',
  },
  embeddingsModel: { type: 'string', default: '', description: 'model name sent to the embeddings endpoint' },
  embeddingsApiKey: { type: 'secret', default: '', description: 'bearer key of the embeddings endpoint' },
  rerankUrl: {
    type: 'string',
    default: '',
    description: '/v1/rerank base URL (vLLM, TEI, llama.cpp) to reorder the top search hits (empty = off)',
  },
  rerankModel: { type: 'string', default: '', description: 'model name sent to the rerank endpoint' },
  rerankApiKey: { type: 'secret', default: '', description: 'bearer key of the rerank endpoint' },
  providerTimeoutMs: {
    type: 'int',
    default: 10_000,
    min: 1,
    description: 'connect and read timeout of embeddings and rerank calls (search falls back to lexical)',
  },
  profile: {
    type: { enum: ['standard', 'tck'] },
    default: 'standard',
    description:
      "tck = the DSP conformance profile: plain HTTP, and the TCK's static Authorization header as TCK_PARTICIPANT",
  },
  plainHttp: {
    type: 'bool',
    default: false,
    description:
      'serve plain http:// and reach peers (did:web resolution too) over it, instead of HTTPS (flag --insecure-http): loopback and development only',
  },
  tlsCert: {
    type: 'string',
    default: '',
    description:
      'PEM certificate (chain) the node serves HTTPS with (empty: one issued by the local CA for localhost, 127.0.0.1 and the public host)',
  },
  tlsKey: { type: 'string', default: '', description: 'PEM private key of tlsCert' },
  tlsCa: {
    type: 'list',
    default: [],
    description:
      'PEM files of extra CAs trusted for HTTPS to peers, besides the public roots and the local CA (comma-separated)',
  },
  tlsLocalCaDir: {
    type: 'string',
    default: '',
    description:
      'directory of the local CA (ca.pem, ca.key 0600), made on first start; nodes sharing it trust each other (default: <store>/ca)',
  },
  keyActivationDelayS: {
    type: 'int',
    default: 300,
    min: 0,
    description:
      'a rotated key is published at once and signs this many seconds later, once peers caching the DID document (5 min) can know it',
  },
  keyGracePeriodS: {
    type: 'int',
    default: 604_800,
    min: 0,
    description:
      'how long a replaced key stays in the DID document after it stopped signing, so what it signed still verifies',
  },
  tckAuthorization: {
    type: 'secret',
    default: 'musubi-tck',
    description: 'the Authorization header value the DSP TCK sends (tck profile only)',
  },
  processDeadlineMs: {
    type: 'int',
    default: 3_600_000,
    min: 0,
    description:
      'how long a contract negotiation waits for the counterparty before it is terminated and the peer told (0 = never)',
  },
  transferStartedDeadlineMs: {
    type: 'int',
    default: 86_400_000,
    min: 0,
    description:
      "how long a provider's STARTED pull of finite data waits for the consumer to complete it before it is terminated and the peer told (0 = never; streams, pushes and suspended transfers have no deadline)",
  },
  policyMonitorBoundMs: {
    type: 'int',
    default: 30_000,
    min: 100,
    max: 60_000,
    description:
      'longest a running transfer goes without its usage policy re-checked (claims revoked, time passed); time constraints wake the monitor sooner',
  },
  receivedRetentionMs: {
    type: 'int',
    default: 604_800_000,
    min: 0,
    description:
      'how long a received DSP message of a finished negotiation or transfer is remembered to answer its repeats (0 = for ever)',
  },
  auditCheckpointEntries: {
    type: 'int',
    default: 10_000,
    min: 0,
    description:
      'sign a checkpoint of a participant’s audit chain after this many new entries (0 = never by count)',
  },
  auditCheckpointSeconds: {
    type: 'int',
    default: 3600,
    min: 0,
    description:
      'sign a checkpoint this long after the first entry not yet covered by one (0 = never by time); an idle node signs nothing',
  },
  negotiationAutoAgree: {
    type: 'bool',
    default: true,
    description:
      'as provider, agree at once to a request for a visible offer as published (false: wait for POST …/negotiations/<id>/agree)',
  },
  eventWebhookUrl: {
    type: 'string',
    default: '',
    description:
      'URL that receives a POST for each negotiation FINALIZED or TERMINATED (through the outbox, retried; empty = none)',
  },
  dataPlaneTokenTtlS: {
    type: 'int',
    default: 300,
    min: 1,
    description: 'seconds a pull access token lives; the consumer refreshes it while the transfer is STARTED',
  },
  dataPlaneRefreshTtlS: {
    type: 'int',
    default: 86_400,
    min: 1,
    description: 'seconds a pull refresh token lives (each refresh rotates it)',
  },
  dataPlaneFileRoots: {
    type: 'list',
    default: [],
    description: 'directories File assets may be read from (comma-separated; none = File assets are refused)',
  },
  dataPlaneSecretsFile: {
    type: 'string',
    default: '',
    description:
      'JSON file {name: value} of credentials HttpData assets name in authSecret (the value is never logged)',
  },
  dataPlaneBackendTimeoutMs: {
    type: 'int',
    default: 30_000,
    min: 1,
    description:
      'how long the data plane waits for an HttpData backend (headers, and between body chunks): 504',
  },
  dataPlaneIdleTimeoutMs: {
    type: 'int',
    default: 60_000,
    min: 1,
    description:
      'a consumer that reads nothing for this long is cut off (its response is not held in memory)',
  },
  dataPlaneRateLimit: {
    type: 'int',
    default: 0,
    min: 0,
    description:
      'data-plane requests per second per agreement (0 = no limit); beyond it: 429 with Retry-After',
  },
  dataPlaneVolumeLimitBytes: {
    type: 'int',
    default: 0,
    min: 0,
    description: 'bytes served per agreement per window (0 = no limit); beyond it: 429 with Retry-After',
  },
  dataPlaneVolumeWindowS: {
    type: 'int',
    default: 3600,
    min: 1,
    description: 'length in seconds of the window dataPlaneVolumeLimitBytes counts over',
  },
  dataPlaneGzip: {
    type: 'bool',
    default: true,
    description:
      'gzip text, JSON, XML and CSV bodies on the fly for consumers that accept it (sources with gzip of their own are passed as is)',
  },
  claimsFile: {
    type: 'string',
    default: '',
    description:
      'JSON file of static verified claims per counterparty (used when neither trustedIssuers nor dcpScopes is set)',
  },
  dcpScopes: {
    type: 'list',
    default: [],
    description:
      'credential types every DSP caller must present (DCP), e.g. MembershipCredential, beside those each request’s policy reads',
  },
  trustedIssuers: {
    type: 'list',
    default: [],
    description:
      'issuers trusted per credential type, as Type=did entries (comma-separated); set, DCP asks callers for the credentials policies read',
  },
  credentialServiceTimeoutMs: {
    type: 'int',
    default: 5000,
    min: 1,
    description:
      "how long a counterparty's CredentialService may take to answer a presentation query: refused after",
  },
  credentialLeewayS: {
    type: 'int',
    default: 30,
    min: 0,
    description: 'clock skew tolerated on credential and presentation validity (seconds)',
  },
  statusListMaxAgeS: {
    type: 'int',
    default: 300,
    min: 0,
    description: 'Cache-Control max-age of the status lists this node publishes as an authority (seconds)',
  },
  directoryMaxAgeS: {
    type: 'int',
    default: 300,
    min: 0,
    description:
      'Cache-Control max-age of participant directory answers this node serves as an authority (seconds)',
  },
  directoryFromCredentials: {
    type: 'bool',
    default: true,
    description:
      'as an authority, list the holder of an issued MembershipCredential carrying a corporateNumber claim in the participant directory',
  },
  directoryAuthority: {
    type: 'string',
    default: '',
    description:
      'root URL of the authority whose participant directory finds a company by its 法人番号 (e.g. a footprint supplier for pcf link)',
  },
  credentialRecheckS: {
    type: 'int',
    default: 60,
    min: 1,
    max: 300,
    description:
      "the bound on how long a revoked or expired counterparty credential keeps a running transfer alive: its STARTED transfers' credentials are re-checked at least this often (seconds), and status lists are cached no longer",
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configSchema;
type ValueOf<S extends KeySpec> = S['type'] extends 'int'
  ? number
  : S['type'] extends 'bool'
    ? boolean
    : S['type'] extends 'list'
      ? readonly string[]
      : S['type'] extends { enum: readonly (infer E)[] }
        ? E
        : string;
export type Config = { readonly [K in ConfigKey]: ValueOf<(typeof configSchema)[K]> };
export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

export interface LoadedConfig {
  readonly values: Config;
  readonly sources: Readonly<Record<ConfigKey, ConfigSource>>;
  readonly file?: string;
}

export class ConfigError extends InvalidInput {
  constructor(message: string, key?: string) {
    super(key ? 'config.invalid-value' : 'config.invalid', message, key ? { key } : {});
  }
}

const keys = Object.keys(configSchema) as ConfigKey[];

/** camelCase key → MUSUBI_SNAKE_CASE environment name. */
export function envName(key: ConfigKey): string {
  return `MUSUBI_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function parseValue(key: ConfigKey, raw: unknown, origin: string): unknown {
  const spec: KeySpec = configSchema[key];
  const bad = (why: string) => new ConfigError(`${origin}: ${key} ${why}`, key);
  const t = spec.type;
  if (t === 'int') {
    const n =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
          ? Number(raw)
          : Number.NaN;
    if (!Number.isSafeInteger(n)) throw bad(`must be an integer, got ${JSON.stringify(raw)}`);
    if (spec.min !== undefined && n < spec.min) throw bad(`must be ≥ ${spec.min}, got ${n}`);
    if (spec.max !== undefined && n > spec.max) throw bad(`must be ≤ ${spec.max}, got ${n}`);
    return n;
  }
  if (t === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw bad(`must be true or false, got ${JSON.stringify(raw)}`);
  }
  if (t === 'list') {
    if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return Object.freeze([...raw]);
    if (typeof raw === 'string') {
      return Object.freeze(
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    }
    throw bad('must be a list of strings');
  }
  if (typeof raw !== 'string') throw bad(`must be a string, got ${JSON.stringify(raw)}`);
  if (typeof t === 'object' && !t.enum.includes(raw))
    throw bad(`must be one of ${t.enum.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `config file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export interface ConfigInputs {
  /** Values from command-line flags, already named by config key; undefined entries are ignored. */
  readonly flags?: Partial<Record<ConfigKey, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON config file (flag --config or MUSUBI_CONFIG). */
  readonly file?: string;
}

/** Reads every source once and returns a frozen, validated configuration. */
export function loadConfig({ flags = {}, env = {}, file }: ConfigInputs): LoadedConfig {
  const configFile = file ?? env.MUSUBI_CONFIG;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  for (const k of Object.keys(fromFile)) {
    if (!(k in configSchema)) throw new ConfigError(`config file ${configFile}: unknown key ${k}`);
  }
  const knownEnv = new Set(keys.map(envName));
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('MUSUBI_') &&
      !knownEnv.has(name) &&
      name !== 'MUSUBI_CONFIG' &&
      !name.startsWith('MUSUBI_TEST_')
    ) {
      throw new ConfigError(`environment: unknown variable ${name}`);
    }
  }
  const values: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const key of keys) {
    const spec: KeySpec = configSchema[key];
    const envHit = [envName(key), ...(spec.envAliases ?? [])].find(
      (n) => env[n] !== undefined && env[n] !== '',
    );
    if (flags[key] !== undefined) {
      values[key] = parseValue(key, flags[key], 'flag');
      sources[key] = 'flag';
    } else if (envHit) {
      values[key] = parseValue(key, env[envHit], `environment ${envHit}`);
      sources[key] = 'env';
    } else if (fromFile[key] !== undefined) {
      values[key] = parseValue(key, fromFile[key], `config file ${configFile}`);
      sources[key] = 'file';
    } else {
      values[key] = spec.default;
      sources[key] = 'default';
    }
  }
  return Object.freeze({
    values: Object.freeze(values) as Config,
    sources: Object.freeze(sources) as Record<ConfigKey, ConfigSource>,
    ...(configFile ? { file: configFile } : {}),
  });
}

/** Rows for `musubi config`: every key with its value (secrets masked), source and description. */
export function describeConfig(
  loaded: LoadedConfig,
): { key: ConfigKey; value: unknown; source: ConfigSource; description: string }[] {
  return keys.map((key) => {
    const spec: KeySpec = configSchema[key];
    const value = loaded.values[key];
    const masked = spec.type === 'secret' && value ? '********' : value;
    return { key, value: masked, source: loaded.sources[key], description: spec.description };
  });
}

/** The public host (for did:web and URLs) once the real port is known. */
export function publicHost(config: Config, port: number): string {
  return config.host || `localhost:${port}`;
}

/** Plain HTTP is only ever chosen: by plainHttp (--insecure-http), or by the TCK profile. */
export function plainHttpEnabled(config: Config): boolean {
  return config.plainHttp || config.profile === 'tck';
}
