import { MusubiError } from '../../errors/index.js';

/** Neither a configured certificate nor the openssl binary to make one: the node cannot serve HTTPS. */
export class TlsUnavailable extends MusubiError {
  constructor(reason: string) {
    super(
      'tls.unavailable',
      'invalid',
      `cannot serve HTTPS: no certificate configured (tlsCert, tlsKey) and ${reason}; install openssl, configure a certificate, or start with --insecure-http (development only)`,
    );
  }
}

/** A configured or stored certificate, key or CA file that cannot be used. */
export class TlsFileInvalid extends MusubiError {
  constructor(path: string, reason: string) {
    super('tls.file-invalid', 'invalid', `TLS file ${path} cannot be used: ${reason}`, { path });
  }
}
