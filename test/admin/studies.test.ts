import { eq, max } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  consents,
  studies,
  studyClients,
  studyDataSources,
  studyPatients,
  studyScopeRequests,
} from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer, ORIGIN } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';
import { OMH, SCOPE } from '../fixtures/seed-wire';
import { db, makeOrganization, makePatient, makePractitioner, makeStudy, seeded } from './patients.fixtures';

interface StudyRef {
  id: number;
  name: string;
  description: string;
  organization: number;
  iconUrl: string | null;
}

const { bloodPressure: BP } = SCOPE;
const BIDS = { id: 20003, name: 'Berkeley Institute for Data Science (BIDS)', type: 'edu' };
const STUDY_30001 = {
  id: 30001,
  name: 'BIDS Study on BP & HR',
  description: 'Blood Pressure & Heart Rate',
  organization: BIDS,
  iconUrl: null,
};
const STUDY_30002 = {
  id: 30002,
  name: 'BIDS Study on BP',
  description: 'Blood Pressure',
  organization: BIDS,
  iconUrl: null,
};
const STUDY_FORBIDDEN = { detail: 'Current User does not have authorization to access this Study.' };

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

const ids = (page: Page) => page.results.map((s) => Number(s.id));

/** A fresh study of BIDS made through the API by Mary, returned in its write shape. */
async function newStudy(): Promise<StudyRef> {
  const res = await api<StudyRef>('/api/v1/studies', tokens.manager, {
    method: 'POST',
    body: { name: `Study ${unique()}`, description: 'Test', organization: 20003 },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('GET /api/v1/studies', () => {
  it('lists the studies of the caller’s direct organizations, by name', async () => {
    const mary = await api<Page>('/api/v1/studies?page_size=1000', tokens.manager);
    expect(mary.status).toBe(200);
    expect(mary.body.results.filter((s) => Number(s.id) <= 30005)).toEqual([STUDY_30002, STUDY_30001]);
    const tom = await api<Page>('/api/v1/studies?pageSize=1000', tokens.tom);
    expect(seeded(ids(tom.body), 30005)).toEqual([30002, 30001, 30004, 30005]);
    // Mark manages Cardiology and Moslehi Lab, not Olgin Lab below them (E.3).
    const mark = await api<Page>('/api/v1/studies?page_size=1000', tokens.outsider);
    expect(seeded(ids(mark.body), 30005)).toEqual([30003, 30004]);
  });

  it('filters by organization in either casing', async () => {
    const tom = await api<Page>('/api/v1/studies?organizationId=20007', tokens.tom);
    expect(seeded(ids(tom.body), 30005)).toEqual([30004]);
    const snake = await api<Page>('/api/v1/studies?organization_id=20008', tokens.tom);
    expect(seeded(ids(snake.body), 30005)).toEqual([30005]);
  });

  it('gives patients and member-less superusers an empty list [R]', async () => {
    const empty = { count: 0, next: null, previous: null, results: [] };
    expect(await api('/api/v1/studies', tokens.patient)).toMatchObject({ status: 200, body: empty });
    const su = await api<Page>('/api/v1/studies?page_size=1000', tokens.superuser);
    expect(seeded(ids(su.body), 30005)).toEqual([]);
  });

  it('stores organization_id as the sticky currentOrganizationId', async () => {
    const prac = await makePractitioner([[20003, 'viewer']]);
    await api('/api/v1/studies?organization_id=20003', prac.token);
    const profile = await api<{ settings: unknown }>('/api/v1/users/profile', prac.token);
    expect(profile.body.settings).toEqual({ currentOrganizationId: 20003 });
  });

  it('issues the same statements for a 1-row page and a 30-row page', async () => {
    const org = await makeOrganization();
    const prac = await makePractitioner([[org, 'viewer']]);
    for (let i = 0; i < 30; i++) await makeStudy(org);
    const init = { headers: bearer(prac.token) };
    const one = await countStatements(`${ORIGIN}/api/v1/studies?page_size=1&organization_id=${org}`, init);
    const many = await countStatements(`${ORIGIN}/api/v1/studies?page_size=30&organization_id=${org}`, init);
    expect((one.body as Page).results).toHaveLength(1);
    expect((many.body as Page).results).toHaveLength(30);
    // count, page, organizations, sticky settings: one batch.
    expect(ownStatements(one.statements)).toHaveLength(4);
    expect(ownStatements(many.statements)).toHaveLength(4);
  });
});

describe('GET /api/v1/studies/{id}', () => {
  it('shows a member of any role the study with its organization nested', async () => {
    expect(await api('/api/v1/studies/30001', tokens.viewer)).toMatchObject({
      status: 200,
      body: STUDY_30001,
    });
  });

  it('is 403 for non-members, patients and missing studies alike (A.8), 404 for a non-integer id', async () => {
    for (const token of [tokens.outsider, tokens.patient, tokens.superuser]) {
      expect(await api('/api/v1/studies/30001', token)).toMatchObject({ status: 403, body: STUDY_FORBIDDEN });
    }
    expect(await api('/api/v1/studies/39999', tokens.manager)).toMatchObject({
      status: 403,
      body: STUDY_FORBIDDEN,
    });
    expect(await api('/api/v1/studies/abc', tokens.manager)).toMatchObject({ status: 404 });
  });
});

describe('POST /api/v1/studies', () => {
  it('creates a study in the next id (30006 on a fresh seed), organization as its id', async () => {
    const before = await db
      .select({ last: max(studies.id) })
      .from(studies)
      .get();
    const res = await api<StudyRef>('/api/v1/studies', tokens.member, {
      method: 'POST',
      body: {
        name: 'BIDS Study on BG',
        description: 'Blood glucose',
        organization: 20003,
        iconUrl: 'https://x/i.png',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: (before?.last ?? 30005) + 1,
      name: 'BIDS Study on BG',
      description: 'Blood glucose',
      organization: 20003,
      iconUrl: 'https://x/i.png',
    });
    expect(res.body.id).toBeGreaterThanOrEqual(30006);
    expect(await api(`/api/v1/studies/${res.body.id}`, tokens.viewer)).toMatchObject({
      status: 200,
      body: { id: res.body.id, organization: BIDS, iconUrl: 'https://x/i.png' },
    });
  });

  it('accepts snake_case and a missing description', async () => {
    const res = await api<StudyRef>('/api/v1/studies', tokens.manager, {
      method: 'POST',
      body: { name: 'Snake', organization: 20003, icon_url: null },
    });
    expect(res).toMatchObject({ status: 201, body: { name: 'Snake', description: '', iconUrl: null } });
  });

  it('rejects invalid fields with a 400 field map', async () => {
    expect(
      await api('/api/v1/studies', tokens.manager, { method: 'POST', body: { organization: 20003 } }),
    ).toMatchObject({ status: 400, body: { name: ['This field is required.'] } });
    expect(
      await api('/api/v1/studies', tokens.manager, {
        method: 'POST',
        body: { name: 'X', organization: 'BIDS' },
      }),
    ).toMatchObject({ status: 400, body: { organization: ['A valid integer is required.'] } });
    expect(
      await api('/api/v1/studies', tokens.superuser, {
        method: 'POST',
        body: { name: 'X', organization: 29999 },
      }),
    ).toMatchObject({ status: 400, body: { organization: ['Invalid pk "29999" - object does not exist.'] } });
  });

  it('needs a manager or member of the organization, or a superuser', async () => {
    const body = { name: 'Nope', organization: 20003 };
    expect(await api('/api/v1/studies', tokens.viewer, { method: 'POST', body })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(await api('/api/v1/studies', tokens.outsider, { method: 'POST', body })).toMatchObject({
      status: 403,
    });
    expect(await api('/api/v1/studies', tokens.patient, { method: 'POST', body })).toMatchObject({
      status: 403,
    });
    expect((await api('/api/v1/studies', tokens.superuser, { method: 'POST', body })).status).toBe(201);
  });
});

describe('PATCH/PUT/DELETE /api/v1/studies/{id}', () => {
  it('edits name, description and iconUrl but never the organization', async () => {
    const study = await newStudy();
    const res = await api(`/api/v1/studies/${study.id}`, tokens.member, {
      method: 'PATCH',
      body: { name: 'Renamed', iconUrl: 'https://x/y.png', organization: 20007 },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { ...study, name: 'Renamed', iconUrl: 'https://x/y.png', organization: 20003 },
    });
    const put = await api(`/api/v1/studies/${study.id}`, tokens.manager, {
      method: 'PUT',
      body: { description: 'Put' },
    });
    expect(put).toMatchObject({ status: 200, body: { name: 'Renamed', description: 'Put' } });
  });

  it('is 403 for viewers (generic) and for non-members or missing studies (Study message)', async () => {
    const study = await newStudy();
    const path = `/api/v1/studies/${study.id}`;
    expect(await api(path, tokens.viewer, { method: 'PATCH', body: { name: 'x' } })).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(await api(path, tokens.outsider, { method: 'DELETE' })).toMatchObject({
      status: 403,
      body: STUDY_FORBIDDEN,
    });
    expect(await api('/api/v1/studies/39999', tokens.manager, { method: 'DELETE' })).toMatchObject({
      status: 403,
      body: STUDY_FORBIDDEN,
    });
  });

  it('deletes the study with its enrolments, consents, scope requests and links', async () => {
    const study = await newStudy();
    const { patientId } = await makePatient({ studies: [study.id] });
    const path = `/api/v1/studies/${study.id}`;
    await api(`${path}/scope_requests`, tokens.manager, { method: 'POST', body: { scopeCodeId: 50002 } });
    await api(`${path}/data_sources`, tokens.manager, { method: 'POST', body: { dataSourceId: 70001 } });
    await api(`${path}/clients`, tokens.manager, { method: 'POST', body: { clientId: 1 } });
    const consent = await api(`/api/v1/patients/${patientId}/consents`, tokens.manager, {
      method: 'POST',
      body: {
        studyScopeConsents: [
          {
            studyId: study.id,
            scopeConsents: [{ codingSystem: OMH, codingCode: BP.codingCode, consented: true }],
          },
        ],
      },
    });
    expect(consent.status).toBe(201);
    const [enrolment] = await db.select().from(studyPatients).where(eq(studyPatients.studyId, study.id));
    expect((await api(path, tokens.member, { method: 'DELETE' })).status).toBe(204);
    expect(await api(path, tokens.member)).toMatchObject({ status: 403, body: STUDY_FORBIDDEN });
    expect(await db.select().from(studyPatients).where(eq(studyPatients.studyId, study.id))).toEqual([]);
    expect(
      await db
        .select()
        .from(consents)
        .where(eq(consents.studyPatientId, enrolment?.id ?? 0)),
    ).toEqual([]);
    expect(
      await db.select().from(studyScopeRequests).where(eq(studyScopeRequests.studyId, study.id)),
    ).toEqual([]);
    expect(await db.select().from(studyDataSources).where(eq(studyDataSources.studyId, study.id))).toEqual(
      [],
    );
    expect(await db.select().from(studyClients).where(eq(studyClients.studyId, study.id))).toEqual([]);
  });
});

describe('/api/v1/studies/{id}/patients', () => {
  it('GET lists the enrolled patients by id to members, empty to others', async () => {
    const res = await api<Page>('/api/v1/studies/30002/patients?page_size=1000', tokens.viewer);
    expect(res.status).toBe(200);
    expect(seeded(ids(res.body), 40005)).toEqual([40001, 40002]);
    expect(res.body.results[0]).toMatchObject({
      id: 40001,
      identifiers: [{ value: 'abc123' }, { value: 'E1234' }],
    });
    const empty = { count: 0, next: null, previous: null, results: [] };
    expect((await api('/api/v1/studies/30002/patients', tokens.outsider)).body).toEqual(empty);
    expect((await api('/api/v1/studies/30002/patients', tokens.patient)).body).toEqual(empty);
    expect((await api('/api/v1/studies/39999/patients', tokens.manager)).body).toEqual(empty);
  });

  it('GET costs the same statements for 1 and 25 patients', async () => {
    const study = await newStudy();
    const patientIds = [];
    for (let i = 0; i < 25; i++) patientIds.push((await makePatient()).patientId);
    await api(`/api/v1/studies/${study.id}/patients`, tokens.manager, {
      method: 'POST',
      body: { patientIds },
    });
    const init = { headers: bearer(tokens.manager) };
    const one = await countStatements(`${ORIGIN}/api/v1/studies/${study.id}/patients?page_size=1`, init);
    const many = await countStatements(`${ORIGIN}/api/v1/studies/${study.id}/patients?page_size=25`, init);
    expect((many.body as Page).results).toHaveLength(25);
    expect(ownStatements(one.statements)).toHaveLength(4);
    expect(ownStatements(many.statements)).toHaveLength(4);
  });

  it('POST enrols patients of the study’s organization (201), keeping existing enrolments', async () => {
    const study = await newStudy();
    const { patientId } = await makePatient();
    const path = `/api/v1/studies/${study.id}/patients`;
    const res = await api<{ studyPatients: { id: number }[] }>(path, tokens.member, {
      method: 'POST',
      body: { patientIds: [patientId] },
    });
    const patient = (await api(`/api/v1/patients/${patientId}`, tokens.member)).body;
    expect(res).toMatchObject({ status: 201 });
    expect(res.body).toEqual({ studyPatients: [{ id: expect.any(Number), study, patient }] });
    const again = await api<{ studyPatients: { id: number }[] }>(path, tokens.member, {
      method: 'POST',
      body: { patient_ids: [patientId] },
    });
    expect(again.status).toBe(201);
    expect(again.body.studyPatients[0]?.id).toBe(res.body.studyPatients[0]?.id);
    const listed = await api<Page>(path, tokens.viewer);
    expect(ids(listed.body)).toEqual([patientId]);
  });

  it('POST rejects a patient of another organization with 400 and enrols nobody', async () => {
    const study = await newStudy();
    const { patientId } = await makePatient();
    const res = await api(`/api/v1/studies/${study.id}/patients`, tokens.manager, {
      method: 'POST',
      body: { patientIds: [patientId, 40003] },
    });
    expect(res).toMatchObject({
      status: 400,
      body: ['Patient and study must be from the same Organization'],
    });
    expect(await db.select().from(studyPatients).where(eq(studyPatients.studyId, study.id))).toEqual([]);
    expect(
      await api(`/api/v1/studies/${study.id}/patients`, tokens.manager, {
        method: 'POST',
        body: { patientIds: [49999] },
      }),
    ).toMatchObject({ status: 400 });
  });

  it('DELETE unenrols (204, also when nothing matched)', async () => {
    const study = await newStudy();
    const { patientId } = await makePatient({ studies: [study.id] });
    const path = `/api/v1/studies/${study.id}/patients`;
    expect(
      (await api(path, tokens.member, { method: 'DELETE', body: { patientIds: [patientId, 49999] } })).status,
    ).toBe(204);
    expect((await api<Page>(path, tokens.member)).body.count).toBe(0);
    expect(
      (await api(path, tokens.member, { method: 'DELETE', body: { patientIds: [patientId] } })).status,
    ).toBe(204);
  });

  it('POST/DELETE need a manager or member (viewer 403, other organization 403)', async () => {
    const study = await newStudy();
    const { patientId } = await makePatient();
    const path = `/api/v1/studies/${study.id}/patients`;
    expect(
      await api(path, tokens.viewer, { method: 'POST', body: { patientIds: [patientId] } }),
    ).toMatchObject({
      status: 403,
      body: FORBIDDEN,
    });
    expect(
      await api(path, tokens.outsider, { method: 'DELETE', body: { patientIds: [patientId] } }),
    ).toMatchObject({
      status: 403,
      body: STUDY_FORBIDDEN,
    });
  });
});

describe('/api/v1/studies/{id}/scope_requests', () => {
  it('POST requests a scope (201), duplicate 409, unknown 400; GET lists; DELETE removes', async () => {
    const study = await newStudy();
    const path = `/api/v1/studies/${study.id}/scope_requests`;
    const created = await api<{ id: number }>(path, tokens.member, {
      method: 'POST',
      body: { scopeCodeId: 50002 },
    });
    expect(created).toMatchObject({ status: 201 });
    expect(created.body).toEqual({ id: expect.any(Number), study, scopeCode: BP });
    expect(await api(path, tokens.viewer)).toMatchObject({ status: 200, body: [created.body] });
    expect(await api(path, tokens.member, { method: 'POST', body: { scope_code_id: 50002 } })).toMatchObject({
      status: 409,
      body: { detail: 'This study already requests this scope.' },
    });
    expect(await api(path, tokens.member, { method: 'POST', body: { scopeCodeId: 59999 } })).toMatchObject({
      status: 400,
      body: { scopeCodeId: ['Invalid pk "59999" - object does not exist.'] },
    });
    expect(await api(path, tokens.member, { method: 'POST', body: {} })).toMatchObject({
      status: 400,
      body: { scopeCodeId: ['This field is required.'] },
    });
    expect((await api(path, tokens.member, { method: 'DELETE', body: { scopeCodeId: 50002 } })).status).toBe(
      204,
    );
    expect(await api(path, tokens.viewer)).toMatchObject({ status: 200, body: [] });
  });

  it('GET shows the seeded requests of a study to its members only', async () => {
    const res = await api<{ scopeCode: { id: number }; study: StudyRef }[]>(
      '/api/v1/studies/30001/scope_requests',
      tokens.viewer,
    );
    expect(res.body.map((r) => r.scopeCode.id)).toEqual([50002, 50004]);
    expect(res.body[0]?.study).toEqual({ ...STUDY_30001, organization: 20003 });
    expect(await api('/api/v1/studies/30001/scope_requests', tokens.outsider)).toMatchObject({
      status: 403,
      body: STUDY_FORBIDDEN,
    });
  });
});

describe('/api/v1/studies/{id}/data_sources', () => {
  it('POST links (201), duplicate 409, unknown 400; GET lists; DELETE unlinks', async () => {
    const study = await newStudy();
    const path = `/api/v1/studies/${study.id}/data_sources`;
    const created = await api(path, tokens.manager, { method: 'POST', body: { dataSourceId: 70003 } });
    expect(created).toMatchObject({ status: 201 });
    expect(created.body).toEqual({
      id: expect.any(Number),
      study,
      dataSource: { id: 70003, name: 'iHealth', type: 'personal_device' },
    });
    expect(await api(path, tokens.viewer)).toMatchObject({ status: 200, body: [created.body] });
    expect(
      await api(path, tokens.manager, { method: 'POST', body: { data_source_id: 70003 } }),
    ).toMatchObject({
      status: 409,
    });
    expect(await api(path, tokens.manager, { method: 'POST', body: { dataSourceId: 79999 } })).toMatchObject({
      status: 400,
      body: { dataSourceId: ['Invalid pk "79999" - object does not exist.'] },
    });
    expect(
      (await api(path, tokens.manager, { method: 'DELETE', body: { dataSourceId: 70003 } })).status,
    ).toBe(204);
    expect(await api(path, tokens.viewer)).toMatchObject({ status: 200, body: [] });
  });
});

describe('/api/v1/studies/{id}/clients', () => {
  it('POST links a patient-facing client by pk in either casing; GET never shows a secret', async () => {
    const study = await newStudy();
    const path = `/api/v1/studies/${study.id}/clients`;
    const created = await api(path, tokens.member, { method: 'POST', body: { clientId: 1 } });
    expect(created).toMatchObject({ status: 201 });
    expect(created.body).toEqual({
      id: expect.any(Number),
      study,
      client: { id: 1, name: 'CareX', clientId: 'test-carex-client-id' },
    });
    expect((await api(path, tokens.member, { method: 'POST', body: { client_id: 2 } })).status).toBe(201);
    expect(await api(path, tokens.member, { method: 'POST', body: { client_id: 2 } })).toMatchObject({
      status: 409,
    });
    const listed = await api<{ client: { id: number } }[]>(path, tokens.viewer);
    expect(listed.body.map((l) => l.client.id)).toEqual([1, 2]);
    expect(JSON.stringify(listed.body)).not.toMatch(/secret|hash/i);
    expect((await api(path, tokens.member, { method: 'DELETE', body: { clientId: 2 } })).status).toBe(204);
    expect((await api<unknown[]>(path, tokens.viewer)).body).toHaveLength(1);
  });

  it('POST refuses applications that are not patient-facing (the portal) and unknown pks', async () => {
    const study = await newStudy();
    const path = `/api/v1/studies/${study.id}/clients`;
    expect(await api(path, tokens.member, { method: 'POST', body: { clientId: 4 } })).toMatchObject({
      status: 400,
      body: { clientId: ['Invalid pk "4" - object does not exist.'] },
    });
    expect(await api(path, tokens.member, { method: 'POST', body: { clientId: 9999 } })).toMatchObject({
      status: 400,
    });
  });
});
