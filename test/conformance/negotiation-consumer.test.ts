import { describe, expect, it } from 'vitest';
import {
  accepted,
  consumerState,
  initiate,
  offered,
  ok,
  received,
  refused,
  send,
  terminatedByNode,
  terminatedByPeer,
  useProviderPeer,
  verified,
} from './negotiation-consumer-peer.js';

useProviderPeer();

describe('CN_C_01: contract request scenarios', () => {
  it('CN_C:01-01: Verify contract request, offer received, consumer accepted, provider agreed, consumer verified, provider finalized', async () => {
    const s = await initiate('ACNC0101');
    await offered(s, false);
    await accepted(s);
    ok(await send.agreement(s));
    await verified(s);
    ok(await send.finalized(s));
    expect(await consumerState(s)).toBe('FINALIZED');
  });

  it('CN_C:01-02: Verify contract request, offer received, consumer counter-offer, provider terminated', async () => {
    const s = await initiate('ACNC0102');
    await offered(s, false);
    // The counter-request goes to the provider's process and carries no callbackAddress (the schema's oneOf),
    // nor anything of the provider's offer beyond its id, target and rules.
    const m = await received('ContractRequestMessage', s, 'request');
    expect(m.callbackAddress).toBeUndefined();
    expect(m.offer).toEqual({
      '@type': 'Offer',
      '@id': `offer${s.dataset}`,
      target: s.dataset,
      permission: [{ action: 'use' }],
    });
    expect(await consumerState(s)).toBe('REQUESTED');
    await terminatedByPeer(s);
  });

  it('CN_C:01-03: Verify contract request, offer received, consumer terminated', async () => {
    const s = await initiate('ACNC0103');
    await offered(s, false);
    await terminatedByNode(s);
  });

  it('CN_C:01-04: Verify contract request, provider agreement, consumer verified, provider finalized', async () => {
    const s = await initiate('ACNC0104');
    ok(await send.agreement(s));
    await verified(s);
    ok(await send.finalized(s));
    expect(await consumerState(s)).toBe('FINALIZED');
  });
});

describe('CN_C_02: contract request consumer scenarios', () => {
  it('CN_C:02-01: Verify contract request, provider terminated', async () => {
    const s = await initiate('ACNC0201');
    await terminatedByPeer(s);
  });

  it('CN_C:02-02: Verify contract request, consumer terminated', async () => {
    const s = await initiate('ACNC0202', false);
    await terminatedByNode(s);
  });

  it('CN_C:02-03: Verify contract request, provider agreement, consumer terminated', async () => {
    const s = await initiate('ACNC0203');
    ok(await send.agreement(s));
    await terminatedByNode(s);
  });

  it('CN_C:02-04: Verify contract request, offer received, provider terminated', async () => {
    const s = await initiate('ACNC0204');
    await offered(s);
    await terminatedByPeer(s);
  });

  it('CN_C:02-05: Verify contract request, offer received, consumer accepted, provider terminated', async () => {
    const s = await initiate('ACNC0205');
    await offered(s, false);
    await accepted(s);
    await terminatedByPeer(s);
  });

  it('CN_C:02-06: Verify contract request, provider agreement, consumer verified, provider terminated', async () => {
    const s = await initiate('ACNC0206');
    ok(await send.agreement(s));
    await verified(s);
    await terminatedByPeer(s);
  });
});

describe('CN_C_03: contract request consumer negative test scenarios', () => {
  it('CN_C:03-01: Verify contract request, invalid provider finalized', async () => {
    const s = await initiate('ACNC0301');
    await refused(send.finalized(s), s, 'REQUESTED');
  });

  it('CN_C:03-02: Verify contract request, offer received, invalid provider agreed', async () => {
    const s = await initiate('ACNC0302');
    await offered(s);
    await refused(send.agreement(s), s, 'OFFERED');
  });

  it('CN_C:03-03: Verify contract request, offer received, invalid provider finalized', async () => {
    const s = await initiate('ACNC0303');
    await offered(s);
    await refused(send.finalized(s), s, 'OFFERED');
  });

  it('CN_C:03-04: Verify contract request, offer received, consumer accepted, invalid provider finalized', async () => {
    const s = await initiate('ACNC0304');
    await offered(s, false);
    await accepted(s);
    await refused(send.finalized(s), s, 'ACCEPTED');
  });

  it('CN_C:03-05: Verify contract request, offer received, consumer accepted, invalid provider offer', async () => {
    const s = await initiate('ACNC0305');
    await offered(s, false);
    await accepted(s);
    await refused(send.offer(s), s, 'ACCEPTED');
  });

  it('CN_C:03-06: Verify contract request, offer received, consumer accepted, provider agreed, invalid provider finalized', async () => {
    const s = await initiate('ACNC0306');
    await offered(s, false);
    await accepted(s);
    ok(await send.agreement(s));
    expect(await consumerState(s)).toBe('AGREED');
    await refused(send.finalized(s), s, 'AGREED');
  });
});
