import { runBatterySandbox } from '../cli/commands/sandbox.js';
import type { Figure } from './measure.js';

/**
 * The 4-tier footprint cascade of `musubi sandbox battery`, unattended, over HTTPS + DCP between five nodes on
 * loopback (an authority and four members; each exchange offer for members only, so every negotiation has the
 * customer's MembershipCredential presented and verified; suppliers found by 法人番号 in the authority's
 * directory): from the automaker's request to its verified, aggregated result. Median of `runs` fresh spaces.
 */
export async function footprintCascadeFigures(runs = 3): Promise<Figure[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { elapsedMs, findings, result, https, trusted } = await runBatterySandbox(() => {}, {
      https: true,
    });
    if (findings.length > 0 || result.partial)
      throw new Error('bench footprint-cascade: the cascade leaked or is partial');
    if (!https || trusted.membersOnlyAgreements !== 3)
      throw new Error('bench footprint-cascade: the cascade did not run over HTTPS + DCP');
    times.push(elapsedMs);
  }
  times.sort((a, b) => a - b);
  return [
    {
      name: 'footprint: 4-tier cascade, request to verified result (wall)',
      value: times[Math.floor(times.length / 2)] ?? Number.NaN,
      unit: 'ms',
      note: `floor ≤ 2,000 ms; HTTPS + DCP on loopback (members-only exchange offers, MembershipCredentials verified); includes 3 negotiations and transfers; median of ${runs} fresh chains`,
    },
  ];
}
