import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findOffer,
  insertOffer,
  offerVisibleTo,
  pageVisibleDatasets,
  visibleDataset,
} from '../../src/dataspace/catalog/index.js';
import { evaluateAccess, insertPolicy } from '../../src/dataspace/policy/index.js';
import { type Database, insertParticipant, participantStore } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase, testEngines } from '../support/engines.js';

const at = '2026-11-25T00:00:00.000Z';
const asset = (id: string, keywords: string[], contentType = 'text/csv') => ({
  id,
  title: `部品表 ${id}`,
  description: '二次サプライヤーの部品表',
  contentType,
  keywords,
  properties: {},
  dataAddress: { type: 'HttpData', baseUrl: 'https://internal.example/secret' },
  createdAt: at,
  updatedAt: at,
});
const policy = (id: string, permission: unknown[]) =>
  ({ id, title: id, permission, createdAt: at, updatedAt: at }) as Parameters<typeof insertPolicy>[2];

describe('evaluateAccess', () => {
  it('grants an unconstrained use permission to anyone and denies a policy without permissions', () => {
    expect(evaluateAccess({ permission: [{ action: 'use' }] }, { id: 'did:web:x' }).allowed).toBe(true);
    expect(evaluateAccess({}, { id: 'did:web:x' }).allowed).toBe(false);
  });

  it('matches participantId constraints, logical constraints, and denies unknown operands with a trace', () => {
    const only = {
      permission: [
        {
          action: 'use',
          constraint: [{ leftOperand: 'participantId', operator: 'isAnyOf', rightOperand: ['a', 'b'] }],
        },
      ],
    };
    expect(evaluateAccess(only, { id: 'b' }).allowed).toBe(true);
    expect(evaluateAccess(only, { id: 'c' }).allowed).toBe(false);
    const either = {
      permission: [
        {
          action: 'use',
          constraint: [
            {
              or: [
                { leftOperand: 'participantId', operator: 'eq', rightOperand: 'a' },
                { leftOperand: 'membership', operator: 'eq', rightOperand: '自動車部会' },
              ],
            },
          ],
        },
      ],
    };
    expect(evaluateAccess(either, { id: 'z', claims: { membership: '自動車部会' } }).allowed).toBe(true);
    const unknown = evaluateAccess(
      {
        permission: [
          { action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'EU' }] },
        ],
      },
      { id: 'a' },
    );
    expect(unknown.allowed).toBe(false);
    expect(unknown.trace.map((e) => e.reason).join('\n')).toContain('counterparty has no spatial');
  });

  it('lets a holding prohibition take the grant away', () => {
    const p = {
      permission: [{ action: 'use' }],
      prohibition: [
        { action: 'use', constraint: [{ leftOperand: 'participantId', operator: 'eq', rightOperand: 'x' }] },
      ],
    };
    expect(evaluateAccess(p, { id: 'x' }).allowed).toBe(false);
    expect(evaluateAccess(p, { id: 'y' }).allowed).toBe(true);
  });
});

