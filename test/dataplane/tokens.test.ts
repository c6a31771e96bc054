import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeTransferAccess, setAccessHook } from '../../src/node/scopes/dataplane.js';
import { nodeTransfers } from '../../src/node/scopes/transfers.js';
import { eventually } from '../dataspace/two-node-support.js';
import {
  accessAudit,
  type Clock,
  clockedNode,
  type Edr,
  type Node,
  protocolDriver,
  pull,
  seedAsset,
  testClock,
} from './support.js';

const body = '部品表 2026: ボルト M8 ×4, ナット M8 ×4\n';

/** Token lifetimes, refresh and rotation, revocation and foreign tokens, against a real provider node. */
describe('data plane tokens (provider)', () => {
  let clock: Clock;
  let provider: Node;
  let consumer: Node;
  let other: Node;
  let driver: Awaited<ReturnType<typeof protocolDriver>>;
  let root: string;
  let n = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'musubi-files-'));
    writeFileSync(join(root, 'bom.txt'), body);
    clock = testClock();
    [provider, consumer, other] = await Promise.all([
      clockedNode(clock, { dataPlaneFileRoots: [root], dataPlaneTokenTtlS: 300, dataPlaneRefreshTtlS: 3600 }),
      clockedNode(clock),
      clockedNode(clock),
    ]);
    driver = await protocolDriver(provider, consumer);
  });
  afterAll(async () => {
    await driver?.close();
    await Promise.all([provider?.stop(), consumer?.stop(), other?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  async function started(): Promise<Edr> {
    const agreementId = `urn:uuid:agreement-${++n}`;
    await seedAsset(provider, {
      agreementId,
      assetId: `bom-${n}`,
      consumerDid: consumer.did,
      address: { type: 'File', path: 'bom.txt' },
      contentType: 'text/plain; charset=utf-8',
    });
    return driver.start(agreementId);
  }

  async function refresh(edr: Edr, token = edr.refreshToken) {
    const res = await fetch(edr.refreshEndpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('puts a short-lived token, its lifetime and a refresh token in the start, and serves the file with it', async () => {
    const edr = await started();
    expect(edr.endpoint).toBe(
      `${provider.node.context.publicUrl()}/data/transfers/${encodeURIComponent(edr.providerPid)}`,
    );
    expect(edr.refreshEndpoint).toBe(`${provider.node.context.publicUrl()}/data/token`);
    expect(edr.expiresIn).toBe(300);
    expect(edr.token).toMatch(/^[\w-]{43}$/);
    expect(edr.refreshToken).not.toBe(edr.token);
    const res = await pull(edr.endpoint, edr.token);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body);
    // only hashes are stored
    const rows = await provider.node.context.db.selectFrom('dataplane_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(edr.token);
    expect(JSON.stringify(rows)).not.toContain(edr.refreshToken);
  });

  it('refuses a missing, unknown or malformed token with 401 and a reason code, serving nothing', async () => {
    const edr = await started();
    for (const [token, code] of [
      [undefined, 'token.missing'],
      ['not-a-token', 'token.unknown'],
      [edr.refreshToken, 'token.unknown'],
    ] as const) {
      const res = await pull(edr.endpoint, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const problem = (await res.json()) as Record<string, unknown>;
      expect(problem.code).toBe(code);
      expect(JSON.stringify(problem)).not.toContain('ボルト');
    }
  });

  it('expires the access token after its lifetime (clock moved, no waiting)', async () => {
    const edr = await started();
    clock.advance(299_000);
    expect((await pull(edr.endpoint, edr.token)).status).toBe(200);
    clock.advance(1_000);
    const res = await pull(edr.endpoint, edr.token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('token.expired');
  });

  it('refreshes while STARTED: new tokens work, the old access and refresh tokens stop, a replay revokes', async () => {
    const edr = await started();
    clock.advance(290_000);
    const r = await refresh(edr);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    const next = {
      ...edr,
      token: r.body.access_token as string,
      refreshToken: r.body.refresh_token as string,
    };
    expect(next.token).not.toBe(edr.token);
    clock.advance(200_000); // the old token would have expired by now anyway; the new one has not
    expect((await pull(next.endpoint, next.token)).status).toBe(200);
    const old = await pull(edr.endpoint, edr.token);
    expect(old.status).toBe(401);
    expect(((await old.json()) as { code: string }).code).toBe('token.rotated');
    // the used refresh token again: refused, and the transfer's live tokens are revoked (someone copied it)
    const replay = await refresh(edr);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const after = await pull(next.endpoint, next.token);
    expect(after.status).toBe(403);
    expect(((await after.json()) as { code: string }).code).toBe('token.revoked');
  });

  it('answers RFC 6749 errors on the refresh endpoint', async () => {
    const edr = await started();
    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(edr.refreshEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error: string } }));
    expect((await post({ grant_type: 'password', refresh_token: edr.refreshToken })).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await post({ grant_type: 'refresh_token' })).body.error).toBe('invalid_request');
    const unknown = await post({ grant_type: 'refresh_token', refresh_token: 'x' });
    expect(unknown).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
    // an access token is not a refresh token
    expect((await post({ grant_type: 'refresh_token', refresh_token: edr.token })).body.error).toBe(
      'invalid_grant',
    );
    clock.advance(3_600_000);
    expect((await refresh(edr)).body.error).toBe('invalid_grant');
  });

  for (const [type, endpoint, extra, code] of [
    ['TransferSuspensionMessage', 'suspension', { code: 'pause' }, 'transfer.suspended'],
    ['TransferCompletionMessage', 'completion', {}, 'transfer.completed'],
    ['TransferTerminationMessage', 'termination', { code: 'stop' }, 'transfer.terminated'],
  ] as const) {
    it(`revokes at once on ${endpoint}: access 403, refresh invalid_grant`, async () => {
      const edr = await started();
      expect((await pull(edr.endpoint, edr.token)).status).toBe(200);
      const res = await driver.send(type, edr, endpoint, extra);
      expect(res.status).toBe(200);
      const refused = await pull(edr.endpoint, edr.token);
      expect(refused.status).toBe(403);
      const problem = (await refused.json()) as { code: string; detail: string };
      expect(problem.code).toBe('token.revoked');
      expect(problem.detail).toContain(code);
      expect((await refresh(edr)).body.error).toBe('invalid_grant');
    });
  }

  it('issues new tokens when a suspended transfer is started again; the suspended ones stay dead', async () => {
    const edr = await started();
    await driver.send('TransferSuspensionMessage', edr, 'suspension');
    const ctx = provider.node.context;
    await nodeTransfers(ctx).act(ctx.config.defaultParticipantId, edr.providerPid, 'test', { kind: 'start' });
    const restart = await eventually(
      'second start',
      async () =>
        driver.peer.of('TransferStartMessage').filter((m) => m.body.consumerPid === edr.consumerPid),
      (ms) => ms.length === 2,
    );
    const address = restart[1]?.body.dataAddress as { endpointProperties: { name: string; value: string }[] };
    const props = address.endpointProperties;
    const token = props.find((p) => p.name === 'authorization')?.value ?? '';
    expect((await pull(edr.endpoint, token)).status).toBe(200);
    expect((await pull(edr.endpoint, edr.token)).status).toBe(403);
  });

  it('revokes for the policy monitor (revokeTransferAccess)', async () => {
    const edr = await started();
    expect(await revokeTransferAccess(provider.node.context, edr.providerPid, 'policy.expired')).toBe(2);
    const res = await pull(edr.endpoint, edr.token);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain('policy.expired');
  });

  it("refuses a token at another transfer's endpoint or another participant's root (403 token.foreign)", async () => {
    const a = await started();
    const b = await started();
    const res = await pull(b.endpoint, a.token);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('token.foreign');
    // the same transfer id under another participant's root: the participant does not exist → 404
    const elsewhere = a.endpoint.replace('/data/', '/p/nobody/data/');
    expect((await pull(elsewhere, a.token)).status).toBe(404);
  });

  it('asks the access hook on every request and refuses with its reason code', async () => {
    const edr = await started();
    const seen: string[] = [];
    setAccessHook(provider.node.context, async (r) => {
      seen.push(`${r.transferId}|${r.consumerId}|${r.assetId}`);
      return r.transferId === edr.providerPid
        ? { permitted: false, reasonCode: 'policy.purpose-mismatch', message: 'not for this purpose' }
        : { permitted: true };
    });
    try {
      const res = await pull(edr.endpoint, edr.token);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        code: 'policy.purpose-mismatch',
        detail: 'not for this purpose',
      });
      expect(seen).toEqual([`${edr.providerPid}|${consumer.did}|bom-${n}`]);
    } finally {
      setAccessHook(provider.node.context, async () => ({ permitted: true }));
    }
  });

  it('audits every access and never logs a token', async () => {
    const edr = await started();
    await pull(edr.endpoint, edr.token, { headers: { 'accept-encoding': 'identity' } }).then((r) => r.text());
    await pull(edr.endpoint, 'wrong').then((r) => r.text());
    const rows = await eventually(
      'audit rows',
      async () => (await accessAudit(provider)).filter((r) => r.resource_id === edr.providerPid),
      (rs) => rs.length === 2,
    );
    // Each access is audited when its response ends, so the refused one may land first: match by outcome.
    const served = rows.find((r) => r.outcome === 'success');
    const refused = rows.find((r) => r.outcome === 'denied');
    expect(served).toMatchObject({
      actor: consumer.did,
      outcome: 'success',
      via: 'data-plane',
      details: expect.objectContaining({
        status: 200,
        bytes: Buffer.byteLength(body),
        complete: true,
        agreementId: `urn:uuid:agreement-${n}`,
        assetId: `bom-${n}`,
      }),
    });
    expect(refused).toMatchObject({ actor: 'unknown', outcome: 'denied', reason: 'token.unknown' });
    expect(refused?.details).toMatchObject({ status: 401, bytes: 0 });
    const logs = provider.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(edr.token);
    expect(logs).not.toContain(edr.refreshToken);
  });
});
