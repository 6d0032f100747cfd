import { env } from 'cloudflare:test';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { organizations, patients, practitioners, users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, statementShapes } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Practitioner {
  id: number;
  jheUserId: number;
  nameFamily: string | null;
  nameGiven: string | null;
  telecomEmail: string;
  organizations: { id: number; currentUserRole: string | null }[];
}

const db = createDb(env.DB);

const bidsSide = (id: number, name: string, partOf: number) => ({
  id,
  name,
  type: 'edu',
  partOf,
  currentUserRole: 'super_user',
  children: [],
});
const MARY = {
  id: 80002,
  jheUserId: 10002,
  nameFamily: 'Lopez',
  nameGiven: 'Mary',
  telecomEmail: 'mary@example.com',
  organizations: [
    bidsSide(20003, 'Berkeley Institute for Data Science (BIDS)', 20002),
    bidsSide(20002, 'College of Computing, Data Science and Society', 20001),
    bidsSide(20001, 'University of California Berkeley', 0),
  ],
};

/**
 * Seeded memberships only: other test files may make Mary manager of scratch organizations while
 * this one runs (creators of sub-organizations become their managers).
 */
function seededOrgs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(seededOrgs) as T;
  if (typeof value !== 'object' || value === null) return value;
  const record = value as { organizations?: { id: number }[] };
  if (!record.organizations) return value;
  return { ...record, organizations: record.organizations.filter((o) => o.id <= 20008) } as T;
}

let tokens: Record<Actor, string>;
const cleanupUsers: number[] = [];
/** A scratch organization to link new practitioners to, so seeded member lists stay as seeded. */
let scratch: { id: number; name: string; partOf: number };

async function post(body: unknown) {
  const res = await api<Practitioner>('/api/v1/practitioners', tokens.superuser, { method: 'POST', body });
  if (res.status === 201) cleanupUsers.push(res.body.jheUserId);
  return res;
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  const res = await api<typeof scratch>('/api/v1/organizations', tokens.superuser, {
    method: 'POST',
    body: { name: `Practitioners ${unique()}`, type: 'prov' },
  });
  expect(res.status).toBe(201);
  scratch = res.body;
});

afterAll(async () => {
  if (cleanupUsers.length > 0) await db.delete(users).where(inArray(users.id, cleanupUsers));
  await db.delete(organizations).where(eq(organizations.id, scratch.id));
});

