import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cleanEnv, cliPath } from '../support/cli.js';
import { type TestNode, testCaFile } from '../support/node.js';

/** The lines of the first ```sh block after a heading of a Markdown text (blank lines dropped). */
export function shellBlock(markdown: string, heading: RegExp): string[] {
  const block = markdown.split(heading)[1]?.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() !== '');
}

export interface WalkThrough {
  readonly lines: readonly string[];
  readonly node: TestNode;
  /** Working directory of the script (files it writes land there). */
  readonly cwd: string;
  /** Text replaced in every line (the docs' paths and hosts steered to the test's). */
  readonly replace?: readonly (readonly [string, string])[];
  /** After a line matching `after`, the script waits until `until` resolves (as a reader would wait). */
  readonly pauses?: readonly { readonly after: RegExp; readonly until: () => Promise<unknown> }[];
}

/**
 * Runs a walk-through's shell lines as written against a test node over HTTPS: one bash (`-euo pipefail`), the
 * node's API key and CA in MUSUBI_API_KEY / MUSUBI_TLS_CA, `npx musubi …` as the built CLI naming the node, the
 * docs' node URL (https://127.0.0.1:8080) as the test node's. Returns the exit code and output.
 */
export async function runWalkThrough(w: WalkThrough): Promise<{ code: number; out: string; err: string }> {
  const pauses = w.pauses ?? [];
  const script = w.lines
    .map((line) => {
      let l = line
        // the CLI lines name the node (the docs' node is the default https://127.0.0.1:8080)
        .replace(
          /^npx musubi (.*?)( >.*)?$/,
          (_m, args: string, redirect?: string) =>
            `node ${cliPath} ${args} --node ${w.node.node.url}${redirect ?? ''}`,
        )
        .replaceAll('https://127.0.0.1:8080', w.node.node.url);
      for (const [from, to] of w.replace ?? []) l = l.replaceAll(from, to);
      return pauses.some((p) => p.after.test(line)) ? `${l}\nread -r _` : l;
    })
    .join('\n');
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: w.cwd,
    env: cleanEnv({ MUSUBI_API_KEY: w.node.apiKey, MUSUBI_TLS_CA: testCaFile }),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const closed = once(child, 'close');
  for (const p of pauses) {
    await Promise.race([p.until(), closed]);
    child.stdin.write('\n');
  }
  child.stdin.end();
  const [code] = await closed;
  return { code: code as number, out, err };
}
