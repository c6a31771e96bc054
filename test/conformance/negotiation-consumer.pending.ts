/**
 * NOT YET PASSING (kept out of the run; see docs/conformance.md): the negotiation service's consumer cannot
 * send a counter-request.
 */
import { describe, expect, it } from 'vitest';
import {
  consumerState,
  initiate,
  offered,
  received,
  terminatedByPeer,
  useProviderPeer,
} from './negotiation-consumer-peer.js';
import type { Json } from './peer/messages.js';

useProviderPeer();

describe('CN_C: not yet passing', () => {
  it('CN_C:01-02: Verify contract request, offer received, consumer counter-offer, provider terminated', async () => {
    const s = await initiate('ACNC0102');
    await offered(s, false);
    const m = await received('ContractRequestMessage', s, 'request');
    expect((m.offer as Json)['@id']).toBe(`offer${s.dataset}`);
    expect(await consumerState(s)).toBe('REQUESTED');
    await terminatedByPeer(s);
  });
});
