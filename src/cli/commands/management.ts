import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { Response } from 'undici';
import { type ErrorKind, InvalidInput, isMusubiError, MusubiError } from '../../errors/index.js';
import { caFiles, trustedFetch } from '../https.js';

/**
 * The management API as the `asset`, `policy`, `offer` and `catalog` commands call it: one request, a problem
 * answer turned into one readable line and the exit code of its kind.
 */
export interface Connection {
  readonly node: string;
  readonly apiKey: string;
  /** Extra CA files trusted for HTTPS to the node (and to a provider's data plane). */
  readonly ca: readonly string[];
}

export interface ConnectionFlags {
  readonly node: string;
  readonly apiKey: string;
  readonly ca?: string;
  readonly json?: boolean;
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 409) return 'conflict';
  if (status === 503) return 'unavailable';
  return status >= 400 && status < 500 ? 'invalid' : 'internal';
}

export async function managementCall<T>(
  c: Connection,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await trustedFetch(
      `${c.node.replace(/\/+$/, '')}/management/v1${path}`,
      {
        method,
        headers: {
          'x-api-key': c.apiKey,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      c.ca,
    );
  } catch (e) {
    if (isMusubiError(e)) throw e;
    throw new MusubiError(
      'cli.node-unreachable',
      'unavailable',
      `cannot reach the node at ${c.node}: ${(e as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
    throw new MusubiError(
      p.code ?? 'cli.request-failed',
      kindOfStatus(res.status),
      p.detail ?? p.title ?? `HTTP ${res.status}`,
    );
  }
  return parsed as T;
}

/** --node, --api-key (or MUSUBI_API_KEY) and --json on a command. */
export function withConnection(cmd: Command): Command {
  return cmd
    .addOption(new Option('--node <url>', 'the node’s URL').default('https://127.0.0.1:8080'))
    .addOption(
      new Option('--ca <files>', 'CA certificate(s) to trust for HTTPS, comma-separated').env(
        'MUSUBI_TLS_CA',
      ),
    )
    .addOption(
      new Option('--api-key <key>', 'management API key of the participant')
        .env('MUSUBI_API_KEY')
        .makeOptionMandatory(),
    )
    .option('--json', 'output as JSON');
}

export const connection = (f: ConnectionFlags): Connection => ({
  node: f.node,
  apiKey: f.apiKey,
  ca: caFiles(f.ca),
});

/** For repeatable options: `--keyword a --keyword b`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function readJsonFile(file: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidInput('cli.json-file', `cannot read the ${what} from ${file}: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInput('cli.json-file', `${file} must hold a JSON object (the ${what})`);
  return value as Record<string, unknown>;
}

export const idempotency = (key: string | undefined): Record<string, string> =>
  key ? { 'idempotency-key': key } : {};

export const enc = encodeURIComponent;

/** `?a=1&b=2` of the defined values, or ''. */
export function query(values: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
