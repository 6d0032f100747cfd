import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, everyone, describeMatrix, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';
import { makePatient } from './patients.fixtures';

/**
 * API.md E.2/E.6 for C.3: each action x caller, relative to BIDS (20003): Mary manager, Megan
 * member, Victor viewer, Peter the patient (40001), Mark (outsider) manages only UCSF organizations,
 * Sam the superuser belongs to none.
 */
/** Managers and members of the organization, and superusers (E.2 "Create/edit/remove patients"). */
const writers = (ok: number) => allow(ok, ['superuser', 'manager', 'member']);
/** Practitioners sharing an organization, or the patient themself; superusers only through membership. */
const readers = (ok: number) => allow(ok, ['manager', 'member', 'viewer', 'patient']);
const fresh = async (organizations = [20003]) => (await makePatient({ organizations })).patientId;

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /patients',
    request: async () => ({ path: '/api/v1/patients' }),
    expected: everyone(200),
  },
  {
    action: 'GET /patients/{id}',
    request: async () => ({ path: '/api/v1/patients/40001' }),
    expected: readers(200),
  },
  {
    action: 'POST /patients',
    request: async () => ({
      path: '/api/v1/patients',
      method: 'POST',
      body: { organizationId: 20003, telecomEmail: `matrix-${unique()}@example.com` },
    }),
    expected: writers(201),
  },
  {
    action: 'PATCH /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organization_id=20003`,
      method: 'PATCH',
      body: { nameGiven: 'Matrix' },
    }),
    expected: writers(200),
  },
  {
    action: 'PUT /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organizationId=20003`,
      method: 'PUT',
      body: { nameGiven: 'Matrix' },
    }),
    expected: writers(200),
  },
  {
    action: 'DELETE /patients/{id}',
    request: async () => ({
      path: `/api/v1/patients/${await fresh()}?organization_id=20003`,
      method: 'DELETE',
    }),
    expected: writers(204),
  },
  {
    action: 'GET /patients/me',
    request: async () => ({ path: '/api/v1/patients/me' }),
    expected: allow(200, ['patient']),
  },
  {
    action: 'GET /patients/global_lookup',
    request: async () => ({ path: '/api/v1/patients/global_lookup?email=peter@example.com' }),
    expected: allow(200, ['superuser', 'manager', 'member', 'viewer', 'outsider']),
  },
  {
    // The target organization decides (E.6 [R]): Mark manages 20007, not BIDS.
    action: 'PATCH /patients/{id}/global_add_organization',
    request: async () => ({
      path: `/api/v1/patients/${await fresh([20007])}/global_add_organization?organization_id=20003`,
      method: 'PATCH',
    }),
    expected: writers(200),
  },
  {
    action: 'GET /patients/{id}/consolidated_clients',
    request: async () => ({ path: '/api/v1/patients/40001/consolidated_clients' }),
    expected: readers(200),
  },
];

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describeMatrix('patients access matrix (API.md C.3, E.2, E.6)', CASES, {
  tokens: () => tokens,
  unauthorizedBody: 'challenge',
});

describe('patients across organizations (API.md E.6)', () => {
  it('keeps BIDS patients out of Mark’s list and UCSF patients out of Mary’s', async () => {
    const mark = await api<{ results: { id: number }[] }>('/api/v1/patients?page_size=1000', tokens.outsider);
    expect(mark.body.results.map((p) => p.id)).not.toContain(40001);
    const mary = await api<{ results: { id: number }[] }>('/api/v1/patients?page_size=1000', tokens.manager);
    expect(mary.body.results.map((p) => p.id)).not.toContain(40003);
    expect((await api('/api/v1/patients/40003', tokens.manager)).status).toBe(403);
  });
});
