import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { authOverrides, benchNode, type PeerAuth, publish } from './dataspace.js';

/**
 * The provider node of the negotiation figures, in its own thread: two nodes are two processes in any real
 * deployment, so they should not share one event loop in the measurement either.
 */
const { auth } = workerData as { auth: PeerAuth };
const provider = await benchNode(authOverrides(auth));
await publish(provider);
parentPort?.postMessage({ url: provider.node.url, did: provider.did });
parentPort?.once('message', async () => {
  await provider.node.close();
  rmSync(provider.dir, { recursive: true, force: true });
  parentPort?.postMessage('closed');
});
