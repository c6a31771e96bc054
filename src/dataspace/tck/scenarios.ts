/**
 * The conformance profile's fixtures and scripts, as plain data: the ids the Eclipse DSP TCK is configured
 * with (docs/conformance.md) and, for each, how the node behaves where the protocol leaves the choice to the
 * connector (offer or agree, finalize or terminate…). Keyed by dataset id (negotiations) and agreement id
 * (transfers), as the TCK's own reference connector scripts them. Anything not listed keeps the node's
 * ordinary behaviour.
 */

/** The participant the TCK's requests are attributed to (its static Authorization header). */
export const tckParticipant = 'TCK_PARTICIPANT';

/** Datasets the catalog scenarios read (CAT_01_0x_DATASETID); CAT0103 is deliberately absent. */
export const catalogDatasets = ['CAT0101', 'CAT0102'] as const;

const range = (prefix: string, group: number, last: number) =>
  Array.from(
    { length: last },
    (_, i) => `${prefix}${String(group).padStart(2, '0')}${String(i + 1).padStart(2, '0')}`,
  );

/** Datasets offered to the provider-side negotiation scenarios CN:01-01 … CN:03-04. */
export const negotiationDatasets = [...range('ACN', 1, 4), ...range('ACN', 2, 7), ...range('ACN', 3, 4)];

/** Datasets the consumer-side scenarios CN_C ask for (the node negotiates them from the TCK). */
export const consumerNegotiationDatasets = [
  ...range('ACNC', 1, 4),
  ...range('ACNC', 2, 6),
  ...range('ACNC', 3, 6),
];

/** The offer of a seeded dataset, as the TCK is configured (CN_xx_yy_OFFERID). */
export const offerIdOf = (datasetId: string): string => `CD123:${datasetId}:456`;

/** FINALIZED agreements with TCK_PARTICIPANT on which the TCK requests transfers (TP_xx_yy_AGREEMENTID). */
export const providerAgreements = [...range('ATP', 1, 5), ...range('ATP', 2, 5), ...range('ATP', 3, 6)];

/** Agreements the node holds as consumer, for the TCK's transfer initiate signals (TP_C_xx_yy_AGREEMENTID). */
export const consumerAgreements = [...range('ATPC', 1, 5), ...range('ATPC', 2, 5), ...range('ATPC', 3, 6)];

export const transferFormat = 'HttpData-PULL';

/** Where a negotiation the node provides stands when a script step runs. */
export type ProviderNegotiationEvent =
  | 'requested'
  | 'counterRequested'
  | 'accepted'
  | 'verified'
  | 'offered'
  | 'agreed';
export type ProviderNegotiationAction = 'offer' | 'agree' | 'finalize' | 'terminate';

/** Where a negotiation the node consumes stands. */
export type ConsumerNegotiationEvent = 'requested' | 'offered' | 'agreed';
export type ConsumerNegotiationAction = 'accept' | 'counterRequest' | 'verify' | 'terminate';

export type ProviderTransferEvent = 'requested' | 'started' | 'suspended';
export type ConsumerTransferEvent = 'requested' | 'started' | 'suspended';
export type TransferAction = 'start' | 'complete' | 'suspend' | 'terminate';

/**
 * What to do on an event: the actions in order, or `[]` to wait for the counterparty. Events absent from a
 * script fall back to the node's ordinary behaviour.
 */
type Script<E extends string, A extends string> = Readonly<Partial<Record<E, readonly A[]>>>;

// Provider negotiations: the node waits by default (a TCK dataset never auto-agrees unless scripted).
const providerNegotiationScripts: Record<
  string,
  Script<ProviderNegotiationEvent, ProviderNegotiationAction>
> = {
  ACN0101: { requested: ['offer'] },
  ACN0102: { requested: ['offer'], counterRequested: ['terminate'] },
  ACN0103: { requested: ['offer'], accepted: ['agree'], verified: ['finalize'] },
  ACN0104: { requested: ['agree'], verified: ['finalize'] },
  ACN0201: { requested: ['terminate'] },
  ACN0202: { requested: [] },
  ACN0203: { requested: ['agree'] },
  ACN0204: { requested: ['offer'] },
  ACN0205: { requested: ['offer'], offered: ['terminate'] },
  ACN0206: { requested: ['offer'], accepted: ['terminate'] },
  ACN0207: { requested: ['agree'], verified: ['terminate'] },
  ACN0301: { requested: ['agree'], verified: ['finalize'] },
  ACN0302: { requested: ['offer'] },
  ACN0303: { requested: ['offer'], accepted: [] },
  ACN0304: { requested: ['offer'], counterRequested: [] },
};

