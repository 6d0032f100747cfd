import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { makeConsentingPatient, type ConsentingPatient } from '../fixtures/builders';
import { countStatements } from '../fixtures/count-queries';
import { bloodPressurePoint, bundle, observation } from '../fixtures/fhir';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface SearchBundle {
  resourceType: 'Bundle';
  type: string;
  total: number;
  entry: { resource: { id: string; effectiveDateTime?: string; code: { coding: { code: string }[] } } }[];
  link: { relation: string; url: string }[];
}

let tokens: Record<Actor, string>;
let subject: ConsentingPatient;
let subjectToken: string;

const search = (path: string, token: string) => api<SearchBundle>(path, token);
const ids = (b: SearchBundle) => b.entry.map((e) => e.resource.id);
const next = (b: SearchBundle) => b.link.find((l) => l.relation === 'next')?.url;

async function upload(token: string, patientId: number, points: { effective: string; code?: string }[]) {
  for (let i = 0; i < points.length; i += 500) {
    const part = points.slice(i, i + 500).map((p) =>
      observation({
        patientId,
        code: p.code ?? 'omh:blood-pressure:4.0',
        data: p.code === 'omh:heart-rate:2.0' ? heartRate(p.effective) : bloodPressurePoint(p.effective),
      }),
    );
    const res = await api<{ entry: { response: { status: string } }[] }>('/fhir/r5/', token, {
      method: 'POST',
      body: bundle(part),
    });
    expect(res.body.entry.every((e) => e.response.status === '201 Created')).toBe(true);
  }
}

function heartRate(effective: string) {
  return { heart_rate: { value: 61, unit: 'beats/min' }, effective_time_frame: { date_time: effective } };
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  subject = await makeConsentingPatient({ nameFamily: 'Searchable' });
  subjectToken = await accessTokenFor(subject.userId);
  await upload(subjectToken, subject.patientId, [
    { effective: '2025-03-01T10:00:00Z' },
    { effective: '2025-03-02T10:00:00Z' },
    { effective: '2025-03-02T23:30:00-08:00' },
    { effective: '2025-03-05T10:00:00Z', code: 'omh:heart-rate:2.0' },
  ]);
});

