import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newNodeSecret } from '../dataspace/identity/index.js';
import { NodeSecretUnreadable } from './errors.js';

/**
 * The node secret seals participant private keys. Given in config it is used as is; otherwise it lives in
 * `<store>/node.secret`, created 0600 on first start and refused later if others can read it.
 */
export function resolveNodeSecret(configured: string, storeDir: string): string {
  if (configured) return configured;
  const file = join(storeDir, 'node.secret');
  if (!existsSync(file)) {
    writeFileSync(file, `${newNodeSecret()}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077)
    throw new NodeSecretUnreadable(file, `permissions ${mode.toString(8)} let others read it; chmod 600`);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new NodeSecretUnreadable(file, 'too short');
  return secret;
}
