import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, repoRoot } from '../support/cli.js';
import { overTls, startTestNode, type TestNode, testCaFile } from '../support/node.js';

/** docs/pact.md's walk-through, run line for line against a node over HTTPS (only its URL and paths steered). */
describe('the PACT walk-through in docs/pact.md', () => {
  let node: TestNode;
  let dir: string;
  beforeAll(async () => {
    node = await startTestNode(overTls);
    dir = mkdtempSync(join(tmpdir(), 'musubi-pact-docs-'));
  });
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a client, publishes, gets a token and reads the footprint over v3 and v2.3', async () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'pact.md'), 'utf8');
    const block = doc.split(/^## Walk-through$/m)[1]?.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(6);
    const script = lines
      .map((l) =>
        l
          // the CLI lines name the node (the docs' node is the default https://127.0.0.1:8080)
          .replace(
            /^npx musubi (pact (?:client add|publish) \S+)/,
            `node ${cliPath} $1 --node ${node.node.url}`,
          )
          .replaceAll('https://127.0.0.1:8080', node.node.url)
          .replaceAll('docs/pact/', `${join(repoRoot, 'docs', 'pact')}/`),
      )
      .join('\n');
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      env: cleanEnv({ MUSUBI_API_KEY: node.apiKey, MUSUBI_TLS_CA: testCaFile }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const [code] = await once(child, 'close');
    expect(code, err).toBe(0);
    // curl prints no newline: the two answers follow each other on one line
    const [published, answers = ''] = out.split('\n');
    const second = answers.indexOf('{"data":', 1);
    const v3 = answers.slice(0, second);
    const v2 = answers.slice(second);
    expect(published).toBe('Published 3f1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607 (version 1)');
    expect(JSON.parse(v3).data[0]).toMatchObject({
      id: '3f1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607',
      specVersion: '3.0.0',
    });
    expect(JSON.parse(v2).data).toMatchObject({ specVersion: '2.3.0', productCategoryCpc: '46410' });
  });
});
