import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { entryIds, seededIds } from '../fixtures/fhir-tenant';
import { seedTestData } from '../fixtures/seed';

const BASE = '/fhir/r5';
const JHE = 'https://jupyterhealth.org/jhe';
const MODEL = 'https://jupyterhealth.org/fhir/CodeSystem/model';

/** The highest seeded id of each type (other test files may add rows to the shared database). */
const SEEDED_MAX: Record<string, number> = {
  Group: 30005,
  Device: 70006,
  Organization: 20008,
  Practitioner: 80006,
};

let tokens: Record<Actor, string>;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

async function search(actor: Actor, type: string, query = '') {
  const res = await api(`${BASE}/${type}${query}`, tokens[actor]);
  expect(res.status).toBe(200);
  return seededIds(entryIds(res.body), SEEDED_MAX[type] ?? 0);
}

const forbidden = (diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'forbidden', diagnostics }],
});

describe('Group (study)', () => {
  it('reads a study of the caller’s organization', async () => {
    const res = await api(`${BASE}/Group/30001`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'Group',
      id: '30001',
      meta: { lastUpdated: expect.any(String), source: JHE },
      name: 'BIDS Study on BP & HR',
      description: 'Blood Pressure & Heart Rate',
      type: { coding: [{ system: MODEL, code: 'study' }] },
      membership: 'enumerated',
    });
  });

  it('returns 404 for a study of another organization (mark cannot read 30001)', async () => {
    const res = await api(`${BASE}/Group/30001`, tokens.outsider);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Group/30001 not found.' }],
    });
  });

  it('lists the studies of the caller’s organizations by name (direct membership only)', async () => {
    expect(await search('manager', 'Group')).toEqual(['30002', '30001']);
    expect(await search('outsider', 'Group')).toEqual(['30003', '30004']);
    expect(await search('superuser', 'Group')).toEqual([]);
  });

  it('shows a patient the studies they are enrolled in, ignoring relationship filters', async () => {
    expect(await search('patient', 'Group')).toEqual(['30002', '30001']);
    expect(await search('patient', 'Group', '?patient=40003')).toEqual(['30002', '30001']);
    expect(await search('percy', 'Group')).toEqual(['30004']);
    expect((await api(`${BASE}/Group/30004`, tokens.patient)).status).toBe(404);
    expect((await api(`${BASE}/Group/30004`, tokens.percy)).status).toBe(200);
  });

  it('filters by _id, patient, patient.organization and study', async () => {
    expect(await search('manager', 'Group', '?_id=30001')).toEqual(['30001']);
    expect(await search('manager', 'Group', '?_id=abc')).toEqual([]);
    expect(await search('tom', 'Group', '?patient=40004')).toEqual(['30005']);
    expect(await search('tom', 'Group', '?patient.organization=20007')).toEqual(['30004']);
    expect(await search('manager', 'Group', '?patient._has:Group:member:_id=30002')).toEqual(['30002']);
  });

  it('returns 403 for a patient, organization or study filter the practitioner may not access', async () => {
    const patient = await api(`${BASE}/Group?patient=40003`, tokens.manager);
    expect(patient.status).toBe(403);
    expect(patient.body).toEqual(forbidden("Current user doesn't have access to the Patient."));
    const org = await api(`${BASE}/Group?patient.organization=20007`, tokens.manager);
    expect(org.status).toBe(403);
    expect(org.body).toEqual(forbidden('Current User is not a member of this Organization.'));
    const study = await api(`${BASE}/Group?patient._has:Group:member:_id=30004`, tokens.manager);
    expect(study.status).toBe(403);
    expect(study.body).toEqual(forbidden('Current User does not have authorization to access this Study.'));
  });
});

