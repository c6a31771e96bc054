import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { repoRoot, spawnCli } from './support/cli.js';

/** The quick start's code block: the README promises exactly these two commands. */
function quickStart(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() !== '');
}

describe('README quick start', () => {
  it('is two commands: one that runs the main job, one that runs the tests', () => {
    const commands = quickStart();
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe('npm install && npx musubi demo');
    expect(commands[1]).toBe('npm test');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toBeTruthy();
    expect(pkg.scripts.prepare).toMatch(/build/);
  });

  it('runs its first command past npm install: the demo refines the samples and finds hits', async () => {
    const [bin, ...args] = quickStart()[0]!
      .replace(/^npm install && /, '')
      .split(' ');
    const demo = spawnCli(bin!, args);
    expect(await demo.exited, demo.stderr()).toBe(0);
    expect(demo.stdout()).toMatch(/5 added, 0 changed, 0 unchanged, 0 renamed, 0 removed, 0 failed/);
    expect(demo.stdout()).toMatch(/^1\. samples\/作業手順書_ポンプ分解点検\.md/m);
  });

  it('runs the node as the README shows: it prints its participant and key and answers /health', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const main = readme.match(/^npx musubi node start$/m)?.[0];
    expect(main).toBeDefined();
    const [bin, ...args] = main!.split(' ');
    // The command as written; only the port and store are steered by environment so a test never clashes.
    const store = mkdtempSync(join(tmpdir(), 'musubi-readme-'));
    const node = spawnCli(bin!, args, { env: { MUSUBI_PORT: '0', MUSUBI_STORE: store } });
    try {
      await node.waitFor(/Created participant: default/);
      const [, key] = await node.waitFor(/API key \(shown once, keep it safe\): (msk_\S+)/);
      const [, url] = await node.waitFor(/listening on (https:\/\/\S+)/);
      // HTTPS with the local CA the README's curl lines pass as --cacert (.musubi/ca/ca.pem, here in the store).
      expect(readme).toMatch(/^curl --cacert \.musubi\/ca\/ca\.pem https:\/\/127\.0\.0\.1:8080\/health$/m);
      const ca = readFileSync(join(store, 'ca', 'ca.pem'), 'utf8');
      const dispatcher = new Agent({ connect: { ca } });
      expect((await fetch(`${url}/health`, { dispatcher })).status).toBe(200);
      const me = await fetch(`${url}/management/v1/participant`, {
        headers: { 'x-api-key': key! },
        dispatcher,
      });
      expect(((await me.json()) as { id: string }).id).toBe('default');
      await dispatcher.close();
    } finally {
      node.signal('SIGTERM');
      await node.exited;
    }
  });
});
