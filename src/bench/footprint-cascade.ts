import { runBatterySandbox } from '../cli/commands/sandbox.js';
import type { Figure } from './measure.js';

/**
 * The 4-tier footprint cascade of `musubi sandbox battery`, unattended, over HTTPS between four nodes on
 * loopback: from the automaker's request to its verified, aggregated result (negotiating each exchange
 * agreement on the way). Median of `runs` fresh chains. DCP is not on in the sandbox yet.
 */
export async function footprintCascadeFigures(runs = 3): Promise<Figure[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { elapsedMs, findings, result } = await runBatterySandbox(() => {}, { https: true });
    if (findings.length > 0 || result.partial)
      throw new Error('bench footprint-cascade: the cascade leaked or is partial');
    times.push(elapsedMs);
  }
  times.sort((a, b) => a - b);
  return [
    {
      name: 'footprint: 4-tier cascade, request to verified result (wall)',
      value: times[Math.floor(times.length / 2)] ?? Number.NaN,
      unit: 'ms',
      note: `floor ≤ 2,000 ms; HTTPS on loopback, without DCP; includes 3 negotiations and transfers; median of ${runs} fresh chains`,
    },
  ];
}
