import { describe, expect, it } from 'vitest';
import { getDocument, OPS } from './pdfjs.js';

describe('pdfjs loading', () => {
  it('leaves the native Array.prototype.push and JSON in place after pdfjs and its worker module load', () => {
    expect(typeof getDocument).toBe('function');
    expect(typeof OPS.constructPath).toBe('number');
    for (const f of [Array.prototype.push, JSON.parse, JSON.stringify]) {
      expect(Function.prototype.toString.call(f)).toContain('[native code]');
    }
    // What pdfjs needs from its polyfills on Node 20 is still there.
    expect(typeof (Promise as { withResolvers?: unknown }).withResolvers).toBe('function');
  });
});
