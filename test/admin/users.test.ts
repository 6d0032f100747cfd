import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, statementShapes } from '../fixtures/count-queries';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';
import { PETER_PATIENT } from '../fixtures/seed-wire';

interface User {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  patient: { id: number } | null;
  userType: string | null;
  isSuperuser: boolean;
}

const db = createDb(env.DB);
const seededIds = (page: Page<User>) => page.results.map((u) => u.id).filter((id) => id <= 10011);

const MARY = {
  id: 10002,
  email: 'mary@example.com',
  firstName: 'Mary',
  lastName: 'Lopez',
  patient: null,
  userType: 'practitioner',
  isSuperuser: false,
};
const PETER = {
  id: 10006,
  email: 'peter@example.com',
  firstName: 'Peter',
  lastName: 'ThePatient',
  patient: PETER_PATIENT,
  userType: 'patient',
  isSuperuser: false,
};

let tokens: Record<Actor, string>;
const createdUsers: number[] = [];

/** A fresh practitioner account with a token, so renames never touch seeded users. */
async function newPractitioner(): Promise<{ userId: number; token: string; email: string }> {
  const email = `user-${unique()}@example.com`;
  const res = await api<{ jheUserId: number }>('/api/v1/practitioners', tokens.superuser, {
    method: 'POST',
    body: { telecomEmail: email, nameFamily: 'Fresh', nameGiven: 'Person' },
  });
  expect(res.status).toBe(201);
  createdUsers.push(res.body.jheUserId);
  return { userId: res.body.jheUserId, token: await accessTokenFor(res.body.jheUserId), email };
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  if (createdUsers.length > 0) await db.delete(users).where(inArray(users.id, createdUsers));
});

describe('GET /api/v1/users', () => {
  it('shows a practitioner themself and the users sharing an organization, by last name, with full Patients', async () => {
    const res = await api<Page<User>>('/api/v1/users?page_size=1000', tokens.manager);
    expect(res.status).toBe(200);
    // Baker, Chen, Lopez, Nguyen, Ramos, ThePatient: never Mark (UCSF) or the UCSF patients.
    expect(seededIds(res.body)).toEqual([10005, 10003, 10002, 10007, 10004, 10006]);
    expect(res.body.results.find((u) => u.id === 10006)).toEqual(PETER);
    expect(res.body.results.find((u) => u.id === 10002)).toEqual(MARY);
  });

  it('keeps another organization’s practitioner to their own side', async () => {
    const res = await api<Page<User>>('/api/v1/users?page_size=1000', tokens.outsider);
    // Baker (member of Moslehi Lab), Morgan (Cardiology patient), Okafor (Moslehi patient), Wilson.
    expect(seededIds(res.body)).toEqual([10005, 10011, 10009, 10008]);
  });

  it('shows the superuser every account, with Patient details only where they are a member', async () => {
    const res = await api<Page<User>>('/api/v1/users?page_size=1000', tokens.superuser);
    expect(seededIds(res.body).sort()).toEqual([
      10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011,
    ]);
    expect(res.body.results.find((u) => u.id === 10006)).toEqual({ ...PETER, patient: null });
  });

  it('gives a patient an empty list', async () => {
    const res = await api('/api/v1/users', tokens.patient);
    expect(res).toMatchObject({ status: 200, body: { count: 0, next: null, previous: null, results: [] } });
  });

  it('filters by exact email', async () => {
    const res = await api('/api/v1/users?email=mary@example.com', tokens.member);
    expect(res.body).toEqual({ count: 1, next: null, previous: null, results: [MARY] });
    const other = await api('/api/v1/users?email=MARY@example.com', tokens.member);
    expect(other.body).toMatchObject({ count: 0, results: [] });
  });

  it('pages with pageSize and absolute links', async () => {
    const res = await api<Page<User>>('/api/v1/users?pageSize=2&page=2', tokens.manager);
    expect(res.body.previous).toBe('http://localhost/api/v1/users?pageSize=2');
    expect(res.body.results).toHaveLength(2);
    expect((await api('/api/v1/users?page=999', tokens.manager)).body).toEqual({ detail: 'Invalid page.' });
  });

  it('reads the same number of statements for a 1-row page and a many-row page', async () => {
    const init = { headers: bearer(tokens.manager) };
    const many = await countStatements('/api/v1/users?page_size=1000', init);
    // The 1-row page holds a patient too, so both pages load Patient records.
    const peterAt = (many.body as Page<User>).results.findIndex((u) => u.id === 10006);
    const one = await countStatements(`/api/v1/users?page_size=1&page=${peterAt + 1}`, init);
    expect((one.body as Page<User>).results).toEqual([PETER]);
    expect((many.body as Page<User>).results.length).toBeGreaterThanOrEqual(6);
    expect(statementShapes(many.statements)).toEqual(statementShapes(one.statements));
  });
});