describe('GET /api/v1/practitioners', () => {
  it('lists practitioners by id with their organizations, 1000 per page', async () => {
    const res = await api<Page<Practitioner>>('/api/v1/practitioners', tokens.superuser);
    expect(res.status).toBe(200);
    expect(res.body.previous).toBeNull();
    expect(seededOrgs(res.body.results.slice(0, 2))).toEqual([
      {
        id: 80001,
        jheUserId: 10001,
        nameFamily: 'Superuser',
        nameGiven: 'Sam',
        telecomEmail: 'sam@example.com',
        organizations: [],
      },
      MARY,
    ]);
    const ids = res.body.results.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('pages with page_size in either spelling', async () => {
    const res = await api<Page<Practitioner>>('/api/v1/practitioners?pageSize=1&page=2', tokens.superuser);
    expect(res.body.previous).toBe('http://localhost/api/v1/practitioners?pageSize=1');
    expect(seededOrgs(res.body.results)).toEqual([MARY]);
  });

  it('reads the same number of statements for a 1-row page and a full page', async () => {
    const init = { headers: bearer(tokens.superuser) };
    const one = await countStatements('/api/v1/practitioners?page_size=1&page=2', init);
    const many = await countStatements('/api/v1/practitioners', init);
    expect(seededOrgs((one.body as Page<Practitioner>).results)).toEqual([MARY]);
    expect((many.body as Page<Practitioner>).results.length).toBeGreaterThanOrEqual(6);
    expect(statementShapes(many.statements)).toEqual(statementShapes(one.statements));
  });
});

describe('GET /api/v1/practitioners/{id}', () => {
  it('returns one practitioner', async () => {
    const res = await api('/api/v1/practitioners/80002', tokens.superuser);
    expect(res.status).toBe(200);
    expect(seededOrgs(res.body)).toEqual(MARY);
  });

  it('answers 404 for a missing or malformed id', async () => {
    for (const id of ['999999', 'abc']) {
      expect(await api(`/api/v1/practitioners/${id}`, tokens.superuser)).toMatchObject({
        status: 404,
        body: { detail: 'No Practitioner matches the given query.' },
      });
    }
  });
});

describe('POST /api/v1/practitioners', () => {
  it('creates the user and practitioner, linking the organization as member', async () => {
    const email = `prac-${unique()}@example.com`;
    const res = await post({
      telecomEmail: email,
      nameFamily: 'New',
      nameGiven: 'Doc',
      organizationId: scratch.id,
    });
    expect(res).toMatchObject({
      status: 201,
      body: {
        id: expect.any(Number),
        jheUserId: expect.any(Number),
        nameFamily: 'New',
        nameGiven: 'Doc',
        telecomEmail: email,
        organizations: [
          {
            id: scratch.id,
            name: scratch.name,
            type: 'prov',
            partOf: 0,
            currentUserRole: 'super_user',
            children: [],
          },
        ],
      },
    });
    const members = await api<{ id: number; role: string }[]>(
      `/api/v1/organizations/${scratch.id}/users`,
      tokens.superuser,
    );
    expect(members.body).toEqual([
      { id: res.body.jheUserId, email, firstName: 'Doc', lastName: 'New', role: 'member' },
    ]);
  });

  it('accepts snake_case and creates without an organization', async () => {
    const email = `snake-${unique()}@example.com`;
    const res = await post({
      telecom_email: email,
      name_family: 'Snake',
      name_given: 'Case',
      organization_id: null,
    });
    expect(res).toMatchObject({
      status: 201,
      body: { nameFamily: 'Snake', nameGiven: 'Case', telecomEmail: email, organizations: [] },
    });
  });

  it('reuses an existing user with that email, whatever its case', async () => {
    const email = `reuse-${unique()}@example.com`;
    const user = await api<{ id: number }>('/api/v1/users', tokens.superuser, {
      method: 'POST',
      body: { email },
    });
    cleanupUsers.push(user.body.id);
    const res = await post({ telecomEmail: email.toUpperCase(), nameFamily: 'Reused' });
    expect(res).toMatchObject({ status: 201, body: { jheUserId: user.body.id, telecomEmail: email } });
    const again = await post({ telecomEmail: email, nameFamily: 'Twice' });
    expect(again).toMatchObject({ status: 201, body: { id: res.body.id, nameFamily: 'Reused' } });
  });

  it('answers 400 with array messages for a missing or invalid email and an unknown organization', async () => {
    expect(await post({ nameFamily: 'x' })).toMatchObject({
      status: 400,
      body: ['Email is required to create a practitioner.'],
    });
    expect(await post({ telecomEmail: '   ' })).toMatchObject({
      status: 400,
      body: ['Email is required to create a practitioner.'],
    });
    expect(await post({ telecomEmail: 'not-an-email' })).toMatchObject({
      status: 400,
      body: ['Enter a valid email address.'],
    });
    const email = `orgless-${unique()}@example.com`;
    expect(await post({ telecomEmail: email, organizationId: 999999 })).toMatchObject({
      status: 400,
      body: ['Organization not found.'],
    });
    expect(await post({ telecomEmail: email, organizationId: 'abc' })).toMatchObject({
      status: 400,
      body: ['Organization not found.'],
    });
    // Nothing was half-written.
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });
});

describe('PATCH /api/v1/practitioners/{id}', () => {
  it('changes the names', async () => {
    const created = await post({ telecomEmail: `patch-${unique()}@example.com`, nameFamily: 'Old' });
    const res = await api(`/api/v1/practitioners/${created.body.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { nameFamily: 'New', name_given: 'Given' },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { id: created.body.id, nameFamily: 'New', nameGiven: 'Given' },
    });
  });

  it('answers 404 for a missing practitioner', async () => {
    expect(
      await api('/api/v1/practitioners/999999', tokens.superuser, {
        method: 'PATCH',
        body: { nameFamily: 'x' },
      }),
    ).toMatchObject({ status: 404, body: { detail: 'No Practitioner matches the given query.' } });
  });
});

describe('DELETE /api/v1/practitioners/{id}', () => {
  const userRow = (id: number) => db.select({ id: users.id }).from(users).where(eq(users.id, id));

  it('deletes the practitioner and its user, memberships included', async () => {
    const created = await post({ telecomEmail: `gone-${unique()}@example.com`, organizationId: scratch.id });
    const res = await api(`/api/v1/practitioners/${created.body.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await userRow(created.body.jheUserId)).toEqual([]);
    const members = await api<{ id: number }[]>(
      `/api/v1/organizations/${scratch.id}/users`,
      tokens.superuser,
    );
    expect(members.body.map((m) => m.id)).not.toContain(created.body.jheUserId);
    expect((await api(`/api/v1/practitioners/${created.body.id}`, tokens.superuser)).status).toBe(404);
  });

  it('keeps the user when it is also a patient', async () => {
    const created = await post({ telecomEmail: `both-${unique()}@example.com` });
    await db.insert(patients).values({ userId: created.body.jheUserId, nameFamily: 'Both' });
    const res = await api(`/api/v1/practitioners/${created.body.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await userRow(created.body.jheUserId)).toEqual([{ id: created.body.jheUserId }]);
    expect(await db.select().from(practitioners).where(eq(practitioners.id, created.body.id))).toEqual([]);
    await db.delete(patients).where(eq(patients.userId, created.body.jheUserId));
  });

  it('keeps the user when it is a superuser', async () => {
    const [admin] = await db
      .insert(users)
      .values({ email: `admin-${unique()}@example.com`, isSuperuser: true, userType: 'practitioner' })
      .returning({ id: users.id });
    const userId = admin?.id ?? -1;
    cleanupUsers.push(userId);
    const [row] = await db.insert(practitioners).values({ userId }).returning({ id: practitioners.id });
    const res = await api(`/api/v1/practitioners/${row?.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await userRow(userId)).toEqual([{ id: userId }]);
  });

  it('answers 404 for a missing practitioner', async () => {
    expect(await api('/api/v1/practitioners/999999', tokens.superuser, { method: 'DELETE' })).toMatchObject({
      status: 404,
      body: { detail: 'No Practitioner matches the given query.' },
    });
  });
});

describe('non-superusers', () => {
  it('get 403 before the body is looked at, anonymous callers 401', async () => {
    expect(await api('/api/v1/practitioners', tokens.manager, { method: 'POST', body: {} })).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
    const anonymous = await api('/api/v1/practitioners', null);
    expect(anonymous).toMatchObject({
      status: 401,
      body: { detail: 'Authentication credentials were not provided.' },
    });
    expect(anonymous.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
  });
});
