import { describe, expect, it } from 'vitest';
import { CounterOfferInvalid } from './errors.js';
import { counterOffer, deadlineFor, endpointAccepts, offerMismatch, waitsOnPeer } from './steps.js';

const published = {
  '@id': 'offer-部品表',
  target: 'bom-2026',
  permission: [
    { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' }] },
  ],
};

describe('negotiation steps', () => {
  it('knows which states wait on the counterparty (deadline) and which on us or a person (none)', () => {
    expect(waitsOnPeer('REQUESTED', 'consumer')).toBe(true);
    expect(waitsOnPeer('REQUESTED', 'provider')).toBe(false); // the provider decides
    expect(waitsOnPeer('OFFERED', 'consumer')).toBe(false); // a person accepts
    expect(waitsOnPeer('AGREED', 'provider')).toBe(true);
    expect(waitsOnPeer('VERIFIED', 'consumer')).toBe(true);
    expect(waitsOnPeer('FINALIZED', 'consumer')).toBe(false);
    const at = new Date('2026-04-01T00:00:00Z');
    expect(deadlineFor('AGREED', 'provider', at, 60_000)).toBe('2026-04-01T00:01:00.000Z');
    expect(deadlineFor('AGREED', 'provider', at, 0)).toBeNull();
  });

  it('matches a requested offer against the published one regardless of key order, and says why not', () => {
    expect(offerMismatch({ '@id': 'offer-部品表', target: 'bom-2026' }, published)).toBeUndefined();
    const reordered = {
      '@id': 'offer-部品表',
      target: 'bom-2026',
      permission: [
        { constraint: [{ rightOperand: '品質保証', operator: 'eq', leftOperand: 'purpose' }], action: 'use' },
      ],
    };
    expect(offerMismatch(reordered, published)).toBeUndefined();
    expect(offerMismatch({ ...published, target: 'other' }, published)).toMatch(/target/);
    expect(offerMismatch({ ...published, permission: [{ action: 'use' }] }, published)).toMatch(
      /rules differ/,
    );
  });

  it('routes each message type to its endpoint only', () => {
    expect(endpointAccepts('agreement/verification', 'ContractAgreementVerificationMessage')).toBe(true);
    expect(endpointAccepts('events', 'ContractNegotiationEventMessage:ACCEPTED')).toBe(true);
    expect(endpointAccepts('events', 'ContractAgreementVerificationMessage')).toBe(false);
    expect(endpointAccepts('nonsense', 'ContractRequestMessage')).toBe(false);
  });

  it('shapes a counter-offer to the negotiated target and the rules only, keeping the offer id unless renamed', () => {
    const received = { ...published, assigner: 'did:web:supplier.example', '@type': 'Offer' };
    const narrower = [
      { action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '設計検証' }] },
    ];
    expect(counterOffer('n1', received, { permission: narrower })).toEqual({
      '@id': 'offer-部品表',
      target: 'bom-2026',
      permission: narrower,
    });
    expect(
      counterOffer('n1', received, {
        '@id': 'counter-1',
        target: 'bom-2026',
        prohibition: narrower,
        permission: [],
      }),
    ).toEqual({ '@id': 'counter-1', target: 'bom-2026', prohibition: narrower });
  });

  it('refuses a counter-offer for another dataset or without any permission or prohibition', () => {
    expect(() => counterOffer('n1', published, { target: 'other', permission: [{ action: 'use' }] })).toThrow(
      CounterOfferInvalid,
    );
    expect(() => counterOffer('n1', published, { obligation: [{ action: 'compensate' }] })).toThrow(
      /permission or prohibition/,
    );
  });
});
