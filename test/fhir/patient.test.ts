import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, type ApiResponse } from '../fixtures/api';
import { countStatements } from '../fixtures/count-queries';
import { entryIds, makeTenant, seededIds, type OwnTenant } from '../fixtures/fhir-tenant';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

const BASE = '/fhir/r5';
const JHE = 'https://jupyterhealth.org/jhe';

const PETER = {
  resourceType: 'Patient',
  id: '40001',
  meta: { lastUpdated: expect.any(String), source: JHE },
  identifier: [
    { system: 'https://openwearables.io/ns/patient-id', value: 'abc123' },
    { system: 'urn:oid:1.2.3.4', value: 'E1234' },
  ],
  name: [{ family: 'ThePatient', given: ['Peter'] }],
  birthDate: '1980-01-01',
  telecom: [
    { system: 'phone', value: '347-111-1111', use: 'mobile' },
    { system: 'email', value: 'peter@example.com', use: 'home' },
  ],
};

const outcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, diagnostics }],
});

interface SearchBundle {
  total: number;
  link: { relation: string; url: string }[];
}

let tokens: Record<Actor, string>;
let tenant: OwnTenant;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  tenant = await makeTenant(['Cole', 'Adams', 'Baker', 'Adams', 'Evans']);
});

/** Seeded patient ids (40001-40005) of a search by `actor`. */
async function seededSearch(actor: Actor, query: string) {
  const res = await api(`${BASE}/Patient${query}`, tokens[actor]);
  expect(res.status).toBe(200);
  return seededIds(entryIds(res.body), 40005);
}

