import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMusubiError } from '../../errors/index.js';
import { TlsFileInvalid } from './errors.js';
import { isIpLiteral, issueServerCertificate, makeCa } from './openssl.js';

const caDays = 3650;
const serverDays = 397; // the longest lifetime browsers accept for a server certificate
const renewBeforeMs = 30 * 86_400_000;

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TlsFileInvalid(path, (e as NodeJS.ErrnoException).code ?? 'unreadable');
  }
}

function parseCertificate(path: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new TlsFileInvalid(path, `not a PEM certificate (${(e as Error).message})`);
  }
}

/**
 * The node's local CA in `caDir` (ca.pem, and ca.key with mode 0600), made on first use. It is generated in a
 * sibling temp directory and renamed into place, so two nodes sharing one CA directory and starting together
 * end with one CA: the loser of the rename reads the winner's.
 */
export async function ensureLocalCa(caDir: string): Promise<string> {
  return explained(caDir, () => localCa(caDir));
}

/** File-system failures (a read-only store, a file where a directory belongs) as one readable error. */
async function explained<T>(dir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isMusubiError(e)) throw e;
    throw new TlsFileInvalid(dir, `cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function localCa(caDir: string): Promise<string> {
  const pemFile = join(caDir, 'ca.pem');
  if (!existsSync(pemFile)) {
    mkdirSync(dirname(caDir), { recursive: true, mode: 0o700 });
    const tmp = mkdtempSync(`${caDir}.tmp-`);
    try {
      await makeCa(tmp, 'Musubi local CA', caDays);
      chmodSync(join(tmp, 'ca.key'), 0o600);
      try {
        renameSync(tmp, caDir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const pem = readPem(pemFile);
  if (!parseCertificate(pemFile, pem).ca) throw new TlsFileInvalid(pemFile, 'not a CA certificate');
  return pem;
}

export interface KeyAndCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Whether a certificate names every host (DNS name or IP address) given. */
export function coversNames(cert: X509Certificate, names: readonly string[]): boolean {
  return names.every((n) => (isIpLiteral(n) ? cert.checkIP(n) : cert.checkHost(n)) !== undefined);
}

/**
 * The server certificate in `tlsDir` (server.pem, server.key 0600), reissued by the local CA when missing, when
 * it lacks one of `names` (a new public host), when another CA issued it, or within 30 days of expiry.
 */
export async function ensureServerCertificate(
  tlsDir: string,
  caDir: string,
  names: readonly string[],
  now: Date,
): Promise<KeyAndCertificate> {
  return explained(tlsDir, () => serverCertificate(tlsDir, caDir, names, now));
}

async function serverCertificate(
  tlsDir: string,
  caDir: string,
  names: readonly string[],
  now: Date,
): Promise<KeyAndCertificate> {
  const certFile = join(tlsDir, 'server.pem');
  const keyFile = join(tlsDir, 'server.key');
  const ca = parseCertificate(join(caDir, 'ca.pem'), readPem(join(caDir, 'ca.pem')));
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = parseCertificate(certFile, readPem(certFile));
    const fresh = new Date(cert.validTo).getTime() - now.getTime() > renewBeforeMs;
    if (fresh && coversNames(cert, names) && cert.checkIssued(ca) && cert.verify(ca.publicKey)) {
      return { key: readPem(keyFile), cert: cert.toString() };
    }
  }
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(join(tlsDir, '.issue-'));
  try {
    await issueServerCertificate({ caDir, dir: tmp, names, days: serverDays });
    chmodSync(join(tmp, 'server.key'), 0o600);
    renameSync(join(tmp, 'server.key'), keyFile);
    renameSync(join(tmp, 'server.pem'), certFile);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { key: readPem(keyFile), cert: readPem(certFile) };
}
