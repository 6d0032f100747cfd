import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';

/**
 * E.2 "Manage clients" (superuser only) for C.8, reads open to every authenticated caller; C.9
 * `GET /invitation` [R]: superusers and practitioners (scoped to their patients), patients 403.
 */
type Caller = 'superuser' | 'manager' | 'member' | 'viewer' | 'outsider' | 'patient' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'superuser',
  'manager',
  'member',
  'viewer',
  'outsider',
  'patient',
  'anonymous',
];

interface Case {
  action: string;
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
  ok: number;
  kind: 'read' | 'write' | 'practitioner';
}

let tokens: Record<Actor, string>;
const unique = () => crypto.randomUUID().slice(0, 8);

async function freshClient(): Promise<number> {
  const suffix = unique();
  const res = await api<{ id: number }>('/api/v1/clients', tokens.superuser, {
    method: 'POST',
    body: { name: `Matrix ${suffix}`, clientId: `matrix-${suffix}`, invitationUrl: 'https://m.example/CODE' },
  });
  return res.body.id;
}

const CASES: readonly Case[] = [
  { action: 'GET /clients', kind: 'read', ok: 200, request: async () => ({ path: '/api/v1/clients' }) },
  {
    action: 'GET /clients/{id}',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/clients/2' }),
  },
  {
    action: 'GET /clients/{id}/data_sources',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/clients/2/data_sources' }),
  },
  {
    action: 'POST /clients',
    kind: 'write',
    ok: 201,
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
    kind: 'write',
    ok: 200,
    request: async () => ({
      path: `/api/v1/clients/${await freshClient()}`,
      method: 'PATCH',
      body: { name: 'P' },
    }),
  },
  {
    action: 'DELETE /clients/{id}',
    kind: 'write',
    ok: 204,
    request: async () => ({ path: `/api/v1/clients/${await freshClient()}`, method: 'DELETE' }),
  },
  {
    action: 'POST /clients/{id}/data_sources',
    kind: 'write',
    ok: 201,
    request: async () => ({
      path: `/api/v1/clients/${await freshClient()}/data_sources`,
      method: 'POST',
      body: { dataSourceId: 70001 },
    }),
  },
  {
    action: 'DELETE /clients/{id}/data_sources',
    kind: 'write',
    ok: 204,
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
    kind: 'practitioner',
    ok: 200,
    request: async () => ({ path: '/api/v1/invitation' }),
  },
];

function expected(testCase: Case, caller: Caller): number {
  if (caller === 'anonymous') return 401;
  if (testCase.kind === 'read') return testCase.ok;
  if (testCase.kind === 'practitioner') return caller === 'patient' ? 403 : testCase.ok;
  return caller === 'superuser' ? testCase.ok : 403;
}

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

describe('clients and invitation list access matrix (API.md E.2, C.8, C.9)', () => {
  for (const testCase of CASES) {
    for (const caller of CALLERS) {
      const status = expected(testCase, caller);
      it(`${testCase.action} as ${caller} -> ${status}`, async () => {
        const { path, method, body } = await testCase.request();
        const res = await api(path, caller === 'anonymous' ? null : tokens[caller], {
          method: method ?? 'GET',
          body,
        });
        expect(res.status).toBe(status);
        if (status === 403)
          expect(res.body).toEqual({ detail: 'You do not have permission to perform this action.' });
        if (status === 401)
          expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      });
    }
  }
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
