import { describe, expect, it } from 'vitest';
import {
  declarePurpose,
  defaultRegistry,
  nextTimeEdge,
  nextWake,
  purposeOf,
  withoutDeclaredPurpose,
} from '../../src/dataspace/policy/index.js';

const registry = defaultRegistry();
const now = new Date('2026-11-25T09:00:00Z');

describe('when the monitor looks again', () => {
  it('wakes at the first date-time edge after now, inside logical constraints too', () => {
    const rules = {
      permission: [
        {
          action: 'use',
          constraint: [
            { or: [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-11-25T12:00:00Z' }] },
            { leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2026-11-25T08:00:00Z' },
          ],
        },
      ],
    };
    expect(nextTimeEdge(rules, registry, now)?.toISOString()).toBe('2026-11-25T12:00:00.000Z');
  });

  it('counts an elapsed time from the signature, and a date as its whole day', () => {
    const rules = {
      permission: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: 'PT1H' },
            { leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2026-11-25' },
          ],
        },
      ],
    };
    expect(nextTimeEdge(rules, registry, now, '2026-11-25T08:30:00Z')?.toISOString()).toBe(
      '2026-11-25T09:30:00.000Z',
    );
    expect(
      nextTimeEdge(rules, registry, new Date('2026-11-25T10:00:00Z'), '2026-11-25T08:30:00Z')?.toISOString(),
    ).toBe('2026-11-26T00:00:00.000Z');
  });

  it('has no edge without time constraints; the bound then decides', () => {
    const rules = {
      permission: [
        { action: 'use', constraint: [{ leftOperand: 'role', operator: 'eq', rightOperand: '監査' }] },
      ],
    };
    const edge = nextTimeEdge(rules, registry, now);
    expect(edge).toBeUndefined();
    expect(nextWake([edge], now, 30_000).toISOString()).toBe('2026-11-25T09:00:30.000Z');
    expect(nextWake([new Date('2026-11-25T09:00:05Z')], now, 30_000).toISOString()).toBe(
      '2026-11-25T09:00:05.000Z',
    );
  });
});

describe('the purpose a consumer declares', () => {
  const published = {
    '@id': 'offer-1',
    permission: [
      {
        action: 'use',
        constraint: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['品質保証', '設計'] }],
      },
    ],
  };

  it('travels as one purpose eq constraint appended to each permission, and comes off again', () => {
    const requested = declarePurpose(published, '品質保証');
    expect(purposeOf(requested)).toBe('品質保証');
    expect(purposeOf(published)).toBeUndefined();
    expect(withoutDeclaredPurpose(requested)).toEqual({ rules: published, purpose: '品質保証' });
    expect(withoutDeclaredPurpose(published)).toBeUndefined();
  });

  it('is the one an offer pins when requested unchanged', () => {
    const pinned = {
      permission: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'cx-policy:UsagePurpose', operator: 'odrl:eq', rightOperand: '品質保証' },
          ],
        },
      ],
    };
    expect(purposeOf(pinned)).toBe('品質保証');
  });
});
