import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';

/** E.2: reads are open to every authenticated caller; writes are the superuser's alone. */
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
  /** Builds the request; may create rows first (as the superuser) so every caller acts on fresh data. */
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
  /** Status for the superuser; `read` cases give it to everyone authenticated, `write` cases 403 others. */
  ok: number;
  kind: 'read' | 'write';
}

let tokens: Record<Actor, string>;
const unique = () => crypto.randomUUID().slice(0, 8);

async function freshDataSource(): Promise<number> {
  const res = await api<{ id: number }>('/api/v1/data_sources', tokens.superuser, {
    method: 'POST',
    body: { name: `Matrix ${unique()}` },
  });
  return res.body.id;
}

const CASES: readonly Case[] = [
  {
    action: 'GET /data_sources',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/data_sources' }),
  },
  {
    action: 'GET /data_sources/{id}',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/data_sources/70001' }),
  },
  {
    action: 'GET /data_sources/all_scopes',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/data_sources/all_scopes' }),
  },
  {
    action: 'GET /data_sources/{id}/supported_scopes',
    kind: 'read',
    ok: 200,
    request: async () => ({ path: '/api/v1/data_sources/70003/supported_scopes' }),
  },
  {
    action: 'POST /data_sources',
    kind: 'write',
    ok: 201,
    request: async () => ({
      path: '/api/v1/data_sources',
      method: 'POST',
      body: { name: `New ${unique()}` },
    }),
  },
  {
    action: 'PATCH /data_sources/{id}',
    kind: 'write',
    ok: 200,
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}`,
      method: 'PATCH',
      body: { name: `Patched ${unique()}` },
    }),
  },
  {
    action: 'PUT /data_sources/{id}',
    kind: 'write',
    ok: 200,
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}`,
      method: 'PUT',
      body: { name: `Put ${unique()}`, type: 'medical_device' },
    }),
  },
  {
    action: 'DELETE /data_sources/{id}',
    kind: 'write',
    ok: 204,
    request: async () => ({ path: `/api/v1/data_sources/${await freshDataSource()}`, method: 'DELETE' }),
  },
  {
    action: 'POST /data_sources/all_scopes',
    kind: 'write',
    ok: 201,
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
    kind: 'write',
    ok: 201,
    request: async () => ({
      path: `/api/v1/data_sources/${await freshDataSource()}/supported_scopes`,
      method: 'POST',
      body: { scopeCodeId: 50002 },
    }),
  },
  {
    action: 'DELETE /data_sources/{id}/supported_scopes',
    kind: 'write',
    ok: 204,
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

function expected(testCase: Case, caller: Caller): number {
  if (caller === 'anonymous') return 401;
  if (testCase.kind === 'read' || caller === 'superuser') return testCase.ok;
  return 403;
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('data sources access matrix (API.md E.2, C.6)', () => {
  for (const testCase of CASES) {
    for (const caller of CALLERS) {
      const status = expected(testCase, caller);
      it(`${testCase.action} as ${caller} -> ${status}`, async () => {
        const { path, method, body } = await testCase.request();
        const token = caller === 'anonymous' ? null : tokens[caller];
        const res = await api(path, token, { method: method ?? 'GET', body });
        expect(res.status).toBe(status);
        if (status === 403)
          expect(res.body).toEqual({ detail: 'You do not have permission to perform this action.' });
        if (status === 401) {
          expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
          expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
        }
      });
    }
  }
});