describe('GET /fhir/r5/Patient/{id}', () => {
  it('renders the D.2 shape', async () => {
    const res = await api(`${BASE}/Patient/40001`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(PETER);
  });

  it('omits empty values (no identifier key when none)', async () => {
    const res = await api(`${BASE}/Patient/40002`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'Patient',
      id: '40002',
      meta: { lastUpdated: expect.any(String), source: JHE },
      name: [{ family: 'Nguyen', given: ['Pamela'] }],
      birthDate: '1985-02-02',
      telecom: [
        { system: 'phone', value: '347-222-2222', use: 'mobile' },
        { system: 'email', value: 'pamela@example.com', use: 'home' },
      ],
    });
  });

  it('returns 404 for a patient of another organization', async () => {
    const res = await api(`${BASE}/Patient/40001`, tokens.outsider);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(outcome('not-found', 'Patient/40001 not found.'));
  });

  it('returns 404 for a malformed or unknown id', async () => {
    expect((await api(`${BASE}/Patient/abc`, tokens.manager)).status).toBe(404);
    expect((await api(`${BASE}/Patient/99999999`, tokens.manager)).status).toBe(404);
  });

  it('lets a patient read themself only', async () => {
    expect((await api(`${BASE}/Patient/40001`, tokens.patient)).body).toEqual(PETER);
    expect((await api(`${BASE}/Patient/40002`, tokens.patient)).status).toBe(404);
  });

  it('needs a bearer token', async () => {
    const res = await api(`${BASE}/Patient/40001`, null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(outcome('login', 'Authentication credentials were not provided.'));
  });
});

describe('GET /fhir/r5/Patient', () => {
  it('without parameters returns the patients sharing an organization, by family name then id', async () => {
    expect(await seededSearch('manager', '')).toEqual(['40002', '40001']);
    expect(await seededSearch('outsider', '')).toEqual(['40005', '40003']);
    expect(await seededSearch('tom', '')).toEqual(['40005', '40002', '40003', '40004', '40001']);
    expect(await seededSearch('superuser', '')).toEqual([]);
  });

  it('answers a Bundle with entry and link even when empty', async () => {
    const res = await api(`${BASE}/Patient?family=Nobody`, tokens.manager);
    expect(res.body).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 0,
      entry: [],
      link: [{ relation: 'self', url: 'http://localhost/fhir/r5/Patient?family=Nobody' }],
      meta: {},
    });
  });

  it.each([
    ['_has:Group:member:_id=30001', '[S]'],
    ['patient._has:Group:member:_id=30001', '[U]'],
    ['patient._has:_group:member:_id=30001', 'mangled spelling'],
    ['_has:Group:member:_id=Group/30001', 'reference form'],
  ])('filters by study with %s (%s)', async (query) => {
    expect(await seededSearch('manager', `?${query}`)).toEqual(['40002', '40001']);
  });

  it('filters by the study exactly (own tenant)', async () => {
    const res = await api(`${BASE}/Patient?_has:Group:member:_id=${tenant.studyId}`, tenant.token);
    expect(res.body).toMatchObject({ total: 5 });
    expect(entryIds(res.body)).toEqual(tenant.patientIds.map(String));
  });

  it('returns 403 for a study of another organization, or one that does not exist (A.8)', async () => {
    for (const study of [30004, 39999]) {
      const res = await api(`${BASE}/Patient?_has:Group:member:_id=${study}`, tokens.manager);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(
        outcome('forbidden', 'Current User does not have authorization to access this Study.'),
      );
    }
  });

  it('returns 403 for an organization filter the practitioner is not a member of', async () => {
    const res = await api(`${BASE}/Patient?patient.organization=20007`, tokens.manager);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(outcome('forbidden', 'Current User is not a member of this Organization.'));
    expect(await seededSearch('manager', '?patient.organization=20003')).toEqual(['40002', '40001']);
    expect(await seededSearch('tom', '?patient.organization=20008')).toEqual(['40005', '40004']);
  });

  it('returns 403 for a patient filter the practitioner may not access', async () => {
    const res = await api(`${BASE}/Patient?patient=40003`, tokens.manager);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(outcome('forbidden', "Current user doesn't have access to the Patient."));
    expect(await seededSearch('manager', '?patient=40001')).toEqual(['40001']);
    expect(await seededSearch('manager', '?patient=Patient/40002')).toEqual(['40002']);
  });

  it('filters by identifier system|value, by value alone, and by the patient.identifier alias', async () => {
    expect(await seededSearch('manager', '?identifier=urn:oid:1.2.3.4|E1234')).toEqual(['40001']);
    expect(await seededSearch('manager', '?identifier=E1234')).toEqual(['40001']);
    expect(
      await seededSearch('manager', '?patient.identifier=https://openwearables.io/ns/patient-id|abc123'),
    ).toEqual(['40001']);
  });

  it('answers an empty Bundle for an identifier that matches nothing (system compared too)', async () => {
    for (const query of ['identifier=urn:oid:9.9|E1234', 'identifier=unknown-value']) {
      const res = await api(`${BASE}/Patient?${query}`, tokens.manager);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 0, entry: [] });
    }
  });

  it('filters by family, given and name (case-insensitive starts-with)', async () => {
    expect(await seededSearch('manager', '?family=thep')).toEqual(['40001']);
    expect(await seededSearch('manager', '?given=PAM')).toEqual(['40002']);
    expect(await seededSearch('manager', '?name=ngu')).toEqual(['40002']);
    expect(await seededSearch('manager', '?name=pet')).toEqual(['40001']);
    expect(await seededSearch('manager', '?family=the%25')).toEqual([]);
  });

  it('filters by birthdate with prefixes; a bare date is that day', async () => {
    expect(await seededSearch('manager', '?birthdate=1980-01-01')).toEqual(['40001']);
    expect(await seededSearch('manager', '?birthdate=ge1985-01-01')).toEqual(['40002']);
    expect(await seededSearch('manager', '?birthdate=lt1981')).toEqual(['40001']);
    expect(await seededSearch('manager', '?birthdate=gt1980-01-01&birthdate=le1985-02-02')).toEqual([
      '40002',
    ]);
  });

  it('returns 400 for an invalid date', async () => {
    const res = await api(`${BASE}/Patient?birthdate=yesterday`, tokens.manager);
    expect(res.status).toBe(400);
    const lastUpdated = await api(`${BASE}/Patient?_lastUpdated=soon`, tokens.manager);
    expect(lastUpdated.status).toBe(400);
  });

  it('filters by _id; a malformed _id is an empty Bundle', async () => {
    expect(await seededSearch('manager', '?_id=40002')).toEqual(['40002']);
    const res = await api(`${BASE}/Patient?_id=abc`, tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 0, entry: [] });
  });

  it('filters by _lastUpdated (also spelled _last_updated)', async () => {
    expect(await seededSearch('manager', '?_lastUpdated=ge2000-01-01')).toEqual(['40002', '40001']);
    expect(await seededSearch('manager', '?_last_updated=lt2000-01-01')).toEqual([]);
  });

  it('answers an empty Bundle for a _source other than JHE-native records', async () => {
    expect(await seededSearch('manager', '?_source=https://example.org')).toEqual([]);
    expect(await seededSearch('manager', `?_source=${JHE}`)).toEqual(['40002', '40001']);
  });

  it('shows a patient only themself and ignores their filters (D.10)', async () => {
    const res = await api(
      `${BASE}/Patient?_id=40002&family=Nguyen&_has:Group:member:_id=30004`,
      tokens.patient,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, entry: [{ resource: PETER }] });
  });

  it('answers _summary=count with the total, no entries and only a self link', async () => {
    const url = `${BASE}/Patient?_has:Group:member:_id=${tenant.studyId}&_summary=count`;
    const res = await api(url, tenant.token);
    expect(res.body).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 5,
      entry: [],
      link: [{ relation: 'self', url: `http://localhost${url}` }],
      meta: {},
    });
  });

  it('accepts POST /Patient/_search with the parameters in the URL or a form body', async () => {
    const inUrl = await api(`${BASE}/Patient/_search?family=thep`, tokens.manager, { method: 'POST' });
    expect(seededIds(entryIds(inUrl.body), 40005)).toEqual(['40001']);
    const res = await postForm(`${BASE}/Patient/_search`, tokens.manager, 'given=pam');
    expect(seededIds(entryIds(res), 40005)).toEqual(['40002']);
  });
});

