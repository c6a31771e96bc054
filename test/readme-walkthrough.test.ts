import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot, type SpawnedNode, spawnCli } from './support/cli.js';

/** The lines of the README's two-node walk-through, as a reader would paste them. */
function walkthrough(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## Two companies, one contract$/m)[1]?.split(/^## /m)[0] ?? '';
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

/**
 * Runs the walk-through line by line the way a shell would, with two differences a test needs: free ports
 * instead of 8181/8282, and the built CLI instead of `npx musubi` (the quick-start test covers npx). A line
 * ending in `&` starts a node and waits until it listens — the reader waits for the same line.
 */
describe('README two-node walk-through', () => {
  const nodes: SpawnedNode[] = [];
  afterAll(async () => {
    for (const n of nodes) n.signal('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
  });

  it('publishes, lists, negotiates to FINALIZED and starts a transfer, with the CLI only', async () => {
    const lines = walkthrough();
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const [supplierPort, makerPort] = [await freePort(), await freePort()];
    const cwd = mkdtempSync(join(tmpdir(), 'musubi-walk-'));
    const env: Record<string, string> = {};
    const outputs: string[] = [];
    for (const raw of lines) {
      const line = raw
        .replaceAll('npx musubi', `'${process.execPath}' '${cliPath}'`)
        .replaceAll('8181', String(supplierPort))
        .replaceAll('8282', String(makerPort));
      const exported = line.match(/^export (.*)$/);
      const assigned = line.match(/^([A-Z_]+)=(.*)$/);
      if (exported) {
        for (const pair of exported[1]!.split(/\s+/)) {
          const [k, v] = pair.split('=');
          env[k!] = v ?? '';
        }
      } else if (assigned) {
        const r = await bash(`${assigned[1]}=${assigned[2]}; printf %s "$${assigned[1]}"`, env, cwd);
        expect(r.code, `${raw}\n${r.stderr}`).toBe(0);
        expect(r.stdout, raw).not.toBe('');
        env[assigned[1]!] = r.stdout.trim();
      } else if (line.endsWith('&')) {
        const node = spawnCli('bash', ['-c', `exec ${line.slice(0, -1)}`], { env, cwd });
        nodes.push(node);
        await node.waitFor(/listening on http:\/\/\S+/);
      } else {
        const r = await bash(line, env, cwd);
        expect(r.code, `${raw}\n${r.stderr}`).toBe(0);
        outputs.push(r.stdout);
      }
    }
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
