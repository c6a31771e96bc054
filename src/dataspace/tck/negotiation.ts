import type { Decide, DecisionPoint, Negotiation, Reaction } from '../negotiation/index.js';
import {
  type ConsumerNegotiationAction,
  type ConsumerNegotiationEvent,
  consumerNegotiationScript,
  type ProviderNegotiationAction,
  type ProviderNegotiationEvent,
  providerNegotiationScript,
} from './scenarios.js';

const scripted = (why: string): Reaction => ({
  kind: 'terminate',
  code: 'tck-scripted',
  reason: `the conformance profile terminates here (${why})`,
});

/** The first scripted action of the profile, as the negotiation service's reaction. */
function providerReaction(
  n: Negotiation,
  actions: readonly ProviderNegotiationAction[],
  why: string,
): Reaction {
  switch (actions[0]) {
    case 'offer':
      // The provider offers what it publishes for the dataset: the offer the consumer asked for.
      return { kind: 'offer', offer: n.offer };
    case 'agree':
      return { kind: 'agree' };
    case 'finalize':
      return { kind: 'finalize' };
    case 'terminate':
      return scripted(why);
    default:
      // Nothing scripted here: wait.
      return { kind: 'wait' };
  }
}

function consumerReaction(
  n: Negotiation,
  actions: readonly ConsumerNegotiationAction[],
  why: string,
): Reaction {
  switch (actions[0]) {
    case 'accept':
      return { kind: 'accept' };
    case 'counterRequest':
      // As the TCK's reference consumer does: ask again for the offer's rules, as a request of our own.
      return { kind: 'counter', offer: n.offer };
    case 'verify':
      return { kind: 'verify' };
    case 'terminate':
      return scripted(why);
    default:
      // Nothing scripted here: wait.
      return { kind: 'wait' };
  }
}

/**
 * The negotiation decisions of the conformance profile: at each point the protocol leaves to the node, the
 * script of the negotiated dataset decides (docs/conformance.md lists them); other datasets keep the
 * node's ordinary rules.
 */
export const tckDecide: Decide = async (n, point: DecisionPoint) => {
  const dataset = n.offer.target;
  if (n.role === 'provider') {
    // A negotiation back in REQUESTED after its first step was re-requested by the consumer (a counter-offer).
    const event: ProviderNegotiationEvent =
      point === 'requested'
        ? n.version > 1
          ? 'counterRequested'
          : 'requested'
        : point === 'verified' || point === 'offered'
          ? point
          : 'accepted';
    const actions = providerNegotiationScript(dataset, event);
    return actions && providerReaction(n, actions, `${dataset} ${event}`);
  }
  const event: ConsumerNegotiationEvent | undefined =
    point === 'offered' || point === 'agreed' || point === 'requested' ? point : undefined;
  if (!event) return undefined;
  const actions = consumerNegotiationScript(dataset, event);
  return actions && consumerReaction(n, actions, `${dataset} ${event}`);
};