async function postForm(path: string, token: string, form: string): Promise<unknown> {
  const res = await SELF.fetch(`http://localhost${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe('Patient search paging', () => {
  it('pages by keyset: next links followed verbatim cover every row once, in order', async () => {
    let url: string | undefined = `${BASE}/Patient?patient.organization=${tenant.organizationId}&_count=2`;
    const pages: string[][] = [];
    const totals: number[] = [];
    while (url) {
      const res: ApiResponse<SearchBundle> = await api<SearchBundle>(url, tenant.token);
      expect(res.status).toBe(200);
      pages.push(entryIds(res.body));
      totals.push(res.body.total);
      const next: string | undefined = res.body.link.find((l) => l.relation === 'next')?.url;
      url = next?.replace('http://localhost', '');
    }
    expect(pages).toEqual([
      tenant.patientIds.slice(0, 2).map(String),
      tenant.patientIds.slice(2, 4).map(String),
      tenant.patientIds.slice(4).map(String),
    ]);
    expect(totals).toEqual([5, 5, 5]);
  });

  it('pages by _lastUpdated when sorted so, with a cursor bound to that sort', async () => {
    const first = await api<{ link: { relation: string; url: string }[] }>(
      `${BASE}/Patient?patient.organization=${tenant.organizationId}&_count=3&_sort=-_lastUpdated`,
      tenant.token,
    );
    const next = first.body.link.find((l) => l.relation === 'next')?.url ?? '';
    const second = await api(next.replace('http://localhost', ''), tenant.token);
    const ids = [...entryIds(first.body), ...entryIds(second.body)];
    expect(new Set(ids).size).toBe(5);
    // The cursor is bound to its sort: reusing it under another order is a 400.
    const reused = await api(
      next.replace('http://localhost', '').replace('_sort=-_lastUpdated', '_sort=_lastUpdated'),
      tenant.token,
    );
    expect(reused.status).toBe(400);
  });

  it('reads a 1-row page and a 5-row page with the same number of statements', async () => {
    const path = (count: number) =>
      `${BASE}/Patient?patient.organization=${tenant.organizationId}&_count=${count}`;
    const init = { headers: bearer(tenant.token) };
    const one = await countStatements(path(1), init);
    const five = await countStatements(path(5), init);
    expect(one.status).toBe(200);
    expect(entryIds(five.body)).toHaveLength(5);
    expect(five.statements.length).toBe(one.statements.length);
  });
});
