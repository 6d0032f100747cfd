import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { settings } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';

/** API.md C.10 / E.2 "Practitioners & settings admin": superusers only, others 403, anonymous 401. */
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

const db = createDb(env.DB);
const unique = () => crypto.randomUUID().slice(0, 8);
let tokens: Record<Actor, string>;
const cleanupKeys: string[] = [];

async function freshSetting(): Promise<number> {
  const key = `matrix.${unique()}`;
  cleanupKeys.push(key);
  const res = await api<{ id: number }>('/api/v1/jhe_settings', tokens.superuser, {
    method: 'POST',
    body: { key, valueType: 'string', value: 'v' },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

const newKey = () => {
  const key = `matrix.${unique()}`;
  cleanupKeys.push(key);
  return key;
};

const CASES: readonly {
  action: string;
  ok: number;
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
}[] = [
  { action: 'GET /jhe_settings', ok: 200, request: async () => ({ path: '/api/v1/jhe_settings' }) },
  {
    action: 'GET /jhe_settings/{id}',
    ok: 200,
    request: async () => ({ path: `/api/v1/jhe_settings/${await freshSetting()}` }),
  },
  {
    action: 'POST /jhe_settings',
    ok: 201,
    request: async () => ({
      path: '/api/v1/jhe_settings',
      method: 'POST',
      body: { key: newKey(), valueType: 'int', value: 1 },
    }),
  },
  {
    action: 'PATCH /jhe_settings/{id}',
    ok: 200,
    request: async () => ({
      path: `/api/v1/jhe_settings/${await freshSetting()}`,
      method: 'PATCH',
      body: { value: 'w' },
    }),
  },
  {
    action: 'PUT /jhe_settings/{id}',
    ok: 200,
    request: async () => ({
      path: `/api/v1/jhe_settings/${await freshSetting()}`,
      method: 'PUT',
      body: { key: newKey(), valueType: 'bool', value: true },
    }),
  },
  {
    action: 'DELETE /jhe_settings/{id}',
    ok: 204,
    request: async () => ({ path: `/api/v1/jhe_settings/${await freshSetting()}`, method: 'DELETE' }),
  },
];

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  await db.delete(settings).where(inArray(settings.key, cleanupKeys));
});

describe('settings access matrix (C.10)', () => {
  const rows = CASES.flatMap((c) =>
    CALLERS.map((caller) => ({
      ...c,
      caller,
      status: caller === 'superuser' ? c.ok : caller === 'anonymous' ? 401 : 403,
    })),
  );
  it.each(rows)('$action as $caller → $status', async ({ request, caller, status }) => {
    const { path, method, body } = await request();
    const res = await api(path, caller === 'anonymous' ? null : tokens[caller], { method, body });
    expect(res.status).toBe(status);
  });
});
