import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../src/fhir/resources';
import { countStatements } from '../fixtures/count-queries';

const SHALL = [
  { url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation', valueCode: 'SHALL' },
];

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
  'access-control-max-age': '86400',
};

interface Statement {
  date: string;
  implementation: { url: string };
  rest: {
    security: { extension: { url: string; extension: { url: string; valueUri: string }[] }[] };
    interaction: unknown[];
    resource: {
      type: string;
      extension: unknown;
      interaction: { code: string; extension: unknown }[];
      searchParam: { name: string; type: string; extension: unknown }[];
      operation?: { name: string; definition: string; extension: unknown }[];
    }[];
  }[];
}

function get(path: string, init: RequestInit = {}) {
  return SELF.fetch(`http://localhost${path}`, init);
}

function expectCors(res: Response) {
  for (const [name, value] of Object.entries(CORS)) expect(res.headers.get(name)).toBe(value);
}

describe('GET /fhir/r5/metadata', () => {
  it('is public and answers the D.9 CapabilityStatement', async () => {
    const res = await get('/fhir/r5/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600');
    expectCors(res);
    const body = (await res.json()) as Statement;
    expect(body).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      software: { name: 'JupyterHealth Exchange' },
      implementation: { url: 'http://localhost/fhir/r5/' },
      fhirVersion: '5.0.0',
      format: ['json'],
      patchFormat: ['application/json'],
      rest: [
        {
          mode: 'server',
          security: {
            service: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                    code: 'SMART-on-FHIR',
                  },
                ],
              },
            ],
          },
          interaction: [
            { extension: SHALL, code: 'batch' },
            { extension: SHALL, code: 'transaction' },
          ],
        },
      ],
    });
    expect(Number.isNaN(Date.parse(body.date))).toBe(false);
    const oauth = body.rest[0]?.security.extension.find(
      (e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
    );
    expect(oauth?.extension).toEqual(
      expect.arrayContaining([
        { url: 'authorize', valueUri: 'http://localhost/o/authorize/' },
        { url: 'token', valueUri: 'http://localhost/o/token/' },
      ]),
    );
  });

  it('lists every RESOURCES row with its interactions and search parameters, each marked SHALL', async () => {
    const body = (await (await get('/fhir/r5/metadata')).json()) as Statement;
    const listed = body.rest[0]?.resource ?? [];
    expect(listed.map((r) => r.type)).toEqual(RESOURCES.map((r) => r.type));
    for (const def of RESOURCES) {
      const entry = listed.find((r) => r.type === def.type);
      expect(entry?.extension).toEqual(SHALL);
      expect(entry?.interaction).toEqual(def.interactions.map((code) => ({ extension: SHALL, code })));
      expect(entry?.searchParam.map(({ name, type }) => ({ name, type }))).toEqual(
        def.searchParams.map(({ name, type }) => ({ name, type })),
      );
      for (const param of entry?.searchParam ?? []) expect(param.extension).toEqual(SHALL);
      expect(entry?.searchParam).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: '_id', type: 'token' }),
          expect.objectContaining({ name: '_lastUpdated', type: 'date' }),
          expect.objectContaining({ name: '_source', type: 'uri' }),
        ]),
      );
    }
    const observation = listed.find((r) => r.type === 'Observation');
    expect(observation?.operation).toEqual([
      expect.objectContaining({
        extension: SHALL,
        name: 'validate',
        definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
      }),
    ]);
  });

  it('documents that a bare Open mHealth body is accepted (G.2)', async () => {
    const text = await (await get('/fhir/r5/metadata')).text();
    expect(text).toContain('bare body');
  });

  it('is served even with an invalid bearer token, without touching the database', async () => {
    const { status, statements } = await countStatements('/fhir/r5/metadata', {
      headers: { Authorization: 'Bearer not-a-real-token' },
    });
    expect(status).toBe(200);
    expect(statements).toEqual([]);
  });

  it('keeps the same date between requests', async () => {
    const first = (await (await get('/fhir/r5/metadata')).json()) as Statement;
    const second = (await (await get('/fhir/r5/metadata')).json()) as Statement;
    expect(second.date).toBe(first.date);
  });

  it('uses the base as the client spelled it', async () => {
    const upper = (await (await get('/FHIR/R5/metadata')).json()) as Statement;
    expect(upper.implementation.url).toBe('http://localhost/FHIR/R5/');
    const slash = await get('/FHIR/R5/metadata/');
    expect(slash.status).toBe(200);
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/FHIR/R5/metadata', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers an OPTIONS preflight with 204 and the CORS headers', async () => {
    const res = await get('/fhir/r5/metadata', { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expectCors(res);
  });

  it('answers application/fhir+json when asked', async () => {
    const res = await get('/fhir/r5/metadata', { headers: { Accept: 'application/fhir+json' } });
    expect(res.headers.get('Content-Type')).toContain('application/fhir+json');
  });
});

describe('GET /fhir/r5/.well-known/smart-configuration', () => {
  it('is public, snake_case, cacheable and CORS-enabled', async () => {
    for (const base of ['/fhir/r5', '/FHIR/R5']) {
      const res = await get(`${base}/.well-known/smart-configuration`, {
        headers: { Authorization: 'Bearer invalid' },
      });
      expect(res.status).toBe(200);
      expectCors(res);
      expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600');
      expect(await res.json()).toEqual({
        issuer: 'http://localhost/o',
        jwks_uri: 'http://localhost/o/.well-known/jwks.json',
        authorization_endpoint: 'http://localhost/o/authorize/',
        token_endpoint: 'http://localhost/o/token/',
        revocation_endpoint: 'http://localhost/o/revoke_token/',
        introspection_endpoint: 'http://localhost/o/introspect/',
        grant_types_supported: ['authorization_code'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'email'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
        capabilities: ['launch-standalone', 'client-public', 'client-confidential-symmetric'],
      });
    }
  });

  it('answers HEAD and an OPTIONS preflight', async () => {
    expect((await get('/fhir/r5/.well-known/smart-configuration', { method: 'HEAD' })).status).toBe(200);
    const preflight = await get('/fhir/r5/.well-known/smart-configuration', { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expectCors(preflight);
  });
});
