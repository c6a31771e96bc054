import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
// Types only: undici is loaded by the first request, so commands that make none do not pay for it.
import type { Agent, Dispatcher, RequestInit, Response } from 'undici';
import { InvalidInput, MusubiError } from '../errors/index.js';
import { tlsExplanation } from '../outbound/errors.js';

/**
 * The CLI's HTTPS to nodes: Node 20's fetch takes no `ca` and reads NODE_EXTRA_CA_CERTS only at start, so an
 * undici Agent carries the CAs to trust — the public roots, the files given with --ca (MUSUBI_TLS_CA), and the
 * local CA of a node started from the same directory (`.musubi/ca/ca.pem`).
 */
export const defaultLocalCa = join('.musubi', 'ca', 'ca.pem');

const agents = new Map<string, Dispatcher>();

function dispatcherFor(AgentClass: typeof Agent, caFiles: readonly string[]): Dispatcher {
  const files = [...caFiles, ...(existsSync(defaultLocalCa) ? [defaultLocalCa] : [])];
  const key = files.join('\n');
  let agent = agents.get(key);
  if (!agent) {
    const extra = files.map((f) => {
      try {
        return readFileSync(f, 'utf8');
      } catch (e) {
        throw new InvalidInput(
          'cli.ca-unreadable',
          `cannot read the CA file ${f} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    });
    agent = new AgentClass({ connect: { ca: [...rootCertificates, ...extra] } });
    agents.set(key, agent);
  }
  return agent;
}

/** `--ca a.pem,b.pem` (repeatable commas) as a list of files. */
export function caFiles(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** fetch with the trusted CAs; a refused certificate is one readable line saying which CA to pass. */
export async function trustedFetch(url: string, init: RequestInit, ca: readonly string[]): Promise<Response> {
  const undici = await import('undici');
  try {
    return await undici.fetch(url, { ...init, dispatcher: dispatcherFor(undici.Agent, ca) });
  } catch (e) {
    const code = causeCode(e);
    const why = code ? tlsExplanation(code) : undefined;
    if (!why) throw e;
    throw new MusubiError(
      'cli.tls-untrusted',
      'unavailable',
      `cannot reach ${new URL(url).host} over HTTPS: ${why} (${code}); pass the node's CA with --ca <file> (a node prints its local CA file at start)`,
    );
  }
}

function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
