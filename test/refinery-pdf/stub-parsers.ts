/** Parsers that misbehave on purpose, loaded by module URL inside parse workers. */
import type { Document, Parser } from '../../src/refinery/document/index.js';

/** Blocks its thread forever: only terminating the worker can stop it. */
export const hangingParser: Parser = async () => {
  for (;;) {
    // Busy loop: no await, so the worker's event loop never turns again.
  }
};

/** Allocates until the heap cap is hit. */
export const hungryParser: Parser = async () => {
  const hoard: number[][] = [];
  for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i * Math.random()));
};

/** An after-parse step: what it saw of the Document, its options and the thread it ran on. */
export const describeInWorker = async (doc: Document, options: { readonly tag: string }) => {
  const { threadId } = await import('node:worker_threads');
  return { blocks: doc.blocks.length, tag: options.tag, threadId };
};

/** An after-parse step that fails. */
export const failingStep = () => {
  throw new Error('step refused');
};
