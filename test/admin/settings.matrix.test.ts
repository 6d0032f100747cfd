import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { createDb } from '../../src/db/client';
import { settings } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, describeMatrix, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

const db = createDb(env.DB);
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

/** API.md C.10 / E.2 "Practitioners & settings admin": superusers only, others 403, anonymous 401. */
const superuserOnly = (ok: number) => allow(ok, ['superuser']);

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /jhe_settings',
    expected: superuserOnly(200),
    request: async () => ({ path: '/api/v1/jhe_settings' }),
  },
  {
    action: 'GET /jhe_settings/{id}',
    expected: superuserOnly(200),
    request: async () => ({ path: `/api/v1/jhe_settings/${await freshSetting()}` }),
  },
  {
    action: 'POST /jhe_settings',
    expected: superuserOnly(201),
    request: async () => ({
      path: '/api/v1/jhe_settings',
      method: 'POST',
      body: { key: newKey(), valueType: 'int', value: 1 },
    }),
  },
  {
    action: 'PATCH /jhe_settings/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/jhe_settings/${await freshSetting()}`,
      method: 'PATCH',
      body: { value: 'w' },
    }),
  },
  {
    action: 'PUT /jhe_settings/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/jhe_settings/${await freshSetting()}`,
      method: 'PUT',
      body: { key: newKey(), valueType: 'bool', value: true },
    }),
  },
  {
    action: 'DELETE /jhe_settings/{id}',
    expected: superuserOnly(204),
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

describeMatrix('settings access matrix (C.10)', CASES, { tokens: () => tokens });
