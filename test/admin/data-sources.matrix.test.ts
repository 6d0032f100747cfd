import { beforeAll } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, describeMatrix, everyone, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

/** E.2: reads are open to every authenticated caller; writes are the superuser's alone. */
const superuserOnly = (ok: number) => allow(ok, ['superuser']);

let tokens: Record<Actor, string>;

async function freshDataSource(): Promise<number> {
  const res = await api<{ id: number }>('/api/v1/data_sources', tokens.superuser, {
    method: 'POST',
    body: { name: `Matrix ${unique()}` },
  });
  return res.body.id;
}

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /data_sources',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/data_sources' }),
  },
  {
    action: 'GET /data_sources/{id}',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/data_sources/70001' }),
  },
  {
    action: 'GET /data_sources/all_scopes',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/data_sources/all_scopes' }),
  },
  {
    action: 'GET /data_sources/{id}/supported_scopes',
    expected: everyone(200),
    request: async () => ({ path: '/api/v1/data_sources/70003/supported_scopes' }),
  },
  {
    action: 'POST /data_sources',
    expected: superuserOnly(201),
    request: async () => ({
      path: '/api/v1/data_sources',
      method: 'POST',
      body: { name: `New ${unique()}` },
    }),
  },
  {
    action: 'PATCH /data_sources/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}`,
      method: 'PATCH',
      body: { name: `Patched ${unique()}` },
    }),
  },
  {
    action: 'PUT /data_sources/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}`,
      method: 'PUT',
      body: { name: `Put ${unique()}`, type: 'medical_device' },
    }),
  },
  {
    action: 'DELETE /data_sources/{id}',
    expected: superuserOnly(204),
    request: async () => ({ path: `/api/v1/data_sources/${await freshDataSource()}`, method: 'DELETE' }),
  },
  {
    action: 'POST /data_sources/all_scopes',
    expected: superuserOnly(201),
    request: async () => ({
      path: '/api/v1/data_sources/all_scopes',
      method: 'POST',
      body: {
        codingSystem: 'http://hl7.org/fhir/resource-types',
        codingCode: `Matrix${unique()}`,
        text: 'Matrix',
      },
    }),
  },
  {
    action: 'POST /data_sources/{id}/supported_scopes',
    expected: superuserOnly(201),
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}/supported_scopes`,
      method: 'POST',
      body: { scopeCodeId: 50002 },
    }),
  },
  {
    action: 'DELETE /data_sources/{id}/supported_scopes',
    expected: superuserOnly(204),
    request: async () => {
      const id = await freshDataSource();
      await api(`/api/v1/data_sources/${id}/supported_scopes`, tokens.superuser, {
        method: 'POST',
        body: { scopeCodeId: 50002 },
      });
      return {
        path: `/api/v1/data_sources/${id}/supported_scopes`,
        method: 'DELETE',
        body: { scopeCodeId: 50002 },
      };
    },
  },
];

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describeMatrix('data sources access matrix (API.md E.2, C.6)', CASES, {
  tokens: () => tokens,
  forbiddenBody: true,
  unauthorizedBody: 'challenge',
});
