import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { API_ROUTES } from '../../src/http/validate';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { ORIGIN } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Operation {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: { required?: string[] } } } };
  responses: Record<string, unknown>;
  security: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string }[];
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

let tokens: Record<Actor, string>;
let doc: Document;

beforeAll(async () => {
  // The registry fills as the routers load; the app module loads them all.
  createApp();
  await seedTestData();
  tokens = await actorTokens();
  const res = await api<Document>('/api/schema/', null);
  expect(res.status).toBe(200);
  doc = res.body;
});

describe('GET /api/schema/', () => {
  it('serves an OpenAPI 3.1 document without a token, with or without the slash', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({
      title: 'JupyterHealth Exchange',
      version: expect.stringMatching(/^v\d/),
    });
    expect(typeof doc.paths).toBe('object');
    const bare = await SELF.fetch(`${ORIGIN}/api/schema`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('Content-Type')).toContain('application/json');
    expect(await bare.json()).toEqual(doc);
  });

  it('documents every registered route under /api/v1', () => {
    expect(API_ROUTES.length).toBeGreaterThan(0);
    for (const spec of API_ROUTES) {
      const operation = doc.paths[`/api/v1${spec.path}`]?.[spec.method];
      expect(operation, `${spec.method} ${spec.path}`).toBeDefined();
      expect(operation?.tags).toEqual([spec.tag]);
    }
    for (const path of [
      '/api/v1/data_sources',
      '/api/v1/observations',
      '/api/v1/clients',
      '/api/v1/invitation',
    ]) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
  });

  it('is structurally sound: unique operation ids, declared path parameters, tags and security', () => {
    const ids = new Set<string>();
    const tagNames = doc.tags.map((t) => t.name);
    expect(doc.components.securitySchemes.bearerAuth).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/api/v1/')).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(ids.has(operation.operationId)).toBe(false);
        ids.add(operation.operationId);
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        for (const tag of operation.tags) expect(tagNames).toContain(tag);
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(operation.parameters).toContainEqual(
            expect.objectContaining({ name, in: 'path', required: true }),
          );
        }
        for (const requirement of operation.security) {
          for (const scheme of Object.keys(requirement))
            expect(doc.components.securitySchemes[scheme]).toBeDefined();
        }
      }
    }
    expect(JSON.stringify(doc)).not.toMatch(/"__absolute/);
  });

  it('marks public routes as needing no token and the others as bearer-protected', () => {
    expect(doc.paths['/api/v1/invitation/{token}']?.post?.security).toEqual([]);
    expect(doc.paths['/api/v1/data_sources']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/data_sources']?.get?.responses['401']).toBeDefined();
  });

  it('documents query parameters', () => {
    const names = doc.paths['/api/v1/observations']?.get?.parameters?.map((p) => p.name);
    expect(names).toEqual([
      'organization_id',
      'study_id',
      'patient_id',
      'observation_id',
      'page',
      'page_size',
    ]);
  });

  it('lists name as required for POST /data_sources, as the validator enforces', async () => {
    const schema = doc.paths['/api/v1/data_sources']?.post?.requestBody?.content['application/json'].schema;
    expect(schema?.required).toEqual(['name']);
    const res = await api('/api/v1/data_sources', tokens.superuser, {
      method: 'POST',
      body: { type: 'patient_app' },
    });
    expect(res).toMatchObject({ status: 400, body: { name: ['This field is required.'] } });
  });

  it('documents exactly the required body fields the validator enforces, on every route', async () => {
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const required = operation.requestBody?.content['application/json'].schema.required ?? [];
        if (required.length === 0) continue;
        const concrete = path.replace(/\{\w+\}/g, '1');
        const res = await api<Record<string, unknown>>(concrete, tokens.superuser, {
          method: method.toUpperCase(),
          body: {},
        });
        // A permission gate may answer before the body is read (DRF order); every other answer is the 400.
        if (res.status === 403) continue;
        expect(res.status, `${method} ${path}`).toBe(400);
        for (const field of required) {
          expect(res.body[camel(field)], `${method} ${path} ${field}`).toEqual(['This field is required.']);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('GET /api/schema/swagger-ui/', () => {
  it('serves the Swagger UI page from our own origin, no CDN', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/schema/swagger-ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('src="/vendor/swagger-ui/swagger-ui-bundle.js"');
    expect(html).toContain('href="/vendor/swagger-ui/swagger-ui.css"');
    expect(html).toContain('src="/api/schema/swagger-ui/init.js"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the initializer pointing at the schema', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/schema/swagger-ui/init.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('javascript');
    const script = await res.text();
    expect(script).toContain('SwaggerUIBundle(');
    expect(script).toContain('"/api/schema/"');
  });

  it('serves the vendored swagger-ui-dist files as static assets (npm run assets:vendor)', async () => {
    const js = await SELF.fetch(`${ORIGIN}/vendor/swagger-ui/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('Content-Type')).toContain('javascript');
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const css = await SELF.fetch(`${ORIGIN}/vendor/swagger-ui/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('Content-Type')).toContain('text/css');
    await css.text();
  });

  it('keeps JSON 404s for missing files, non-GET requests and unknown API paths', async () => {
    for (const [path, method] of [
      ['/vendor/swagger-ui/missing.js', 'GET'],
      ['/vendor/swagger-ui/swagger-ui.css', 'POST'],
      ['/api/nothing/here', 'GET'],
    ] as const) {
      const res = await SELF.fetch(`${ORIGIN}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ detail: 'Not found.' });
    }
  });
});
