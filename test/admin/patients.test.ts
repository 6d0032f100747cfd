import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { observations, patientOrganizations, patients, users } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer, ORIGIN } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';
import { BIDS_ORGANIZATION, PETER_PATIENT } from '../fixtures/seed-wire';
import {
  db,
  makeObservation,
  makeOrganization,
  makePatient,
  makePractitioner,
  seeded,
} from './patients.fixtures';

interface PatientBody {
  id: number;
  jheUserId: number;
  identifiers: { id: number; system: string; value: string }[];
  organizations: { id: number }[];
  [key: string]: unknown;
}

const NOT_FOUND = { detail: 'No Patient matches the given query.' };

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

const ids = (page: Page) => page.results.map((p) => Number(p.id));

describe('GET /api/v1/patients', () => {
  it('lists the patients sharing an organization with the caller, ordered by id', async () => {
    const mary = await api<Page>('/api/v1/patients?page_size=1000', tokens.manager);
    expect(mary.status).toBe(200);
    expect(seeded(ids(mary.body), 40005)).toEqual([40001, 40002]);
    const tom = await api<Page>('/api/v1/patients?pageSize=1000', tokens.tom);
    expect(seeded(ids(tom.body), 40005)).toEqual([40001, 40002, 40003, 40004, 40005]);
    const mark = await api<Page>('/api/v1/patients?page_size=1000', tokens.outsider);
    expect(seeded(ids(mark.body), 40005)).toEqual([40003, 40005]);
  });

  it('returns full Patient objects with identifiers in the DRF envelope', async () => {
    const res = await api<Page>('/api/v1/patients?patient_id=40001', tokens.viewer);
    expect(res).toMatchObject({ status: 200 });
    expect(res.body).toEqual({ count: 1, next: null, previous: null, results: [PETER_PATIENT] });
  });

  it('narrows by organization (only a shared one), study, patient and identifier value, in either casing', async () => {
    const byOrg = await api<Page>('/api/v1/patients?organizationId=20007&page_size=1000', tokens.tom);
    expect(seeded(ids(byOrg.body), 40005)).toEqual([40003]);
    // Mark is not a member of BIDS: naming it does not widen his view.
    const notShared = await api<Page>('/api/v1/patients?organization_id=20003', tokens.outsider);
    expect(notShared.body).toEqual({ count: 0, next: null, previous: null, results: [] });
    const byStudy = await api<Page>('/api/v1/patients?study_id=30005&page_size=1000', tokens.tom);
    expect(seeded(ids(byStudy.body), 40005)).toEqual([40004, 40005]);
    const byIdentifier = await api<Page>('/api/v1/patients?patientIdentifierValue=E1234', tokens.member);
    expect(ids(byIdentifier.body)).toEqual([40001]);
  });

  it('gives patients and superusers without memberships an empty list', async () => {
    const empty = { count: 0, next: null, previous: null, results: [] };
    expect((await api('/api/v1/patients', tokens.patient)).body).toEqual(empty);
    expect((await api('/api/v1/patients', tokens.superuser)).body).toEqual(empty);
  });

  it('ignores unknown query parameters and rejects non-integer filters with 400', async () => {
    const res = await api<Page>('/api/v1/patients?patient_id=40001&bogus=1&_x=y', tokens.manager);
    expect(ids(res.body)).toEqual([40001]);
    const bad = await api('/api/v1/patients?organization_id=abc', tokens.manager);
    expect(bad).toMatchObject({ status: 400, body: { organizationId: ['A valid integer is required.'] } });
  });

  it('pages with absolute links and answers 404 past the end', async () => {
    const org = await makeOrganization();
    const prac = await makePractitioner([[org, 'viewer']]);
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await makePatient({ organizations: [org] })).patientId);
    const first = await api<Page>('/api/v1/patients?pageSize=2&x=1', prac.token);
    expect(first.body).toMatchObject({
      count: 3,
      previous: null,
      next: `${ORIGIN}/api/v1/patients?pageSize=2&x=1&page=2`,
    });
    expect(ids(first.body)).toEqual(made.slice(0, 2));
    const second = await api<Page>('/api/v1/patients?pageSize=2&x=1&page=2', prac.token);
    expect(second.body).toMatchObject({ next: null, previous: `${ORIGIN}/api/v1/patients?pageSize=2&x=1` });
    expect(ids(second.body)).toEqual(made.slice(2));
    expect(await api('/api/v1/patients?pageSize=2&page=3', prac.token)).toMatchObject({
      status: 404,
      body: { detail: 'Invalid page.' },
    });
  });

  it('stores organization_id and study_id as the caller’s sticky settings', async () => {
    const prac = await makePractitioner([[20003, 'member']]);
    await api('/api/v1/patients?organization_id=20003&studyId=30002', prac.token);
    const profile = await api<{ settings: unknown }>('/api/v1/users/profile', prac.token);
    expect(profile.body.settings).toEqual({ currentOrganizationId: 20003, currentStudyId: 30002 });
    await api('/api/v1/patients?organizationId=20003', prac.token);
    expect((await api<{ settings: unknown }>('/api/v1/users/profile', prac.token)).body.settings).toEqual({
      currentOrganizationId: 20003,
      currentStudyId: 30002,
    });
  });

  it('issues the same statements for a 1-row page and a 40-row page (no N+1)', async () => {
    const org = await makeOrganization();
    const prac = await makePractitioner([[org, 'member']]);
    for (let i = 0; i < 40; i++) {
      await makePatient({ organizations: [org], identifiers: [[`urn:count:${unique()}`, String(i)]] });
    }
    const init = { headers: bearer(prac.token) };
    const one = await countStatements(`${ORIGIN}/api/v1/patients?page_size=1&organization_id=${org}`, init);
    const many = await countStatements(`${ORIGIN}/api/v1/patients?page_size=40&organization_id=${org}`, init);
    expect(one.status).toBe(200);
    expect((many.body as Page).results).toHaveLength(40);
    // count, page, identifiers, organizations, sticky settings: one batch.
    expect(ownStatements(one.statements)).toHaveLength(5);
    expect(ownStatements(many.statements)).toHaveLength(5);
  });
});

