import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, describeMatrix, everyone, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';
import { makePatient, makeStudy } from './patients.fixtures';

/**
 * API.md C.5 and E.2 "Create/edit/delete studies", "Manage study patients / scope requests / data
 * sources / clients" [R], relative to BIDS (20003): Mary manager, Megan member, Victor viewer, Peter a
 * patient, Mark (outsider) of UCSF, Sam a superuser without memberships. A study the caller cannot
 * see is 403 (A.8).
 */
const writers = (ok: number) => allow(ok, ['superuser', 'manager', 'member']);
const members = (ok: number) => allow(ok, ['manager', 'member', 'viewer']);

const study = () => makeStudy(20003);
/** A fresh BIDS study with one link already made, for the DELETE cases. */
async function linked(sub: string, body: Record<string, number>) {
  const id = await study();
  const res = await api(`/api/v1/studies/${id}/${sub}`, tokens.superuser, { method: 'POST', body });
  expect(res.status).toBe(201);
  return { path: `/api/v1/studies/${id}/${sub}`, method: 'DELETE', body };
}

const CASES: readonly MatrixCase[] = [
  { action: 'GET /studies', request: async () => ({ path: '/api/v1/studies' }), expected: everyone(200) },
  {
    action: 'GET /studies/{id}',
    request: async () => ({ path: '/api/v1/studies/30001' }),
    expected: members(200),
  },
  {
    action: 'POST /studies',
    request: async () => ({
      path: '/api/v1/studies',
      method: 'POST',
      body: { name: `M ${unique()}`, organization: 20003 },
    }),
    expected: writers(201),
  },
  {
    action: 'PATCH /studies/{id}',
    request: async () => ({
      path: `/api/v1/studies/${await study()}`,
      method: 'PATCH',
      body: { name: 'Patched' },
    }),
    expected: writers(200),
  },
  {
    action: 'PUT /studies/{id}',
    request: async () => ({ path: `/api/v1/studies/${await study()}`, method: 'PUT', body: { name: 'Put' } }),
    expected: writers(200),
  },
  {
    action: 'DELETE /studies/{id}',
    request: async () => ({ path: `/api/v1/studies/${await study()}`, method: 'DELETE' }),
    expected: writers(204),
  },
  {
    // Lists are 200 for everyone; non-members get an empty page.
    action: 'GET /studies/{id}/patients',
    request: async () => ({ path: '/api/v1/studies/30001/patients' }),
    expected: everyone(200),
  },
  {
    action: 'POST /studies/{id}/patients',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/patients`,
      method: 'POST',
      body: { patientIds: [(await makePatient()).patientId] },
    }),
    expected: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/patients',
    request: async () => {
      const id = await study();
      const { patientId } = await makePatient({ studies: [id] });
      return { path: `/api/v1/studies/${id}/patients`, method: 'DELETE', body: { patientIds: [patientId] } };
    },
    expected: writers(204),
  },
  {
    action: 'GET /studies/{id}/scope_requests',
    request: async () => ({ path: '/api/v1/studies/30001/scope_requests' }),
    expected: members(200),
  },
  {
    action: 'POST /studies/{id}/scope_requests',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/scope_requests`,
      method: 'POST',
      body: { scopeCodeId: 50002 },
    }),
    expected: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/scope_requests',
    request: () => linked('scope_requests', { scopeCodeId: 50002 }),
    expected: writers(204),
  },
  {
    action: 'GET /studies/{id}/data_sources',
    request: async () => ({ path: '/api/v1/studies/30001/data_sources' }),
    expected: members(200),
  },
  {
    action: 'POST /studies/{id}/data_sources',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/data_sources`,
      method: 'POST',
      body: { dataSourceId: 70001 },
    }),
    expected: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/data_sources',
    request: () => linked('data_sources', { dataSourceId: 70001 }),
    expected: writers(204),
  },
  {
    action: 'GET /studies/{id}/clients',
    request: async () => ({ path: '/api/v1/studies/30001/clients' }),
    expected: members(200),
  },
  {
    action: 'POST /studies/{id}/clients',
    request: async () => ({
      path: `/api/v1/studies/${await study()}/clients`,
      method: 'POST',
      body: { clientId: 1 },
    }),
    expected: writers(201),
  },
  {
    action: 'DELETE /studies/{id}/clients',
    request: () => linked('clients', { clientId: 1 }),
    expected: writers(204),
  },
];

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describeMatrix('studies access matrix (API.md C.5, E.2, A.8)', CASES, {
  tokens: () => tokens,
  unauthorizedBody: true,
});

describe('studies across organizations (API.md E.2, A.8)', () => {
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
