import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * `musubi sandbox battery` as a user runs it (HTTPS and DCP by default). Expected by hand from the demo data (per unit):
 * cathode 8.0 + 2.5 = 10.5 /kg; cell 0.5 + 0.02 kg × 10.5 = 0.71; pack 35 + 200 × 0.71 = 177; car 2000 + 177.
 */
describe('musubi sandbox battery', () => {
  it('runs the four-tier cascade unattended and prints the car’s footprint, its data quality and no leaks', async () => {
    const r = await runCli(['sandbox', 'battery']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('電気自動車 EV-01 (EV-01): 2177 kgCO2e per vehicle\n');
    expect(r.stdout).not.toContain('PARTIAL');
    // pre: 1200 own + 5 + 200 × (0.1 + 0.02 × 8.0) = 57; main: 800 + 30 + 200 × (0.4 + 0.02 × 2.5) = 120
    expect(r.stdout).toMatch(/原材料取得・前処理 own 1200 \+ components 57\t/);
    expect(r.stdout).toMatch(/製造\s+own 800 \+ components 120\t/);
    expect(r.stdout).toContain('leak check (automaker’s stored data vs. tiers 3–4): 0 findings');
    // An authority and four members over HTTPS; each member listed under its 法人番号, found through the
    // directory, and each exchange agreed under the members-only policy with DCP on.
    const authority =
      /^結び電池データスペース運営機構 \(authority\)\t(did:web:\S+)\thttps:\/\/127\.0\.0\.1:\d+$/m.exec(
        r.stdout,
      );
    expect(authority, r.stdout).not.toBeNull();
    for (const n of ['7999901000001', '6999901000002', '5999901000003', '4999901000004'])
      expect(r.stdout).toMatch(new RegExp(`\\(\\w+\\)\\t法人番号 ${n}\\tdid:web:\\S+\\thttps://`));
    expect(r.stdout).toContain(
      `trust: HTTPS, DCP; 3 suppliers found by 法人番号 in the authority’s directory; 3 exchange agreements for members of 結び電池データスペース only (MembershipCredential from ${authority?.[1]})`,
    );
  }, 120_000);
});
