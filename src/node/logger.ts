import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The root logger: JSON lines on stderr (stdout is for command output). Credentials are redacted wherever
 * they appear in request logs or in objects we log.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.apikey',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.apikey',
  '*.authorization',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.privateJwk',
  '*.nodeSecret',
  '*.password',
  '*.secret',
  'apiKey',
  'token',
  'nodeSecret',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { app: 'musubi' }, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

export type { Logger };