describe('GET /api/v1/users/{id}', () => {
  it('returns the caller’s own account', async () => {
    expect(await api('/api/v1/users/10002', tokens.manager)).toMatchObject({ status: 200, body: MARY });
    expect(await api('/api/v1/users/10006', tokens.patient)).toMatchObject({ status: 200, body: PETER });
  });

  it('answers 403 for anyone else’s account, the superuser included, existing or not', async () => {
    for (const [token, id] of [
      [tokens.member, 10002],
      [tokens.superuser, 10002],
      [tokens.manager, 999999],
    ] as const) {
      expect(await api(`/api/v1/users/${id}`, token)).toMatchObject({ status: 403, body: FORBIDDEN });
    }
  });

  it('answers 404 for a malformed id', async () => {
    expect(await api('/api/v1/users/abc', tokens.manager)).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });
});

describe('PATCH/PUT /api/v1/users/{id}', () => {
  it('lets a user rename themselves, in either casing', async () => {
    const me = await newPractitioner();
    const res = await api(`/api/v1/users/${me.userId}`, me.token, {
      method: 'PATCH',
      body: { firstName: 'Renamed', last_name: 'Again' },
    });
    expect(res).toMatchObject({
      status: 200,
      body: {
        id: me.userId,
        email: me.email,
        firstName: 'Renamed',
        lastName: 'Again',
        patient: null,
        userType: 'practitioner',
        isSuperuser: false,
      },
    });
  });

  it('ignores isSuperuser: nobody grants themselves superuser', async () => {
    const me = await newPractitioner();
    const res = await api(`/api/v1/users/${me.userId}`, me.token, {
      method: 'PUT',
      body: { isSuperuser: true, is_superuser: true, firstName: 'Sneaky' },
    });
    expect(res).toMatchObject({ status: 200, body: { firstName: 'Sneaky', isSuperuser: false } });
    const su = await api(`/api/v1/users/${me.userId}`, tokens.superuser, {
      method: 'PATCH',
      body: { isSuperuser: true },
    });
    expect(su).toMatchObject({ status: 200, body: { isSuperuser: false } });
  });

  it('does not let a user change their own email or type, but accepts them unchanged', async () => {
    const me = await newPractitioner();
    const path = `/api/v1/users/${me.userId}`;
    expect(await api(path, me.token, { method: 'PATCH', body: { email: `x-${me.email}` } })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(await api(path, me.token, { method: 'PATCH', body: { userType: 'patient' } })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    const same = await api(path, me.token, {
      method: 'PUT',
      body: { email: me.email, userType: 'practitioner', firstName: 'Same' },
    });
    expect(same).toMatchObject({ status: 200, body: { email: me.email, firstName: 'Same' } });
  });

  it('lets the superuser change email and user type', async () => {
    const target = await newPractitioner();
    const email = `changed-${unique()}@example.com`;
    const res = await api(`/api/v1/users/${target.userId}`, tokens.superuser, {
      method: 'PATCH',
      body: { email, user_type: null, lastName: 'Admin-set' },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { id: target.userId, email, userType: null, lastName: 'Admin-set' },
    });
  });

  it('answers 400 for a taken or malformed email', async () => {
    const target = await newPractitioner();
    const path = `/api/v1/users/${target.userId}`;
    expect(
      await api(path, tokens.superuser, { method: 'PATCH', body: { email: 'mary@example.com' } }),
    ).toMatchObject({
      status: 400,
      body: { email: ['jhe user with this email already exists.'] },
    });
    expect(
      await api(path, tokens.superuser, { method: 'PATCH', body: { email: 'not-an-email' } }),
    ).toMatchObject({
      status: 400,
      body: { email: ['Enter a valid email address.'] },
    });
  });

  it('answers 403 for someone else’s account and 404 (to the superuser) for a missing one', async () => {
    const target = await newPractitioner();
    expect(
      await api(`/api/v1/users/${target.userId}`, tokens.manager, {
        method: 'PATCH',
        body: { firstName: 'x' },
      }),
    ).toMatchObject({ status: 403, body: FORBIDDEN });
    expect(
      await api('/api/v1/users/999999', tokens.superuser, { method: 'PATCH', body: { firstName: 'x' } }),
    ).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });
});

describe('POST /api/v1/users and DELETE /api/v1/users/{id}', () => {
  it('lets the superuser create and delete an account', async () => {
    const email = `created-${unique()}@example.com`;
    const res = await api<User>('/api/v1/users', tokens.superuser, {
      method: 'POST',
      body: { email, firstName: 'New', last_name: 'Account', userType: 'practitioner' },
    });
    expect(res).toMatchObject({
      status: 201,
      body: {
        id: expect.any(Number),
        email,
        firstName: 'New',
        lastName: 'Account',
        patient: null,
        userType: 'practitioner',
        isSuperuser: false,
      },
    });
    const path = `/api/v1/users/${res.body.id}`;
    expect((await api(path, tokens.superuser, { method: 'DELETE' })).status).toBe(204);
    expect(await api(path, tokens.superuser, { method: 'DELETE' })).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });

  it('answers 400 for a missing, malformed or taken email', async () => {
    const post = (body: unknown) => api('/api/v1/users', tokens.superuser, { method: 'POST', body });
    expect(await post({ firstName: 'x' })).toMatchObject({
      status: 400,
      body: { email: ['This field is required.'] },
    });
    expect(await post({ email: 'nope' })).toMatchObject({
      status: 400,
      body: { email: ['Enter a valid email address.'] },
    });
    expect(await post({ email: 'megan@example.com' })).toMatchObject({
      status: 400,
      body: { email: ['jhe user with this email already exists.'] },
    });
  });

  it('answers 403 to anyone else, before looking at the body', async () => {
    expect(await api('/api/v1/users', tokens.manager, { method: 'POST', body: {} })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(await api('/api/v1/users/10003', tokens.manager, { method: 'DELETE' })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
  });
});

describe('GET /api/v1/users/organizations', () => {
  const berkeley = (id: number, name: string, partOf: number) => ({
    id,
    name,
    type: 'edu',
    partOf,
    currentUserRole: 'manager',
    children: [],
  });

  it('lists the caller’s organizations by name with their role', async () => {
    const res = await api<{ id: number }[]>('/api/v1/users/organizations', tokens.manager);
    // Seeded ones only: other files may make Mary manager of scratch sub-organizations meanwhile.
    expect({ ...res, body: res.body.filter((o) => o.id <= 20008) }).toMatchObject({
      status: 200,
      body: [
        berkeley(20003, 'Berkeley Institute for Data Science (BIDS)', 20002),
        berkeley(20002, 'College of Computing, Data Science and Society', 20001),
        berkeley(20001, 'University of California Berkeley', 0),
      ],
    });
  });

  it('is empty for a patient', async () => {
    expect(await api('/api/v1/users/organizations', tokens.patient)).toMatchObject({ status: 200, body: [] });
  });
});

describe('GET /api/v1/users/search_by_email', () => {
  it('finds one user by exact email, in either query casing', async () => {
    expect(await api('/api/v1/users/search_by_email?email=mary@example.com', tokens.outsider)).toMatchObject({
      status: 200,
      body: MARY,
    });
  });

  it('answers 404 when nobody has that email', async () => {
    expect(await api('/api/v1/users/search_by_email?email=nobody@example.com', tokens.member)).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });

  it('answers 400 without an email', async () => {
    expect(await api('/api/v1/users/search_by_email', tokens.member)).toMatchObject({
      status: 400,
      body: { email: ['This field is required.'] },
    });
  });

  it('shows a patient’s details only to practitioners of their organizations', async () => {
    const path = '/api/v1/users/search_by_email?email=peter@example.com';
    expect((await api(path, tokens.viewer)).body).toEqual(PETER);
    expect((await api(path, tokens.outsider)).body).toEqual({ ...PETER, patient: null });
  });

  it('answers 403 to a patient', async () => {
    expect(await api('/api/v1/users/search_by_email?email=mary@example.com', tokens.patient)).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
  });
});

describe('GET /api/v1/users/profile', () => {
  it('still returns the practitioner profile', async () => {
    const res = await api('/api/v1/users/profile', tokens.manager);
    expect(res).toMatchObject({
      status: 200,
      body: { ...MARY, settings: { currentOrganizationId: 20003, currentStudyId: 30001 } },
    });
  });
});
