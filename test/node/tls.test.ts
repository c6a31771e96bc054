import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startTestNode, type TestNode } from '../support/node.js';

/**
 * HTTPS by default: nodes sharing a local CA directory trust each other and the CLI trusts the CA it is given; a
 * node under another CA is refused with a line that says why.
 */
describe('nodes over HTTPS with a generated local CA', () => {
  const caDir = mkdtempSync(join(tmpdir(), 'musubi-shared-ca-'));
  let a: TestNode;
  let b: TestNode;
  let stranger: TestNode;
  const https = { plainHttp: false, outboundAllow: ['127.0.0.1'] };

  beforeAll(async () => {
    a = await startTestNode({ ...https, tlsLocalCaDir: caDir });
    b = await startTestNode({ ...https, tlsLocalCaDir: caDir });
    stranger = await startTestNode(https); // its own CA under its own store
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), stranger?.stop()]);
    rmSync(caDir, { recursive: true, force: true });
  });

  it('serves https:// and says which CA to trust', () => {
    expect(a.node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(a.node.caFile).toBe(join(caDir, 'ca.pem'));
    expect(stranger.node.caFile).toBe(join(stranger.store, 'ca', 'ca.pem'));
  });

  it("lets a second node's outbound client read the first one's DID document", async () => {
    const doc = await b.node.context.outbound.json<{ id: string }>(`${a.node.url}/.well-known/did.json`);
    expect(doc.id).toBe(`did:web:localhost%3A${a.node.port}`);
  });

  it('lets the CLI in with --ca, and refuses without it in one line naming the fix', async () => {
    const args = ['asset', 'list', '--node', a.node.url, '--api-key', a.apiKey];
    const trusted = await runCli([...args, '--ca', join(caDir, 'ca.pem')]);
    expect(trusted.code, trusted.stderr).toBe(0);
    const refused = await runCli(args, { env: { MUSUBI_TLS_CA: join(stranger.store, 'ca', 'ca.pem') } });
    expect(refused.code).toBe(6);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^musubi: cannot reach 127\.0\.0\.1:\d+ over HTTPS: its certificate was issued by a CA that is not trusted here \(\w+\); pass the node's CA with --ca <file>/,
    );
  });

  it('refuses a peer under a CA it does not trust, saying so', async () => {
    const err = await b.node.context.outbound
      .json(`${stranger.node.url}/.well-known/did.json`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'outbound.connect-failed',
      message: expect.stringMatching(/its certificate was issued by a CA that is not trusted here/),
    });
  });
});
