import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

let tokens: Record<Actor, string>;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('FHIR interactions that do not exist (D.1)', () => {
  it.each(['PUT', 'PATCH', 'DELETE'])('%s /Patient/40001 is 405 OperationOutcome', async (method) => {
    const res = await api('/fhir/r5/Patient/40001', tokens.manager, {
      method,
      body: { resourceType: 'Patient' },
    });
    expect(res.status).toBe(405);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'not-supported',
          diagnostics: `${method} is not allowed on Patient: JHE-native resources are read-only.`,
        },
      ],
    });
  });

  it.each(['Group/30001', 'Device/70001', 'Organization/20003', 'Practitioner/80002', 'Observation/60001'])(
    'DELETE /%s is 405 for a patient token too',
    async (path) => {
      expect((await api(`/fhir/r5/${path}`, tokens.patient, { method: 'DELETE' })).status).toBe(405);
    },
  );

  it.each(['/fhir/r5/Foo', '/fhir/r5/Foo/1', '/FHIR/R5/Foo/_search'])(
    '%s is 404 "Unsupported FHIR resource type"',
    async (path) => {
      const res = await api(path, tokens.manager);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'not-found', diagnostics: 'Unsupported FHIR resource type: Foo.' },
        ],
      });
    },
  );

  it('type names stay case-sensitive after the base', async () => {
    const res = await api('/fhir/r5/patient/40001', tokens.manager);
    expect(res.status).toBe(404);
  });
});

describe('content negotiation (D.1)', () => {
  it.each(['/fhir/r5/Patient/40001', '/fhir/r5/Patient', '/fhir/r5/Group/30001', '/fhir/r5/Organization'])(
    'answers %s with application/fhir+json when asked, never 406',
    async (path) => {
      const res = await SELF.fetch(`http://localhost${path}`, {
        headers: { ...bearer(tokens.manager), Accept: 'application/fhir+json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toMatch(/^application\/fhir\+json/);
    },
  );

  it('answers application/json by default', async () => {
    const res = await SELF.fetch('http://localhost/fhir/r5/Patient/40001', {
      headers: bearer(tokens.manager),
    });
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
  });

  it('accepts an application/fhir+json request body', async () => {
    const res = await SELF.fetch('http://localhost/fhir/r5/Observation/$validate', {
      method: 'POST',
      headers: { ...bearer(tokens.manager), 'Content-Type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Observation' }),
    });
    expect(res.status).toBe(200);
  });
});
