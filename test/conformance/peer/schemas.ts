import { dspErrors, dspSchemas } from '../../support/dsp-schemas.js';

/**
 * Every message the peer sends or receives is checked against the official DSP 2025-1 schema its `@type`
 * names. The peer never trusts the node's own builders: this is the independent reading of the spec.
 */
const ajv = dspSchemas();

const schemaOf: Record<string, readonly [area: string, name: string]> = {
  CatalogRequestMessage: ['catalog', 'catalog-request-message'],
  DatasetRequestMessage: ['catalog', 'dataset-request-message'],
  Catalog: ['catalog', 'catalog'],
  Dataset: ['catalog', 'dataset'],
  CatalogError: ['catalog', 'catalog-error'],
  ContractRequestMessage: ['negotiation', 'contract-request-message'],
  ContractOfferMessage: ['negotiation', 'contract-offer-message'],
  ContractAgreementMessage: ['negotiation', 'contract-agreement-message'],
  ContractAgreementVerificationMessage: ['negotiation', 'contract-agreement-verification-message'],
  ContractNegotiationEventMessage: ['negotiation', 'contract-negotiation-event-message'],
  ContractNegotiationTerminationMessage: ['negotiation', 'contract-negotiation-termination-message'],
  ContractNegotiation: ['negotiation', 'contract-negotiation'],
  ContractNegotiationError: ['negotiation', 'contract-negotiation-error'],
  TransferRequestMessage: ['transfer', 'transfer-request-message'],
  TransferStartMessage: ['transfer', 'transfer-start-message'],
  TransferCompletionMessage: ['transfer', 'transfer-completion-message'],
  TransferSuspensionMessage: ['transfer', 'transfer-suspension-message'],
  TransferTerminationMessage: ['transfer', 'transfer-termination-message'],
  TransferProcess: ['transfer', 'transfer-process'],
  TransferError: ['transfer', 'transfer-error'],
};

export class SchemaViolation extends Error {}

/** The `@type` of a compact DSP message, or undefined when it has none usable. */
export function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const t = (message as Record<string, unknown>)['@type'];
  return typeof t === 'string' ? t : undefined;
}

/** Schema errors of a DSP message; a message without a known `@type` is itself an error. */
export function messageErrors(message: unknown): string[] {
  const type = typeOf(message);
  const schema = type ? schemaOf[type] : undefined;
  if (!schema) return [`no DSP schema for @type ${JSON.stringify(type)}`];
  return dspErrors(ajv, schema[0], schema[1], message);
}

/** Throws unless the message is valid for the schema of its `@type` (and of the expected type, if given). */
export function checkMessage(message: unknown, expectedType?: string): void {
  const type = typeOf(message);
  if (expectedType && type !== expectedType)
    throw new SchemaViolation(`expected a ${expectedType}, got ${JSON.stringify(message)}`);
  const errors = messageErrors(message);
  if (errors.length > 0)
    throw new SchemaViolation(`${type ?? 'message'} violates its schema: ${errors.join('; ')}`);
}

/** The `/.well-known/dspace-version` document. */
export function versionErrors(metadata: unknown): string[] {
  return dspErrors(ajv, 'common', 'protocol-version', metadata);
}
