import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await startTestNode({ plainHttp: true });
}, 60_000);
afterAll(async () => t?.stop());

const call = (method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) =>
  t.node.app.inject({
    method,
    url: `/management/v1${url}`,
    headers: { 'x-api-key': t.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

describe('management API: policies are checked at creation', () => {
  it('refuses a policy whose right operand does not parse: 400 problem naming the path, nothing stored', async () => {
    const res = await call('POST', '/policies', {
      id: 'bad-date',
      permission: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'membership', operator: 'eq', rightOperand: '自動車部会' },
            { leftOperand: 'purpose', operator: 'eq', rightOperand: '品質保証' },
            { leftOperand: 'dateTime', operator: 'lteq', rightOperand: '来年の三月' },
          ],
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'policy.invalid',
      detail: expect.stringMatching(
        /^permission\[0\]\.constraint\[2\]\.rightOperand: "来年の三月" is not an xsd:dateTime/,
      ),
    });
    expect((await call('GET', '/policies/bad-date')).statusCode).toBe(404);
  });

  it('refuses an unknown left operand and an operator its type does not define', async () => {
    const unknown = await call('POST', '/policies', {
      id: 'unknown',
      prohibition: [
        {
          action: 'use',
          constraint: [{ or: [{ leftOperand: 'weather', operator: 'eq', rightOperand: 'rain' }] }],
        },
      ],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toBe(
      'prohibition[0].constraint[0].or[0].leftOperand: unknown left operand weather',
    );
    const ordered = await call('POST', '/policies', {
      id: 'ordered',
      permission: [
        { action: 'use', constraint: [{ leftOperand: 'membership', operator: 'gt', rightOperand: 'a' }] },
      ],
    });
    expect(ordered.statusCode).toBe(400);
    expect(ordered.json().detail).toBe(
      'permission[0].constraint[0].operator: operator gt is not defined for string values',
    );
  });

  it('accepts a valid policy, and refuses an update that breaks it', async () => {
    const created = await call('POST', '/policies', {
      id: 'window',
      permission: [
        {
          action: 'use',
          constraint: [
            { leftOperand: 'odrl:dateTime', operator: 'lt', rightOperand: '2027-04-01T00:00:00+09:00' },
          ],
        },
      ],
    });
    expect(created.statusCode).toBe(201);
    const update = await call('PUT', '/policies/window', {
      permission: [
        { action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: [1, 2] }] },
      ],
    });
    expect(update.statusCode).toBe(400);
    expect(update.json().detail).toBe(
      'permission[0].constraint[0].rightOperand: lteq takes one value, not a list (for a list use isAnyOf)',
    );
    expect((await call('GET', '/policies/window')).json().permission[0].constraint[0].operator).toBe('lt');
  });
});