// Consumer negotiations: by default the node accepts an offer and verifies an agreement, as any consumer
// that asked for the offer would; the scripts make it counter, terminate, or hold still.
const consumerNegotiationScripts: Record<
  string,
  Script<ConsumerNegotiationEvent, ConsumerNegotiationAction>
> = {
  ACNC0101: { offered: ['accept'], agreed: ['verify'] },
  ACNC0102: { offered: ['counterRequest'] },
  ACNC0103: { offered: ['terminate'] },
  ACNC0104: { agreed: ['verify'] },
  ACNC0201: {},
  ACNC0202: { requested: ['terminate'] },
  ACNC0203: { agreed: ['terminate'] },
  ACNC0204: { offered: [] },
  ACNC0205: { offered: ['accept'] },
  ACNC0206: { agreed: ['verify'] },
  ACNC0301: {},
  ACNC0302: { offered: [] },
  ACNC0303: { offered: [] },
  ACNC0304: { offered: ['accept'] },
  ACNC0305: { offered: ['accept'] },
  ACNC0306: { offered: ['accept'], agreed: [] },
};

const providerTransferScripts: Record<string, Script<ProviderTransferEvent, TransferAction>> = {
  ATP0101: { requested: ['start', 'terminate'] },
  ATP0102: { requested: ['start', 'complete'] },
  ATP0103: { requested: ['start', 'suspend', 'terminate'] },
  ATP0104: { requested: ['start', 'suspend', 'start', 'complete'] },
  ATP0105: { requested: ['terminate'] },
  ATP0201: { requested: ['start'] },
  ATP0202: { requested: ['start', 'complete'] },
  ATP0203: { requested: ['start', 'suspend', 'terminate'] },
  ATP0204: { requested: ['start', 'suspend', 'start', 'complete'] },
  ATP0205: { requested: ['terminate'] },
  ATP0301: { requested: [] },
  ATP0302: { requested: [] },
  ATP0303: { requested: ['start'] },
  ATP0304: { requested: ['start'] },
  ATP0305: { requested: ['start'] },
  ATP0306: { requested: ['start'] },
};

const consumerTransferScripts: Record<string, Script<ConsumerTransferEvent, TransferAction>> = {
  ATPC0201: { started: ['terminate'] },
  ATPC0202: { started: ['complete'] },
  ATPC0203: { started: ['suspend', 'terminate'] },
  ATPC0204: { started: ['suspend', 'start', 'complete'] },
  ATPC0205: { requested: ['terminate'] },
};

function lookup<E extends string, A extends string>(
  scripts: Record<string, Script<E, A>>,
  key: string,
  event: E,
): readonly A[] | undefined {
  return Object.hasOwn(scripts, key) ? scripts[key]?.[event] : undefined;
}

/** The scripted reaction of the provider to a negotiation on `datasetId`, or undefined for the default. */
export const providerNegotiationScript = (datasetId: string, event: ProviderNegotiationEvent) =>
  lookup(providerNegotiationScripts, datasetId, event);

export const consumerNegotiationScript = (datasetId: string, event: ConsumerNegotiationEvent) =>
  lookup(consumerNegotiationScripts, datasetId, event);

export const providerTransferScript = (agreementId: string, event: ProviderTransferEvent) =>
  lookup(providerTransferScripts, agreementId, event);

export const consumerTransferScript = (agreementId: string, event: ConsumerTransferEvent) =>
  lookup(consumerTransferScripts, agreementId, event);

/** True for a dataset whose negotiations the profile scripts (so ordinary auto-agree rules stay out). */
export const isScriptedDataset = (datasetId: string): boolean =>
  Object.hasOwn(providerNegotiationScripts, datasetId) ||
  Object.hasOwn(consumerNegotiationScripts, datasetId);
