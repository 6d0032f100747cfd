import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, CALLERS, describeMatrix, everyone, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

/**
 * E.2 "Manage clients" (superuser only) for C.8, reads open to every authenticated caller; C.9
 * `GET /invitation` [R]: superusers and practitioners (scoped to their patients), patients 403.
 */
const superuserOnly = (ok: number) => allow(ok, ['superuser']);
const practitioners = (ok: number) =>
  allow(
    ok,
    CALLERS.filter((caller) => caller !== 'patient'),
  );

let tokens: Record<Actor, string>;

async function freshClient(): Promise<number> {
  const suffix = unique();
  const res = await api<{ id: number }>('/api/v1/clients', tokens.superuser, {
    method: 'POST',
    body: { name: `Matrix ${suffix}`, clientId: `matrix-${suffix}`, invitationUrl: 'https://m.example/CODE' },
  });
  return res.body.id;
}

const CASES: readonly MatrixCase[] = [
  { action: 'GET /clients', expected: everyone(200), request: async () => ({ path: '/api/v1/clients' }) },
  {
    action: 'GET /clients/{id}',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/clients/2' }),
  },
  {
    action: 'GET /clients/{id}/data_sources',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/clients/2/data_sources' }),
  },
  {
    action: 'POST /clients',
    expected: superuserOnly(201),
    request: async () => {
      const suffix = unique();
      return {
        path: '/api/v1/clients',
        method: 'POST',
        body: { name: `New ${suffix}`, clientId: `new-${suffix}`, invitationUrl: 'https://n.example/CODE' },
      };
    },
  },
  {
    action: 'PATCH /clients/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/clients/${await freshClient()}`,
      method: 'PATCH',
      body: { name: 'P' },
    }),
  },
  {
    action: 'DELETE /clients/{id}',
    expected: superuserOnly(204),
    request: async () => ({ path: `/api/v1/clients/${await freshClient()}`, method: 'DELETE' }),
  },
  {
    action: 'POST /clients/{id}/data_sources',
    expected: superuserOnly(201),
    request: async () => ({
      path: `/api/v1/clients/${await freshClient()}/data_sources`,
      method: 'POST',
      body: { dataSourceId: 70001 },
    }),
  },
  {
    action: 'DELETE /clients/{id}/data_sources',
    expected: superuserOnly(204),
    request: async () => {
      const id = await freshClient();
      await api(`/api/v1/clients/${id}/data_sources`, tokens.superuser, {
        method: 'POST',
        body: { dataSourceId: 70001 },
      });
      return { path: `/api/v1/clients/${id}/data_sources`, method: 'DELETE', body: { dataSourceId: 70001 } };
    },
  },
  {
    action: 'GET /invitation',
    expected: practitioners(200),
    request: async () => ({ path: '/api/v1/invitation' }),
  },
];

let bidsInvitation: number;
let moslehiInvitation: number;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  const invite = async (actor: Actor, patientId: number) =>
    (
      await api<{ id: number }>('/api/v1/invitation', tokens[actor], {
        method: 'POST',
        body: { patientId, clientId: 1 },
      })
    ).body.id;
  bidsInvitation = await invite('manager', 40002);
  moslehiInvitation = await invite('outsider', 40003);
});

describeMatrix('clients and invitation list access matrix (API.md E.2, C.8, C.9)', CASES, {
  tokens: () => tokens,
  forbiddenBody: true,
  unauthorizedBody: true,
});

describe('invitation list visibility across organizations (E.4)', () => {
  const SEES: Record<'superuser' | 'manager' | 'member' | 'viewer' | 'outsider', [boolean, boolean]> = {
    superuser: [true, true],
    manager: [true, false],
    member: [true, false],
    viewer: [true, false],
    outsider: [false, true],
  };
  for (const [caller, [bids, moslehi]] of Object.entries(SEES) as [keyof typeof SEES, [boolean, boolean]][]) {
    it(`${caller} sees BIDS: ${bids}, Moslehi Lab: ${moslehi}`, async () => {
      const res = await api<{ results: { id: number }[] }>('/api/v1/invitation', tokens[caller]);
      const ids = res.body.results.map((i) => i.id);
      expect(ids.includes(bidsInvitation)).toBe(bids);
      expect(ids.includes(moslehiInvitation)).toBe(moslehi);
    });
  }
});
