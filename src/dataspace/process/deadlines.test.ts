import { describe, expect, it } from 'vitest';
import { deadlineWork } from './deadlines.js';

describe('deadline work', () => {
  it('asks the store only when a deadline may be due, and learns new ones from hints', async () => {
    let queries = 0;
    const stored = [new Date('2026-04-01T01:00:00Z')];
    const expired: Date[] = [];
    const w = deadlineWork('test', {
      next: async () => {
        queries++;
        return stored[0];
      },
      expire: async (now) => {
        queries++;
        while (stored[0] && stored[0] <= now) expired.push(stored.shift()!);
        return false;
      },
    });
    const t = (iso: string) => new Date(`2026-04-01T${iso}Z`);
    await w.runDue(t('00:00:00')); // nothing known yet: one look
    expect(await w.nextDue()).toEqual(t('01:00:00'));
    const afterStart = queries;
    for (let i = 0; i < 50; i++) await w.runDue(t('00:10:00')); // message traffic: no queries
    expect(await w.nextDue()).toEqual(t('01:00:00'));
    expect(queries).toBe(afterStart);
    stored.unshift(t('00:30:00'));
    w.hint(t('00:30:00'));
    expect(await w.nextDue()).toEqual(t('00:30:00'));
    await w.runDue(t('00:30:00'));
    expect(expired).toEqual([t('00:30:00')]);
    expect(await w.nextDue()).toEqual(t('01:00:00')); // looked again after expiring
  });
});
