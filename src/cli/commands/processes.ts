import { MusubiError } from '../../errors/index.js';
import { type Connection, managementCall } from './management.js';

/**
 * What `musubi negotiate` and `musubi transfer` share about the DSP processes they drive through the management
 * API: how a process's end is told on one line, and following one until it leaves a state.
 */

export interface ProcessView {
  readonly id: string;
  readonly state: string;
  readonly reasonCode?: string | null;
  readonly reason?: string | null;
}

/** `\t<code>: <reason>` for a process that ended with a reason, else ''. */
export const why = (p: ProcessView): string =>
  p.reasonCode ? `\t${p.reasonCode}${p.reason ? `: ${p.reason}` : ''}` : '';

/**
 * Reads the process at `path` again until `settled` holds; the node decides, the CLI only watches (its own
 * operator's node, so a short interval costs nothing). Past the timeout: an `unavailable` failure.
 */
export async function follow<T extends ProcessView>(
  c: Connection,
  path: string,
  first: T,
  settled: (p: T) => boolean,
  what: { readonly kind: string; readonly timeoutS: number; readonly everyMs: number },
): Promise<T> {
  const until = Date.now() + what.timeoutS * 1000;
  let current = first;
  while (!settled(current)) {
    if (Date.now() > until)
      throw new MusubiError(
        'cli.wait-timeout',
        'unavailable',
        `${what.kind} ${first.id} still ${current.state} after ${what.timeoutS} s`,
      );
    await new Promise((r) => setTimeout(r, what.everyMs));
    current = await managementCall<T>(c, 'GET', path);
  }
  return current;
}
