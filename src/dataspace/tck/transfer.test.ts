import { describe, expect, it } from 'vitest';
import type { Transfer } from '../transfer/index.js';
import { tckTransferReact } from './transfer.js';

const t = (agreementId: string, role: 'provider' | 'consumer', state: Transfer['state']): Transfer => ({
  participantId: 'default',
  id: 'urn:uuid:t',
  role,
  providerPid: 'urn:uuid:p',
  consumerPid: 'urn:uuid:c',
  state,
  counterpartyId: 'TCK_PARTICIPANT',
  counterpartyAddress: 'http://127.0.0.1:1',
  agreementId,
  format: 'HttpData-PULL',
  dataAddress: null,
  accessTokenHash: null,
  deadlineAt: null,
  reasonCode: null,
  reason: null,
  idempotencyKey: null,
  version: 1,
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:00:00.000Z',
  finite: true,
});

describe('conformance transfer steps', () => {
  it('follow the agreement script, in order', async () => {
    const kinds = async (x: Transfer) => (await tckTransferReact(x))?.map((a) => a.kind);
    expect(await kinds(t('ATP0104', 'provider', 'REQUESTED'))).toEqual([
      'start',
      'suspend',
      'start',
      'complete',
    ]);
    expect(await kinds(t('ATP0301', 'provider', 'REQUESTED'))).toEqual([]);
    expect(await kinds(t('ATPC0203', 'consumer', 'STARTED'))).toEqual(['suspend', 'terminate']);
    expect(await tckTransferReact(t('ATP0303', 'provider', 'SUSPENDED'))).toBeUndefined();
    expect(await tckTransferReact(t('ATPC0101', 'consumer', 'STARTED'))).toBeUndefined();
    expect(await tckTransferReact(t('some-agreement', 'provider', 'REQUESTED'))).toBeUndefined();
    expect(await tckTransferReact(t('ATP0101', 'provider', 'TERMINATED'))).toBeUndefined();
  });
});
