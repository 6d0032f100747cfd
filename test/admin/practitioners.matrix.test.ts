import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { createDb } from '../../src/db/client';
import { users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { allow, describeMatrix, type MatrixCase } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

const db = createDb(env.DB);
let tokens: Record<Actor, string>;
const cleanupUsers: number[] = [];

async function freshPractitioner(): Promise<number> {
  const res = await api<{ id: number; jheUserId: number }>('/api/v1/practitioners', tokens.superuser, {
    method: 'POST',
    body: { telecomEmail: `pracmatrix-${unique()}@example.com` },
  });
  expect(res.status).toBe(201);
  cleanupUsers.push(res.body.jheUserId);
  return res.body.id;
}

/** API.md C.4 / E.2 "Practitioners & settings admin": superusers only, others 403, anonymous 401. */
const superuserOnly = (ok: number) => allow(ok, ['superuser']);

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /practitioners',
    expected: superuserOnly(200),
    request: async () => ({ path: '/api/v1/practitioners' }),
  },
  {
    action: 'GET /practitioners/{id}',
    expected: superuserOnly(200),
    request: async () => ({ path: '/api/v1/practitioners/80002' }),
  },
  {
    action: 'POST /practitioners',
    expected: superuserOnly(201),
    request: async () => ({
      path: '/api/v1/practitioners',
      method: 'POST',
      body: { telecomEmail: `pracmatrix-${unique()}@example.com` },
    }),
  },
  {
    action: 'PATCH /practitioners/{id}',
    expected: superuserOnly(200),
    request: async () => ({
      path: `/api/v1/practitioners/${await freshPractitioner()}`,
      method: 'PATCH',
      body: { nameFamily: 'Matrix' },
    }),
  },
  {
    action: 'DELETE /practitioners/{id}',
    expected: superuserOnly(204),
    request: async () => ({ path: `/api/v1/practitioners/${await freshPractitioner()}`, method: 'DELETE' }),
  },
];

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  if (cleanupUsers.length > 0) await db.delete(users).where(inArray(users.id, cleanupUsers));
});

describeMatrix('practitioners access matrix (C.4)', CASES, {
  tokens: () => tokens,
  onResponse: (res) => {
    const userId = res.body?.jheUserId;
    if (res.status === 201 && typeof userId === 'number') cleanupUsers.push(userId);
  },
});