describe.each(testEngines())('catalog store on %s', (engine) => {
  let t: TestDatabase;
  let store: Database;

  beforeAll(async () => {
    t = await freshDatabase(engine);
    store = await t.open();
    const db = store.db;
    for (const id of ['acme', 'beta'])
      await insertParticipant(db, { id, name: id, corporate_number: null, created_at: at });
    const acme = participantStore(db, 'acme');
    await acme.insertAsset(asset('bom-001', ['部品表', 'pcf']));
    await acme.insertAsset(asset('bom-002', ['部品表']));
    await acme.insertAsset(asset('spec-001', ['仕様書'], 'application/pdf'));
    await acme.insertAsset(asset('secret-001', ['社外秘']));
    await insertPolicy(db, 'acme', policy('open', [{ action: 'use' }]));
    await insertPolicy(
      db,
      'acme',
      policy('partners', [
        {
          action: 'use',
          constraint: [{ leftOperand: 'participantId', operator: 'eq', rightOperand: 'did:web:partner' }],
        },
      ]),
    );
    await insertPolicy(
      db,
      'acme',
      policy('use-eu', [
        { action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'EU' }] },
      ]),
    );
    const offer = (id: string, access: string, selector: object) =>
      insertOffer(db, 'acme', {
        id,
        accessPolicyId: access,
        contractPolicyId: 'use-eu',
        selector,
        createdAt: at,
        updatedAt: at,
      });
    await offer('bom', 'open', { keywords: ['部品表'] });
    await offer('CD123:spec-001:456', 'open', { assetIds: ['spec-001'] });
    await offer('secret', 'partners', { assetIds: ['secret-001', 'bom-001'] });
    // another participant's offer on an asset id acme also has: never visible through acme
    await insertPolicy(db, 'beta', policy('open', [{ action: 'use' }]));
  });
  afterAll(async () => {
    await store.close();
    await t.dispose();
  });

  it('finds a published offer by its id: single-asset offers by their own id, others as <offer>:<asset>', async () => {
    const single = await findOffer(store.db, 'acme', 'CD123:spec-001:456');
    expect(single).toMatchObject({ id: 'CD123:spec-001:456', assetId: 'spec-001' });
    expect(single?.policy).toEqual({
      '@id': 'CD123:spec-001:456',
      target: 'spec-001',
      permission: [
        { action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'EU' }] },
      ],
    });
    expect(await findOffer(store.db, 'acme', 'bom:bom-002')).toMatchObject({ assetId: 'bom-002' });
    expect(await findOffer(store.db, 'acme', 'bom:spec-001')).toBeUndefined(); // not covered by the selector
    expect(await findOffer(store.db, 'acme', 'CD123:spec-001:456:spec-001')).toBeUndefined();
    expect(await findOffer(store.db, 'acme', 'bom:nothing')).toBeUndefined();
    expect(await findOffer(store.db, 'beta', 'bom:bom-002')).toBeUndefined();
  });

  it('tells whether a counterparty may see an offer', async () => {
    expect(await offerVisibleTo(store.db, 'acme', 'secret:secret-001', 'did:web:partner')).toBe(true);
    expect(await offerVisibleTo(store.db, 'acme', 'secret:secret-001', 'did:web:other')).toBe(false);
    expect(await offerVisibleTo(store.db, 'acme', 'bom:bom-001', 'did:web:other')).toBe(true);
    expect(await offerVisibleTo(store.db, 'acme', 'unknown:bom-001', 'did:web:partner')).toBe(false);
  });

  it('pages only the datasets a counterparty may see, each with its visible offers', async () => {
    const other = await pageVisibleDatasets(store.db, 'acme', { id: 'did:web:other' }, { limit: 10 });
    expect(other.datasets.map((d) => d.asset.id)).toEqual(['bom-001', 'bom-002', 'spec-001']);
    expect(other.datasets[0]?.offers.map((o) => o.id)).toEqual(['bom:bom-001']);
    const partner = await pageVisibleDatasets(store.db, 'acme', { id: 'did:web:partner' }, { limit: 10 });
    expect(partner.datasets.map((d) => d.asset.id)).toEqual(['bom-001', 'bom-002', 'secret-001', 'spec-001']);
    expect(partner.datasets[0]?.offers.map((o) => o.id)).toEqual(['bom:bom-001', 'secret:bom-001']);
    expect(await visibleDataset(store.db, 'acme', { id: 'did:web:other' }, 'secret-001')).toBeUndefined();
    expect(await visibleDataset(store.db, 'beta', { id: 'did:web:partner' }, 'bom-001')).toBeUndefined();
  });

  it('walks pages forwards and backwards by keyset, with filters', async () => {
    const who = { id: 'did:web:partner' };
    const p1 = await pageVisibleDatasets(store.db, 'acme', who, { limit: 3 });
    expect(p1.datasets.map((d) => d.asset.id)).toEqual(['bom-001', 'bom-002', 'secret-001']);
    expect(p1.prev).toBeUndefined();
    expect(p1.next).toEqual({ after: 'secret-001' });
    const p2 = await pageVisibleDatasets(store.db, 'acme', who, {
      limit: 3,
      ...(p1.next ? { cursor: p1.next } : {}),
    });
    expect(p2.datasets.map((d) => d.asset.id)).toEqual(['spec-001']);
    expect(p2.next).toBeUndefined();
    expect(p2.prev).toEqual({ before: 'spec-001' });
    const back = await pageVisibleDatasets(store.db, 'acme', who, {
      limit: 2,
      cursor: { before: 'spec-001' },
    });
    expect(back.datasets.map((d) => d.asset.id)).toEqual(['bom-002', 'secret-001']);
    expect(back.prev).toEqual({ before: 'bom-002' });
    expect(back.next).toEqual({ after: 'secret-001' });
    const filtered = await pageVisibleDatasets(store.db, 'acme', who, {
      limit: 10,
      filter: { keywords: ['部品表'], mediaTypes: ['text/csv'] },
    });
    expect(filtered.datasets.map((d) => d.asset.id)).toEqual(['bom-001', 'bom-002']);
  });
});
