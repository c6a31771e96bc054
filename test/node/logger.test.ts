import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/node/index.js';

describe('logger', () => {
  it('redacts authorization headers, API keys, tokens and secrets wherever they are logged', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      { req: { headers: { authorization: 'Bearer SECRET-1', 'x-api-key': 'msk_SECRET-2' } } },
      'incoming',
    );
    log.info(
      { peer: { token: 'SECRET-3', accessToken: 'SECRET-4' }, apiKey: 'SECRET-5', nodeSecret: 'SECRET-6' },
      'call',
    );
    log.flush();
    const text = lines.join('');
    expect(text).toContain('incoming');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/SECRET-\d/);
  });
});
