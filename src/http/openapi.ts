/**
 * The OpenAPI 3.1 document of the admin API (API.md A.1 "OpenAPI"), generated from the route
 * registry `API_ROUTES` that `apiRoute` fills: every documented body schema is the one the
 * validator enforces, so the document cannot drift from the behaviour.
 */
import type { ApiRouteSpec, JsonSchema } from './validate';

export interface OpenApiOptions {
  title: string;
  version: string;
  /** Absolute origin the API is served from (the request's). */
  serverUrl: string;
  /** Prefix of every registered path. */
  basePath: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type OpenApiDocument = { [key: string]: Json };

const BEARER = 'bearerAuth';

/**
 * A JSON copy of a schema without the `__absolute_*` bookkeeping keys @cfworker/json-schema adds
 * to schema objects once it has dereferenced them.
 */
function plainSchema(value: unknown): Json {
  if (Array.isArray(value)) return value.map(plainSchema);
  if (typeof value === 'object' && value !== null) {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) if (!key.startsWith('__')) out[key] = plainSchema(v);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

function operationId(spec: ApiRouteSpec): string {
  const words = spec.path
    .replace(/[{}]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [spec.method, ...words].join('_');
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']): Json => {
    // Ids are positive integers (A.10); anything else (an invitation token) is a string.
    const schema: Json = /(^|_)id$/i.test(name) ? { type: 'integer', minimum: 1 } : { type: 'string' };
    return { name, in: 'path', required: true, schema };
  });
}

function queryParameters(spec: ApiRouteSpec): Json[] {
  return (spec.query ?? []).map((q) => ({
    name: q.name,
    in: 'query',
    required: q.required ?? false,
    // A.4: every query name is accepted in snake_case and camelCase.
    description: [q.description, q.name.includes('_') ? 'camelCase spelling accepted too.' : undefined]
      .filter(Boolean)
      .join(' '),
    schema: { type: q.type ?? 'string' },
  }));
}

function responses(spec: ApiRouteSpec): { [status: string]: Json } {
  const out: { [status: string]: Json } = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    out[status] =
      typeof response === 'string'
        ? { description: response }
        : {
            description: response.description,
            content: { 'application/json': { schema: plainSchema(response.schema) } },
          };
  }
  if (!spec.public && !('401' in out))
    out['401'] = { description: 'Missing, invalid or expired bearer token.' };
  return out;
}

function requestBody(body: JsonSchema): Json {
  return {
    required: true,
    description: 'JSON; keys are accepted in snake_case or camelCase (API.md A.3).',
    content: { 'application/json': { schema: plainSchema(body) } },
  };
}

/** Build the document from the registered routes (first registration of a method + path wins). */
export function buildOpenApiDocument(
  routes: readonly ApiRouteSpec[],
  options: OpenApiOptions,
): OpenApiDocument {
  const paths: { [path: string]: { [method: string]: Json } } = {};
  const tags: string[] = [];
  const usedIds = new Set<string>();
  for (const spec of routes) {
    const path = `${options.basePath}${spec.path}`;
    const item = (paths[path] ??= {});
    if (item[spec.method]) continue;
    if (!tags.includes(spec.tag)) tags.push(spec.tag);
    let id = operationId(spec);
    while (usedIds.has(id)) id = `${id}_`;
    usedIds.add(id);
    const parameters = [...pathParameters(spec.path), ...queryParameters(spec)];
    item[spec.method] = {
      operationId: id,
      summary: spec.summary,
      ...(spec.access && { description: spec.access }),
      tags: [spec.tag],
      ...(parameters.length > 0 && { parameters }),
      ...(spec.body && { requestBody: requestBody(spec.body) }),
      responses: responses(spec),
      security: spec.public ? [] : [{ [BEARER]: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description:
        'Admin REST API. Lists use the {count, next, previous, results} envelope with page and page_size; ' +
        'errors are DRF-style JSON (API.md A.5, A.7).',
    },
    servers: [{ url: options.serverUrl }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          description: 'An OAuth 2 access token from /o/token/ (API.md A.9).',
        },
      },
    },
  };
}
