import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DueWork, Scheduler } from './scheduler.js';

/** A work source over an in-memory list of due times, counting its "queries". */
function fakeWork(dues: number[]) {
  const ran: number[] = [];
  let queries = 0;
  const work: DueWork = {
    name: 'fake',
    nextDue: async () => {
      queries++;
      const next = Math.min(...dues);
      return Number.isFinite(next) ? new Date(next) : undefined;
    },
    runDue: async (now) => {
      queries++;
      for (const d of dues.filter((x) => x <= now.getTime())) {
        ran.push(d);
        dues.splice(dues.indexOf(d), 1);
      }
      return false;
    },
  };
  return { work, ran, queries: () => queries };
}

describe('scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-04-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const now = () => new Date(Date.now());
  const start = Date.parse('2026-04-01T00:00:00Z');

  it('runs what is due on start, then touches nothing until the next due time', async () => {
    const f = fakeWork([start - 5, start + 60_000]);
    const s = new Scheduler({ works: [f.work], now, onError: () => expect.unreachable() });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.ran).toEqual([start - 5]);
    const afterStart = f.queries();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(f.queries()).toBe(afterStart); // idle: no queries at all
    await vi.advanceTimersByTimeAsync(1_000);
    expect(f.ran).toEqual([start - 5, start + 60_000]);
    await s.stop();
  });

  it('is woken early by new work and re-arms for an earlier due time', async () => {
    const dues = [start + 600_000];
    const f = fakeWork(dues);
    const s = new Scheduler({ works: [f.work], now, onError: () => expect.unreachable() });
    s.start();
    await vi.advanceTimersByTimeAsync(0); // armed for +10 min
    dues.push(start + 1_000); // new work written elsewhere; the writer says when it is due
    s.wake(new Date(start + 1_000));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(f.ran).toEqual([start + 1_000]);
    await vi.advanceTimersByTimeAsync(599_000);
    expect(f.ran).toEqual([start + 1_000, start + 600_000]);
    await s.stop();
  });

  it('runs again when woken for due work during a run, and reports a failing source without stopping', async () => {
    const errors: string[] = [];
    let calls = 0;
    const flaky: DueWork = {
      name: 'flaky',
      nextDue: async () => undefined,
      runDue: async () => {
        calls++;
        if (calls === 1) {
          s.wake(); // written while we run
          throw new Error('database is locked');
        }
        return false;
      },
    };
    const s = new Scheduler({
      works: [flaky],
      now,
      onError: (w, e) => errors.push(`${w}: ${(e as Error).message}`),
    });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    expect(errors).toEqual(['flaky: database is locked']);
    await s.stop();
    s.wake();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2); // stopped: wakes do nothing
  });
});
