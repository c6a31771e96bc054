import { describe, expect, it } from 'vitest';
import {
  type NegotiationMessage,
  negotiationStates,
  nextNegotiationState,
  type Role,
} from './negotiation.js';

const run = (steps: [NegotiationMessage, Role][]) =>
  steps.reduce<string>((s, [m, r]) => nextNegotiationState(s as never, m, r), 'NEW');

describe('contract negotiation state machine', () => {
  it('walks the consumer-initiated happy path to FINALIZED', () => {
    expect(
      run([
        ['ContractRequestMessage', 'consumer'],
        ['ContractOfferMessage', 'provider'],
        ['ContractNegotiationEventMessage:ACCEPTED', 'consumer'],
        ['ContractAgreementMessage', 'provider'],
        ['ContractAgreementVerificationMessage', 'consumer'],
        ['ContractNegotiationEventMessage:FINALIZED', 'provider'],
      ]),
    ).toBe('FINALIZED');
    expect(
      run([
        ['ContractRequestMessage', 'consumer'],
        ['ContractAgreementMessage', 'provider'],
      ]),
    ).toBe('AGREED');
  });

  it('refuses FINALIZED straight from REQUESTED, and messages from the wrong role', () => {
    expect(() =>
      nextNegotiationState('REQUESTED', 'ContractNegotiationEventMessage:FINALIZED', 'provider'),
    ).toThrow(/may not send .*FINALIZED to a negotiation in state REQUESTED/);
    expect(() => nextNegotiationState('REQUESTED', 'ContractAgreementMessage', 'consumer')).toThrow(
      /consumer may not/,
    );
    expect(() => nextNegotiationState('NEW', 'ContractAgreementVerificationMessage', 'consumer')).toThrow();
  });

  it('lets either side terminate any open negotiation, and nothing leave a terminal state', () => {
    for (const s of negotiationStates) {
      for (const r of ['provider', 'consumer'] as const) {
        if (s === 'FINALIZED' || s === 'TERMINATED') {
          expect(() => nextNegotiationState(s, 'ContractNegotiationTerminationMessage', r)).toThrow();
        } else {
          expect(nextNegotiationState(s, 'ContractNegotiationTerminationMessage', r)).toBe('TERMINATED');
        }
      }
    }
  });
});
