import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedTestData } from '../../fixtures/seed';

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;
}

async function ids(table: string): Promise<number[]> {
  return (await rows(`SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id));
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('seedDemo (seed-document profile)', () => {
  beforeAll(async () => {
    await seedTestData();
  });

  it('creates the users of F.2 with their ids, kinds and identifiers', async () => {
    const users = await rows('SELECT id, email, user_type, is_superuser, identifier FROM users ORDER BY id');
    expect(users.map((u) => u.id)).toEqual(range(10001, 11));
    expect(users[0]).toEqual({
      id: 10001,
      email: 'sam@example.com',
      user_type: 'practitioner',
      is_superuser: 1,
      identifier: 'fhir-111',
    });
    expect(users[5]).toEqual({
      id: 10006,
      email: 'peter@example.com',
      user_type: 'patient',
      is_superuser: 0,
      identifier: 'fhir-666',
    });
    expect(users[9]?.identifier).toBe('fhir-000');
  });

  it('stores passwords as PBKDF2-SHA-256 hashes, never in clear', async () => {
    const [mary] = await rows("SELECT password_hash FROM users WHERE email = 'mary@example.com'");
    expect(String(mary?.password_hash)).toMatch(/^pbkdf2_sha256\$100000\$\w+\$[A-Za-z0-9+/]{43}=$/);
    expect(String(mary?.password_hash)).not.toContain('Jhe1234!');
  });

  it('creates practitioners 80001-80006 and patients 40001-40005 linked to their users', async () => {
    expect(await rows('SELECT id, user_id FROM practitioners ORDER BY id')).toEqual([
      { id: 80001, user_id: 10001 },
      { id: 80002, user_id: 10002 },
      { id: 80003, user_id: 10003 },
      { id: 80004, user_id: 10004 },
      { id: 80005, user_id: 10005 },
      { id: 80006, user_id: 10008 },
    ]);
    expect(
      await rows('SELECT id, user_id, name_family, birth_date, telecom_phone FROM patients WHERE id = 40001'),
    ).toEqual([
      {
        id: 40001,
        user_id: 10006,
        name_family: 'ThePatient',
        birth_date: '1980-01-01',
        telecom_phone: '347-111-1111',
      },
    ]);
    expect(await ids('patients')).toEqual(range(40001, 5));
  });

  it('creates ROOT and the organization tree of F.3', async () => {
    const orgs = await rows('SELECT id, name, type, part_of FROM organizations ORDER BY id');
    expect(orgs.map((o) => [o.id, o.part_of])).toEqual([
      [0, null],
      [20001, 0],
      [20002, 20001],
      [20003, 20002],
      [20004, 0],
      [20005, 20004],
      [20006, 20005],
      [20007, 20006],
      [20008, 20006],
    ]);
    expect(orgs[3]).toEqual({
      id: 20003,
      name: 'Berkeley Institute for Data Science (BIDS)',
      type: 'edu',
      part_of: 20002,
    });
  });

  it('creates the memberships of F.4 (none for the superuser)', async () => {
    const memberships = await rows(
      'SELECT practitioner_id AS p, organization_id AS o, role FROM practitioner_organizations ORDER BY p, o',
    );
    expect(memberships).toHaveLength(12);
    expect(memberships.filter((m) => m.p === 80005)).toEqual([
      { p: 80005, o: 20003, role: 'viewer' },
      { p: 80005, o: 20007, role: 'member' },
      { p: 80005, o: 20008, role: 'manager' },
    ]);
    expect(memberships.filter((m) => m.p === 80001)).toEqual([]);
    const [mark] = await rows('SELECT settings FROM practitioners WHERE id = 80006');
    expect(JSON.parse(String(mark?.settings))).toEqual({
      current_organization_id: 20007,
      current_study_id: 30004,
    });
  });

  it('creates studies, scope requests and data-source links of F.5', async () => {
    expect(await ids('studies')).toEqual(range(30001, 5));
    const requests = await rows(
      'SELECT study_id AS s, scope_code_id AS c FROM study_scope_requests ORDER BY s, c',
    );
    expect(requests).toEqual([
      { s: 30001, c: 50002 },
      { s: 30001, c: 50004 },
      { s: 30002, c: 50002 },
      { s: 30003, c: 50006 },
      { s: 30004, c: 50003 },
      { s: 30005, c: 50005 },
    ]);
    const links = await rows(
      'SELECT study_id AS s, data_source_id AS d FROM study_data_sources ORDER BY s, d',
    );
    expect(links.filter((l) => l.s === 30003)).toEqual([]);
    expect(links.filter((l) => l.s === 30004)).toEqual([{ s: 30004, d: 70003 }]);
  });

  it('enrols patients and records the consents of F.6, leaving Peter pending for 30002', async () => {
    const consents = await rows(`
      SELECT sp.patient_id AS p, sp.study_id AS s, c.scope_code_id AS code, c.consented
      FROM consents c JOIN study_patients sp ON sp.id = c.study_patient_id ORDER BY p, s, code`);
    expect(consents).toEqual([
      { p: 40001, s: 30001, code: 50002, consented: 1 },
      { p: 40001, s: 30001, code: 50004, consented: 1 },
      { p: 40002, s: 30001, code: 50002, consented: 1 },
      { p: 40002, s: 30001, code: 50004, consented: 1 },
      { p: 40002, s: 30002, code: 50002, consented: 1 },
      { p: 40003, s: 30004, code: 50003, consented: 1 },
      { p: 40004, s: 30005, code: 50005, consented: 1 },
      { p: 40005, s: 30003, code: 50006, consented: 1 },
      { p: 40005, s: 30005, code: 50005, consented: 1 },
    ]);
    expect(
      await rows('SELECT study_id FROM study_patients WHERE patient_id = 40001 ORDER BY study_id'),
    ).toEqual([{ study_id: 30001 }, { study_id: 30002 }]);
    expect(
      await rows('SELECT system, value FROM patient_identifiers WHERE patient_id = 40001 ORDER BY id'),
    ).toEqual([
      { system: 'https://openwearables.io/ns/patient-id', value: 'abc123' },
      { system: 'urn:oid:1.2.3.4', value: 'E1234' },
    ]);
  });

  it('creates the scopes of F.7 and the data sources of F.8', async () => {
    expect(await ids('codeable_concepts')).toEqual(range(50001, 16));
    expect(
      await rows(
        "SELECT coding_system, text FROM codeable_concepts WHERE coding_code = 'ieee:sleep-stage-summary:1.0'",
      ),
    ).toEqual([{ coding_system: 'https://w3id.org/ieee1752', text: 'Sleep stage summary' }]);
    expect(await rows('SELECT id, name, type FROM data_sources ORDER BY id')).toEqual([
      { id: 70001, name: 'CareX', type: 'personal_device' },
      { id: 70002, name: 'Dexcom', type: 'personal_device' },
      { id: 70003, name: 'iHealth', type: 'personal_device' },
      { id: 70004, name: 'Oura', type: 'personal_device' },
      { id: 70005, name: 'Questionnaire', type: 'patient_app' },
      { id: 70006, name: 'Patient Access API', type: 'medical_device' },
    ]);
  });

  it('creates the OAuth applications of F.9 with hashed secrets only', async () => {
    const clients = await rows(
      'SELECT id, name, client_id, client_type, grant_type, client_secret_hash, redirect_uris FROM oauth_clients ORDER BY id',
    );
    expect(clients.map((c) => [c.id, c.name, c.client_type, c.grant_type])).toEqual([
      [1, 'CareX', 'public', 'authorization-code'],
      [2, 'CommonHealth', 'public', 'authorization-code'],
      [3, 'Patient Access', 'public', 'authorization-code'],
      [4, 'JHE Admin UI', 'public', 'authorization-code'],
      [5, 'SoF EHR Launch', 'confidential', 'client-credentials'],
    ]);
    expect(clients[3]?.client_id).toBe('test-admin-ui-client-id');
    expect(clients[3]?.redirect_uris).toBe('http://localhost:8787/auth/callback');
    expect(clients[4]?.client_id).toBe('sof-ehr-launch');
    expect(String(clients[4]?.client_secret_hash)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('creates the settings of F.10', async () => {
    const settings = await rows('SELECT key, value_type, value FROM settings ORDER BY id');
    expect(settings).toHaveLength(16);
    expect(settings).toContainEqual({
      key: 'site.registration_invite_code',
      value_type: 'string',
      value: 'jhe',
    });
    expect(settings).toContainEqual({
      key: 'auth.patient.invitation_expiration_days',
      value_type: 'int',
      value: '7',
    });
  });

  it('creates the nine observations of F.11 as OMH data points without device or identifier', async () => {
    const observations = await rows(
      'SELECT id, patient_id, scope_code_id, data_source_id, omh_data, effective_start FROM observations ORDER BY id',
    );
    expect(observations.map((o) => [o.id, o.patient_id, o.scope_code_id])).toEqual([
      [60001, 40001, 50002],
      [60002, 40001, 50004],
      [60003, 40002, 50002],
      [60004, 40002, 50004],
      [60005, 40002, 50002],
      [60006, 40003, 50003],
      [60007, 40004, 50005],
      [60008, 40005, 50006],
      [60009, 40005, 50005],
    ]);
    expect(observations.every((o) => o.data_source_id === null)).toBe(true);
    expect(await rows('SELECT * FROM observation_identifiers')).toEqual([]);
    const first = JSON.parse(String(observations[0]?.omh_data));
    expect(first.header.schema_id).toEqual({ namespace: 'omh', name: 'blood-pressure', version: '4.0' });
    expect(first.body.effective_time_frame.date_time).toBe(observations[0]?.effective_start);
  });

  it('changes nothing when run again', async () => {
    const dump = async () =>
      Promise.all(
        [
          'users',
          'patients',
          'practitioners',
          'organizations',
          'consents',
          'observations',
          'oauth_clients',
          'settings',
        ].map((table) => rows(`SELECT * FROM ${table} ORDER BY id`)),
      );
    const before = await dump();
    const report = await seedTestData();
    expect(Object.values(report).every((n) => n === 0)).toBe(true);
    expect(await dump()).toEqual(before);
  });

  it('continues each id block after the seeded rows', async () => {
    const next = async (table: string, columns: string, values: string) => {
      const row = await env.DB.prepare(
        `INSERT INTO ${table} (${columns}) VALUES (${values}) RETURNING id`,
      ).first<{ id: number }>();
      return row?.id;
    };
    expect(await next('users', 'email', "'new-user@example.com'")).toBe(10012);
    expect(await next('organizations', 'name, type, part_of', "'New Org', 'edu', 0")).toBe(20009);
    expect(await next('studies', 'name, organization_id', "'New Study', 20003")).toBe(30006);
    expect(await next('patients', 'name_family', "'New'")).toBe(40006);
    expect(await next('codeable_concepts', 'coding_system, coding_code', "'s', 'c'")).toBe(50017);
    expect(await next('data_sources', 'name', "'New Device'")).toBe(70007);
    expect(await next('observations', 'patient_id, scope_code_id, omh_data', "40001, 50002, '{}'")).toBe(
      60010,
    );
  });
});
