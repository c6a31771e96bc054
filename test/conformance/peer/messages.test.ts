import { describe, expect, it } from 'vitest';
import { catalog, negotiation, transfer } from './messages.js';
import { messageErrors } from './schemas.js';

const p = { providerPid: 'urn:uuid:p-1', consumerPid: 'urn:uuid:c-1' };

/** The peer's own messages must be valid, or a failing scenario could be the peer's fault. */
describe('conformance peer messages', () => {
  const all = {
    catalogRequest: catalog.request(),
    request: negotiation.request({
      consumerPid: 'c',
      offerId: 'CD123:ACN0101:456',
      target: 'ACN0101',
      assigner: 'did:web:x',
      callbackAddress: 'http://127.0.0.1:1',
    }),
    counterRequest: negotiation.request({
      ...p,
      offerId: 'CD123:ACN0102:456',
      target: 'ACN0102',
      callbackAddress: 'http://127.0.0.1:1',
    }),
    offer: negotiation.offer({ ...p, offerId: 'o', target: 't', assigner: 'TCK_PARTICIPANT' }),
    agreement: negotiation.agreement({
      ...p,
      agreementId: 'a',
      target: 't',
      assigner: 'TCK_PARTICIPANT',
      assignee: 'did:web:x',
      at: new Date(0),
    }),
    accepted: negotiation.accepted(p),
    finalized: negotiation.finalized(p),
    verification: negotiation.verification(p),
    termination: negotiation.termination(p),
    negotiationAck: negotiation.ack(p, 'REQUESTED'),
    transferRequest: transfer.request({
      consumerPid: 'c',
      agreementId: 'ATP0101',
      format: 'HttpData-PULL',
      callbackAddress: 'http://127.0.0.1:1',
    }),
    start: transfer.start(p, 'http://127.0.0.1:1/data'),
    startBare: transfer.start(p),
    completion: transfer.completion(p),
    suspension: transfer.suspension(p),
    transferTermination: transfer.termination(p),
    transferAck: transfer.ack(p, 'STARTED'),
  };
  for (const [name, message] of Object.entries(all))
    it(`${name} is valid for its official schema`, () => expect(messageErrors(message)).toEqual([]));

  it('a message with a wrong field is caught', () => {
    expect(messageErrors({ ...negotiation.accepted(p), eventType: 'DONE' })).not.toEqual([]);
    expect(messageErrors({ '@type': 'Nonsense' })).not.toEqual([]);
  });
});
