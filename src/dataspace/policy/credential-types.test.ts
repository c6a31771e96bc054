import { describe, expect, it } from 'vitest';
import { credentialTypesOf } from './credential-types.js';
import { defaultRegistry } from './registry.js';

const registry = defaultRegistry();
const use = (...constraint: unknown[]) => ({ permission: [{ action: 'use', constraint }] }) as never;

describe('credential types a policy reads claims from', () => {
  it('maps membership, role and framework constraints to their credential types, nested and by alias', () => {
    const rules = use(
      { leftOperand: 'cx-policy:Membership', operator: 'eq', rightOperand: 'むすびデータスペース' },
      {
        or: [
          { leftOperand: 'role', operator: 'isA', rightOperand: 'auditor' },
          { leftOperand: 'frameworkAgreement', operator: 'eq', rightOperand: 'DataExchangeGovernance:1.0' },
        ],
      },
    );
    expect(credentialTypesOf(rules, registry)).toEqual([
      'DataExchangeGovernanceCredential',
      'MembershipCredential',
      'RoleCredential',
    ]);
  });

  it('asks for nothing when no constraint reads a credential-backed claim', () => {
    expect(credentialTypesOf({}, registry)).toEqual([]);
    expect(
      credentialTypesOf(
        use(
          { leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' },
          { leftOperand: 'country', operator: 'eq', rightOperand: 'JP' },
          { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2027-01-01T00:00:00Z' },
        ),
        registry,
      ),
    ).toEqual([]);
  });

  it('takes the types a claim:credentialType constraint names, prohibitions and duties included', () => {
    const rules = {
      prohibition: [
        {
          action: 'use',
          constraint: [
            {
              leftOperand: 'claim:credentialType',
              operator: 'isAnyOf',
              rightOperand: ['AuditCredential', 'bad type!'],
            },
          ],
        },
      ],
      permission: [
        {
          action: 'use',
          duty: [
            {
              action: 'notify',
              constraint: [{ leftOperand: 'membership', operator: 'eq', rightOperand: 'x' }],
            },
          ],
        },
      ],
    } as never;
    expect(credentialTypesOf(rules, registry)).toEqual(['AuditCredential', 'MembershipCredential']);
  });
});