describe('Device (data source)', () => {
  it('reads a data source of the caller’s studies', async () => {
    const res = await api(`${BASE}/Device/70001`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'Device',
      id: '70001',
      meta: { source: JHE },
      name: 'CareX',
      type: [{ coding: [{ system: MODEL, code: 'data-source' }] }],
    });
  });

  it('lists the data sources of the caller’s studies', async () => {
    expect(await search('manager', 'Device')).toEqual(['70001', '70005']);
    expect(await search('outsider', 'Device')).toEqual(['70003']);
    expect(await search('patient', 'Device')).toEqual(['70001', '70005']);
    expect(await search('percy', 'Device')).toEqual(['70003']);
  });

  it('returns 404 for a data source outside the caller’s studies', async () => {
    expect((await api(`${BASE}/Device/70001`, tokens.outsider)).status).toBe(404);
    expect((await api(`${BASE}/Device/70004`, tokens.manager)).status).toBe(404);
  });

  it('filters by _id; _lastUpdated matches nothing (data sources have no update time)', async () => {
    expect(await search('manager', 'Device', '?_id=70005')).toEqual(['70005']);
    expect(await search('manager', 'Device', '?_lastUpdated=ge2000-01-01')).toEqual([]);
  });
});

describe('Organization', () => {
  it('reads one of the caller’s organizations', async () => {
    const res = await api(`${BASE}/Organization/20003`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'Organization',
      id: '20003',
      meta: { source: JHE },
      name: 'Berkeley Institute for Data Science (BIDS)',
      type: [{ coding: [{ system: MODEL, code: 'organization' }] }],
      partOf: { reference: 'Organization/20002' },
    });
  });

  it('renders a top-level organization without partOf', async () => {
    const res = await api(`${BASE}/Organization/20001`, tokens.manager);
    expect(res.body).not.toHaveProperty('partOf');
  });

  it('lists the caller’s direct organizations by name; filters by name', async () => {
    expect(await search('manager', 'Organization')).toEqual(['20003', '20002', '20001']);
    expect(await search('manager', 'Organization', '?name=univ')).toEqual(['20001']);
    expect(await search('patient', 'Organization')).toEqual(['20003']);
    expect(await search('outsider', 'Organization')).toEqual(['20006', '20005', '20007', '20004']);
  });

  it('returns 404 for an organization the caller does not belong to', async () => {
    expect((await api(`${BASE}/Organization/20004`, tokens.manager)).status).toBe(404);
    expect((await api(`${BASE}/Organization/20007`, tokens.patient)).status).toBe(404);
  });
});

describe('Practitioner', () => {
  it('reads a practitioner sharing an organization', async () => {
    const res = await api(`${BASE}/Practitioner/80003`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'Practitioner',
      id: '80003',
      meta: { lastUpdated: expect.any(String), source: JHE },
      identifier: [{ value: 'fhir-333' }],
      name: [{ family: 'Chen', given: ['Megan'] }],
    });
  });

  it('lists practitioners sharing an organization by family name; a patient sees those of their organizations', async () => {
    expect(await search('manager', 'Practitioner')).toEqual(['80005', '80003', '80002', '80004']);
    expect(await search('patient', 'Practitioner')).toEqual(['80005', '80003', '80002', '80004']);
    expect(await search('percy', 'Practitioner')).toEqual(['80005', '80006']);
    // A superuser without memberships sees only themself.
    expect(await search('superuser', 'Practitioner')).toEqual(['80001']);
  });

  it('filters by name and identifier', async () => {
    expect(await search('manager', 'Practitioner', '?name=lop')).toEqual(['80002']);
    expect(await search('manager', 'Practitioner', '?name=meg')).toEqual(['80003']);
    expect(await search('manager', 'Practitioner', '?identifier=fhir-333')).toEqual(['80003']);
    expect(await search('manager', 'Practitioner', '?identifier=fhir-666')).toEqual([]);
  });

  it('returns 404 for a practitioner of another organization', async () => {
    expect((await api(`${BASE}/Practitioner/80006`, tokens.manager)).status).toBe(404);
    expect((await api(`${BASE}/Practitioner/80006`, tokens.outsider)).status).toBe(200);
  });
});
