import { describe, expect, it } from 'vitest';
import { afterAttempt, pushTargetOf } from './push.js';

const retry = { attempts: 3, baseMs: 100, maxMs: 250 };

describe('afterAttempt', () => {
  it('completes once the data was sent', () => {
    expect(afterAttempt(1, { kind: 'sent', bytes: 10, status: 204 }, retry)).toEqual({ next: 'complete' });
  });
  it('backs off exponentially, capped, while attempts remain', () => {
    const failed = { kind: 'failed', reason: 'HTTP 503', bytes: 0 } as const;
    expect(afterAttempt(1, failed, retry)).toEqual({ next: 'retry', inMs: 100 });
    expect(afterAttempt(2, failed, retry)).toEqual({ next: 'retry', inMs: 200 });
    expect(afterAttempt(3, failed, retry)).toEqual({
      next: 'terminate',
      code: 'push.failed',
      reason: 'push failed after 3 attempts: HTTP 503',
    });
    expect(afterAttempt(2, failed, { ...retry, attempts: 9 })).toEqual({ next: 'retry', inMs: 200 });
    expect(afterAttempt(4, failed, { ...retry, attempts: 9 })).toEqual({ next: 'retry', inMs: 250 });
  });
  it('terminates at once on a refusal, with its code', () => {
    expect(
      afterAttempt(
        1,
        { kind: 'refused', code: 'push.egress-denied', reason: '許可されていない宛先', bytes: 0 },
        retry,
      ),
    ).toEqual({ next: 'terminate', code: 'push.egress-denied', reason: '許可されていない宛先' });
  });
});

describe('pushTargetOf', () => {
  it('reads the endpoint, the consumer’s token and the method', () => {
    expect(
      pushTargetOf({
        endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
        endpoint: 'https://受信.example/部品表',
        endpointProperties: [
          { name: 'authorization', value: 't0k' },
          { name: 'method', value: 'put' },
        ],
      }),
    ).toEqual({ endpoint: 'https://受信.example/部品表', authorization: 't0k', method: 'PUT' });
  });
  it('has no target without an endpoint', () => {
    expect(pushTargetOf({ endpointType: 'x' })).toBeUndefined();
    expect(pushTargetOf(null)).toBeUndefined();
  });
});