describe('GET /Observation search parameters (D.3, D.4)', () => {
  const base = () => `/FHIR/R5/Observation?patient=${subject.patientId}`;

  it('returns a searchset Bundle with total, entry and self link, newest first', async () => {
    const { status, body } = await search(base(), tokens.manager);
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 4 });
    expect(body.link).toEqual([{ relation: 'self', url: `http://localhost${base()}` }]);
    expect(ids(body).map(Number)).toEqual([...ids(body).map(Number)].sort((a, b) => b - a));
  });

  it('filters by code with and without system', async () => {
    expect(
      (await search(`${base()}&code=https://w3id.org/openmhealth|omh:heart-rate:2.0`, tokens.manager)).body
        .total,
    ).toBe(1);
    expect((await search(`${base()}&code=omh:blood-pressure:4.0`, tokens.manager)).body.total).toBe(3);
    expect((await search(`${base()}&code=other|omh:blood-pressure:4.0`, tokens.manager)).body.total).toBe(0);
  });

  it('filters by date: a bare day is that UTC day, prefixes bound, repeats AND', async () => {
    const dates = async (query: string) =>
      (await search(`${base()}&${query}`, tokens.manager)).body.entry
        .map((e) => e.resource.effectiveDateTime)
        .sort();
    expect(await dates('date=2025-03-02')).toEqual(['2025-03-02T10:00:00.000Z']);
    expect(await dates('date=ge2025-03-02&date=lt2025-03-05')).toEqual([
      '2025-03-02T10:00:00.000Z',
      '2025-03-03T07:30:00.000Z',
    ]);
    expect(await dates('date=gt2025-03-03T07:30:00Z')).toEqual(['2025-03-05T10:00:00.000Z']);
    const invalid = await search(`${base()}&date=yesterday`, tokens.manager);
    expect(invalid.status).toBe(400);
  });

  it('sorts by date either way with undated rows last and id as the tie-breaker', async () => {
    const asc = await search(`${base()}&_sort=date`, tokens.manager);
    expect(asc.body.entry.map((e) => e.resource.effectiveDateTime)).toEqual([
      '2025-03-01T10:00:00.000Z',
      '2025-03-02T10:00:00.000Z',
      '2025-03-03T07:30:00.000Z',
      '2025-03-05T10:00:00.000Z',
    ]);
    const desc = await search(`${base()}&_sort=-date`, tokens.manager);
    expect(desc.body.entry.map((e) => e.resource.effectiveDateTime)).toEqual(
      asc.body.entry.map((e) => e.resource.effectiveDateTime).reverse(),
    );
  });

  it('answers _summary=count with the total only, and _id=abc with an empty Bundle', async () => {
    const summary = await search(`${base()}&_summary=count`, tokens.manager);
    expect(summary.body).toMatchObject({ total: 4, entry: [] });
    expect(summary.body.link).toHaveLength(1);
    const bad = await search('/FHIR/R5/Observation?_id=abc', tokens.manager);
    expect(bad.body).toMatchObject({ total: 0, entry: [] });
  });

  it('filters by study, patient identifier and organization', async () => {
    expect(
      (
        await search(
          `/FHIR/R5/Observation?patient._has:Group:member:_id=30001&patient=${subject.patientId}`,
          tokens.manager,
        )
      ).body.total,
    ).toBe(4);
    expect(
      (
        await search(
          `/FHIR/R5/Observation?patient._has:_group:member:_id=30002&patient=${subject.patientId}`,
          tokens.manager,
        )
      ).body.total,
    ).toBe(0);
    expect(
      (
        await search(
          '/FHIR/R5/Observation?patient.identifier=urn:oid:1.2.3.4|E1234&_summary=count',
          tokens.manager,
        )
      ).body.total,
    ).toBeGreaterThan(0);
    expect(
      (
        await search(
          `/FHIR/R5/Observation?patient.organization=20003&patient=${subject.patientId}`,
          tokens.manager,
        )
      ).body.total,
    ).toBe(4);
  });

  it('answers 403 for a study or organization of another organization (E.4)', async () => {
    expect(
      (await search('/FHIR/R5/Observation?patient._has:Group:member:_id=30004', tokens.manager)).status,
    ).toBe(403);
    expect((await search('/FHIR/R5/Observation?patient.organization=20007', tokens.manager)).status).toBe(
      403,
    );
  });

  it("shows nothing of a patient outside the caller's studies", async () => {
    expect((await search(`${base()}`, tokens.outsider)).body.total).toBe(0);
    expect((await search('/FHIR/R5/Observation', tokens.superuser)).body.total).toBe(0);
  });

  it('ignores filters for a patient caller and shows only their own data (D.10)', async () => {
    const own = await search('/FHIR/R5/Observation?patient=40001&_count=1000', subjectToken);
    expect(own.body.total).toBe(4);
    expect(own.body.entry.every((e) => Number(e.resource.id) > 60009)).toBe(true);
  });

  it('reads one observation and hides invisible ones as 404 (D.5)', async () => {
    const [first] = ids((await search(base(), tokens.manager)).body);
    expect((await api(`/FHIR/R5/Observation/${first}`, tokens.member)).status).toBe(200);
    expect((await api(`/FHIR/R5/Observation/${first}`, tokens.outsider)).status).toBe(404);
    expect((await api('/FHIR/R5/Observation/xyz', tokens.member)).status).toBe(404);
  });

  it("lets a patient read their own observation by id and nobody else's", async () => {
    expect((await api('/FHIR/R5/Observation/60001', tokens.patient)).body).toMatchObject({ id: '60001' });
    expect((await api('/FHIR/R5/Observation/60003', tokens.patient)).status).toBe(404);
    const own = await search('/FHIR/R5/Observation?_id=60003,60002', tokens.patient);
    expect(ids(own.body)).toEqual(['60002']);
  });
});

describe('consent as authorization on reads (E.5)', () => {
  it("hides a study's data at once when consent is revoked and restores it on re-consent", async () => {
    const patient = await makeConsentingPatient();
    const token = await accessTokenFor(patient.userId);
    await upload(token, patient.patientId, [{ effective: '2025-04-01T10:00:00Z' }]);
    const visible = async () =>
      (await search(`/FHIR/R5/Observation?patient=${patient.patientId}&_summary=count`, tokens.manager)).body
        .total;
    const revoke = (consented: boolean) =>
      api(`/api/v1/patients/${patient.patientId}/consents`, token, {
        method: 'PATCH',
        body: {
          studyScopeConsents: [
            {
              studyId: 30001,
              scopeConsents: [
                {
                  codingSystem: 'https://w3id.org/openmhealth',
                  codingCode: 'omh:blood-pressure:4.0',
                  consented,
                },
              ],
            },
          ],
        },
      });
    expect(await visible()).toBe(1);
    expect((await revoke(false)).status).toBe(200);
    expect(await visible()).toBe(0);
    expect((await api(`/FHIR/R5/Observation?patient=${patient.patientId}`, token)).body).toMatchObject({
      total: 1,
    });
    expect((await revoke(true)).status).toBe(200);
    expect(await visible()).toBe(1);
  });
});

