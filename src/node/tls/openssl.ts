import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TlsUnavailable } from './errors.js';

/**
 * Node's crypto makes key pairs but not X.509 certificates, and no certificate library is installed: the
 * local CA and server certificates come from the openssl binary. All of it sits behind these two functions.
 */
const run = promisify(execFile);

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new TlsUnavailable('no openssl binary on the PATH to generate one');
    const detail = (err.stderr ?? err.message).trim().split('\n').at(-1) ?? '';
    throw new TlsUnavailable(`openssl failed: ${detail}`);
  }
}

// P-256: small, fast to generate, accepted by every TLS client.
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA in `dir`: ca.key (private) and ca.pem, valid for `days`. */
export async function makeCa(dir: string, commonName: string, days: number): Promise<void> {
  await openssl(
    [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      String(days),
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

export interface ServerCertificateRequest {
  /** Directory holding ca.key and ca.pem. */
  readonly caDir: string;
  /** Work directory; server.key and server.pem are written here. */
  readonly dir: string;
  /** DNS names and IP addresses the certificate is valid for. */
  readonly names: readonly string[];
  readonly days: number;
}

/** A server certificate for `names`, signed by the CA in `caDir`, written as server.key and server.pem. */
export async function issueServerCertificate(req: ServerCertificateRequest): Promise<void> {
  const san = req.names.map((n) => (isIpLiteral(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  await writeFile(
    join(req.dir, 'server.ext'),
    `subjectAltName=${san}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(
    [
      'req',
      ...ecKey,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      `/CN=${req.names[0] ?? 'localhost'}`,
    ],
    req.dir,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      resolve(req.caDir, 'ca.pem'),
      '-CAkey',
      resolve(req.caDir, 'ca.key'),
      '-set_serial',
      `0x${randomBytes(16).toString('hex')}`,
      '-extfile',
      'server.ext',
      '-days',
      String(req.days),
      '-out',
      'server.pem',
    ],
    req.dir,
  );
}

export function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
