import { describe, expect, it } from 'vitest';
import { defaultRegistry, InvalidPolicy, parsePolicy } from '../../src/dataspace/policy/index.js';
import { atom } from './support.js';

const registry = defaultRegistry();
const failure = (input: unknown) => {
  try {
    parsePolicy(input, registry);
  } catch (e) {
    return e;
  }
  throw new Error('parsed');
};
const use = (...constraint: unknown[]) => ({ permission: [{ action: 'use', constraint }] });

describe('parsePolicy', () => {
  it('returns a valid policy unchanged', () => {
    const p = {
      profile: 'https://w3id.org/musubi/profile',
      permission: [
        {
          action: 'use',
          constraint: [{ or: [atom('membership', 'eq', '自動車部会'), atom('role', 'isA', 'auditor')] }],
          duty: [{ action: 'inform' }],
        },
      ],
      prohibition: [{ action: 'distribute' }],
      obligation: [{ action: 'delete', constraint: [atom('elapsedTime', 'gt', 'P90D')] }],
    };
    expect(parsePolicy(p, registry)).toBe(p);
  });

  it.each<[string, unknown, string, string]>([
    ['not an object', [], '', 'a policy must be a JSON object'],
    ['profile not an IRI', { profile: 3 }, 'profile', 'profile must be an IRI'],
    ['permission not a list', { permission: {} }, 'permission', 'must be a list'],
    ['a rule not an object', { prohibition: ['use'] }, 'prohibition[0]', 'a rule must be an object'],
    [
      'no action',
      { permission: [{ constraint: [] }] },
      'permission[0].action',
      'action must be a non-empty string',
    ],
    [
      'a duty not an object',
      { permission: [{ action: 'use', duty: [1] }] },
      'permission[0].duty[0]',
      'a duty must be an object',
    ],
    [
      'a bad duty constraint',
      {
        permission: [{ action: 'use', duty: [{ action: 'inform', constraint: [atom('count', 'eq', 'x')] }] }],
      },
      'permission[0].duty[0].constraint[0].rightOperand',
      'is not a number',
    ],
    [
      'an unknown left operand',
      use(atom('count', 'eq', 1), atom('weather', 'eq', 'x')),
      'permission[0].constraint[1].leftOperand',
      'unknown left operand weather',
    ],
    [
      'an unknown operator',
      use(atom('count', 'about', 1)),
      'permission[0].constraint[0].operator',
      'unknown operator about',
    ],
    [
      'an operator undefined for the type',
      use(atom('dateTime', 'isA', '2026-01-01')),
      'permission[0].constraint[0].operator',
      'not defined for dateTime',
    ],
    [
      'a malformed right operand, nested',
      use(atom('count', 'eq', 1), atom('count', 'eq', 2), { or: [atom('dateTime', 'lt', '2026-13-01')] }),
      'permission[0].constraint[2].or[0].rightOperand',
      'not a valid date-time',
    ],
    [
      'a missing right operand',
      use({ leftOperand: 'count', operator: 'eq' }),
      'permission[0].constraint[0].rightOperand',
      'rightOperand is missing',
    ],
    [
      'a list item of the wrong type',
      use(atom('count', 'isAnyOf', [1, 'two'])),
      'permission[0].constraint[0].rightOperand',
      '[1]: "two" is not a number',
    ],
    [
      'an empty logical constraint',
      use({ and: [] }),
      'permission[0].constraint[0].and',
      'at least one constraint',
    ],
    [
      'two logical operators',
      use({ and: [atom('count', 'eq', 1)], xone: [] }),
      'permission[0].constraint[0]',
      'one of and, xone',
    ],
  ])('rejects %s, naming the path', (_, input, path, reason) => {
    const e = failure(input);
    expect(e).toBeInstanceOf(InvalidPolicy);
    expect(e).toMatchObject({ code: 'policy.invalid', kind: 'invalid', path });
    if (path) expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((e as Error).message).toContain(reason);
  });
});
