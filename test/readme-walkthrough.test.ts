import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot, type SpawnedNode, spawnCli } from './support/cli.js';

/** The lines of a README section's first `sh` block, as a reader would paste them. */
function walkthrough(heading: string): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(new RegExp(`^## ${heading}$`, 'm'))[1]?.split(/^## /m)[0] ?? '';
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once something accepts TCP connections on the port; rejects when `gone` settles first or after 30 s. */
async function accepting(port: number, gone: Promise<unknown>): Promise<void> {
  let exited = false;
  void gone.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (exited) throw new Error(`the process for port ${port} exited before it listened`);
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within 30 s`);
    await new Promise((r) => setTimeout(r, 100)); // polling a condition with a bound, not a wait for time
  }
}

async function bash(line: string, env: Record<string, string>, cwd: string) {
  const child = spawn('bash', ['-c', `set -eo pipefail; ${line}`], { env: cleanEnv(env), cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

interface Step {
  readonly line: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a walk-through line by line the way a shell would, with two differences a test needs: free ports instead
 * of the README's (each in `ports`), and the built CLI instead of `npx musubi` (the quick-start test covers npx).
 * A line ending in `&` starts a server and waits until it listens — a node until it prints its URL, anything
 * else until its port accepts connections — as the reader waits for the same line. A line whose comment says
 * `# exit N` must end with exit code N; every other line must succeed.
 */
async function run(
  lines: readonly string[],
  ports: Readonly<Record<string, number>>,
  nodes: SpawnedNode[],
  baseEnv: Record<string, string> = {},
) {
  const cwd = mkdtempSync(join(tmpdir(), 'musubi-walk-'));
  const env: Record<string, string> = { ...baseEnv };
  const steps: Step[] = [];
  const urls: string[] = [];
  for (const raw of lines) {
    let line = raw.replaceAll('npx musubi', `'${process.execPath}' '${cliPath}'`);
    for (const [from, to] of Object.entries(ports)) line = line.replaceAll(from, String(to));
    const exported = line.match(/^export (.*)$/);
    const assigned = line.match(/^([A-Z_]+)=(.*)$/);
    const expected = Number(raw.match(/\s#\s*exit (\d+)\b/)?.[1] ?? 0);
    if (exported) {
      for (const pair of exported[1]!.split(/\s+/)) {
        const at = pair.indexOf('=');
        env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    } else if (line.endsWith('&')) {
      const server = spawnCli('bash', ['-c', line.slice(0, -1)], { env, cwd });
      nodes.push(server);
      if (/ node start /.test(line)) {
        const [, url] = await server.waitFor(/listening on (https?:\/\/\S+)/);
        urls.push(url!);
      } else {
        const port = Object.values(ports).find((p) => line.includes(String(p)));
        expect(port, raw).toBeDefined();
        await accepting(port!, server.exited);
      }
    } else if (assigned) {
      const r = await bash(`${assigned[1]}=${assigned[2]}; printf %s "$${assigned[1]}"`, env, cwd);
      expect(r.code, `${raw}\n${r.stderr}`).toBe(0);
      expect(r.stdout, raw).not.toBe('');
      env[assigned[1]!] = r.stdout.trim();
      steps.push({ line: raw, ...r });
    } else {
      const r = await bash(line, env, cwd);
      expect(r.code, `${raw}\n${r.stdout}\n${r.stderr}`).toBe(expected);
      steps.push({ line: raw, ...r });
    }
  }
  return { cwd, env, steps, urls };
}

describe('README two-node walk-through', () => {
  const nodes: SpawnedNode[] = [];
  afterAll(async () => {
    for (const n of nodes) n.signal('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
  });

  it('publishes, lists, negotiates to FINALIZED and starts a transfer, with the CLI only', async () => {
    const lines = walkthrough('Two companies, one contract');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const supplierPort = await freePort();
    const ports = { '8181': supplierPort, '8282': await freePort() };
    const { env, steps } = await run(lines, ports, nodes);
    const outputs = steps.map((s) => s.stdout);
    // The catalog line lists the offer to the one customer it names; the agreement id looks like one; the
    // transfer is STARTED with a pull endpoint on the supplier's data plane and a token.
    expect(outputs.join('\n')).toMatch(/bom-2026\ttext\/csv\t部品表 2026年度\toffers: bom-offer:bom-2026/);
    expect(env.AGREEMENT).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const transfer = outputs.at(-1) ?? '';
    expect(transfer).toMatch(/\tSTARTED\tconsumer\tHttpData-PULL\t/);
    expect(transfer).toMatch(
      new RegExp(`endpoint: http://localhost:${supplierPort}/p/supplier/data/transfers/\\S+`),
    );
    expect(transfer).toMatch(/token: \S{20,}/);
  }, 600_000);
});

describe('README members-only walk-through: an authority, two participants, HTTPS and DCP', () => {
  const nodes: SpawnedNode[] = [];
  afterAll(async () => {
    for (const n of nodes) n.signal('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
  });

  it('issues memberships, negotiates and pulls under a membership policy, and refuses the revoked member', async () => {
    const lines = walkthrough('Members only: an authority, credentials and a revocation');
    expect(lines.length).toBeGreaterThanOrEqual(15);
    const [supplierPort, makerPort, authorityPort] = [await freePort(), await freePort(), await freePort()];
    const ports = {
      '8181': supplierPort,
      '8282': makerPort,
      '8383': authorityPort,
      '9000': await freePort(),
    };
    // Only the local CA the nodes share is trusted: no test CA from the environment.
    const { cwd, env, steps, urls } = await run(lines, ports, nodes, { MUSUBI_TLS_CA: '' });
    const out = (pattern: RegExp) => steps.find((s) => pattern.test(s.line));

    // Three nodes over HTTPS, the way a node starts by default.
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(u).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(cwd, '.musubi', 'ca', 'ca.pem'), 'utf8');
    expect(ca).toContain('BEGIN CERTIFICATE');

    // Both memberships issued by the authority, one per participant.
    const authority = `did:web:localhost%3A${authorityPort}:p:authority`;
    expect(out(/authority membership .*p:supplier/)?.stdout).toMatch(
      new RegExp(
        `^urn:uuid:\\S+\\tMembershipCredential\\tdid:web:localhost%3A${supplierPort}:p:supplier\\tvalid until `,
      ),
    );
    expect(env.MEMBERSHIP).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    // The negotiation under the membership policy finalized, the transfer started and the pull brought the bytes.
    expect(env.AGREEMENT).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(env.TRANSFER).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(readFileSync(join(cwd, '部品表.csv'), 'utf8')).toBe(readFileSync(join(cwd, 'bom.csv'), 'utf8'));
    expect(readFileSync(join(cwd, 'bom.csv'), 'utf8')).toContain('遠心ポンプ');

    // Revoked; the new negotiation is refused to the maker without the reason…
    expect(out(/authority revoke/)?.stdout).toMatch(/\tMembershipCredential\t.*\trevoked \d{4}-/);
    const refused = out(/--force --wait/);
    expect(refused?.code).not.toBe(0);
    expect(refused?.stdout).toBe('');
    expect(refused?.stderr).toMatch(/refused to show dataset bom-2026 \(HTTP 401\)/);
    expect(refused?.stderr).not.toMatch(/revoked|credential\./);
    // …and the supplier's operator reads the stable reason code and the full reason with the CLI.
    const audit =
      out(/audit list --action credential\.refused/)
        ?.stdout.trim()
        .split('\n') ?? [];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatch(
      new RegExp(
        `\\tcredential\\.refused\\tdid:web:localhost%3A${makerPort}:p:maker\\t.*\\tdenied\\tcredential\\.revoked\\tMembershipCredential revoked by ${authority}$`,
      ),
    );
    // the line the README shows is this one, but for its sequence number, time and ports
    const shown = readFileSync(join(repoRoot, 'README.md'), 'utf8')
      .split('\n')
      .find((l) => l.includes('\tcredential.refused\t'));
    expect(shown).toBeDefined();
    const withPorts = Object.entries(ports).reduce((l, [from, to]) => l.replaceAll(from, String(to)), shown!);
    const tail = (l: string) => l.split('\t').slice(2).join('\t');
    expect(tail(audit[0] ?? '')).toBe(tail(withPorts));
  }, 600_000);
});
