import type { DueWork } from './scheduler.js';

/**
 * Scheduler work for a process kind's deadlines that remembers the earliest one it knows of, so the many runs
 * woken by message traffic cost no deadline query at all until a deadline is actually due. Writers that set
 * a deadline `hint` it; anything else (a deadline cleared) at worst makes one run look and find nothing.
 */
export function deadlineWork(
  name: string,
  source: {
    /** The earliest deadline stored, or undefined. */
    readonly next: () => Promise<Date | undefined>;
    /** Expires what is due at `now`; true when a full batch suggests more. */
    readonly expire: (now: Date) => Promise<boolean>;
  },
): DueWork & { hint(at: Date): void } {
  let known: number | undefined; // the earliest deadline, when `fresh`
  let fresh = false;
  return {
    name,
    hint(at) {
      if (fresh && (known === undefined || at.getTime() < known)) known = at.getTime();
    },
    async nextDue() {
      if (!fresh) {
        known = (await source.next())?.getTime();
        fresh = true;
      }
      return known === undefined ? undefined : new Date(known);
    },
    async runDue(now) {
      if (fresh && (known === undefined || known > now.getTime())) return false;
      fresh = false; // what we expire changes the earliest deadline
      return source.expire(now);
    },
  };
}
