import jsonld from 'jsonld';
// @ts-expect-error: an internal module of jsonld, without typings
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { InvalidInput } from '../../errors/index.js';
import dspaceContext from './contexts/dspace-2025-1.json' with { type: 'json' };
import odrlProfile from './contexts/odrl-profile-2025-1.json' with { type: 'json' };
import { dspContext } from './messages.js';

/**
 * Inbound DSP messages in either JSON-LD form, turned into the compact shape of the 2025-1 schemas. Compact
 * messages on the DSP context pass through untouched (the fast path); anything else — expanded JSON-LD, other
 * term choices — is compacted with jsonld against the bundled contexts. The document loader knows only those
 * contexts and never touches the network: an unknown `@context` is refused, naming it.
 */
const odrlProfileUrl = 'https://w3id.org/dspace/2025/1/odrl-profile.jsonld';

/** The contexts bundled with Musubi, by URL (copies of the official files in ../shared/dsp-schemas). */
export const bundledContexts: Readonly<Record<string, unknown>> = Object.freeze({
  [dspContext]: dspaceContext,
  [odrlProfileUrl]: odrlProfile,
});

export class UnknownContext extends InvalidInput {
  constructor(readonly url: string) {
    super(
      'dsp.unknown-context',
      `unknown JSON-LD @context ${JSON.stringify(url)}: only the DSP 2025-1 contexts are known`,
      {
        context: url,
      },
    );
  }
}

export class InvalidJsonLd extends InvalidInput {
  constructor(detail: string) {
    super('dsp.invalid-json-ld', `the message is not usable JSON-LD: ${detail}`);
  }
}

type Loaded = { contextUrl: null; documentUrl: string; document: unknown };

// The package's typings predate its promise-only API and custom loaders; this is the part we call.
const compact = jsonld.compact as unknown as (
  input: unknown,
  context: string,
  options: { documentLoader: (url: string) => Promise<Loaded>; safe: boolean; contextResolver: unknown },
) => Promise<Record<string, unknown>>;

function loader(unknown: string[]) {
  return async (url: string): Promise<Loaded> => {
    const document = bundledContexts[url];
    if (document === undefined) {
      unknown.push(url);
      throw new UnknownContext(url);
    }
    // jsonld may modify a loaded context while processing it: each load gets its own copy.
    return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Context URLs a document names at its top level (inline context objects are left to jsonld). */
function namedContexts(ctx: unknown): string[] {
  const list = Array.isArray(ctx) ? ctx : [ctx];
  return list.filter((c): c is string => typeof c === 'string');
}

/** Deeper than any DSP message nests; jsonld recurses per level and overflows the stack on hostile input. */
const maxDepth = 32;

function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > maxDepth) return true;
    if (typeof v === 'object' && v !== null)
      for (const child of Object.values(v)) if (typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** True when the message is already compact on the DSP context alone: nothing to do. */
function isCompact(body: Record<string, unknown>): boolean {
  const ctx = body['@context'];
  const list = Array.isArray(ctx) ? ctx : [ctx];
  return list.length > 0 && list.every((c) => c === dspContext);
}

/**
 * The compact form of an inbound DSP message. Throws UnknownContext for a context not bundled and
 * InvalidJsonLd for anything jsonld cannot read as one message.
 */
export async function compactDspMessage(body: unknown): Promise<Record<string, unknown>> {
  if (isRecord(body)) {
    for (const url of namedContexts(body['@context']))
      if (!(url in bundledContexts)) throw new UnknownContext(url);
    if (isCompact(body))
      return Array.isArray(body['@context']) ? body : { ...body, '@context': [dspContext] };
  } else if (!Array.isArray(body)) {
    throw new InvalidJsonLd('expected a JSON object');
  }
  if (tooDeep(body)) throw new InvalidJsonLd(`nested deeper than ${maxDepth} levels`);
  const unknown: string[] = [];
  let compacted: Record<string, unknown>;
  try {
    compacted = await compact(body, dspContext, {
      documentLoader: loader(unknown),
      safe: false,
      // jsonld's process-wide cache of resolved contexts mixes up the DSP context's type-scoped @import
      // contexts between calls (compaction silently drops whole members); a cache per call does not.
      contextResolver: new ContextResolver({ sharedCache: new Map() }),
    });
  } catch (e) {
    if (unknown[0] !== undefined) throw new UnknownContext(unknown[0]);
    throw new InvalidJsonLd(e instanceof Error ? e.message : String(e));
  }
  if ('@graph' in compacted) throw new InvalidJsonLd('expected exactly one message node');
  return { ...compacted, '@context': [dspContext] };
}
