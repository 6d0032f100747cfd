import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { organizations, users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import {
  allow,
  CALLERS,
  describeMatrix,
  everyone,
  type MatrixCase,
  type MatrixRequest,
} from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

/**
 * API.md E.2 for C.2. Mutations act on a scratch organization M under BIDS (20003) that Mary
 * created (so she manages it), with Megan a member and Victor a viewer of it: the seeded roles,
 * without touching seeded rows.
 */
const ORG_CALLERS = CALLERS.filter((caller) => caller !== 'outsider');

const db = createDb(env.DB);
let tokens: Record<Actor, string>;
let scratch: number;
let child: { id: number; name: string };
const cleanupOrgs: number[] = [];
const cleanupUsers: number[] = [];

async function createOrg(
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: number; name: string }> {
  const res = await api<{ id: number; name: string }>('/api/v1/organizations', token, {
    method: 'POST',
    body,
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function freshPractitionerUser(): Promise<number> {
  const res = await api<{ jheUserId: number }>('/api/v1/practitioners', tokens.superuser, {
    method: 'POST',
    body: { telecomEmail: `orgmatrix-${unique()}@example.com` },
  });
  expect(res.status).toBe(201);
  cleanupUsers.push(res.body.jheUserId);
  return res.body.jheUserId;
}

async function addToScratch(userId: number, role: string) {
  const res = await api(`/api/v1/organizations/${scratch}/user`, tokens.manager, {
    method: 'POST',
    body: { jheUserId: userId, organizationPartitionerRole: role },
  });
  expect(res.status).toBe(201);
}

const ALL_READ = everyone(200, ORG_CALLERS);
const MANAGERS_ONLY = (ok: number) => allow(ok, ['superuser', 'manager'], ORG_CALLERS);

const CASES: readonly MatrixCase[] = [
  {
    action: 'GET /organizations',
    request: async () => ({ path: '/api/v1/organizations' }),
    expected: ALL_READ,
  },
  {
    action: 'GET /organizations/{id}',
    request: async () => ({ path: '/api/v1/organizations/20003' }),
    expected: ALL_READ,
  },
  {
    action: 'GET /organizations/types',
    request: async () => ({ path: '/api/v1/organizations/types' }),
    expected: ALL_READ,
  },
  {
    action: 'GET /organizations/{id}/tree',
    request: async () => ({ path: '/api/v1/organizations/20001/tree' }),
    expected: ALL_READ,
  },
  {
    action: 'GET /organizations/{id}/users',
    request: async () => ({ path: '/api/v1/organizations/20003/users' }),
    expected: ALL_READ,
  },
  {
    action: 'GET /organizations/{id}/studies',
    request: async () => ({ path: '/api/v1/organizations/20003/studies' }),
    expected: { superuser: 200, manager: 200, member: 200, viewer: 200, patient: 403, anonymous: 401 },
  },
  {
    action: 'POST /organizations (top level)',
    request: async () => ({
      path: '/api/v1/organizations',
      method: 'POST',
      body: { name: `Matrix top ${unique()}`, type: 'edu', partOf: 0 },
    }),
    expected: { superuser: 201, manager: 403, member: 403, viewer: 403, patient: 403, anonymous: 401 },
  },
  {
    action: 'POST /organizations (sub-organization of M)',
    request: async () => ({
      path: '/api/v1/organizations',
      method: 'POST',
      body: { name: `Matrix sub ${unique()}`, type: 'team', partOf: scratch },
    }),
    expected: MANAGERS_ONLY(201),
  },
  {
    action: 'PATCH /organizations/{child of M}',
    request: async () => ({
      path: `/api/v1/organizations/${child.id}`,
      method: 'PATCH',
      body: { name: child.name },
    }),
    expected: MANAGERS_ONLY(200),
  },
  {
    action: 'DELETE /organizations/{child of M}',
    request: async () => {
      const victim = await createOrg(tokens.manager, {
        name: `Victim ${unique()}`,
        type: 'team',
        partOf: scratch,
      });
      return { path: `/api/v1/organizations/${victim.id}`, method: 'DELETE' };
    },
    expected: MANAGERS_ONLY(204),
  },
  {
    action: 'POST /organizations/{M}/user',
    request: async () => ({
      path: `/api/v1/organizations/${scratch}/user`,
      method: 'POST',
      body: { jheUserId: await freshPractitionerUser(), organizationPartitionerRole: 'viewer' },
    }),
    expected: MANAGERS_ONLY(201),
  },
  {
    action: 'DELETE /organizations/{M}/remove_user',
    request: async () => {
      const userId = await freshPractitionerUser();
      await addToScratch(userId, 'member');
      return {
        path: `/api/v1/organizations/${scratch}/remove_user`,
        method: 'DELETE',
        body: { jheUserId: userId },
      };
    },
    expected: MANAGERS_ONLY(204),
  },
];

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  scratch = (await createOrg(tokens.manager, { name: `Matrix M ${unique()}`, type: 'team', partOf: 20003 }))
    .id;
  cleanupOrgs.push(scratch);
  await addToScratch(10003, 'member');
  await addToScratch(10004, 'viewer');
  child = await createOrg(tokens.manager, {
    name: `Matrix child ${unique()}`,
    type: 'team',
    partOf: scratch,
  });
});

afterAll(async () => {
  await db.delete(organizations).where(inArray(organizations.id, cleanupOrgs));
  if (cleanupUsers.length > 0) await db.delete(users).where(inArray(users.id, cleanupUsers));
});

describeMatrix('organization access matrix (E.2)', CASES, {
  tokens: () => tokens,
  onResponse: (res) => {
    const id = res.body?.id;
    if (res.status === 201 && res.body?.partOf === 0 && typeof id === 'number') cleanupOrgs.push(id);
  },
});

describe('organization access across tenants (E.3)', () => {
  const CROSS: readonly { who: Actor; action: string; request: MatrixRequest; status: number }[] = [
    {
      who: 'outsider',
      action: 'read BIDS studies',
      request: { path: '/api/v1/organizations/20003/studies' },
      status: 403,
    },
    {
      who: 'manager',
      action: 'read Moslehi Lab studies',
      request: { path: '/api/v1/organizations/20007/studies' },
      status: 403,
    },
    {
      who: 'outsider',
      action: 'make himself a BIDS manager',
      request: {
        path: '/api/v1/organizations/20003/user',
        method: 'POST',
        body: { jheUserId: 10008, organizationPartitionerRole: 'manager' },
      },
      status: 403,
    },
    {
      who: 'manager',
      action: 'make herself a Moslehi Lab manager',
      request: {
        path: '/api/v1/organizations/20007/user',
        method: 'POST',
        body: { jheUserId: 10002, role: 'manager' },
      },
      status: 403,
    },
    {
      who: 'manager',
      action: 'edit Moslehi Lab',
      request: { path: '/api/v1/organizations/20007', method: 'PATCH', body: { name: 'Moslehi Lab' } },
      status: 403,
    },
    {
      who: 'manager',
      action: 'create a sub-organization of Moslehi Lab',
      request: {
        path: '/api/v1/organizations',
        method: 'POST',
        body: { name: 'Intruder', type: 'team', partOf: 20007 },
      },
      status: 403,
    },
    {
      who: 'outsider',
      action: 'edit BIDS',
      request: {
        path: '/api/v1/organizations/20003',
        method: 'PATCH',
        body: { name: 'Berkeley Institute for Data Science (BIDS)' },
      },
      status: 403,
    },
    {
      who: 'tom',
      action: 'edit Olgin Lab, which he manages but whose parent he does not',
      request: { path: '/api/v1/organizations/20008', method: 'PATCH', body: { name: 'Olgin Lab' } },
      status: 403,
    },
    {
      who: 'outsider',
      action: 'edit Moslehi Lab as manager of its parent',
      request: { path: '/api/v1/organizations/20007', method: 'PATCH', body: { name: 'Moslehi Lab' } },
      status: 200,
    },
  ];
  it.each(CROSS)('$who: $action → $status', async ({ who, request, status }) => {
    const res = await api(request.path, tokens[who], { method: request.method, body: request.body });
    expect(res.status).toBe(status);
  });
});
