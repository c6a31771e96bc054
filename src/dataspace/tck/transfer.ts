import type { Transfer, TransferAction, TransferReact } from '../transfer/index.js';
import {
  type ConsumerTransferEvent,
  consumerTransferScript,
  type ProviderTransferEvent,
  providerTransferScript,
  type TransferAction as ScriptedAction,
} from './scenarios.js';

const events: Readonly<Record<string, ProviderTransferEvent & ConsumerTransferEvent>> = {
  REQUESTED: 'requested',
  STARTED: 'started',
  SUSPENDED: 'suspended',
};

function action(a: ScriptedAction, agreementId: string): TransferAction {
  const reason = `the conformance profile's script for ${agreementId}`;
  switch (a) {
    case 'start':
      return { kind: 'start' };
    case 'complete':
      return { kind: 'complete' };
    case 'suspend':
      return { kind: 'suspend', code: 'tck-scripted', reason };
    case 'terminate':
      return { kind: 'terminate', code: 'tck-scripted', reason };
  }
}

/**
 * The transfer steps of the conformance profile: after the counterparty moved a transfer, the script of its
 * agreement (ATP… as provider, ATPC… as consumer) says what the node does next, in order; other agreements
 * keep the node's ordinary behaviour.
 */
export const tckTransferReact: TransferReact = async (t: Transfer) => {
  const event = events[t.state];
  if (!event) return undefined;
  const actions =
    t.role === 'provider'
      ? providerTransferScript(t.agreementId, event)
      : consumerTransferScript(t.agreementId, event);
  return actions?.map((a) => action(a, t.agreementId));
};
