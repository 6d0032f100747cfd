import { env } from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { organizations, practitionerOrganizations, studies, users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Org {
  id: number;
  name: string;
  type: string;
  partOf: number | null;
  currentUserRole: string | null;
  children: Org[];
}
interface Practitioner {
  id: number;
  userId: number;
  token: string;
}

const db = createDb(env.DB);
const ORG_NOT_FOUND = { detail: 'No Organization matches the given query.' };

let tokens: Record<Actor, string>;
/** Top-level organizations this file created; deleting them cascades to everything under them. */
const created: number[] = [];
/** Users this file created (their practitioner rows cascade). */
const createdUsers: number[] = [];

async function newOrg(token: string, body: Record<string, unknown>): Promise<Org> {
  const res = await api<Org>('/api/v1/organizations', token, { method: 'POST', body });
  expect(res.status).toBe(201);
  if (res.body.partOf === 0) created.push(res.body.id);
  return res.body;
}

async function newPractitioner(): Promise<Practitioner> {
  const res = await api<{ id: number; jheUserId: number }>('/api/v1/practitioners', tokens.superuser, {
    method: 'POST',
    body: { telecomEmail: `org-${unique()}@example.com`, nameFamily: `Org${unique()}`, nameGiven: 'Test' },
  });
  expect(res.status).toBe(201);
  createdUsers.push(res.body.jheUserId);
  return { id: res.body.id, userId: res.body.jheUserId, token: await accessTokenFor(res.body.jheUserId) };
}

async function addMember(orgId: number, userId: number, role: string, token = tokens.superuser) {
  const res = await api(`/api/v1/organizations/${orgId}/user`, token, {
    method: 'POST',
    body: { jheUserId: userId, organizationPartitionerRole: role },
  });
  expect([200, 201]).toContain(res.status);
}

/** A fresh top-level organization managed by a fresh practitioner (`boss`). */
async function managedOrg(label: string): Promise<{ top: Org; boss: Practitioner }> {
  const top = await newOrg(tokens.superuser, { name: `${label} ${unique()}`, type: 'edu' });
  const boss = await newPractitioner();
  await addMember(top.id, boss.userId, 'manager');
  return { top, boss };
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  if (created.length > 0) await db.delete(organizations).where(inArray(organizations.id, created));
  if (createdUsers.length > 0) await db.delete(users).where(inArray(users.id, createdUsers));
});

