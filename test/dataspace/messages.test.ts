import { describe, expect, it } from 'vitest';
import { nextNegotiationState, type Role } from '../../src/dataspace/negotiation/index.js';
import {
  negotiationMessages as n,
  negotiationInput,
  transferMessages as t,
  transferInput,
} from '../../src/dataspace/protocol/index.js';
import { nextTransferState } from '../../src/dataspace/transfer/index.js';
import { dspErrors, dspSchemas } from '../support/dsp-schemas.js';

const ajv = dspSchemas();
const pids = { providerPid: 'urn:uuid:p-1', consumerPid: 'urn:uuid:c-1' };
const offer = {
  '@id': 'urn:musubi:offer:pcf-2026',
  target: 'urn:musubi:asset:部品表-A100',
  permission: [
    {
      action: 'use',
      constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2026-12-31T00:00:00Z' }],
    },
  ],
};
const agreement = {
  ...offer,
  '@id': 'urn:uuid:agreement-1',
  assigner: 'did:web:supplier.example',
  assignee: 'did:web:buyer.example',
  timestamp: '2026-11-25T00:00:00Z',
};
const address = {
  endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
  endpoint: 'https://supplier.example/data',
  endpointProperties: [{ name: 'authorization', value: 'token' }],
};

describe('DSP 2025-1 message builders', () => {
  it('emit negotiation messages the official schemas accept', () => {
    const cases: [string, unknown][] = [
      [
        'contract-request-message',
        n.request({ consumerPid: pids.consumerPid, offer, callbackAddress: 'https://buyer.example/dsp' }),
      ],
      // a counter-request names the process instead of a callback (the schema's oneOf)
      ['contract-request-message', n.request({ ...pids, offer })],
      ['contract-offer-message', n.offer({ ...pids, offer })],
      [
        'contract-offer-message',
        n.offer({ providerPid: pids.providerPid, offer, callbackAddress: 'https://supplier.example/dsp' }),
      ],
      ['contract-agreement-message', n.agreement({ ...pids, agreement })],
      ['contract-agreement-verification-message', n.verification(pids)],
      ['contract-negotiation-event-message', n.event({ ...pids, eventType: 'FINALIZED' })],
      [
        'contract-negotiation-termination-message',
        n.termination({ ...pids, code: 'deadline', reason: ['no answer in time'] }),
      ],
      ['contract-negotiation', n.negotiation({ ...pids, state: 'REQUESTED' })],
      ['contract-negotiation-error', n.error({ ...pids, code: '400', reason: ['invalid transition'] })],
    ];
    for (const [schema, message] of cases)
      expect(dspErrors(ajv, 'negotiation', schema, message), schema).toEqual([]);
  });

  it('emit transfer messages the official schemas accept', () => {
    const cases: [string, unknown][] = [
      [
        'transfer-request-message',
        t.request({
          consumerPid: pids.consumerPid,
          agreementId: 'urn:uuid:agreement-1',
          format: 'HttpData-PULL',
          callbackAddress: 'https://buyer.example/dsp',
        }),
      ],
      ['transfer-start-message', t.start({ ...pids, dataAddress: address })],
      ['transfer-completion-message', t.completion(pids)],
      ['transfer-suspension-message', t.suspension({ ...pids, reason: ['maintenance'] })],
      ['transfer-termination-message', t.termination({ ...pids, code: 'expired' })],
      ['transfer-process', t.process({ ...pids, state: 'STARTED' })],
      ['transfer-error', t.error({ ...pids, code: '404', reason: ['unknown process'] })],
    ];
    for (const [schema, message] of cases)
      expect(dspErrors(ajv, 'transfer', schema, message), schema).toEqual([]);
  });

  it('are caught by the schemas when a required member is missing', () => {
    const { consumerPid: _dropped, ...withoutConsumer } = n.verification(pids);
    expect(
      dspErrors(ajv, 'negotiation', 'contract-agreement-verification-message', withoutConsumer),
    ).not.toEqual([]);
  });

  it('drive both state machines to their end states through the inputs they stand for', () => {
    const steps: [unknown, Role][] = [
      [
        n.request({ consumerPid: pids.consumerPid, offer, callbackAddress: 'https://buyer.example/dsp' }),
        'consumer',
      ],
      [n.offer({ ...pids, offer }), 'provider'],
      [n.event({ ...pids, eventType: 'ACCEPTED' }), 'consumer'],
      [n.agreement({ ...pids, agreement }), 'provider'],
      [n.verification(pids), 'consumer'],
      [n.event({ ...pids, eventType: 'FINALIZED' }), 'provider'],
    ];
    let state: Parameters<typeof nextNegotiationState>[0] = 'NEW';
    for (const [message, sender] of steps)
      state = nextNegotiationState(state, negotiationInput(message as never)!, sender);
    expect(state).toBe('FINALIZED');
    expect(
      negotiationInput({ '@type': 'ContractNegotiationEventMessage', eventType: 'OTHER' }),
    ).toBeUndefined();

    let ts: Parameters<typeof nextTransferState>[0] = 'NEW';
    ts = nextTransferState(
      ts,
      transferInput(
        t.request({
          consumerPid: 'c',
          agreementId: 'a',
          format: 'HttpData-PULL',
          callbackAddress: 'https://x',
        }),
      )!,
      'consumer',
    );
    ts = nextTransferState(ts, transferInput(t.start(pids))!, 'provider');
    expect(nextTransferState(ts, transferInput(t.completion(pids))!, 'consumer')).toBe('COMPLETED');
    expect(transferInput({ '@type': 'Catalog' })).toBeUndefined();
  });
});
