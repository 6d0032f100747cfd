import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';
import { makePatient, makeStudy, unique } from './patients.fixtures';

/**
 * API.md C.5 and E.2 "Create/edit/delete studies", "Manage study patients / scope requests / data
 * sources / clients" [R], relative to BIDS (20003): Mary manager, Megan member, Victor viewer, Peter a
 * patient, Mark (outsider) of UCSF, Sam a superuser without memberships. A study the caller cannot
 * see is 403 (A.8).
 */
type Caller = 'superuser' | 'manager' | 'member' | 'viewer' | 'patient' | 'outsider' | 'anonymous';
const CALLERS: readonly Caller[] = [
  'superuser',
  'manager',
  'member',
  'viewer',
  'patient',
  'outsider',
  'anonymous',
];

interface Case {
  action: string;
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
  expect: Record<Exclude<Caller, 'anonymous'>, number>;
}

const writers = (ok: number) => ({
  superuser: ok,
  manager: ok,
  member: ok,
  viewer: 403,
  patient: 403,
  outsider: 403,
});
const members = (ok: number) => ({
  superuser: 403,
  manager: ok,
  member: ok,
  viewer: ok,
  patient: 403,
  outsider: 403,
});
const everyone = (ok: number) => ({
  superuser: ok,
  manager: ok,
  member: ok,
  viewer: ok,
  patient: ok,
  outsider: ok,
});

const study = () => makeStudy(20003);
/** A fresh BIDS study with one link already made, for the DELETE cases. */
async function linked(sub: string, body: Record<string, number>) {
  const id = await study();
  const res = await api(`/api/v1/studies/${id}/${sub}`, tokens.superuser, { method: 'POST', body });
  expect(res.status).toBe(201);
  return { path: `/api/v1/studies/${id}/${sub}`, method: 'DELETE', body };
}

const CASES: readonly Case[] = [
  { action: 'GET /studies', request: async () => ({ path: '/api/v1/studies' }), expect: everyone(200) },
  {
    action: 'GET /studies/{id}',
    request: async () => ({ path: '/api/v1/studies/30001' }),
    expect: members(200),
  },
  {
    action: 'POST /studies',
    request: async () => ({
      path: '/api/v1/studies',
      method: 'POST',
      body: { name: `M ${unique()}`, organization: 20003 },
    }),
    expect: writers(201),
  },
  {
    action: 'PATCH /studies/{id}',
    request: async () => ({
      path: `/api/v1/studies/${await study()}`,
      method: 'PATCH',
      body: { name: 'Patched' },
    }),
    expect: writers(200),
  },
  {
    action: 'PUT /studies/{id}',
    request: async () => ({ path: `/api/v1/studies/${await study()}`, method: 'PUT', body: { name: 'Put' } }),
    expect: writers(200),
  },
  {
    action: 'DELETE /studies/{id}',
    request: async () => ({ path: `/api/v1/studies/${await study()}`, method: 'DELETE' }),
    expect: writers(204),
  },
  {
    // Lists are 200 for everyone; non-members get an empty page.
    action: 'GET /studies/{id}/patients',
    request: async () => ({ path: '/api/v1/studies/30001/patients' }),
    expect: everyone(200),
  },
  {
    action: 'POST /studies/{id}/patients',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/patients`,
      method: 'POST',
      body: { patientIds: [(await makePatient()).patientId] },
    }),
    expect: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/patients',
    request: async () => {
      const id = await study();
      const { patientId } = await makePatient({ studies: [id] });
      return { path: `/api/v1/studies/${id}/patients`, method: 'DELETE', body: { patientIds: [patientId] } };
    },
    expect: writers(204),
  },
  {
    action: 'GET /studies/{id}/scope_requests',
    request: async () => ({ path: '/api/v1/studies/30001/scope_requests' }),
    expect: members(200),
  },
  {
    action: 'POST /studies/{id}/scope_requests',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/scope_requests`,
      method: 'POST',
      body: { scopeCodeId: 50002 },
    }),
    expect: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/scope_requests',
    request: () => linked('scope_requests', { scopeCodeId: 50002 }),
    expect: writers(204),
  },
  {
    action: 'GET /studies/{id}/data_sources',
    request: async () => ({ path: '/api/v1/studies/30001/data_sources' }),
    expect: members(200),
  },
  {
    action: 'POST /studies/{id}/data_sources',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/data_sources`,
      method: 'POST',
      body: { dataSourceId: 70001 },
    }),
    expect: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/data_sources',
    request: () => linked('data_sources', { dataSourceId: 70001 }),
    expect: writers(204),
  },
  {
    action: 'GET /studies/{id}/clients',
    request: async () => ({ path: '/api/v1/studies/30001/clients' }),
    expect: members(200),
  },
  {
    action: 'POST /studies/{id}/clients',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/clients`,
      method: 'POST',
      body: { clientId: 1 },
    }),
    expect: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/clients',
    request: () => linked('clients', { clientId: 1 }),
    expect: writers(204),
  },
];

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('studies access matrix (API.md C.5, E.2, A.8)', () => {
  for (const testCase of CASES) {
    for (const caller of CALLERS) {
      const status = caller === 'anonymous' ? 401 : testCase.expect[caller];
      it(`${testCase.action} as ${caller} -> ${status}`, async () => {
        const { path, method, body } = await testCase.request();
        const res = await api(path, caller === 'anonymous' ? null : tokens[caller], {
          method: method ?? 'GET',
          body,
        });
        expect(res.status).toBe(status);
        if (status === 401)
          expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      });
    }
  }

  it('keeps Moslehi Lab’s study from Mary and BIDS studies from Mark', async () => {
    const forbidden = { detail: 'Current User does not have authorization to access this Study.' };
    expect(await api('/api/v1/studies/30004', tokens.manager)).toMatchObject({
      status: 403,
      body: forbidden,
    });
    expect(await api('/api/v1/studies/30001', tokens.outsider)).toMatchObject({
      status: 403,
      body: forbidden,
    });
    expect(await api('/api/v1/studies/30004/patients', tokens.manager)).toMatchObject({
      status: 200,
      body: { count: 0, results: [] },
    });
    expect(
      await api('/api/v1/studies/30004/scope_requests', tokens.manager, {
        method: 'POST',
        body: { scopeCodeId: 50002 },
      }),
    ).toMatchObject({ status: 403, body: forbidden });
  });
});
