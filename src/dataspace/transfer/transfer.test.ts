import { describe, expect, it } from 'vitest';
import { nextTransferState } from './transfer.js';

describe('transfer process state machine', () => {
  it('starts, suspends, resumes and completes', () => {
    let s = nextTransferState('NEW', 'TransferRequestMessage', 'consumer');
    s = nextTransferState(s, 'TransferStartMessage', 'provider');
    s = nextTransferState(s, 'TransferSuspensionMessage', 'consumer');
    expect(s).toBe('SUSPENDED');
    s = nextTransferState(s, 'TransferStartMessage', 'consumer');
    expect(nextTransferState(s, 'TransferCompletionMessage', 'provider')).toBe('COMPLETED');
  });

  it('refuses a consumer starting a requested transfer and any step after COMPLETED', () => {
    expect(() => nextTransferState('REQUESTED', 'TransferStartMessage', 'consumer')).toThrow(
      /consumer may not send TransferStartMessage/,
    );
    expect(() => nextTransferState('COMPLETED', 'TransferTerminationMessage', 'provider')).toThrow();
    expect(() => nextTransferState('REQUESTED', 'TransferCompletionMessage', 'provider')).toThrow();
  });
});
