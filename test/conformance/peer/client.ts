import type { Json } from './messages.js';
import { checkMessage, messageErrors } from './schemas.js';

export interface NodeResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json | undefined;
  readonly text: string;
}

/**
 * The peer's calls to the node under test, over HTTP only: every message it sends is schema-checked first
 * (a scenario must never fail because the peer sent nonsense), and every DSP answer is checked on receipt.
 */
export class NodeClient {
  constructor(
    /** The node's DSP base, e.g. `http://127.0.0.1:8080/dsp/2025-1`. */
    readonly dspBase: string,
    /** The node's root, for `/.well-known/dspace-version`. */
    readonly baseUrl: string,
    /** The static Authorization header of the conformance profile. */
    private readonly authorization: string,
  ) {}

  async get(path: string, base = this.dspBase): Promise<NodeResponse> {
    return this.call('GET', `${base}${path}`);
  }

  /** POSTs a DSP message (schema-checked before it leaves). */
  async post(path: string, message: Json): Promise<NodeResponse> {
    checkMessage(message);
    return this.call('POST', `${this.dspBase}${path}`, JSON.stringify(message));
  }

  /** POSTs a DSP message to an absolute URL (the node's callback address, when the peer is the provider). */
  async postTo(url: string, message: Json): Promise<NodeResponse> {
    checkMessage(message);
    return this.call('POST', url, JSON.stringify(message));
  }

  /** POSTs anything at all, bypassing the checks: for malformed-input scenarios and the fuzzer. */
  async postRaw(path: string, body: string, contentType = 'application/json'): Promise<NodeResponse> {
    return this.call('POST', `${this.dspBase}${path}`, body, contentType);
  }

  /** POSTs a plain JSON body to a URL outside the DSP base (the TCK's initiate webhooks). */
  async postPlain(url: string, body: Json): Promise<NodeResponse> {
    return this.call('POST', url, JSON.stringify(body));
  }

  private async call(method: string, url: string, body?: string, contentType = 'application/json') {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      body,
    });
    const text = await res.text();
    let parsed: Json | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
}

/** Asserts a status and that the answer is a valid message of `type`; returns its body. */
export function expectMessage(r: NodeResponse, status: number, type: string): Json {
  if (r.status !== status)
    throw new Error(`expected HTTP ${status} with a ${type}, got ${r.status}: ${r.text.slice(0, 500)}`);
  checkMessage(r.body, type);
  return r.body as Json;
}

/** Asserts a 4xx (never a 404: the TCK fails an expected error that comes back as 404) with a valid error body. */
export function expectRefusal(r: NodeResponse, type: string): Json {
  if (r.status < 400 || r.status >= 500 || r.status === 404)
    throw new Error(`expected a 4xx (not 404) ${type}, got ${r.status}: ${r.text.slice(0, 500)}`);
  const errors = messageErrors(r.body);
  if (errors.length > 0 || (r.body as Json)['@type'] !== type)
    throw new Error(`expected a ${type} body, got ${r.text.slice(0, 500)} (${errors.join('; ')})`);
  return r.body as Json;
}
