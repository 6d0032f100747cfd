import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';
import { makePatient, unique } from './patients.fixtures';

/**
 * API.md E.2/E.6 for C.3: each action x caller, relative to BIDS (20003): Mary manager, Megan
 * member, Victor viewer, Peter the patient (40001), Mark (outsider) manages only UCSF organizations,
 * Sam the superuser belongs to none.
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
  /** Builds the request; fresh rows for anything that mutates. */
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
  expect: Record<Exclude<Caller, 'anonymous'>, number>;
}

/** Managers and members of the organization, and superusers (E.2 "Create/edit/remove patients"). */
const writers = (ok: number) => ({
  superuser: ok,
  manager: ok,
  member: ok,
  viewer: 403,
  patient: 403,
  outsider: 403,
});
/** Practitioners sharing an organization, or the patient themself; superusers only through membership. */
const readers = (ok: number) => ({
  superuser: 403,
  manager: ok,
  member: ok,
  viewer: ok,
  patient: ok,
  outsider: 403,
});
const fresh = async (organizations = [20003]) => (await makePatient({ organizations })).patientId;

const CASES: readonly Case[] = [
  {
    action: 'GET /patients',
    request: async () => ({ path: '/api/v1/patients' }),
    expect: { superuser: 200, manager: 200, member: 200, viewer: 200, patient: 200, outsider: 200 },
  },
  {
    action: 'GET /patients/{id}',
    request: async () => ({ path: '/api/v1/patients/40001' }),
    expect: readers(200),
  },
  {
    action: 'POST /patients',
    request: async () => ({
      path: '/api/v1/patients',
      method: 'POST',
      body: { organizationId: 20003, telecomEmail: `matrix-${unique()}@example.com` },
    }),
    expect: writers(201),
  },
  {
    action: 'PATCH /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organization_id=20003`,
      method: 'PATCH',
      body: { nameGiven: 'Matrix' },
    }),
    expect: writers(200),
  },
  {
    action: 'PUT /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organizationId=20003`,
      method: 'PUT',
      body: { nameGiven: 'Matrix' },
    }),
    expect: writers(200),
  },
  {
    action: 'DELETE /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organization_id=20003`,
      method: 'DELETE',
    }),
    expect: writers(204),
  },
  {
    action: 'GET /patients/me',
    request: async () => ({ path: '/api/v1/patients/me' }),
    expect: { superuser: 403, manager: 403, member: 403, viewer: 403, patient: 200, outsider: 403 },
  },
  {
    action: 'GET /patients/global_lookup',
    request: async () => ({ path: '/api/v1/patients/global_lookup?email=peter@example.com' }),
    expect: { superuser: 200, manager: 200, member: 200, viewer: 200, patient: 403, outsider: 200 },
  },
  {
    // The target organization decides (E.6 [R]): Mark manages 20007, not BIDS.
    action: 'PATCH /patients/{id}/global_add_organization',
    request: async () => ({
      path: `/api/v1/patients/${await fresh([20007])}/global_add_organization?organization_id=20003`,
      method: 'PATCH',
    }),
    expect: writers(200),
  },
  {
    action: 'GET /patients/{id}/consolidated_clients',
    request: async () => ({ path: '/api/v1/patients/40001/consolidated_clients' }),
    expect: readers(200),
  },
];

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('patients access matrix (API.md C.3, E.2, E.6)', () => {
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
        if (status === 401) {
          expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
          expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
        }
      });
    }
  }

  it('keeps BIDS patients out of Mark’s list and UCSF patients out of Mary’s', async () => {
    const mark = await api<{ results: { id: number }[] }>('/api/v1/patients?page_size=1000', tokens.outsider);
    expect(mark.body.results.map((p) => p.id)).not.toContain(40001);
    const mary = await api<{ results: { id: number }[] }>('/api/v1/patients?page_size=1000', tokens.manager);
    expect(mary.body.results.map((p) => p.id)).not.toContain(40003);
    expect((await api('/api/v1/patients/40003', tokens.manager)).status).toBe(403);
  });
});
