import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkedInserts, runBatch } from '../../src/db/batch';
import { createDb } from '../../src/db/client';
import { consents, observations, patientOrganizations, patients, studyPatients } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Row {
  id: number;
  [key: string]: unknown;
}
interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: Row[];
}

const db = createDb(env.DB);
let tokens: Record<Actor, string>;
const seeded = (page: Page) => page.results.map((r) => r.id).filter((id) => id <= 60009);
const STUDY_FORBIDDEN = { detail: 'Current User does not have authorization to access this Study.' };

async function list(query: string, actor: Actor = 'manager') {
  return api<Page>(`/api/v1/observations${query}`, tokens[actor]);
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('GET /api/v1/observations', () => {
  it('returns the C.7 row with the stored Open mHealth JSON, keys untouched', async () => {
    const res = await list('?observation_id=60001');
    const stored = await db.select().from(observations).where(eq(observations.id, 60001)).get();
    if (!stored) throw new Error('seed observation 60001 missing');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      count: 1,
      next: null,
      previous: null,
      results: [
        {
          id: 60001,
          subjectPatientId: 40001,
          patientNameFamily: 'ThePatient',
          patientNameGiven: 'Peter',
          jheUserId: 10006,
          codeableConceptId: 50002,
          codingSystem: 'https://w3id.org/openmhealth',
          codingCode: 'omh:blood-pressure:4.0',
          codingText: 'Blood pressure',
          lastUpdated: stored.lastUpdated,
          omhData: JSON.parse(stored.omhData),
        },
      ],
    });
    const omh = (res.body.results[0]?.omhData ?? {}) as { header: Record<string, unknown> };
    expect(Object.keys(omh.header)).toContain('schema_id');
  });

  it('orders by lastUpdated descending, then id descending', async () => {
    const res = await list('?page_size=1000');
    expect(res.status).toBe(200);
    const rows = res.body.results.filter((r) => r.id <= 60009);
    expect(rows.map((r) => r.id)).toEqual([60005, 60004, 60003, 60002, 60001]);
    const keys = res.body.results.map((r) => `${String(r.lastUpdated)}|${String(r.id).padStart(12, '0')}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it('shows only observations consented through a study of the caller’s organizations', async () => {
    expect(seeded((await list('?page_size=1000', 'outsider')).body)).toEqual([60008, 60006]);
    expect(seeded((await list('?page_size=1000', 'tom')).body).sort()).toEqual([
      60001, 60002, 60003, 60004, 60005, 60006, 60007, 60009,
    ]);
    const sam = await list('?page_size=1000', 'superuser');
    expect(sam.status).toBe(200);
    expect(seeded(sam.body)).toEqual([]);
  });

  it('filters by patient, study and organization (snake_case and camelCase names)', async () => {
    expect(seeded((await list('?patient_id=40002')).body)).toEqual([60005, 60004, 60003]);
    expect(seeded((await list('?patientId=40002')).body)).toEqual([60005, 60004, 60003]);
    // Peter consented nothing for 30002; Pamela's BP (both her BP rows) is consented there.
    expect(seeded((await list('?study_id=30002')).body)).toEqual([60005, 60003]);
    expect(seeded((await list('?studyId=30001&patientId=40001')).body)).toEqual([60002, 60001]);
    expect(seeded((await list('?organization_id=20003&page_size=1000')).body)).toEqual([
      60005, 60004, 60003, 60002, 60001,
    ]);
    // An organization the caller is not a member of narrows to nothing.
    expect(seeded((await list('?organizationId=20007')).body)).toEqual([]);
  });

  it('never shows another organization’s data to an outsider, even by id', async () => {
    const byPatient = await list('?patient_id=40001', 'outsider');
    expect(byPatient.status).toBe(200);
    expect(seeded(byPatient.body)).toEqual([]);
    expect(seeded((await list('?observation_id=60001', 'outsider')).body)).toEqual([]);
    expect(seeded((await list('?observation_id=60006')).body)).toEqual([]);
  });

  it('answers 403 for a study the caller is not a member of, or one that does not exist', async () => {
    for (const [actor, study] of [
      ['outsider', 30001],
      ['manager', 30004],
      ['manager', 99999],
      ['superuser', 30001],
    ] as const) {
      const res = await list(`?study_id=${study}`, actor);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(STUDY_FORBIDDEN);
    }
  });

  it('answers 403 to patients (C.7 [R])', async () => {
    const res = await list('', 'patient');
    expect(res).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
  });

  it('answers 401 without a token', async () => {
    const res = await api('/api/v1/observations', null);
    expect(res).toMatchObject({
      status: 401,
      body: { detail: 'Authentication credentials were not provided.' },
    });
  });

  it('answers 400 for a filter that is not an id, and ignores unknown parameters', async () => {
    const bad = await list('?patient_id=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ patientId: ['A valid integer is required.'] });
    const unknown = await list('?colour=blue&patient_id=40002');
    expect(seeded(unknown.body)).toEqual([60005, 60004, 60003]);
  });

  it('pages with absolute links and 404 past the end', async () => {
    const first = await list('?patientId=40002&pageSize=2');
    expect(first.body.count).toBe(3);
    expect(first.body.next).toBe('http://localhost/api/v1/observations?patientId=40002&pageSize=2&page=2');
    const second = await list('?patientId=40002&pageSize=2&page=2');
    expect(second.body.results.map((r) => r.id)).toEqual([60003]);
    expect(second.body.previous).toBe('http://localhost/api/v1/observations?patientId=40002&pageSize=2');
    expect(second.body.next).toBeNull();
    const past = await list('?patientId=40002&pageSize=2&page=3');
    expect(past).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });
});

describe('GET /api/v1/observations with many rows', () => {
  let patientId: number;
  let studyPatientId: number;

  beforeAll(async () => {
    const [patient] = await db
      .insert(patients)
      .values({ nameFamily: 'Many', nameGiven: 'Rows' })
      .returning({ id: patients.id });
    if (!patient) throw new Error('no patient');
    patientId = patient.id;
    await db.insert(patientOrganizations).values({ patientId, organizationId: 20003 });
    const [enrolment] = await db
      .insert(studyPatients)
      .values({ studyId: 30001, patientId })
      .returning({ id: studyPatients.id });
    if (!enrolment) throw new Error('no enrolment');
    studyPatientId = enrolment.id;
    await db.insert(consents).values({
      studyPatientId,
      scopeCodeId: 50002,
      consented: true,
      consentedTime: new Date().toISOString(),
    });
    const rows = Array.from({ length: 30 }, (_, i) => ({
      patientId,
      scopeCodeId: 50002,
      omhData: JSON.stringify({ body: { n: i } }),
      lastUpdated: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    }));
    await runBatch(db, chunkedInserts(db, observations, rows));
  });

  it('reads the same statements for a 1-row page and a 1000-row page', async () => {
    const init = { headers: bearer(tokens.manager) };
    const one = await countStatements('/api/v1/observations?observation_id=60001', init);
    const many = await countStatements('/api/v1/observations?page_size=1000', init);
    expect(one.status).toBe(200);
    expect(many.status).toBe(200);
    expect((many.body as Page).results.length).toBeGreaterThanOrEqual(35);
    expect(ownStatements(many.statements).length).toBe(ownStatements(one.statements).length);
  });

  it('hides the rows at once when the patient revokes consent', async () => {
    const query = `?patient_id=${patientId}&page_size=1000`;
    expect((await list(query)).body.count).toBe(30);
    const revoke = (consented: boolean) =>
      db
        .update(consents)
        .set({ consented })
        .where(and(eq(consents.studyPatientId, studyPatientId), eq(consents.scopeCodeId, 50002)));
    await revoke(false);
    expect((await list(query)).body).toEqual({ count: 0, next: null, previous: null, results: [] });
    await revoke(true);
    expect((await list(query)).body.count).toBe(30);
  });
});
