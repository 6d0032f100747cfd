/**
 * Every call the real `jupyterhealth-client` v0.4.0 makes (API.md Appendix A), with the fields it
 * reads, against the seeded server.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../fixtures/api';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

let token: string;
beforeAll(async () => {
  await seedTestData();
  token = await accessTokenFor(10002);
});

/** The client follows absolute `next` URLs verbatim and reads `results`. */
async function allPages(path: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let url: string | null = `http://localhost${path}`;
  while (url) {
    const res: Response = await SELF.fetch(url, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { results: Record<string, unknown>[]; next: string | null };
    rows.push(...page.results);
    url = page.next;
  }
  return rows;
}

describe('jupyterhealth-client v0.4.0 (Appendix A)', () => {
  it('get_user', async () => {
    expect((await api('/api/v1/users/profile', token)).body).toMatchObject({
      id: 10002,
      email: 'mary@example.com',
    });
  });

  it('get_patient and its error detail', async () => {
    expect((await api('/api/v1/patients/40001', token)).body).toMatchObject({
      id: 40001,
      nameFamily: 'ThePatient',
    });
    const missing = await api<{ detail: string }>('/api/v1/patients/49999', token);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('No Patient matches the given query.');
  });

  it('lookup_patient(email=) gets a plain array, empty when nobody matches', async () => {
    const found = await api<unknown[]>('/api/v1/patients/global_lookup?email=peter@example.com', token);
    expect(found.body).toEqual([expect.objectContaining({ id: 40001 })]);
    expect((await api('/api/v1/patients/global_lookup?email=nobody@example.com', token)).body).toEqual([]);
  });

  it('lookup_patient(external_id=) finds the patient by scanning identifiers across pages', async () => {
    const rows = await allPages('/api/v1/patients?page_size=1');
    const match = rows.find((p) =>
      (p.identifiers as { system: string; value: string }[]).some(
        (i) => i.value === 'E1234' && i.system === 'urn:oid:1.2.3.4',
      ),
    );
    expect(match?.id).toBe(40001);
  });

  it('list_patients(organization_id, study_id) follows absolute next links', async () => {
    const rows = await allPages('/api/v1/patients?organization_id=20003&study_id=30001&pageSize=1');
    expect(rows.map((p) => p.id).filter((id) => Number(id) <= 40005)).toEqual([40001, 40002]);
  });

  it('get_patient_consents', async () => {
    const { body } = await api<Record<string, unknown>>('/api/v1/patients/40001/consents', token);
    expect(body).toHaveProperty('consolidatedConsentedScopes');
    expect(body).toHaveProperty('studiesPendingConsent');
    expect(body).toHaveProperty('studies');
  });

  it('get_study, list_studies(organization_id) with the nested organization', async () => {
    expect((await api('/api/v1/studies/30001', token)).body).toMatchObject({
      id: 30001,
      organization: { id: 20003 },
    });
    const studies = await allPages('/api/v1/studies?organization_id=20003');
    expect(studies.map((s) => s.id).filter((id) => Number(id) <= 30005)).toEqual([30002, 30001]);
    expect(studies[0]?.organization).toMatchObject({
      id: 20003,
      name: 'Berkeley Institute for Data Science (BIDS)',
    });
  });

  it('get_organization, list_organizations: every organization incl. ROOT 0 with partOf', async () => {
    expect((await api('/api/v1/organizations/20003', token)).body).toMatchObject({
      id: 20003,
      partOf: 20002,
    });
    const orgs = await allPages('/api/v1/organizations');
    expect(orgs).toContainEqual(expect.objectContaining({ id: 0, name: 'ROOT', partOf: null }));
    expect(orgs).toContainEqual(expect.objectContaining({ id: 20007, name: 'Moslehi Lab' }));
  });

  it('list_data_sources with supportedScopes', async () => {
    const sources = await allPages('/api/v1/data_sources');
    expect(sources.find((d) => d.id === 70001)?.supportedScopes).toEqual(
      expect.arrayContaining([expect.objectContaining({ codingCode: 'omh:blood-pressure:4.0' })]),
    );
  });

  it('list_observations: FHIR search with _count=1000, entry and link always present, base64 JSON attachments', async () => {
    let url: string | undefined =
      'http://localhost/FHIR/R5/Observation?patient._has:Group:member:_id=30001&patient=40001&code=https://w3id.org/openmhealth|omh:blood-pressure:4.0&_count=1000';
    const seen = new Set<string>();
    while (url) {
      const res: Response = await SELF.fetch(url, { headers: bearer(token) });
      const bundle = (await res.json()) as {
        entry: { resource: Record<string, unknown> }[];
        link: { relation: string; url: string }[];
      };
      expect(Array.isArray(bundle.entry)).toBe(true);
      expect(Array.isArray(bundle.link)).toBe(true);
      const fresh = bundle.entry.filter((e) => !seen.has(String(e.resource.id)));
      for (const { resource } of fresh) {
        seen.add(String(resource.id));
        expect((resource.code as { coding: { code: string }[] }).coding[0]?.code).toBe(
          'omh:blood-pressure:4.0',
        );
        const attachment = resource.valueAttachment as { contentType: string; data: string };
        expect(attachment.contentType).toContain('json');
        const decoded = JSON.parse(atob(attachment.data)) as Record<string, unknown>;
        expect(decoded.body ?? decoded).toBeTypeOf('object');
        expect((resource.meta as { lastUpdated: string }).lastUpdated).toBeTruthy();
      }
      // The client stops when a page adds nothing new.
      url = fresh.length === 0 ? undefined : bundle.link.find((l) => l.relation === 'next')?.url;
    }
    expect(seen.has('60001')).toBe(true);
  });

  it('errors carry detail', async () => {
    const res = await api<{ detail: string }>('/api/v1/studies/30004', token);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Current User does not have authorization to access this Study.');
  });
});
