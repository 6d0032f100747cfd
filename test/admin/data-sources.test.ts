import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { observations } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, FORBIDDEN, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';
import { OMH, SCOPE } from '../fixtures/seed-wire';

const {
  bloodPressure: BP,
  heartRate: HR,
  bloodGlucose: BG,
  bodyTemperature: BT,
  questionnaireResponse: QR,
} = SCOPE;
const CAREX = { id: 70001, name: 'CareX', type: 'personal_device', supportedScopes: [BP, HR] };
const SEEDED = [
  CAREX,
  { id: 70002, name: 'Dexcom', type: 'personal_device', supportedScopes: [BG] },
  { id: 70004, name: 'Oura', type: 'personal_device', supportedScopes: [HR] },
  { id: 70006, name: 'Patient Access API', type: 'medical_device', supportedScopes: [] },
  { id: 70005, name: 'Questionnaire', type: 'patient_app', supportedScopes: [QR] },
  { id: 70003, name: 'iHealth', type: 'personal_device', supportedScopes: [BT, HR] },
];
const NO_DATA_SOURCE = { detail: 'No DataSource matches the given query.' };

interface DataSource {
  id: number;
  name: string;
  type: string;
  supportedScopes: unknown[];
}

let tokens: Record<Actor, string>;

async function newDataSource(name = `Device ${unique()}`): Promise<DataSource> {
  const res = await api<DataSource>('/api/v1/data_sources', tokens.superuser, {
    method: 'POST',
    body: { name },
  });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('GET /api/v1/data_sources', () => {
  it('lists data sources by name with their supported scopes ordered by text', async () => {
    const res = await api<Page<DataSource>>(
      '/api/v1/data_sources?page_size=1000&include_scopes=true',
      tokens.patient,
    );
    expect(res.status).toBe(200);
    expect(res.body.results.filter((d) => d.id >= 70001 && d.id <= 70006)).toEqual(SEEDED);
    const names = res.body.results.map((d) => d.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(res.body.count).toBe(res.body.results.length);
  });

  it('pages with page and pageSize and absolute links', async () => {
    const first = await api<Page<DataSource>>('/api/v1/data_sources?pageSize=2', tokens.member);
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(2);
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe('http://localhost/api/v1/data_sources?pageSize=2&page=2');
    const second = await api<Page<DataSource>>('/api/v1/data_sources?pageSize=2&page=2', tokens.member);
    expect(second.body.previous).toBe('http://localhost/api/v1/data_sources?pageSize=2');
    expect(second.body.results[0]?.id).not.toBe(first.body.results[0]?.id);
  });

  it('answers a page past the end with 404 Invalid page', async () => {
    const res = await api('/api/v1/data_sources?page=999', tokens.member);
    expect(res).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });

  it('reads the same number of statements for a 1-row page and a 1000-row page', async () => {
    for (let i = 0; i < 3; i++) await newDataSource();
    const init = { headers: bearer(tokens.member) };
    const one = await countStatements('/api/v1/data_sources?page_size=1', init);
    const many = await countStatements('/api/v1/data_sources?page_size=1000', init);
    expect(one.status).toBe(200);
    expect(many.status).toBe(200);
    expect((many.body as Page<DataSource>).results.length).toBeGreaterThanOrEqual(9);
    expect(ownStatements(many.statements)).toEqual(ownStatements(one.statements));
  });
});

describe('GET /api/v1/data_sources/{id}', () => {
  it('returns the data source with its supported scopes populated', async () => {
    const res = await api('/api/v1/data_sources/70001', tokens.viewer);
    expect(res).toMatchObject({ status: 200, body: CAREX });
  });

  it('answers 404 for a missing or malformed id', async () => {
    for (const id of ['99999', 'abc', '0']) {
      const res = await api(`/api/v1/data_sources/${id}`, tokens.viewer);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NO_DATA_SOURCE);
    }
  });
});

describe('POST /api/v1/data_sources', () => {
  it('creates a data source (default type personal_device) for the superuser', async () => {
    const name = `Apple Watch ${unique()}`;
    const res = await api<DataSource>('/api/v1/data_sources', tokens.superuser, {
      method: 'POST',
      body: { name },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: res.body.id, name, type: 'personal_device', supportedScopes: [] });
    expect(res.body.id).toBeGreaterThan(70006);
  });

  it('answers a DRF field map for a missing name or an unknown type', async () => {
    const missing = await api('/api/v1/data_sources', tokens.superuser, {
      method: 'POST',
      body: { type: 'patient_app' },
    });
    expect(missing).toMatchObject({ status: 400, body: { name: ['This field is required.'] } });
    const badType = await api('/api/v1/data_sources', tokens.superuser, {
      method: 'POST',
      body: { name: 'X', type: 'toaster' },
    });
    expect(badType.status).toBe(400);
    expect(badType.body).toEqual({ type: ['Not a valid choice.'] });
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await api('/api/v1/data_sources', tokens.superuser, { method: 'POST', body: '{"name":' });
    expect(res.status).toBe(400);
  });

  it('refuses a non-superuser with 403 before looking at the body', async () => {
    const res = await api('/api/v1/data_sources', tokens.manager, { method: 'POST', body: {} });
    expect(res).toMatchObject({ status: 403, body: FORBIDDEN });
  });
});

describe('PATCH and PUT /api/v1/data_sources/{id}', () => {
  it('renames and retypes with a PATCH', async () => {
    const created = await newDataSource();
    const res = await api(`/api/v1/data_sources/${created.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { type: 'medical_device' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, type: 'medical_device' });
  });

  it('requires the name on PUT', async () => {
    const created = await newDataSource();
    const missing = await api(`/api/v1/data_sources/${created.id}`, tokens.superuser, {
      method: 'PUT',
      body: {},
    });
    expect(missing).toMatchObject({ status: 400, body: { name: ['This field is required.'] } });
    const name = `Renamed ${unique()}`;
    const res = await api(`/api/v1/data_sources/${created.id}`, tokens.superuser, {
      method: 'PUT',
      body: { name, type: 'patient_app' },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { id: created.id, name, type: 'patient_app', supportedScopes: [] },
    });
  });

  it('answers 404 for an unknown data source', async () => {
    const res = await api('/api/v1/data_sources/99999', tokens.superuser, {
      method: 'PATCH',
      body: { name: 'x' },
    });
    expect(res).toMatchObject({ status: 404, body: NO_DATA_SOURCE });
  });
});

describe('DELETE /api/v1/data_sources/{id}', () => {
  it('deletes the data source and keeps its observations, unlinked', async () => {
    const created = await newDataSource();
    const db = createDb(env.DB);
    const [observation] = await db
      .insert(observations)
      .values({ patientId: 40001, scopeCodeId: 50002, dataSourceId: created.id, omhData: '{}' })
      .returning({ id: observations.id });
    if (!observation) throw new Error('no observation');
    const res = await api(`/api/v1/data_sources/${created.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    const kept = await db.select().from(observations).where(eq(observations.id, observation.id)).get();
    expect(kept?.dataSourceId).toBeNull();
    expect((await api(`/api/v1/data_sources/${created.id}`, tokens.superuser)).status).toBe(404);
    await db.delete(observations).where(eq(observations.id, observation.id));
  });

  it('answers 404 for an unknown data source', async () => {
    const res = await api('/api/v1/data_sources/99999', tokens.superuser, { method: 'DELETE' });
    expect(res).toMatchObject({ status: 404, body: NO_DATA_SOURCE });
  });
});

describe('GET /api/v1/data_sources/all_scopes', () => {
  it('returns every scope as a plain array ordered by text', async () => {
    const res = await api<{ id: number; text: string }[]>('/api/v1/data_sources/all_scopes', tokens.patient);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const seeded = res.body.filter((s) => s.id <= 50016);
    expect(seeded.map((s) => s.id)).toEqual([
      50001, 50002, 50003, 50008, 50011, 50010, 50009, 50004, 50005, 50012, 50007, 50006, 50016, 50015, 50014,
      50013,
    ]);
    expect(seeded[1]).toEqual(BP);
  });
});

describe('POST /api/v1/data_sources/all_scopes', () => {
  it('creates an Open mHealth scope whose schema is bundled (snake_case body)', async () => {
    const res = await api<{ id: number }>('/api/v1/data_sources/all_scopes', tokens.superuser, {
      method: 'POST',
      body: { coding_system: OMH, coding_code: 'omh:body-height:1.0', text: 'Body height' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: res.body.id,
      codingSystem: OMH,
      codingCode: 'omh:body-height:1.0',
      text: 'Body height',
    });
    expect(res.body.id).toBeGreaterThan(50016);
  });

  it('accepts an IEEE code with a bundled schema and a non-OMH system as is (camelCase body)', async () => {
    const ieee = await api('/api/v1/data_sources/all_scopes', tokens.superuser, {
      method: 'POST',
      body: {
        codingSystem: 'https://w3id.org/ieee1752',
        codingCode: 'ieee:ambient-light:1.0',
        text: 'Ambient light',
      },
    });
    expect(ieee.status).toBe(201);
    const code = `Patient${unique()}`;
    const fhir = await api('/api/v1/data_sources/all_scopes', tokens.superuser, {
      method: 'POST',
      body: { codingSystem: 'http://hl7.org/fhir/resource-types', codingCode: code, text: 'FHIR thing' },
    });
    expect(fhir).toMatchObject({ status: 201, body: { codingCode: code } });
  });

  it('rejects an Open mHealth or IEEE code without a bundled schema with 400', async () => {
    for (const [system, code] of [
      [OMH, 'omh:not-a-measure:1.0'],
      [OMH, 'garbage'],
      ['https://w3id.org/ieee1752', 'ieee:not-a-measure:1.0'],
    ] as const) {
      const res = await api('/api/v1/data_sources/all_scopes', tokens.superuser, {
        method: 'POST',
        body: { codingSystem: system, codingCode: code, text: 'Nope' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ codingCode: [`No bundled Open mHealth schema for code "${code}".`] });
    }
  });

  it('answers 409 for an existing (system, code)', async () => {
    const res = await api('/api/v1/data_sources/all_scopes', tokens.superuser, {
      method: 'POST',
      body: { codingSystem: OMH, codingCode: 'omh:blood-pressure:4.0', text: 'Again' },
    });
    expect(res).toMatchObject({
      status: 409,
      body: { detail: 'A scope with this coding system and code already exists.' },
    });
  });

  it('answers a field map for missing fields', async () => {
    const res = await api('/api/v1/data_sources/all_scopes', tokens.superuser, {
      method: 'POST',
      body: { codingSystem: OMH },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ codingCode: ['This field is required.'], text: ['This field is required.'] });
  });
});

describe('/api/v1/data_sources/{id}/supported_scopes', () => {
  it('lists link rows with the data source and the scope', async () => {
    const res = await api<{ id: number }[]>('/api/v1/data_sources/70001/supported_scopes', tokens.member);
    expect(res.status).toBe(200);
    const dataSource = { id: 70001, name: 'CareX', type: 'personal_device' };
    expect(res.body).toEqual([
      { id: res.body[0]?.id, dataSource, scopeCode: BP },
      { id: res.body[1]?.id, dataSource, scopeCode: HR },
    ]);
  });

  it('adds and removes a supported scope (both casings), visible on the data source', async () => {
    const created = await newDataSource();
    const path = `/api/v1/data_sources/${created.id}/supported_scopes`;
    const added = await api<{ id: number }>(path, tokens.superuser, {
      method: 'POST',
      body: { scopeCodeId: 50004 },
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: added.body.id,
      dataSource: { id: created.id, name: created.name, type: 'personal_device' },
      scopeCode: HR,
    });
    await api(path, tokens.superuser, { method: 'POST', body: { scope_code_id: 50002 } });
    const shown = await api<DataSource>(`/api/v1/data_sources/${created.id}`, tokens.member);
    expect(shown.body.supportedScopes).toEqual([BP, HR]);
    const duplicate = await api(path, tokens.superuser, { method: 'POST', body: { scopeCodeId: 50004 } });
    expect(duplicate).toMatchObject({
      status: 409,
      body: { detail: 'This data source already supports this scope.' },
    });
    const removed = await api(path, tokens.superuser, { method: 'DELETE', body: { scope_code_id: 50004 } });
    expect(removed.status).toBe(204);
    expect(
      (await api<DataSource>(`/api/v1/data_sources/${created.id}`, tokens.member)).body.supportedScopes,
    ).toEqual([BP]);
  });

  it('answers 400 for a missing or unknown scopeCodeId', async () => {
    const created = await newDataSource();
    const path = `/api/v1/data_sources/${created.id}/supported_scopes`;
    const missing = await api(path, tokens.superuser, { method: 'POST', body: {} });
    expect(missing).toMatchObject({ status: 400, body: { scopeCodeId: ['This field is required.'] } });
    const unknown = await api(path, tokens.superuser, { method: 'POST', body: { scopeCodeId: 59999 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ scopeCodeId: ['Invalid pk "59999" - object does not exist.'] });
    const notInt = await api(path, tokens.superuser, { method: 'DELETE', body: { scopeCodeId: 'abc' } });
    expect(notInt).toMatchObject({ status: 400, body: { scopeCodeId: ['A valid integer is required.'] } });
  });

  it('answers 404 for an unknown data source', async () => {
    const path = '/api/v1/data_sources/99999/supported_scopes';
    expect(await api(path, tokens.member)).toMatchObject({ status: 404, body: NO_DATA_SOURCE });
    const post = await api(path, tokens.superuser, { method: 'POST', body: { scopeCodeId: 50002 } });
    expect(post).toMatchObject({ status: 404, body: NO_DATA_SOURCE });
  });
});
