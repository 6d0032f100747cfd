import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { users } from '../../src/db/schema';
import { actorTokens, USERS, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import {
  allow,
  CALLERS,
  describeMatrix,
  everyone,
  type AuthenticatedCaller,
  type MatrixCaller,
  type MatrixCase,
} from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

/** API.md C.1 [R] and E.6 for the users endpoints; writes to others' accounts hit fresh accounts. */
const USER_CALLERS = CALLERS.filter((caller) => caller !== 'outsider');
const FIRST_NAMES: Record<AuthenticatedCaller, string> = {
  superuser: 'Sam',
  manager: 'Mary',
  member: 'Megan',
  viewer: 'Victor',
  patient: 'Peter',
  outsider: 'Mark',
};

const db = createDb(env.DB);
let tokens: Record<Actor, string>;
const cleanupUsers: number[] = [];

/** The caller's own user id (the superuser's for the anonymous caller, who never gets that far). */
const ownId = (caller: MatrixCaller) => USERS[caller === 'anonymous' ? 'superuser' : caller];

async function freshUser(): Promise<number> {
  const res = await api<{ id: number }>('/api/v1/users', tokens.superuser, {
    method: 'POST',
    body: { email: `usermatrix-${unique()}@example.com` },
  });
  expect(res.status).toBe(201);
  cleanupUsers.push(res.body.id);
  return res.body.id;
}

const EVERYONE = (ok: number) => everyone(ok, USER_CALLERS);
const SUPERUSER_ONLY = (ok: number) => allow(ok, ['superuser'], USER_CALLERS);

/** A caller left out of a row has no meaningful request (e.g. the superuser changing its own email). */
const CASES: readonly MatrixCase[] = [
  { action: 'GET /users', request: async () => ({ path: '/api/v1/users' }), expected: EVERYONE(200) },
  {
    action: 'GET /users/profile',
    request: async () => ({ path: '/api/v1/users/profile' }),
    expected: EVERYONE(200),
  },
  {
    action: 'GET /users/organizations',
    request: async () => ({ path: '/api/v1/users/organizations' }),
    expected: EVERYONE(200),
  },
  {
    action: 'GET /users/search_by_email',
    request: async () => ({ path: '/api/v1/users/search_by_email?email=megan@example.com' }),
    expected: { superuser: 200, manager: 200, member: 200, viewer: 200, patient: 403, anonymous: 401 },
  },
  {
    action: 'GET /users/{own id}',
    request: async (caller) => ({ path: `/api/v1/users/${ownId(caller)}` }),
    expected: EVERYONE(200),
  },
  {
    action: 'GET /users/{another id}',
    request: async () => ({ path: '/api/v1/users/10011' }),
    expected: SUPERUSER_ONLY(403),
  },
  {
    action: 'PATCH /users/{own id} names',
    request: async (caller) => ({
      path: `/api/v1/users/${ownId(caller)}`,
      method: 'PATCH',
      body: { firstName: caller === 'anonymous' ? 'x' : FIRST_NAMES[caller] },
    }),
    expected: EVERYONE(200),
  },
  {
    action: 'PATCH /users/{own id} email',
    request: async (caller) => ({
      path: `/api/v1/users/${ownId(caller)}`,
      method: 'PATCH',
      body: { email: `changed-${unique()}@example.com` },
    }),
    expected: { manager: 403, member: 403, viewer: 403, patient: 403, anonymous: 401 },
  },
  {
    action: 'PATCH /users/{another id} names',
    request: async () => ({
      path: `/api/v1/users/${await freshUser()}`,
      method: 'PATCH',
      body: { lastName: 'Set' },
    }),
    expected: SUPERUSER_ONLY(200),
  },
  {
    action: 'PATCH /users/{another id} email',
    request: async () => ({
      path: `/api/v1/users/${await freshUser()}`,
      method: 'PATCH',
      body: { email: `moved-${unique()}@example.com` },
    }),
    expected: SUPERUSER_ONLY(200),
  },
  {
    action: 'POST /users',
    request: async () => ({
      path: '/api/v1/users',
      method: 'POST',
      body: { email: `posted-${unique()}@example.com` },
    }),
    expected: SUPERUSER_ONLY(201),
  },
  {
    action: 'DELETE /users/{id}',
    request: async () => ({ path: `/api/v1/users/${await freshUser()}`, method: 'DELETE' }),
    expected: SUPERUSER_ONLY(204),
  },
];

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  if (cleanupUsers.length > 0) await db.delete(users).where(inArray(users.id, cleanupUsers));
});

describeMatrix('users access matrix (C.1 [R], E.6)', CASES, {
  tokens: () => tokens,
  onResponse: (res) => {
    const id = res.body?.id;
    if (res.status === 201 && typeof id === 'number') cleanupUsers.push(id);
  },
});

describe('users across tenants (E.6)', () => {
  const listedIds = async (actor: Actor) =>
    (
      await api<{ results: { id: number }[] }>('/api/v1/users?page_size=1000', tokens[actor])
    ).body.results.map((u) => u.id);

  it('does not list BIDS users to Mark', async () => {
    const ids = await listedIds('outsider');
    for (const bids of [10002, 10003, 10004, 10006, 10007]) expect(ids).not.toContain(bids);
  });

  it('does not list Moslehi Lab users to Mary', async () => {
    const ids = await listedIds('manager');
    for (const moslehi of [10008, 10009]) expect(ids).not.toContain(moslehi);
  });

  it('does not let Mark read or rename Mary, nor Mary rename Mark', async () => {
    expect((await api('/api/v1/users/10002', tokens.outsider)).status).toBe(403);
    expect(
      (await api('/api/v1/users/10002', tokens.outsider, { method: 'PATCH', body: { firstName: 'Mary' } }))
        .status,
    ).toBe(403);
    expect(
      (await api('/api/v1/users/10008', tokens.manager, { method: 'PATCH', body: { firstName: 'Mark' } }))
        .status,
    ).toBe(403);
  });
});
