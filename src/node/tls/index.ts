import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, plainHttpEnabled } from '../config.js';
import { TlsFileInvalid } from './errors.js';
import { ensureLocalCa, ensureServerCertificate, type KeyAndCertificate } from './local-ca.js';

export { TlsFileInvalid, TlsUnavailable } from './errors.js';
export { coversNames, ensureLocalCa, ensureServerCertificate, type KeyAndCertificate } from './local-ca.js';

export interface NodeTls {
  /** What the node serves HTTPS with; absent when it serves plain HTTP. */
  readonly server?: KeyAndCertificate;
  /** CA certificates (PEM) the node's outbound calls trust besides the public roots. */
  readonly trusted: readonly string[];
  /** The local CA's certificate file, when the node made or uses one (for the CLI and curl --cacert). */
  readonly caFile?: string;
}

/** Where the local CA lives: tlsLocalCaDir, or `<store>/ca`. */
export function localCaDir(config: Config): string {
  return config.tlsLocalCaDir || join(config.store, 'ca');
}

/** The host names a generated certificate covers: loopback, the public host and the bound address. */
export function certificateNames(config: Config): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const hostOf = (hostPort: string) => new URL(`https://${hostPort}`).hostname.replace(/^\[|\]$/g, '');
  if (config.host) names.push(hostOf(config.host));
  if (config.publicUrl) names.push(new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''));
  if (config.bind && config.bind !== '0.0.0.0' && config.bind !== '::') names.push(config.bind);
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TlsFileInvalid(path, `${what} unreadable (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** A configured certificate and key, checked to belong together before the server tries them. */
function providedCertificate(config: Config): KeyAndCertificate {
  if (!config.tlsCert || !config.tlsKey) {
    const missing = config.tlsCert ? 'tlsKey' : 'tlsCert';
    throw new TlsFileInvalid(config.tlsCert || config.tlsKey, `${missing} must be configured with it`);
  }
  const cert = readFile(config.tlsCert, 'certificate');
  const key = readFile(config.tlsKey, 'private key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new TlsFileInvalid(config.tlsCert, `not a PEM certificate (${(e as Error).message})`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (e) {
    throw new TlsFileInvalid(config.tlsKey, `not a PEM private key (${(e as Error).message})`);
  }
  if (!matches) throw new TlsFileInvalid(config.tlsKey, `not the private key of ${config.tlsCert}`);
  return { key, cert };
}

/**
 * HTTPS by default: a configured certificate, or one issued on first start by the local CA (made with openssl).
 * Plain HTTP only when enabled explicitly; extra CAs (tlsCa) are trusted either way.
 */
export async function prepareTls(config: Config, now: Date): Promise<NodeTls> {
  const extra = config.tlsCa.map((f) => readFile(f, 'CA certificate'));
  if (plainHttpEnabled(config)) return { trusted: extra };
  if (config.tlsCert || config.tlsKey) return { server: providedCertificate(config), trusted: extra };
  const caDir = localCaDir(config);
  const ca = await ensureLocalCa(caDir);
  const server = await ensureServerCertificate(
    join(config.store, 'tls'),
    caDir,
    certificateNames(config),
    now,
  );
  return { server, trusted: [ca, ...extra], caFile: join(caDir, 'ca.pem') };
}
