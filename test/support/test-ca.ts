import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One local CA for the HTTPS test nodes of this test process: nodes sharing its directory (`overTls`) trust each
 * other, and `testFetch` and the CLI (runCli passes it as MUSUBI_TLS_CA) trust it too. Kept apart from node.ts so
 * the CLI helpers need not load the node.
 */
export const testCaDir = join(tmpdir(), `musubi-test-ca-${process.pid}`);
export const testCaFile = join(testCaDir, 'ca.pem');
process.once('exit', () => rmSync(testCaDir, { recursive: true, force: true }));
