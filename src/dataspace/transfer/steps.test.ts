import { describe, expect, it } from 'vitest';
import { deadlineFor, isCallbackAddress, messageOfEndpoint, messagePath, waitsOnPeer } from './steps.js';

describe('transfer steps', () => {
  it('puts a deadline only on a consumer waiting in REQUESTED for the provider to start', () => {
    expect(waitsOnPeer('REQUESTED', 'consumer')).toBe(true);
    for (const state of ['STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'] as const) {
      expect(waitsOnPeer(state, 'consumer'), state).toBe(false);
      expect(waitsOnPeer(state, 'provider'), state).toBe(false);
    }
    expect(waitsOnPeer('REQUESTED', 'provider')).toBe(false);
    const at = new Date('2026-04-01T00:00:00Z');
    const d = { waitingMs: 60_000, startedMs: 3_600_000 };
    const pull = { format: 'HttpData-PULL', finite: true } as const;
    expect(deadlineFor({ state: 'REQUESTED', role: 'consumer', ...pull }, at, d)).toBe(
      '2026-04-01T00:01:00.000Z',
    );
    expect(
      deadlineFor({ state: 'REQUESTED', role: 'consumer', ...pull }, at, { ...d, waitingMs: 0 }),
    ).toBeNull();
    expect(deadlineFor({ state: 'STARTED', role: 'consumer', ...pull }, at, d)).toBeNull();
  });

  it("gives a provider's STARTED pull of finite data the started deadline; streams, pushes and SUSPENDED have none", () => {
    const at = new Date('2026-04-01T00:00:00Z');
    const d = { waitingMs: 60_000, startedMs: 3_600_000 };
    const t = { state: 'STARTED', role: 'provider', format: 'HttpData-PULL', finite: true } as const;
    expect(deadlineFor(t, at, d)).toBe('2026-04-01T01:00:00.000Z');
    expect(deadlineFor(t, at, { ...d, startedMs: 0 })).toBeNull();
    expect(deadlineFor({ ...t, finite: false }, at, d)).toBeNull();
    expect(deadlineFor({ ...t, format: 'HttpData-PUSH' }, at, d)).toBeNull();
    expect(deadlineFor({ ...t, state: 'SUSPENDED' }, at, d)).toBeNull();
  });

  it('addresses each message at the peer pid, and maps endpoints back to messages', () => {
    expect(messagePath('TransferRequestMessage', '')).toBe('/transfers/request');
    expect(messagePath('TransferStartMessage', 'urn:uuid:a/b')).toBe('/transfers/urn%3Auuid%3Aa%2Fb/start');
    expect(messagePath('TransferTerminationMessage', 'p')).toBe('/transfers/p/termination');
    expect(messageOfEndpoint('completion')).toBe('TransferCompletionMessage');
    expect(messageOfEndpoint('suspension')).toBe('TransferSuspensionMessage');
    expect(messageOfEndpoint('request')).toBeUndefined();
    expect(messageOfEndpoint('agreement')).toBeUndefined();
  });

  it('takes only absolute http(s) callback addresses without credentials', () => {
    expect(isCallbackAddress('https://部品.example/dsp/2025-1')).toBe(true);
    expect(isCallbackAddress('http://127.0.0.1:8080/dsp')).toBe(true);
    for (const bad of ['ftp://x/dsp', '/dsp/2025-1', 'https://user:pw@x/dsp', 'not a url'])
      expect(isCallbackAddress(bad), bad).toBe(false);
  });
});
