import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';
import { versionErrors } from './peer/schemas.js';

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => c?.stop());

describe('MET_01: metadata request scenarios', () => {
  it('MET:01-01: Verify metadata request', async () => {
    const r = await c.client.get('/.well-known/dspace-version', c.client.baseUrl);
    expect(r.status).toBe(200);
    expect(versionErrors(r.body)).toEqual([]);
    const versions = (r.body as { protocolVersions: { version: string; path: string; binding: string }[] })
      .protocolVersions;
    const v = versions.find((x) => x.version === '2025-1');
    expect(v?.binding).toBe('HTTPS');
    // The advertised path is where the DSP endpoints of this participant really answer.
    expect(v?.path).toBe('/dsp/2025-1');
  });
});
