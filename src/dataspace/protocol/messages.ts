import type { NegotiationMessage, NegotiationState } from '../negotiation/index.js';
import type { TransferMessage, TransferState } from '../transfer/index.js';

/**
 * DSP 2025-1 messages in the compact JSON shape of the official schemas: the fast path Musubi emits.
 * Builders are pure; ids come in, nothing is generated here.
 */
export const dspContext = 'https://w3id.org/dspace/2025/1/context.jsonld';
const context = [dspContext] as const;

export interface OdrlConstraint {
  readonly leftOperand: string;
  readonly operator: string;
  readonly rightOperand: unknown;
}
export interface OdrlRule {
  readonly action: string;
  readonly constraint?: readonly OdrlConstraint[];
}
export interface Offer {
  readonly '@id': string;
  readonly target: string;
  readonly permission?: readonly OdrlRule[];
  readonly prohibition?: readonly OdrlRule[];
  readonly obligation?: readonly OdrlRule[];
}
export interface Agreement extends Offer {
  readonly assigner: string;
  readonly assignee: string;
  readonly timestamp: string;
}
export interface Pids {
  readonly providerPid: string;
  readonly consumerPid: string;
}
export interface DataAddress {
  readonly endpointType: string;
  readonly endpoint?: string;
  readonly endpointProperties?: readonly { readonly name: string; readonly value: string }[];
}

const offer = (o: Offer) => ({ '@type': 'Offer', ...o });
const address = (a: DataAddress) => ({
  '@type': 'DataAddress',
  endpointType: a.endpointType,
  ...(a.endpoint ? { endpoint: a.endpoint } : {}),
  ...(a.endpointProperties
    ? { endpointProperties: a.endpointProperties.map((p) => ({ '@type': 'EndpointProperty', ...p })) }
    : {}),
});

export const negotiationMessages = {
  /** An initial request carries a callbackAddress, a counter-request the providerPid: exactly one of them. */
  request: (
    m: { consumerPid: string; offer: Offer } & ({ providerPid: string } | { callbackAddress: string }),
  ) => ({
    '@context': context,
    '@type': 'ContractRequestMessage',
    consumerPid: m.consumerPid,
    ...('providerPid' in m ? { providerPid: m.providerPid } : { callbackAddress: m.callbackAddress }),
    offer: offer(m.offer),
  }),
  /** An initial offer carries a callbackAddress, a counter-offer the consumerPid: exactly one of them. */
  offer: (
    m: { providerPid: string; offer: Offer } & ({ consumerPid: string } | { callbackAddress: string }),
  ) => ({
    '@context': context,
    '@type': 'ContractOfferMessage',
    providerPid: m.providerPid,
    ...('consumerPid' in m ? { consumerPid: m.consumerPid } : { callbackAddress: m.callbackAddress }),
    offer: offer(m.offer),
  }),
  agreement: (m: Pids & { agreement: Agreement; callbackAddress?: string }) => ({
    '@context': context,
    '@type': 'ContractAgreementMessage',
    providerPid: m.providerPid,
    consumerPid: m.consumerPid,
    agreement: { '@type': 'Agreement', ...m.agreement },
    ...(m.callbackAddress ? { callbackAddress: m.callbackAddress } : {}),
  }),
  verification: (m: Pids) => ({ '@context': context, '@type': 'ContractAgreementVerificationMessage', ...m }),
  event: (m: Pids & { eventType: 'ACCEPTED' | 'FINALIZED' }) => ({
    '@context': context,
    '@type': 'ContractNegotiationEventMessage',
    ...m,
  }),
  termination: (m: Pids & { code?: string; reason?: readonly string[] }) => ({
    '@context': context,
    '@type': 'ContractNegotiationTerminationMessage',
    ...m,
  }),
  /** The acknowledgement a receiver answers with: the process as it now stands. */
  negotiation: (m: Pids & { state: NegotiationState }) => ({
    '@context': context,
    '@type': 'ContractNegotiation',
    ...m,
  }),
  error: (m: Pids & { code: string; reason: readonly string[] }) => ({
    '@context': context,
    '@type': 'ContractNegotiationError',
    ...m,
  }),
};

export const transferMessages = {
  request: (m: {
    consumerPid: string;
    agreementId: string;
    format: string;
    callbackAddress: string;
    dataAddress?: DataAddress;
  }) => ({
    '@context': context,
    '@type': 'TransferRequestMessage',
    consumerPid: m.consumerPid,
    agreementId: m.agreementId,
    format: m.format,
    ...(m.dataAddress ? { dataAddress: address(m.dataAddress) } : {}),
    callbackAddress: m.callbackAddress,
  }),
  start: (m: Pids & { dataAddress?: DataAddress }) => ({
    '@context': context,
    '@type': 'TransferStartMessage',
    providerPid: m.providerPid,
    consumerPid: m.consumerPid,
    ...(m.dataAddress ? { dataAddress: address(m.dataAddress) } : {}),
  }),
  completion: (m: Pids) => ({ '@context': context, '@type': 'TransferCompletionMessage', ...m }),
  suspension: (m: Pids & { code?: string; reason?: readonly string[] }) => ({
    '@context': context,
    '@type': 'TransferSuspensionMessage',
    ...m,
  }),
  termination: (m: Pids & { code?: string; reason?: readonly string[] }) => ({
    '@context': context,
    '@type': 'TransferTerminationMessage',
    ...m,
  }),
  process: (m: Pids & { state: TransferState }) => ({
    '@context': context,
    '@type': 'TransferProcess',
    ...m,
  }),
  error: (m: Pids & { code: string; reason: readonly string[] }) => ({
    '@context': context,
    '@type': 'TransferError',
    ...m,
  }),
};

/** The state-machine input a received negotiation message stands for, or undefined for any other type. */
export function negotiationInput(message: {
  '@type'?: unknown;
  eventType?: unknown;
}): NegotiationMessage | undefined {
  switch (message['@type']) {
    case 'ContractRequestMessage':
    case 'ContractOfferMessage':
    case 'ContractAgreementMessage':
    case 'ContractAgreementVerificationMessage':
    case 'ContractNegotiationTerminationMessage':
      return message['@type'];
    case 'ContractNegotiationEventMessage':
      return message.eventType === 'ACCEPTED' || message.eventType === 'FINALIZED'
        ? `ContractNegotiationEventMessage:${message.eventType}`
        : undefined;
    default:
      return undefined;
  }
}

const transferTypes: readonly TransferMessage[] = [
  'TransferRequestMessage',
  'TransferStartMessage',
  'TransferSuspensionMessage',
  'TransferCompletionMessage',
  'TransferTerminationMessage',
];

export function transferInput(message: { '@type'?: unknown }): TransferMessage | undefined {
  return transferTypes.find((t) => t === message['@type']);
}
