import { describe, expect, it } from 'vitest';
import { pairedBootstrap, seededRandom } from './bootstrap.js';

describe('paired bootstrap', () => {
  it('is deterministic for a seed', () => {
    const a = [1, 0, 1, 1, 0, 1, 1, 1];
    const b = [0, 0, 1, 0, 0, 1, 0, 1];
    expect(pairedBootstrap(a, b, { seed: 7 })).toEqual(pairedBootstrap(a, b, { seed: 7 }));
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('puts the interval above zero when the system always wins', () => {
    const system = Array.from({ length: 50 }, () => 1);
    const baseline = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const ci = pairedBootstrap(system, baseline);
    expect(ci.delta).toBe(0.5);
    expect(ci.low).toBeGreaterThan(0.3);
    expect(ci.high).toBeLessThanOrEqual(0.7);
  });

  it('includes zero when the two systems tie on average', () => {
    const system = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const baseline = Array.from({ length: 60 }, (_, i) => (i % 2 === 1 ? 1 : 0));
    const ci = pairedBootstrap(system, baseline);
    expect(ci.low).toBeLessThan(0);
    expect(ci.high).toBeGreaterThan(0);
  });
});
