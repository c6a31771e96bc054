import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from './messages.js';
import { messageErrors, typeOf } from './schemas.js';

/** One message the node sent to the peer. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Json;
  readonly type: string | undefined;
}

/** What the peer answers to one received message. */
export interface Reply {
  readonly status: number;
  readonly body?: Json;
}

export type Responder = (m: Received) => Reply;

interface Waiter {
  readonly match: (m: Received) => boolean;
  readonly resolve: (m: Received) => void;
}

/**
 * The conformance peer: a minimal DSP connector on loopback that plays the other side of each scenario,
 * like the TCK's own connector. It records every message the node sends it, validates each against the
 * official schema of its `@type`, and answers through responders registered per path. A path nobody
 * registered answers 404 — as the TCK does — so a message the scenario does not expect is visible.
 * Waiting is event-driven: `next()` resolves when the message arrives (or has already arrived).
 */
export class TestPeer {
  readonly inbox: Received[] = [];
  /** Schema violations found in messages the node sent (each test asserts this stays empty). */
  readonly violations: string[] = [];
  private readonly responders: { pattern: RegExp; respond: Responder }[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly consumed = new Set<Received>();
  private server?: Server;
  private port = 0;

  /** The base URL the node calls back (the peer's DSP base, no version segment, as the TCK's). */
  get address(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push(`peer failed on ${req.method} ${req.url}: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers messages whose path matches; later registrations win over earlier ones. */
  on(pattern: RegExp, respond: Responder): this {
    this.responders.unshift({ pattern, respond });
    return this;
  }

  /** Forgets what the node sent and every responder: the start of a new scenario. */
  reset(): void {
    this.inbox.length = 0;
    this.violations.length = 0;
    this.responders.length = 0;
    this.consumed.clear();
  }

  /**
   * The next not-yet-consumed message of `type` (optionally also matching `where`), waiting for it up to
   * `timeoutMs` — a failure bound, never a pause the scenario relies on.
   */
  next(type: string, where: (m: Received) => boolean = () => true, timeoutMs = 10_000): Promise<Received> {
    const match = (m: Received) => m.type === type && where(m) && !this.consumed.has(m);
    const already = this.inbox.find(match);
    if (already) {
      this.consumed.add(already);
      return Promise.resolve(already);
    }
    return new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        const seen = this.inbox.map((m) => `${m.method} ${m.path} ${m.type ?? ''}`).join(', ') || 'nothing';
        reject(new Error(`the node sent no ${type} within ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.consumed.add(m);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Json = {};
    if (text) {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        this.violations.push(`${req.method} ${req.url}: body is not JSON: ${text.slice(0, 200)}`);
      }
    }
    // Pids such as urn:uuid:… may come percent-encoded in the path; compare them decoded.
    const path = ((req.url ?? '/').split('?')[0] ?? '/').split('/').map(decodeURIComponent).join('/');
    const m: Received = { method: req.method ?? 'GET', path, headers: req.headers, body, type: typeOf(body) };
    if (m.method === 'POST') {
      const errors = messageErrors(body);
      if (errors.length > 0) this.violations.push(`${m.method} ${path}: ${errors.join('; ')}`);
    }
    this.inbox.push(m);
    const responder = this.responders.find((r) => r.pattern.test(path));
    const reply: Reply = responder ? responder.respond(m) : { status: 404 };
    if (reply.body && messageErrors(reply.body).length > 0)
      throw new Error(`the peer's own reply violates the schema: ${messageErrors(reply.body).join('; ')}`);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body ? JSON.stringify(reply.body) : undefined);
    for (const w of [...this.waiters]) {
      if (w.match(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
        break;
      }
    }
  }
}
