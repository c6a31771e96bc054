import { startTestNode, type TestNode } from '../support/node.js';
import { NodeClient } from './peer/client.js';
import { TestPeer } from './peer/peer.js';

/** The Authorization value the TCK is configured to send; the profile's default (config `tckAuthorization`). */
export const tckAuthorization = 'musubi-tck';

/** The participant id the node gives the TCK's requests (and the TCK gives itself). */
export const tckParticipant = 'TCK_PARTICIPANT';

export interface Conformance {
  readonly node: TestNode;
  readonly client: NodeClient;
  readonly peer: TestPeer;
  readonly stop: () => Promise<void>;
}

/**
 * A node started with the conformance profile (`--profile tck`) on loopback, and the conformance peer beside
 * it. The suite talks to the node over HTTP only; the egress allowlist lets the node call the peer back.
 */
export async function startConformance(): Promise<Conformance> {
  const node = await startTestNode({ profile: 'tck', plainHttp: true, outboundAllow: ['127.0.0.1'] });
  const peer = await new TestPeer().start();
  const client = new NodeClient(`${node.node.url}/dsp/2025-1`, node.node.url, tckAuthorization);
  return {
    node,
    client,
    peer,
    stop: async () => {
      await peer.stop();
      await node.stop();
    },
  };
}
