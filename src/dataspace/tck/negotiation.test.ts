import { describe, expect, it } from 'vitest';
import type { Negotiation } from '../negotiation/index.js';
import { tckDecide } from './negotiation.js';

const base: Negotiation = {
  participantId: 'default',
  id: 'urn:uuid:p',
  role: 'provider',
  providerPid: 'urn:uuid:p',
  consumerPid: 'urn:uuid:c',
  state: 'REQUESTED',
  counterpartyId: 'TCK_PARTICIPANT',
  counterpartyAddress: 'http://127.0.0.1:1',
  offerId: 'CD123:ACN0101:456',
  offer: { '@id': 'CD123:ACN0101:456', target: 'ACN0101', permission: [{ action: 'use' }] },
  agreementId: null,
  deadlineAt: null,
  reasonCode: null,
  reason: null,
  idempotencyKey: null,
  version: 1,
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:00:00.000Z',
};
const on = (dataset: string, extra: Partial<Negotiation> = {}): Negotiation => ({
  ...base,
  offer: { ...base.offer, target: dataset },
  ...extra,
});

describe('conformance negotiation decisions', () => {
  it('follow the dataset script at each provider decision point', async () => {
    expect(await tckDecide(on('ACN0101'), 'requested')).toEqual({
      kind: 'offer',
      offer: on('ACN0101').offer,
    });
    expect(await tckDecide(on('ACN0104'), 'requested')).toEqual({ kind: 'agree' });
    expect(await tckDecide(on('ACN0202'), 'requested')).toEqual({ kind: 'wait' });
    expect(await tckDecide(on('ACN0201'), 'requested')).toMatchObject({
      kind: 'terminate',
      code: 'tck-scripted',
    });
    expect(await tckDecide(on('ACN0103', { state: 'ACCEPTED' }), 'accepted')).toEqual({ kind: 'agree' });
    expect(await tckDecide(on('ACN0206', { state: 'ACCEPTED' }), 'accepted')).toMatchObject({
      kind: 'terminate',
    });
    expect(await tckDecide(on('ACN0303', { state: 'ACCEPTED' }), 'accepted')).toEqual({ kind: 'wait' });
    const verified = { state: 'VERIFIED' as const };
    expect(await tckDecide(on('ACN0103', verified), 'verified')).toEqual({ kind: 'finalize' });
    expect(await tckDecide(on('ACN0207', verified), 'verified')).toMatchObject({ kind: 'terminate' });
    expect(await tckDecide(on('ACN0203', verified), 'verified')).toBeUndefined();
    expect(await tckDecide(on('ACN0205', { state: 'OFFERED' }), 'offered')).toMatchObject({
      kind: 'terminate',
    });
    expect(await tckDecide(on('ACN0204', { state: 'OFFERED' }), 'offered')).toBeUndefined();
  });

  it('tell a counter-request from the opening request', async () => {
    expect(await tckDecide(on('ACN0102', { version: 3 }), 'requested')).toMatchObject({ kind: 'terminate' });
    expect(await tckDecide(on('ACN0304', { version: 3 }), 'requested')).toEqual({ kind: 'wait' });
  });

  it('leave other datasets and the consumer steps to the node', async () => {
    expect(await tckDecide(on('my-own-dataset'), 'requested')).toBeUndefined();
    const consumer = { role: 'consumer' as const, state: 'OFFERED' as const };
    expect(await tckDecide(on('ACNC0103', consumer), 'offered')).toMatchObject({ kind: 'terminate' });
    expect(await tckDecide(on('ACNC0204', consumer), 'offered')).toEqual({ kind: 'wait' });
    expect(await tckDecide(on('ACNC0101', consumer), 'offered')).toEqual({ kind: 'accept' });
    expect(await tckDecide(on('ACNC0102', consumer), 'offered')).toEqual({
      kind: 'counter',
      offer: on('ACNC0102').offer,
    });
    const agreed = { role: 'consumer' as const, state: 'AGREED' as const };
    expect(await tckDecide(on('ACNC0101', agreed), 'agreed')).toEqual({ kind: 'verify' });
    expect(await tckDecide(on('ACNC0203', agreed), 'agreed')).toMatchObject({ kind: 'terminate' });
    expect(await tckDecide(on('ACNC0306', agreed), 'agreed')).toEqual({ kind: 'wait' });
    expect(await tckDecide(on('my-own-dataset', agreed), 'agreed')).toBeUndefined();
    const requested = { role: 'consumer' as const, state: 'REQUESTED' as const };
    expect(await tckDecide(on('ACNC0202', requested), 'requested')).toMatchObject({ kind: 'terminate' });
    expect(await tckDecide(on('ACNC0101', requested), 'requested')).toBeUndefined();
  });
});