describe('GET /api/v1/organizations', () => {
  it('lists the children of part_of by name, with the caller’s role in each', async () => {
    const res = await api<Page<Org>>('/api/v1/organizations?part_of=20006', tokens.outsider);
    expect(res).toMatchObject({
      status: 200,
      body: {
        count: 2,
        next: null,
        previous: null,
        results: [
          {
            id: 20007,
            name: 'Moslehi Lab',
            type: 'laboratory',
            partOf: 20006,
            currentUserRole: 'manager',
            children: [],
          },
          {
            id: 20008,
            name: 'Olgin Lab',
            type: 'laboratory',
            partOf: 20006,
            currentUserRole: null,
            children: [],
          },
        ],
      },
    });
  });

  it('accepts partOf and pageSize, with absolute next/previous links keeping their spelling', async () => {
    const first = await api<Page<Org>>('/api/v1/organizations?partOf=20006&pageSize=1', tokens.manager);
    expect(first.body).toEqual({
      count: 2,
      next: 'http://localhost/api/v1/organizations?partOf=20006&pageSize=1&page=2',
      previous: null,
      results: [expect.objectContaining({ id: 20007 })],
    });
    const second = await api<Page<Org>>(
      '/api/v1/organizations?partOf=20006&pageSize=1&page=2',
      tokens.manager,
    );
    expect(second.body).toEqual({
      count: 2,
      next: null,
      previous: 'http://localhost/api/v1/organizations?partOf=20006&pageSize=1',
      results: [expect.objectContaining({ id: 20008 })],
    });
  });

  it('lists every organization, ROOT included, ordered by name, to a patient too', async () => {
    const res = await api<Page<Org>>('/api/v1/organizations?page_size=1000&foo=bar', tokens.patient);
    expect(res.status).toBe(200);
    const ids = res.body.results.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining([0, 20001, 20002, 20003, 20004, 20005, 20006, 20007, 20008]));
    expect(res.body.results.find((o) => o.id === 0)).toEqual({
      id: 0,
      name: 'ROOT',
      type: 'root',
      partOf: null,
      currentUserRole: null,
      children: [],
    });
    const keys = res.body.results.map((o) => [o.name, o.id] as const);
    const sorted = [...keys].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x - y));
    expect(keys).toEqual(sorted);
    expect(res.body.results.every((o) => o.currentUserRole === null)).toBe(true);
  });

  it('shows super_user as the superuser’s role everywhere', async () => {
    const res = await api<Page<Org>>('/api/v1/organizations?part_of=20006', tokens.superuser);
    expect(res.body.results.map((o) => o.currentUserRole)).toEqual(['super_user', 'super_user']);
  });

  it('answers a page past the end with 404 Invalid page', async () => {
    const res = await api('/api/v1/organizations?part_of=20006&page=3', tokens.manager);
    expect(res).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });

  it('answers a non-integer part_of with a 400 field error', async () => {
    const res = await api('/api/v1/organizations?part_of=abc', tokens.manager);
    expect(res).toMatchObject({ status: 400, body: { partOf: ['A valid integer is required.'] } });
  });

  it('reads the same number of statements for a 1-row page and a full page', async () => {
    const init = { headers: bearer(tokens.manager) };
    const one = await countStatements('/api/v1/organizations?page_size=1', init);
    const many = await countStatements('/api/v1/organizations?page_size=1000', init);
    expect(one.status).toBe(200);
    expect((many.body as Page<Org>).results.length).toBeGreaterThanOrEqual(9);
    expect(ownStatements(many.statements)).toEqual(ownStatements(one.statements));
  });
});

describe('GET /api/v1/organizations/{id}', () => {
  it('returns the organization with the caller’s role', async () => {
    const res = await api('/api/v1/organizations/20003', tokens.manager);
    expect(res).toMatchObject({
      status: 200,
      body: {
        id: 20003,
        name: 'Berkeley Institute for Data Science (BIDS)',
        type: 'edu',
        partOf: 20002,
        currentUserRole: 'manager',
        children: [],
      },
    });
  });

  it('returns ROOT as id 0', async () => {
    const res = await api<Org>('/api/v1/organizations/0', tokens.member);
    expect(res.body).toEqual({
      id: 0,
      name: 'ROOT',
      type: 'root',
      partOf: null,
      currentUserRole: null,
      children: [],
    });
  });

  it('answers 404 for a missing or malformed id', async () => {
    for (const id of ['999999', 'abc', '-1']) {
      const res = await api(`/api/v1/organizations/${id}`, tokens.member);
      expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
    }
  });
});

describe('GET /api/v1/organizations/types', () => {
  it('returns the type codes verbatim', async () => {
    const res = await api('/api/v1/organizations/types', tokens.patient);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      root: 'ROOT',
      prov: 'Healthcare Provider',
      dept: 'Hospital Department',
      team: 'Organizational team',
      govt: 'Government',
      ins: 'Insurance Company',
      pay: 'Payer',
      edu: 'Educational Institute',
      reli: 'Religious Institution',
      crs: 'Clinical Research Sponsor',
      cg: 'Community Group',
      bus: 'Non-Healthcare Business or Corporation',
      other: 'Other',
      laboratory: 'Laboratory',
      imaging: 'Imaging Center',
      pharmacy: 'Pharmacy',
      'health-information-network': 'Health Information Network',
      'health-data-aggregator': 'Health Data Aggregator',
    });
  });
});

