import type { Offer } from '../protocol/index.js';
import { CounterOfferInvalid } from './errors.js';
import {
  type NegotiationMessage,
  type NegotiationState,
  negotiationSteps,
  type Role,
} from './negotiation.js';

/** Pure rules around the transition table: who is awaited, where messages go, what an offer must match. */

export const peerOf = (role: Role): Role => (role === 'provider' ? 'consumer' : 'provider');

/**
 * Whether, in this state, the next step is the counterparty's (so a deadline applies). States where the next
 * step is ours are not: either we take it at once, or a person decides, and a person is never hurried.
 */
export function waitsOnPeer(state: NegotiationState, role: Role): boolean {
  const peer = peerOf(role);
  const next = negotiationSteps.filter(
    (s) => s.from === state && s.message !== 'ContractNegotiationTerminationMessage',
  );
  return next.length > 0 && next.every((s) => s.sender === peer);
}

export function deadlineFor(
  state: NegotiationState,
  role: Role,
  at: Date,
  deadlineMs: number,
): string | null {
  if (deadlineMs <= 0 || !waitsOnPeer(state, role)) return null;
  return new Date(at.getTime() + deadlineMs).toISOString();
}

/** The endpoint a message goes to, below the peer's DSP base or callback address. */
export function messagePath(message: NegotiationMessage, peerPid: string): string {
  const suffix: Record<NegotiationMessage, string> = {
    ContractRequestMessage: 'request',
    ContractOfferMessage: 'offers',
    'ContractNegotiationEventMessage:ACCEPTED': 'events',
    'ContractNegotiationEventMessage:FINALIZED': 'events',
    ContractAgreementMessage: 'agreement',
    ContractAgreementVerificationMessage: 'agreement/verification',
    ContractNegotiationTerminationMessage: 'termination',
  };
  return `/negotiations/${encodeURIComponent(peerPid)}/${suffix[message]}`;
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** Which message an endpoint (the last path segments after the pid) accepts. */
export function endpointAccepts(endpoint: string, message: NegotiationMessage): boolean {
  switch (endpoint) {
    case 'request':
      return message === 'ContractRequestMessage';
    case 'offers':
      return message === 'ContractOfferMessage';
    case 'events':
      return message.startsWith('ContractNegotiationEventMessage:');
    case 'agreement':
      return message === 'ContractAgreementMessage';
    case 'agreement/verification':
      return message === 'ContractAgreementVerificationMessage';
    case 'termination':
      return message === 'ContractNegotiationTerminationMessage';
    default:
      return false;
  }
}

type Rules = Pick<Offer, 'permission' | 'prohibition' | 'obligation'>;

/** Key order and absent-vs-empty must not make two equal policies differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !k.startsWith('@') && v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

function rules(o: Rules): string {
  const nonEmpty = (r: unknown) => (Array.isArray(r) && r.length > 0 ? canonical(r) : undefined);
  return JSON.stringify({
    permission: nonEmpty(o.permission),
    prohibition: nonEmpty(o.prohibition),
    obligation: nonEmpty(o.obligation),
  });
}

/**
 * Why a requested (or agreed) policy differs from the published one, or undefined when they match: same
 * target, same rules. Rules omitted entirely from a request mean "the offer as published".
 */
export function offerMismatch(requested: Offer, published: Offer): string | undefined {
  if (requested.target !== undefined && requested.target !== published.target) {
    return `target ${JSON.stringify(requested.target)} is not the offer's target`;
  }
  const given = requested.permission || requested.prohibition || requested.obligation;
  if (given && rules(requested) !== rules(published)) return 'its rules differ from the published offer';
  return undefined;
}

/**
 * Why an agreement the provider sent differs from the offer the consumer last requested or accepted, or
 * undefined when it is that offer: the same target and the same rules (none dropped, none added). The consumer
 * refuses anything else — an agreement is only what both sides said.
 */
export function agreementMismatch(agreement: Offer, negotiated: Offer): string | undefined {
  if (agreement.target !== negotiated.target) {
    return `the agreement's target ${JSON.stringify(agreement.target)} is not the negotiated ${JSON.stringify(negotiated.target)}`;
  }
  if (rules(agreement) !== rules(negotiated)) return "the agreement's rules differ from the negotiated offer";
  return undefined;
}

/** What a consumer proposes instead of the provider's offer: its own rules, and optionally its own offer id. */
export interface CounterProposal extends Rules {
  readonly '@id'?: string;
  readonly target?: string;
}

const someRules = (r: Rules['permission']) => (r && r.length > 0 ? r : undefined);

/**
 * The offer a consumer's counter-request carries, shaped to the request schema's MessageOffer: the negotiated
 * target (a counter-offer cannot move to another dataset), an id (the offer's own unless the consumer names
 * one), and only the rules. Nothing else of the provider's offer (its assigner, its `@type`) is sent back as
 * if the consumer had said it.
 */
export function counterOffer(negotiationId: string, current: Offer, proposed: CounterProposal): Offer {
  if (proposed.target !== undefined && proposed.target !== current.target) {
    throw new CounterOfferInvalid(
      negotiationId,
      `target ${JSON.stringify(proposed.target)} is not the negotiated dataset ${JSON.stringify(current.target)}`,
    );
  }
  const permission = someRules(proposed.permission);
  const prohibition = someRules(proposed.prohibition);
  const obligation = someRules(proposed.obligation);
  if (!permission && !prohibition) {
    throw new CounterOfferInvalid(negotiationId, 'it needs at least one permission or prohibition');
  }
  return {
    '@id': proposed['@id'] ?? current['@id'],
    target: current.target,
    ...(permission ? { permission } : {}),
    ...(prohibition ? { prohibition } : {}),
    ...(obligation ? { obligation } : {}),
  };
}
