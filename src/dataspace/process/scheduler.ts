/**
 * Event-driven background work. Each source says when its next item is due and runs what is due; the
 * scheduler keeps ONE timer armed for the earliest of them and is woken early when new work is written.
 * An idle node therefore runs no query at all until something is due — no fixed-interval polling.
 */
export interface DueWork {
  readonly name: string;
  /** When the next item becomes due, or undefined when there is none. */
  nextDue(): Promise<Date | undefined>;
  /** Runs what is due at `now`; returns true when more may be due already (a full batch). */
  runDue(now: Date): Promise<boolean>;
}

export interface SchedulerDeps {
  readonly works: readonly DueWork[];
  readonly now: () => Date;
  readonly onError: (work: string, error: unknown) => void;
}

// setTimeout's limit (~24.8 days); a later due time simply re-arms when this fires.
const longestTimerMs = 2 ** 31 - 1;

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  /** Work due now runs on the next turn of the event loop, not after a timer's minimum of 1 ms. */
  private immediate: NodeJS.Immediate | undefined;
  private armedFor: number | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private started = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Recovery on start: runs whatever is already due (left by a crash or a restart), then arms the timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /** New work is due at `at` (default: now). Cheap; safe to call after every committed change. */
  wake(at?: Date): void {
    if (this.stopped || !this.started) return;
    const due = at?.getTime() ?? 0;
    if (due <= this.deps.now().getTime()) {
      if (this.running) this.again = true;
      else this.arm(0);
      return;
    }
    if (this.armedFor === undefined || due < this.armedFor) this.arm(due - this.deps.now().getTime());
  }

  /** When the armed timer fires (undefined: none armed, or a run is in progress). For tests and status. */
  nextWake(): Date | undefined {
    return this.running || this.armedFor === undefined ? undefined : new Date(this.armedFor);
  }

  /** Resolves once no run is in progress nor due at once (sends started by a run may still be in flight). */
  async quiet(): Promise<void> {
    while (this.running || this.immediate) {
      if (this.running) await this.running;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    await this.running;
  }

  private arm(delayMs: number): void {
    this.disarm();
    this.armedFor = this.deps.now().getTime() + delayMs;
    if (delayMs <= 0) {
      this.immediate = setImmediate(() => this.fire());
      this.immediate.unref?.();
      return;
    }
    this.timer = setTimeout(() => this.fire(), Math.min(delayMs, longestTimerMs));
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedFor = undefined;
    if (this.stopped || this.running) {
      this.again = true;
      return;
    }
    // Mark the run before it starts: a source may call wake() synchronously from inside it.
    let done: () => void = () => {};
    this.running = new Promise<void>((r) => {
      done = r;
    });
    void this.runAll().finally(() => {
      this.running = undefined;
      done();
    });
  }

  private async runAll(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      for (const w of this.deps.works) {
        if (this.stopped) return;
        try {
          if (await w.runDue(this.deps.now())) this.again = true;
        } catch (e) {
          this.deps.onError(w.name, e);
        }
      }
      if (this.again) continue;
      await this.armForNext();
      // a wake() for work due now that arrived during the run must not wait for the timer
      if (!this.again) return;
    }
  }

  private async armForNext(): Promise<void> {
    let next: number | undefined;
    for (const w of this.deps.works) {
      try {
        const due = await w.nextDue();
        if (due && (next === undefined || due.getTime() < next)) next = due.getTime();
      } catch (e) {
        this.deps.onError(w.name, e);
      }
    }
    if (next === undefined || this.stopped) return;
    // A wake() that arrived while we were computing may already have armed an earlier timer.
    if (this.armedFor === undefined || next < this.armedFor) this.arm(next - this.deps.now().getTime());
  }
}
