/**
 * The code that runs inside a parse worker: receives bytes and a source, runs the parser for the format
 * (the built-in registry, or a named module export) and posts the Document or a serialised error back.
 */
import { parentPort } from 'node:worker_threads';
import { isMusubiError } from '../../../errors/index.js';
import type { Document, Parser } from '../../document/index.js';
import { findSoffice } from '../legacy.js';
import { parserFor } from '../registry.js';
import type { SerialisedError } from './errors.js';
import { useNativeInflate } from './inflate-stream.js';
import type { AfterParse, ParseReply, ParseRequest, ParserModule } from './protocol.js';

// pdf.js inflates every content stream, font and image through the global DecompressionStream when there is
// one; Node's (web streams) costs more per object than the inflating, pdf.js's own JavaScript inflate is slow,
// and native zlib in one call is faster than both. Nothing else in this thread, which only parses and tokenises,
// uses the global (fflate and pako inflate on their own).
useNativeInflate();

// Legacy .doc/.xls/.ppt are converted by the LibreOffice on this machine's PATH, when there is one.
const soffice = findSoffice(process.env.PATH);

async function parserOf(format: string, named: ParserModule | undefined): Promise<Parser> {
  if (named === undefined) return parserFor(format, soffice === undefined ? {} : { soffice });
  const mod = (await import(named.module)) as Record<string, unknown>;
  const parser = mod[named.export];
  if (typeof parser !== 'function') throw new Error(`${named.module} has no parser export ${named.export}`);
  return parser as Parser;
}

async function runAfter(after: AfterParse, document: Document): Promise<unknown> {
  const mod = (await import(after.module)) as Record<string, unknown>;
  const step = mod[after.export];
  if (typeof step !== 'function') throw new Error(`${after.module} has no export ${after.export}`);
  return (step as (d: Document, o: unknown) => unknown)(document, after.options);
}

function serialise(e: unknown): SerialisedError {
  if (isMusubiError(e))
    return { name: e.name, code: e.code, kind: e.kind, message: e.message, fields: e.fields };
  return { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
}

parentPort?.on('message', async (request: ParseRequest) => {
  let reply: ParseReply = { id: request.id, started: true };
  parentPort?.postMessage(reply);
  try {
    const parse = await parserOf(request.source.format, request.parser);
    const document = await parse(request.bytes, request.source);
    reply =
      request.after === undefined
        ? { id: request.id, ok: true, document }
        : { id: request.id, ok: true, document, extra: await runAfter(request.after, document) };
  } catch (e) {
    reply = { id: request.id, ok: false, error: serialise(e) };
  }
  parentPort?.postMessage(reply);
});
