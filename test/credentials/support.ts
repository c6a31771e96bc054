import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  didDocument,
  generateParticipantKey,
  importSigningKey,
  type SigningKey,
} from '../../src/dataspace/identity/index.js';
import { createParticipant } from '../../src/node/participants.js';
import { api, freePort, publishOffer } from '../dataspace/two-node-support.js';
import type { TestNode } from '../support/node.js';

export const membershipName = 'むすびデータスペース';

export const membersOnly = {
  '@id': 'offer-会員限定',
  target: 'bom-2026',
  permission: [
    {
      action: 'use',
      constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: membershipName }],
    },
  ],
};

/** Asset bom-2026 offered under a contract policy only members of the data space satisfy. */
export function publishMembersOnlyOffer(t: TestNode): Promise<void> {
  return publishOffer(t, {
    offerId: 'offer-会員限定',
    policyId: 'members',
    title: '会員のみ',
    permission: membersOnly.permission,
  });
}

/** Another participant on a node, with its DID and an API key acting for it. */
export async function addParticipant(
  t: TestNode & { did: string },
  id: string,
): Promise<TestNode & { did: string; id: string }> {
  const { apiKey } = await createParticipant(t.node.context.participants, { id, name: id }, 'system');
  return { ...t, apiKey: apiKey.key, did: `${t.did}:p:${id}`, id };
}

/** Issues through the authority's management API (delivered to the holder's CredentialService). */
export async function issue(
  authority: TestNode,
  holder: string,
  over: Record<string, unknown> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return api(authority, 'POST', '/authority/credentials', {
    holder,
    type: 'MembershipCredential',
    claims: { membership: membershipName },
    ...over,
  });
}

/**
 * A did:web party outside any node: it serves its DID document (with a CredentialService on the same server)
 * and signs its own tokens. `answer` decides what its credential service does (by default: never answers).
 */
export async function outsideParty(): Promise<{
  did: string;
  signer: SigningKey;
  server: Server;
  close: () => Promise<void>;
}> {
  const port = await freePort();
  const did = `did:web:127.0.0.1%3A${port}`;
  const key = await generateParticipantKey('EdDSA');
  const signer = await importSigningKey(did, key.privateJwk);
  const doc = didDocument(
    did,
    [key.publicJwk],
    [
      {
        id: `${did}#credential-service`,
        type: 'CredentialService',
        serviceEndpoint: `http://127.0.0.1:${port}/dcp`,
      },
    ],
  );
  const hanging: import('node:http').ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/did.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      return;
    }
    hanging.push(res); // the credential service that never answers
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    did,
    signer,
    server,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const newPid = () => `urn:uuid:${randomUUID()}`;

/** Revokes a credential at the authority (by its id), with the operator's reason; fails unless it answers 200. */
export async function revokeCredential(authority: TestNode, credentialId: unknown, reason?: string) {
  const revoked = await api<{ revokedAt: string }>(
    authority,
    'POST',
    `/authority/credentials/${encodeURIComponent(String(credentialId))}/revoke`,
    reason === undefined ? {} : { reason },
  );
  if (revoked.status !== 200) throw new Error(`revoke: ${revoked.status} ${JSON.stringify(revoked.body)}`);
  return revoked.body;
}