describe('GET /api/v1/organizations/{id}/tree', () => {
  const leaf = (id: number, name: string, partOf: number, role: string | null) => ({
    id,
    name,
    type: 'laboratory',
    partOf,
    currentUserRole: role,
    children: [],
  });

  it('nests the descendants, each level by name, with the caller’s role at each node', async () => {
    const res = await api('/api/v1/organizations/20004/tree', tokens.outsider);
    expect(res).toMatchObject({
      status: 200,
      body: {
        id: 20004,
        name: 'University of California San Francisco',
        type: 'edu',
        partOf: 0,
        currentUserRole: 'manager',
        children: [
          {
            id: 20005,
            name: 'Department of Medicine',
            type: 'edu',
            partOf: 20004,
            currentUserRole: 'manager',
            children: [
              {
                id: 20006,
                name: 'Cardiology',
                type: 'edu',
                partOf: 20005,
                currentUserRole: 'manager',
                children: [
                  leaf(20007, 'Moslehi Lab', 20006, 'manager'),
                  leaf(20008, 'Olgin Lab', 20006, null),
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('reads the tree in the same statements whatever its depth', async () => {
    const init = { headers: bearer(tokens.outsider) };
    const deep = await countStatements('/api/v1/organizations/20004/tree', init);
    const flat = await countStatements('/api/v1/organizations/20008/tree', init);
    expect(deep.status).toBe(200);
    expect(flat.body).toEqual(leaf(20008, 'Olgin Lab', 20006, null));
    expect(ownStatements(deep.statements)).toEqual(ownStatements(flat.statements));
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999/tree', tokens.member);
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});

describe('GET /api/v1/organizations/{id}/users', () => {
  it('lists the practitioner members with their role, by last name', async () => {
    const res = await api<{ id: number }[]>('/api/v1/organizations/20003/users', tokens.patient);
    expect(res.status).toBe(200);
    expect(res.body.filter((u) => u.id <= 10011)).toEqual([
      { id: 10005, email: 'tom@example.com', firstName: 'Tom', lastName: 'Baker', role: 'viewer' },
      { id: 10003, email: 'megan@example.com', firstName: 'Megan', lastName: 'Chen', role: 'member' },
      { id: 10002, email: 'mary@example.com', firstName: 'Mary', lastName: 'Lopez', role: 'manager' },
      { id: 10004, email: 'victor@example.com', firstName: 'Victor', lastName: 'Ramos', role: 'viewer' },
    ]);
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999/users', tokens.member);
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});

describe('POST /api/v1/organizations', () => {
  it('lets the superuser create a top-level organization (partOf 0 or absent)', async () => {
    const name = `Top ${unique()}`;
    const res = await api<Org>('/api/v1/organizations', tokens.superuser, {
      method: 'POST',
      body: { name, type: 'prov' },
    });
    created.push(res.body.id);
    expect(res).toMatchObject({
      status: 201,
      body: {
        id: expect.any(Number),
        name,
        type: 'prov',
        partOf: 0,
        currentUserRole: 'super_user',
        children: [],
      },
    });
    expect(res.body.id).toBeGreaterThan(20008);
  });

  it('refuses a top-level organization to anyone else', async () => {
    const res = await api('/api/v1/organizations', tokens.manager, {
      method: 'POST',
      body: { name: `Nope ${unique()}`, type: 'edu', partOf: 0 },
    });
    expect(res).toMatchObject({
      status: 403,
      body: { detail: "You don't have permission to create a top-level organization." },
    });
  });

  it('makes the creator of a sub-organization its manager', async () => {
    const { top, boss } = await managedOrg('Parent');
    const name = `Child ${unique()}`;
    const res = await api<Org>('/api/v1/organizations', boss.token, {
      method: 'POST',
      body: { name, type: 'team', part_of: top.id },
    });
    expect(res).toMatchObject({
      status: 201,
      body: { name, type: 'team', partOf: top.id, currentUserRole: 'manager', children: [] },
    });
    const members = await api<{ id: number; role: string }[]>(
      `/api/v1/organizations/${res.body.id}/users`,
      boss.token,
    );
    expect(members.body).toEqual([expect.objectContaining({ id: boss.userId, role: 'manager' })]);
  });

  it('answers 403 for a parent that does not exist, even to the superuser', async () => {
    const res = await api('/api/v1/organizations', tokens.superuser, {
      method: 'POST',
      body: { name: `Orphan ${unique()}`, type: 'edu', partOf: 999999 },
    });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('answers 400 with a field map for a missing name and type', async () => {
    const res = await api('/api/v1/organizations', tokens.superuser, { method: 'POST', body: {} });
    expect(res).toMatchObject({
      status: 400,
      body: { name: ['This field is required.'], type: ['This field is required.'] },
    });
  });

  it('answers 400 for an unknown type', async () => {
    const res = await api('/api/v1/organizations', tokens.superuser, {
      method: 'POST',
      body: { name: 'Typo', type: 'university' },
    });
    expect(res).toMatchObject({ status: 400, body: { type: ['Not a valid choice.'] } });
  });
});

describe('PATCH/PUT /api/v1/organizations/{id}', () => {
  let top: Org;
  let boss: Practitioner;
  beforeAll(async () => {
    ({ top, boss } = await managedOrg('Edit'));
  });

  it('lets a manager of the parent rename a sub-organization', async () => {
    const child = await newOrg(tokens.superuser, { name: `Sub ${unique()}`, type: 'team', partOf: top.id });
    const name = `Renamed ${unique()}`;
    const res = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PATCH',
      body: { name },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { id: child.id, name, type: 'team', partOf: top.id, currentUserRole: null, children: [] },
    });
  });

  it('does not let a manager of the sub-organization itself edit it (authority is the parent)', async () => {
    const child = await newOrg(boss.token, { name: `Sub ${unique()}`, type: 'team', partOf: top.id });
    const local = await newPractitioner();
    await addMember(child.id, local.userId, 'manager', boss.token);
    const res = await api(`/api/v1/organizations/${child.id}`, local.token, {
      method: 'PATCH',
      body: { name: 'Mine' },
    });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('lets the manager of a top-level organization edit it', async () => {
    const res = await api(`/api/v1/organizations/${top.id}`, boss.token, {
      method: 'PATCH',
      body: { type: 'crs' },
    });
    expect(res).toMatchObject({ status: 200, body: { id: top.id, type: 'crs', currentUserRole: 'manager' } });
  });

  it('replaces name and type with PUT, which needs both', async () => {
    const child = await newOrg(boss.token, { name: `Put ${unique()}`, type: 'team', partOf: top.id });
    const missing = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PUT',
      body: { name: 'x' },
    });
    expect(missing).toMatchObject({ status: 400, body: { type: ['This field is required.'] } });
    const name = `Put ${unique()}`;
    const res = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PUT',
      body: { name, type: 'dept', partOf: top.id },
    });
    expect(res).toMatchObject({ status: 200, body: { id: child.id, name, type: 'dept', partOf: top.id } });
  });

  it('refuses to move an organization under itself or a descendant, or under an unknown parent', async () => {
    const child = await newOrg(boss.token, { name: `Loop ${unique()}`, type: 'team', partOf: top.id });
    const grandchild = await newOrg(boss.token, { name: `Loop ${unique()}`, type: 'team', partOf: child.id });
    const loop = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PATCH',
      body: { partOf: grandchild.id },
    });
    expect(loop).toMatchObject({
      status: 400,
      body: { partOf: ['An organization cannot be part of itself or of one of its sub-organizations.'] },
    });
    const unknown = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PATCH',
      body: { part_of: 999999 },
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: { partOf: ['Invalid pk "999999" - object does not exist.'] },
    });
  });

  it('needs creation rights at the new parent to move an organization', async () => {
    const child = await newOrg(boss.token, { name: `Move ${unique()}`, type: 'team', partOf: top.id });
    const res = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PATCH',
      body: { partOf: 20003 },
    });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
    const toTop = await api(`/api/v1/organizations/${child.id}`, boss.token, {
      method: 'PATCH',
      body: { partOf: 0 },
    });
    expect(toTop).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('never edits ROOT, not even for the superuser', async () => {
    const res = await api('/api/v1/organizations/0', tokens.superuser, {
      method: 'PATCH',
      body: { name: 'TOOR' },
    });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999', tokens.superuser, {
      method: 'PATCH',
      body: { name: 'x' },
    });
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});

describe('DELETE /api/v1/organizations/{id}', () => {
  it('cascades to sub-organizations, their studies and memberships', async () => {
    const top = await newOrg(tokens.superuser, { name: `Doomed ${unique()}`, type: 'edu' });
    const sub = await newOrg(tokens.superuser, { name: `Doomed ${unique()}`, type: 'team', partOf: top.id });
    const member = await newPractitioner();
    await addMember(sub.id, member.userId, 'member');
    const [study] = await db
      .insert(studies)
      .values({ name: `Doomed study ${unique()}`, organizationId: sub.id })
      .returning({ id: studies.id });

    const res = await api(`/api/v1/organizations/${top.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res).toEqual({ status: 204, body: null, headers: expect.anything() });

    expect(
      await db
        .select()
        .from(organizations)
        .where(inArray(organizations.id, [top.id, sub.id])),
    ).toEqual([]);
    expect(
      await db
        .select()
        .from(studies)
        .where(eq(studies.id, study?.id ?? -1)),
    ).toEqual([]);
    expect(
      await db
        .select()
        .from(practitionerOrganizations)
        .where(and(eq(practitionerOrganizations.practitionerId, member.id))),
    ).toEqual([]);
    expect((await api(`/api/v1/organizations/${sub.id}`, tokens.superuser)).status).toBe(404);
  });

  it('never deletes ROOT', async () => {
    const res = await api('/api/v1/organizations/0', tokens.superuser, { method: 'DELETE' });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999', tokens.superuser, { method: 'DELETE' });
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});

describe('POST /api/v1/organizations/{id}/user and DELETE /remove_user', () => {
  let top: Org;
  let boss: Practitioner;
  beforeAll(async () => {
    ({ top, boss } = await managedOrg('Members'));
  });

  it('adds a practitioner (201), then changes the role (200), accepting both role spellings', async () => {
    const joiner = await newPractitioner();
    const added = await api(`/api/v1/organizations/${top.id}/user`, boss.token, {
      method: 'POST',
      body: { jheUserId: joiner.userId, organizationPartitionerRole: 'viewer' },
    });
    expect(added).toMatchObject({
      status: 201,
      body: {
        id: expect.any(Number),
        organization: {
          id: top.id,
          name: top.name,
          type: 'edu',
          partOf: 0,
          currentUserRole: 'manager',
          children: [],
        },
        practitioner: {
          id: joiner.id,
          jheUserId: joiner.userId,
          nameFamily: expect.any(String),
          nameGiven: 'Test',
          telecomEmail: expect.stringMatching(/@example\.com$/),
        },
        role: 'viewer',
      },
    });
    const updated = await api<{ id: number }>(`/api/v1/organizations/${top.id}/user`, boss.token, {
      method: 'POST',
      body: { jhe_user_id: joiner.userId, role: 'member' },
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { id: (added.body as { id: number }).id, role: 'member' },
    });
  });

  it('answers the upstream error bodies for a missing id, unknown user and non-practitioner', async () => {
    const path = `/api/v1/organizations/${top.id}/user`;
    expect(await api(path, boss.token, { method: 'POST', body: { role: 'member' } })).toMatchObject({
      status: 400,
      body: { error: 'jhe_user_id is required' },
    });
    expect(await api(path, boss.token, { method: 'POST', body: { jheUserId: 999999 } })).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
    expect(await api(path, boss.token, { method: 'POST', body: { jheUserId: 10006 } })).toMatchObject({
      status: 404,
      body: { error: 'Practitioner not found' },
    });
  });

  it('answers 400 for an unknown role', async () => {
    const res = await api(`/api/v1/organizations/${top.id}/user`, boss.token, {
      method: 'POST',
      body: { jheUserId: boss.userId, role: 'owner' },
    });
    expect(res).toMatchObject({ status: 400, body: { role: ['Not a valid choice.'] } });
  });

  it('does not let a member promote themselves', async () => {
    const member = await newPractitioner();
    await addMember(top.id, member.userId, 'member', boss.token);
    const res = await api(`/api/v1/organizations/${top.id}/user`, member.token, {
      method: 'POST',
      body: { jheUserId: member.userId, organizationPartitionerRole: 'manager' },
    });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('lets a manager of a sub-organization add users to it', async () => {
    const sub = await newOrg(boss.token, { name: `SubMembers ${unique()}`, type: 'team', partOf: top.id });
    const local = await newPractitioner();
    await addMember(sub.id, local.userId, 'manager', boss.token);
    const joiner = await newPractitioner();
    const res = await api(`/api/v1/organizations/${sub.id}/user`, local.token, {
      method: 'POST',
      body: { jheUserId: joiner.userId, organizationPartitionerRole: 'member' },
    });
    expect(res.status).toBe(201);
  });

  it('removes a practitioner (204), also when they are not a member', async () => {
    const leaver = await newPractitioner();
    await addMember(top.id, leaver.userId, 'member', boss.token);
    const path = `/api/v1/organizations/${top.id}/remove_user`;
    const res = await api(path, boss.token, { method: 'DELETE', body: { jheUserId: leaver.userId } });
    expect(res.status).toBe(204);
    const members = await api<{ id: number }[]>(`/api/v1/organizations/${top.id}/users`, boss.token);
    expect(members.body.map((m) => m.id)).not.toContain(leaver.userId);
    const again = await api(path, boss.token, { method: 'DELETE', body: { jhe_user_id: leaver.userId } });
    expect(again.status).toBe(204);
    expect(await api(path, boss.token, { method: 'DELETE', body: {} })).toMatchObject({
      status: 400,
      body: { error: 'jhe_user_id is required' },
    });
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999/user', tokens.superuser, {
      method: 'POST',
      body: { jheUserId: 10003 },
    });
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});

describe('GET /api/v1/organizations/{id}/studies', () => {
  const BIDS_STUDIES = [
    {
      id: 30002,
      name: 'BIDS Study on BP',
      description: 'Blood Pressure',
      organization: 20003,
      iconUrl: null,
    },
    {
      id: 30001,
      name: 'BIDS Study on BP & HR',
      description: 'Blood Pressure & Heart Rate',
      organization: 20003,
      iconUrl: null,
    },
  ];
  const seeded = (body: unknown) => (body as { id: number }[]).filter((s) => s.id <= 30005);

  it('lists the studies by name to a member', async () => {
    const res = await api('/api/v1/organizations/20003/studies', tokens.viewer);
    expect(res.status).toBe(200);
    expect(seeded(res.body)).toEqual(BIDS_STUDIES);
  });

  it('lists them to the superuser without a membership (C.2)', async () => {
    const res = await api('/api/v1/organizations/20003/studies', tokens.superuser);
    expect(res.status).toBe(200);
    expect(seeded(res.body)).toEqual(BIDS_STUDIES);
  });

  it('answers 403 to a practitioner of another organization', async () => {
    const res = await api('/api/v1/organizations/20003/studies', tokens.outsider);
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });

  it('answers 404 for a missing organization', async () => {
    const res = await api('/api/v1/organizations/999999/studies', tokens.superuser);
    expect(res).toMatchObject({ status: 404, body: ORG_NOT_FOUND });
  });
});
