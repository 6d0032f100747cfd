import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';

/** API.md C.4 / E.2 "Practitioners & settings admin": superusers only, others 403, anonymous 401. */
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

const CASES: readonly {
  action: string;
  ok: number;
  request: () => Promise<{ path: string; method?: string; body?: unknown }>;
}[] = [
  { action: 'GET /practitioners', ok: 200, request: async () => ({ path: '/api/v1/practitioners' }) },
  {
    action: 'GET /practitioners/{id}',
    ok: 200,
    request: async () => ({ path: '/api/v1/practitioners/80002' }),
  },
  {
    action: 'POST /practitioners',
    ok: 201,
    request: async () => ({
      path: '/api/v1/practitioners',
      method: 'POST',
      body: { telecomEmail: `pracmatrix-${unique()}@example.com` },
    }),
  },
  {
    action: 'PATCH /practitioners/{id}',
    ok: 200,
    request: async () => ({
      path: `/api/v1/practitioners/${await freshPractitioner()}`,
      method: 'PATCH',
      body: { nameFamily: 'Matrix' },
    }),
  },
  {
    action: 'DELETE /practitioners/{id}',
    ok: 204,
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

describe('practitioners access matrix (C.4)', () => {
  const rows = CASES.flatMap((c) =>
    CALLERS.map((caller) => ({
      ...c,
      caller,
      status: caller === 'superuser' ? c.ok : caller === 'anonymous' ? 401 : 403,
    })),
  );
  it.each(rows)('$action as $caller → $status', async ({ request, caller, status }) => {
    const { path, method, body } = await request();
    const res = await api<{ jheUserId?: number }>(path, caller === 'anonymous' ? null : tokens[caller], {
      method,
      body,
    });
    if (res.status === 201 && res.body.jheUserId !== undefined) cleanupUsers.push(res.body.jheUserId);
    expect(res.status).toBe(status);
  });
});
