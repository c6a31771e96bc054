import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import type { Response } from 'undici';
import { MusubiError } from '../../errors/index.js';
import { trustedFetch } from '../https.js';

/**
 * `musubi transfer pull`: streams a STARTED transfer's data from the provider's data plane with the EDR the
 * node hands out (`GET /management/v1/transfers/:id/edr`). A dropped connection resumes with a byte range where
 * the provider offers ranges; a token refused once is asked for again (the node refreshes it) before giving up.
 */

export interface PulledEdr {
  readonly endpoint: string;
  readonly authorization: string;
}

export interface PullOptions {
  readonly transferId: string;
  /** Destination file; undefined writes to stdout. */
  readonly output?: string;
  readonly edr: () => Promise<PulledEdr>;
  /** Progress and the final report (stderr). */
  readonly report: (line: string) => void;
  readonly attempts?: number;
  /** Extra CA files trusted for the provider's data plane. */
  readonly ca?: readonly string[];
}

const kindOf = (status: number) =>
  status === 401 || status === 403
    ? 'unauthorized'
    : status === 404
      ? 'not-found'
      : status === 429 || status >= 500
        ? 'unavailable'
        : 'invalid';

/** The provider's answer as one line: status, and the problem's code and detail when it sent one. */
async function refusal(transferId: string, res: Response): Promise<MusubiError> {
  let why = '';
  try {
    const p = (await res.json()) as { code?: string; detail?: string; title?: string };
    why = [p.code, p.detail ?? p.title].filter(Boolean).join(': ');
  } catch {
    // no problem body
  }
  return new MusubiError(
    'cli.pull-refused',
    kindOf(res.status),
    `pull of ${transferId} refused by the provider: HTTP ${res.status}${why ? ` ${why}` : ''}`,
    { status: res.status },
  );
}

class Attempt {
  constructor(
    readonly resumable: boolean,
    readonly cause: unknown,
  ) {}
}

export async function pullTransfer(o: PullOptions): Promise<number> {
  const part = o.output ? `${o.output}.part` : undefined;
  // A .part file left by an interrupted pull is continued, not started over.
  let written = part && existsSync(part) ? statSync(part).size : 0;
  if (written > 0) o.report(`resuming ${o.output} at ${written} bytes`);
  let edr = await o.edr();
  let askedAgain = false;
  const attempts = o.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    const headers: Record<string, string> = { authorization: `Bearer ${edr.authorization}` };
    if (written > 0) headers.range = `bytes=${written}-`;
    let res: Response;
    try {
      res = await trustedFetch(edr.endpoint, { headers }, o.ca ?? []);
    } catch (e) {
      if (attempt >= attempts) throw unreachable(o.transferId, e);
      continue;
    }
    if ((res.status === 401 || res.status === 403) && !askedAgain) {
      // The token may have expired between asking and using it: the node refreshes, once.
      await res.body?.cancel();
      askedAgain = true;
      edr = await o.edr();
      continue;
    }
    if (res.status === 416 && written > 0) {
      await res.body?.cancel();
      break; // everything was already here
    }
    if (res.status !== 200 && res.status !== 206) throw await refusal(o.transferId, res);
    if (res.status === 200 && written > 0) {
      if (!part)
        throw new MusubiError('cli.pull-restart', 'unavailable', 'the provider cannot resume; pull again');
      o.report('the provider does not resume: starting over');
      written = 0;
    }
    const out: Writable = part ? createWriteStream(part, { flags: written > 0 ? 'a' : 'w' }) : process.stdout;
    const counted = new Transform({
      transform(chunk: Buffer, _e, done) {
        written += chunk.length;
        done(null, chunk);
      },
    });
    try {
      if (!res.body) throw new MusubiError('cli.pull-failed', 'unavailable', 'the provider sent no body');
      await pipeline(Readable.fromWeb(res.body as WebStream), counted, out, { end: part !== undefined });
      break;
    } catch (e) {
      const resumable = res.headers.get('accept-ranges') === 'bytes';
      if (attempt >= attempts || (!resumable && !part))
        throw unreachable(o.transferId, new Attempt(resumable, e));
      o.report(`connection dropped at ${written} bytes; ${resumable ? 'resuming' : 'starting over'}`);
      if (!resumable) written = 0;
    }
  }
  if (part && o.output) renameSync(part, o.output);
  o.report(`pulled ${written} bytes${o.output ? ` to ${o.output}` : ''}`);
  return written;
}

function unreachable(transferId: string, e: unknown): MusubiError {
  const cause = e instanceof Attempt ? e.cause : e;
  const why =
    cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : 'failed';
  return new MusubiError('cli.pull-failed', 'unavailable', `pull of ${transferId} failed: ${why}`);
}
