/** Parsers that misbehave on purpose, loaded by module URL inside parse workers. */
import type { Parser } from '../../src/refinery/document/index.js';

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