describe('GET /api/v1/patients/{id}', () => {
  it('shows a practitioner sharing an organization, and the patient themself, the full object', async () => {
    expect(await api('/api/v1/patients/40001', tokens.viewer)).toMatchObject({
      status: 200,
      body: PETER_PATIENT,
    });
    expect(await api('/api/v1/patients/40001', tokens.patient)).toMatchObject({
      status: 200,
      body: PETER_PATIENT,
    });
  });

  it('is 403 for practitioners of other organizations and other patients [R]', async () => {
    const forbidden = { detail: 'Current User does not have authorization to access this Patient.' };
    expect(await api('/api/v1/patients/40001', tokens.outsider)).toMatchObject({
      status: 403,
      body: forbidden,
    });
    expect(await api('/api/v1/patients/40001', tokens.pamela)).toMatchObject({
      status: 403,
      body: forbidden,
    });
    expect(await api('/api/v1/patients/40001', tokens.superuser)).toMatchObject({
      status: 403,
      body: forbidden,
    });
  });

  it('is 404 for a missing patient and for an id that is not a positive integer', async () => {
    expect(await api('/api/v1/patients/49999', tokens.manager)).toMatchObject({
      status: 404,
      body: NOT_FOUND,
    });
    expect(await api('/api/v1/patients/abc', tokens.manager)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await api('/api/v1/patients/0', tokens.manager)).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('GET /api/v1/patients/me', () => {
  it('returns the calling patient', async () => {
    expect(await api('/api/v1/patients/me', tokens.patient)).toMatchObject({
      status: 200,
      body: PETER_PATIENT,
    });
  });

  it('is 403 for practitioners', async () => {
    expect(await api('/api/v1/patients/me', tokens.manager)).toMatchObject({ status: 403, body: FORBIDDEN });
  });
});

describe('POST /api/v1/patients', () => {
  it('creates the user, patient, identifiers and organization link (camelCase body)', async () => {
    const email = `new-${unique()}@example.com`;
    const system = `http://ehr-${unique()}.example.com`;
    const res = await api<PatientBody>('/api/v1/patients', tokens.member, {
      method: 'POST',
      body: {
        organizationId: 20003,
        telecomEmail: email,
        nameFamily: 'Doe',
        nameGiven: 'Jane',
        birthDate: '1990-01-03',
        telecomPhone: '+1-202-555-0342',
        identifiers: [{ system, value: 'abc123' }],
        // Legacy keys the opencollection still sends: ignored [R].
        identifier: 'legacy',
        telecomCell: '555',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      jheUserId: expect.any(Number),
      identifiers: [{ id: expect.any(Number), system, value: 'abc123' }],
      nameFamily: 'Doe',
      nameGiven: 'Jane',
      birthDate: '1990-01-03',
      telecomPhone: '+1-202-555-0342',
      telecomEmail: email,
      organizations: [BIDS_ORGANIZATION],
    });
    const user = await db.select().from(users).where(eq(users.id, res.body.jheUserId)).get();
    expect(user).toMatchObject({ email, userType: 'patient', isSuperuser: false });
    expect(user?.passwordHash?.startsWith('!')).toBe(true);
    expect(res.body.id).toBeGreaterThan(40005);
  });

  it('accepts snake_case and reuses an existing user with that email', async () => {
    const prac = await makePractitioner([[20003, 'member']]);
    const res = await api<PatientBody>('/api/v1/patients', tokens.manager, {
      method: 'POST',
      body: { organization_id: 20003, telecom_email: prac.email.toUpperCase(), name_family: 'Both' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ jheUserId: prac.userId, nameFamily: 'Both', telecomEmail: prac.email });
  });

  it.each([
    [{ organizationId: 20003 }, ['Email is required to create a patient.']],
    [{ organizationId: 20003, telecomEmail: '' }, ['Email is required to create a patient.']],
    [{ organizationId: 20003, telecomEmail: 'not-an-email' }, ['Enter a valid email address.']],
    [
      { organizationId: 20003, telecomEmail: 'x@example.com', birthDate: '1990-02-30' },
      ['Enter a valid birth date (YYYY-MM-DD).'],
    ],
    [
      { organizationId: 20003, telecomEmail: 'x@example.com', birthDate: '03/01/1990' },
      ['Enter a valid birth date (YYYY-MM-DD).'],
    ],
  ])('rejects %j with 400 %j', async (body, messages) => {
    expect(await api('/api/v1/patients', tokens.manager, { method: 'POST', body })).toMatchObject({
      status: 400,
      body: messages,
    });
  });

  it('rejects an identifier of another patient with the C.3 message and writes nothing', async () => {
    const email = `dup-${unique()}@example.com`;
    const res = await api('/api/v1/patients', tokens.manager, {
      method: 'POST',
      body: {
        organizationId: 20003,
        telecomEmail: email,
        identifiers: [{ system: 'urn:oid:1.2.3.4', value: 'E1234' }],
      },
    });
    expect(res).toMatchObject({
      status: 400,
      body: ['The external identifier urn:oid:1.2.3.4|E1234 is already in use by another patient.'],
    });
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it('rejects a user who is already a patient with the data-conflict message', async () => {
    const res = await api('/api/v1/patients', tokens.manager, {
      method: 'POST',
      body: { organizationId: 20003, telecomEmail: 'pamela@example.com' },
    });
    expect(res).toMatchObject({
      status: 400,
      body: ['Could not save the patient because of a data conflict. Please check the values and try again.'],
    });
  });

  it('requires organizationId (field map) and a writer role there', async () => {
    expect(
      await api('/api/v1/patients', tokens.manager, {
        method: 'POST',
        body: { telecomEmail: 'a@example.com' },
      }),
    ).toMatchObject({ status: 400, body: { organizationId: ['This field is required.'] } });
    const body = { organizationId: 20003, telecomEmail: `v-${unique()}@example.com` };
    expect(await api('/api/v1/patients', tokens.viewer, { method: 'POST', body })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(await api('/api/v1/patients', tokens.outsider, { method: 'POST', body })).toMatchObject({
      status: 403,
    });
  });

  it('lets a superuser create in any existing organization, and 400s an unknown one', async () => {
    const ok = await api('/api/v1/patients', tokens.superuser, {
      method: 'POST',
      body: { organizationId: 20007, telecomEmail: `su-${unique()}@example.com` },
    });
    expect(ok.status).toBe(201);
    expect(
      await api('/api/v1/patients', tokens.superuser, {
        method: 'POST',
        body: { organizationId: 29999, telecomEmail: `su-${unique()}@example.com` },
      }),
    ).toMatchObject({ status: 400, body: ['Organization not found.'] });
  });

  it('answers malformed JSON with 400, never 500', async () => {
    expect(await api('/api/v1/patients', tokens.manager, { method: 'POST', body: '{nope' })).toMatchObject({
      status: 400,
    });
  });
});

describe('PATCH/PUT /api/v1/patients/{id}', () => {
  it('edits fields and replaces the whole identifier list', async () => {
    const { patientId } = await makePatient({ identifiers: [['urn:old', `old-${unique()}`]] });
    const value = `new-${unique()}`;
    const res = await api<PatientBody>(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.member, {
      method: 'PATCH',
      body: { nameGiven: 'Renamed', birth_date: '2000-12-31', identifiers: [{ system: 'urn:new', value }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nameGiven: 'Renamed', nameFamily: 'Patient', birthDate: '2000-12-31' });
    expect(res.body.identifiers).toEqual([{ id: expect.any(Number), system: 'urn:new', value }]);
    const put = await api<PatientBody>(`/api/v1/patients/${patientId}?organizationId=20003`, tokens.manager, {
      method: 'PUT',
      body: { telecomPhone: '555-9999', identifiers: [] },
    });
    expect(put.body).toMatchObject({ telecomPhone: '555-9999', nameGiven: 'Renamed', identifiers: [] });
  });

  it('keeps the old identifiers when the new list clashes (atomic)', async () => {
    const mine = `mine-${unique()}`;
    const { patientId } = await makePatient({ identifiers: [['urn:mine', mine]] });
    const res = await api(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.manager, {
      method: 'PATCH',
      body: { nameGiven: 'Changed', identifiers: [{ system: 'urn:oid:1.2.3.4', value: 'E1234' }] },
    });
    expect(res).toMatchObject({
      status: 400,
      body: ['The external identifier urn:oid:1.2.3.4|E1234 is already in use by another patient.'],
    });
    const after = await api<PatientBody>(`/api/v1/patients/${patientId}`, tokens.manager);
    expect(after.body).toMatchObject({
      nameGiven: 'Test',
      identifiers: [{ system: 'urn:mine', value: mine }],
    });
  });

  it('needs organization_id naming an organization of the patient where the caller writes', async () => {
    const { patientId } = await makePatient();
    const body = { nameGiven: 'X' };
    expect(
      await api(`/api/v1/patients/${patientId}`, tokens.manager, { method: 'PATCH', body }),
    ).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    // Mark manages 20007, but the patient is not there.
    expect(
      await api(`/api/v1/patients/${patientId}?organization_id=20007`, tokens.outsider, {
        method: 'PATCH',
        body,
      }),
    ).toMatchObject({ status: 403 });
    expect(
      await api(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.viewer, {
        method: 'PATCH',
        body,
      }),
    ).toMatchObject({ status: 403 });
    expect(
      await api(`/api/v1/patients/${patientId}`, tokens.superuser, { method: 'PATCH', body }),
    ).toMatchObject({
      status: 200,
      body: { nameGiven: 'X' },
    });
  });

  it('validates the birth date and answers 404 for a missing patient', async () => {
    const { patientId } = await makePatient();
    expect(
      await api(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.manager, {
        method: 'PATCH',
        body: { birthDate: 'yesterday' },
      }),
    ).toMatchObject({ status: 400, body: ['Enter a valid birth date (YYYY-MM-DD).'] });
    expect(
      await api('/api/v1/patients/49999?organization_id=20003', tokens.manager, {
        method: 'PATCH',
        body: {},
      }),
    ).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('DELETE /api/v1/patients/{id}', () => {
  it('without organization_id: 400 for a superuser, 403 for everyone else', async () => {
    const { patientId } = await makePatient();
    expect(await api(`/api/v1/patients/${patientId}`, tokens.superuser, { method: 'DELETE' })).toMatchObject({
      status: 400,
      body: { detail: 'organizationId required' },
    });
    expect(await api(`/api/v1/patients/${patientId}`, tokens.manager, { method: 'DELETE' })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
  });

  it('removes the patient from one organization, with its studies’ enrolments and consents only', async () => {
    const { patientId } = await makePatient({ organizations: [20003, 20007], studies: [30001, 30004] });
    const res = await api(`/api/v1/patients/${patientId}?organization_id=20007`, tokens.outsider, {
      method: 'DELETE',
    });
    expect(res.status).toBe(204);
    const after = await api<PatientBody>(`/api/v1/patients/${patientId}`, tokens.manager);
    expect(after.body.organizations.map((o) => o.id)).toEqual([20003]);
    const inStudy = await api<Page>(
      `/api/v1/patients?study_id=30001&patient_id=${patientId}`,
      tokens.manager,
    );
    expect(inStudy.body.count).toBe(1);
    const outOfStudy = await api<Page>(`/api/v1/patients?study_id=30004&patient_id=${patientId}`, tokens.tom);
    expect(outOfStudy.body.count).toBe(0);
  });

  it('deletes the patient, their observations and their unused user with the last organization', async () => {
    const { patientId, userId } = await makePatient({ studies: [30001] });
    const observationId = await makeObservation(patientId, 50002);
    expect(
      (await api(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.member, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    expect(await db.select().from(patients).where(eq(patients.id, patientId))).toEqual([]);
    expect(await db.select().from(observations).where(eq(observations.id, observationId))).toEqual([]);
    expect(await db.select().from(users).where(eq(users.id, userId))).toEqual([]);
    expect(await api(`/api/v1/patients/${patientId}`, tokens.member)).toMatchObject({ status: 404 });
  });

  it('keeps a user who is also a practitioner', async () => {
    const prac = await makePractitioner();
    const created = await api<PatientBody>('/api/v1/patients', tokens.manager, {
      method: 'POST',
      body: { organizationId: 20003, telecomEmail: prac.email },
    });
    await api(`/api/v1/patients/${created.body.id}?organization_id=20003`, tokens.manager, {
      method: 'DELETE',
    });
    expect(await db.select().from(patients).where(eq(patients.id, created.body.id))).toEqual([]);
    expect(await db.select({ id: users.id }).from(users).where(eq(users.id, prac.userId))).toEqual([
      { id: prac.userId },
    ]);
  });

  it('is 403 for viewers and for a patient outside the caller’s organization, 404 when missing', async () => {
    const { patientId } = await makePatient();
    expect(
      await api(`/api/v1/patients/${patientId}?organization_id=20003`, tokens.viewer, { method: 'DELETE' }),
    ).toMatchObject({ status: 403 });
    expect(
      await api(`/api/v1/patients/${patientId}?organization_id=20007`, tokens.outsider, { method: 'DELETE' }),
    ).toMatchObject({ status: 403 });
    expect(
      await db.select().from(patientOrganizations).where(eq(patientOrganizations.patientId, patientId)),
    ).toHaveLength(1);
    expect(
      await api('/api/v1/patients/49999?organization_id=20003', tokens.manager, { method: 'DELETE' }),
    ).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('GET /api/v1/patients/global_lookup', () => {
  it('finds a patient of any organization by email, as a plain array', async () => {
    const res = await api<PatientBody[]>(
      '/api/v1/patients/global_lookup?email=peter@example.com',
      tokens.outsider,
    );
    expect(res).toMatchObject({ status: 200, body: [PETER_PATIENT] });
    const none = await api('/api/v1/patients/global_lookup?email=nobody@example.com', tokens.outsider);
    expect(none).toMatchObject({ status: 200, body: [] });
  });

  it('needs an email (400) and a practitioner (403)', async () => {
    expect(await api('/api/v1/patients/global_lookup', tokens.manager)).toMatchObject({
      status: 400,
      body: ['email parameter required'],
    });
    expect(await api('/api/v1/patients/global_lookup?email=peter@example.com', tokens.patient)).toMatchObject(
      {
        status: 403,
      },
    );
  });
});

describe('PATCH /api/v1/patients/{id}/global_add_organization', () => {
  it('adds the patient to an organization the caller writes in; twice is 400', async () => {
    const { patientId } = await makePatient({ organizations: [20007] });
    const path = `/api/v1/patients/${patientId}/global_add_organization?organization_id=20003`;
    const res = await api<PatientBody>(path, tokens.member, { method: 'PATCH' });
    expect(res.status).toBe(200);
    expect(res.body.organizations.map((o) => o.id).sort()).toEqual([20003, 20007]);
    expect(await api(path, tokens.member, { method: 'PATCH' })).toMatchObject({
      status: 400,
      body: ['This patient is already a member of this organization.'],
    });
  });

  it('is 403 for viewers, outsiders and patients, 400 without the parameter, 404 for a missing patient [R]', async () => {
    const { patientId } = await makePatient({ organizations: [20007] });
    const path = `/api/v1/patients/${patientId}/global_add_organization?organizationId=20003`;
    for (const actor of ['viewer', 'outsider', 'patient'] as const) {
      expect(await api(path, tokens[actor], { method: 'PATCH' })).toMatchObject({ status: 403 });
    }
    expect(
      await api(`/api/v1/patients/${patientId}/global_add_organization`, tokens.manager, { method: 'PATCH' }),
    ).toMatchObject({ status: 400, body: ['organizationId parameter required'] });
    expect(
      await api('/api/v1/patients/49999/global_add_organization?organization_id=20003', tokens.manager, {
        method: 'PATCH',
      }),
    ).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('GET /api/v1/patients/{id}/consolidated_clients', () => {
  it("lists the clients of the patient's studies with the patient's invitations (C.8)", async () => {
    const { patientId } = await makePatient({ studies: [30001, 30002] });
    const res = await api(`/api/v1/patients/${patientId}/consolidated_clients`, tokens.manager);
    expect(res).toMatchObject({
      status: 200,
      body: [
        {
          id: 1,
          name: 'CareX',
          clientId: 'test-carex-client-id',
          invitationUrl: 'https://carex.ai/invitation/CODE',
          patientInvitations: [],
        },
        {
          id: 3,
          name: 'Patient Access',
          clientId: 'test-patient-access-client-id',
          invitationUrl: 'http://localhost:8001/clients/patient-access/?code=CODE',
          patientInvitations: [],
        },
      ],
    });
    const invited = await api<{ id: number; tokenHash: string }>('/api/v1/invitation', tokens.manager, {
      method: 'POST',
      body: { patientId, client_id: 1 },
    });
    expect(invited.status).toBe(201);
    const after = await api<{ patientInvitations: unknown[] }[]>(
      `/api/v1/patients/${patientId}/consolidated_clients`,
      tokens.viewer,
    );
    expect(after.body[0]?.patientInvitations).toEqual([
      {
        id: invited.body.id,
        patientId,
        client_id: 1,
        tokenHash: invited.body.tokenHash,
        token: null,
        status: 'issued',
        lastUpdated: expect.any(String),
      },
    ]);
  });

  it('is open to the patient themself, 403 for other organizations, 404 when missing', async () => {
    expect((await api('/api/v1/patients/40001/consolidated_clients', tokens.patient)).status).toBe(200);
    expect(await api('/api/v1/patients/40001/consolidated_clients', tokens.outsider)).toMatchObject({
      status: 403,
    });
    expect(await api('/api/v1/patients/49999/consolidated_clients', tokens.manager)).toMatchObject({
      status: 404,
      body: NOT_FOUND,
    });
  });
});
