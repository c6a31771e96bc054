/**
 * The peer's own DSP 2025-1 messages, written from the specification and its examples — deliberately not
 * the node's builders (src/dataspace/protocol), so a shared misreading cannot pass unnoticed.
 */
import { randomUUID } from 'node:crypto';

const context = ['https://w3id.org/dspace/2025/1/context.jsonld'];

/**
 * Every message gets its own `@id`, as the TCK's do: two messages with the same content sent on purpose
 * (a second start after a suspension, a repeated counter-request) are two messages, not one retried.
 */
const id = () => `urn:uuid:${randomUUID()}`;

export type Json = Record<string, unknown>;

export interface Pids {
  readonly providerPid: string;
  readonly consumerPid: string;
}

/** An ODRL offer as the TCK sends it: the one `use` permission, no constraint. */
export function offerPolicy(offerId: string, target: string, assigner?: string): Json {
  return {
    '@type': 'Offer',
    '@id': offerId,
    target,
    ...(assigner ? { assigner } : {}),
    permission: [{ action: 'use' }],
  };
}

export const catalog = {
  request: (filter: unknown[] = []): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'CatalogRequestMessage',
    filter,
  }),
};

export const negotiation = {
  request: (m: {
    consumerPid: string;
    providerPid?: string;
    offerId: string;
    target: string;
    assigner?: string;
    callbackAddress: string;
  }): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractRequestMessage',
    consumerPid: m.consumerPid,
    offer: offerPolicy(m.offerId, m.target, m.assigner),
    // The schema takes exactly one of them: a counter-request names the process, an initial one the callback.
    ...(m.providerPid ? { providerPid: m.providerPid } : { callbackAddress: m.callbackAddress }),
  }),
  offer: (m: Pids & { offerId: string; target: string; assigner: string }): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractOfferMessage',
    providerPid: m.providerPid,
    consumerPid: m.consumerPid,
    offer: offerPolicy(m.offerId, m.target, m.assigner),
  }),
  agreement: (
    m: Pids & { agreementId: string; target: string; assigner: string; assignee: string; at: Date },
  ): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractAgreementMessage',
    providerPid: m.providerPid,
    consumerPid: m.consumerPid,
    agreement: {
      '@id': m.agreementId,
      '@type': 'Agreement',
      target: m.target,
      timestamp: m.at.toISOString(),
      assigner: m.assigner,
      assignee: m.assignee,
      permission: [{ action: 'use' }],
    },
  }),
  accepted: (p: Pids): Json => event(p, 'ACCEPTED'),
  finalized: (p: Pids): Json => event(p, 'FINALIZED'),
  verification: (p: Pids): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractAgreementVerificationMessage',
    ...p,
  }),
  termination: (p: Pids, code = '1'): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractNegotiationTerminationMessage',
    ...p,
    code,
    reason: ['terminated by the conformance peer'],
  }),
  /** The acknowledgement the peer answers with when it plays a side. */
  ack: (p: Pids, state: string): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'ContractNegotiation',
    ...p,
    state,
  }),
};

function event(p: Pids, eventType: 'ACCEPTED' | 'FINALIZED'): Json {
  return { '@context': context, '@id': id(), '@type': 'ContractNegotiationEventMessage', ...p, eventType };
}

export const transfer = {
  request: (m: {
    consumerPid: string;
    agreementId: string;
    format: string;
    callbackAddress: string;
  }): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferRequestMessage',
    consumerPid: m.consumerPid,
    agreementId: m.agreementId,
    format: m.format,
    callbackAddress: m.callbackAddress,
  }),
  start: (p: Pids, endpoint?: string): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferStartMessage',
    ...p,
    ...(endpoint
      ? {
          dataAddress: {
            '@type': 'DataAddress',
            endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
            endpoint,
            endpointProperties: [
              { '@type': 'EndpointProperty', name: 'authorization', value: 'conformance-token' },
              { '@type': 'EndpointProperty', name: 'authType', value: 'bearer' },
            ],
          },
        }
      : {}),
  }),
  completion: (p: Pids): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferCompletionMessage',
    ...p,
  }),
  suspension: (p: Pids, code = '1'): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferSuspensionMessage',
    ...p,
    code,
    reason: ['suspended by the conformance peer'],
  }),
  termination: (p: Pids, code = '1'): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferTerminationMessage',
    ...p,
    code,
    reason: ['terminated by the conformance peer'],
  }),
  ack: (p: Pids, state: string): Json => ({
    '@context': context,
    '@id': id(),
    '@type': 'TransferProcess',
    ...p,
    state,
  }),
};