describe('keyset paging (A.6)', () => {
  let pager: ConsentingPatient;
  beforeAll(async () => {
    pager = await makeConsentingPatient({ nameFamily: 'Pager' });
    const token = await accessTokenFor(pager.userId);
    const start = Date.UTC(2024, 0, 1);
    await upload(
      token,
      pager.patientId,
      Array.from({ length: 2500 }, (_, i) => ({ effective: new Date(start + i * 60_000).toISOString() })),
    );
  });

  it('reads 2,500 observations as the notebook client does, with no duplicate and no gap, while data arrives', async () => {
    const client = (url: string) =>
      SELF.fetch(url, { headers: bearer(tokens.manager) }).then((r) => r.json() as Promise<SearchBundle>);
    const token = await accessTokenFor(pager.userId);
    let url: string | undefined =
      `http://localhost/FHIR/R5/Observation?patient._has:Group:member:_id=30001&patient=${pager.patientId}&code=https://w3id.org/openmhealth|omh:blood-pressure:4.0&_count=1000`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const page: SearchBundle = await client(url);
      expect(page.entry).toBeDefined();
      expect(page.total).toBe(2500);
      seen.push(...ids(page));
      pages += 1;
      // New data arriving between pages must not shift the pages being read.
      if (pages === 1)
        await upload(token, pager.patientId, [
          { effective: '2030-01-01T00:00:00Z' },
          { effective: '2030-01-02T00:00:00Z' },
        ]);
      url = next(page);
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(2500);
  });

  it('pages by cursor, not OFFSET: a late page runs the same statements as the first', async () => {
    const first = await countStatements(`/FHIR/R5/Observation?patient=${pager.patientId}&_count=100`, {
      headers: bearer(tokens.manager),
    });
    const firstBody = first.body as SearchBundle;
    let url = next(firstBody);
    for (let i = 0; i < 10 && url; i++)
      url = next((await search(url.replace('http://localhost', ''), tokens.manager)).body);
    expect(url).toBeDefined();
    const late = await countStatements(String(url).replace('http://localhost', ''), {
      headers: bearer(tokens.manager),
    });
    const shape = (s: string[]) =>
      s.filter((q) => !q.includes('token_revocations') && !q.includes('count(*)'));
    expect(shape(late.statements)).toHaveLength(shape(first.statements).length);
    expect(late.statements.join('\n')).not.toMatch(/offset \?/i);
  });

  it('pages the notebook read per consented pair and agrees with the generic query', async () => {
    const base = `/FHIR/R5/Observation?patient._has:Group:member:_id=30001&_count=300`;
    const merged = await countStatements(base, { headers: bearer(tokens.manager) });
    expect(merged.statements.some((q) => q.includes('UNION ALL'))).toBe(true);
    // A per-row filter (any _lastUpdated bound) takes the generic path over the same rows.
    const readAll = async (first: string) => {
      const seen: string[] = [];
      let url: string | undefined = first;
      while (url) {
        const page: SearchBundle = (await search(url.replace('http://localhost', ''), tokens.manager)).body;
        seen.push(...ids(page));
        url = next(page);
      }
      return seen;
    };
    const viaPairs = await readAll(base);
    const generic = await readAll(`${base}&_lastUpdated=ge2000-01-01`);
    expect(viaPairs.length).toBeGreaterThan(2500);
    expect(viaPairs).toEqual(generic);
    const ascending = await readAll(`${base}&_sort=_lastUpdated`);
    expect(ascending).toEqual([...generic].reverse());
  });

  it('refuses a cursor made for another sort', async () => {
    const first = await search(`/FHIR/R5/Observation?patient=${pager.patientId}&_count=10`, tokens.manager);
    const cursor = new URL(String(next(first.body))).searchParams.get('_cursor');
    const res = await search(
      `/FHIR/R5/Observation?patient=${pager.patientId}&_count=10&_sort=date&_cursor=${cursor}`,
      tokens.manager,
    );
    expect(res.status).toBe(400);
    const garbage = await search(`/FHIR/R5/Observation?_cursor=%%%`, tokens.manager);
    expect(garbage.status).toBe(400);
  });
});

describe('seed data', () => {
  it('is readable by Mary through the study of Peter', async () => {
    const res = await search(
      '/fhir/r5/Observation?patient._has:Group:member:_id=30001&patient=40001&code=https://w3id.org/openmhealth|omh:blood-pressure:4.0',
      tokens.manager,
    );
    expect(ids(res.body)).toContain('60001');
    void env;
  });
});
