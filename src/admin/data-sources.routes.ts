import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requireAuth } from '../auth';
import {
  addSupportedScope,
  assertAdministrator,
  createDataSource,
  createScope,
  DATA_SOURCE_TYPES,
  deleteDataSource,
  getDataSource,
  listAllScopes,
  listDataSources,
  listSupportedScopes,
  removeSupportedScope,
  updateDataSource,
  type DataSourceType,
} from '../domain/data-sources';
import type { AppEnv } from '../env';
import { positiveInt } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { codeableConceptWire, dataSourceWire, supportedScopeWire } from './data-sources.wire';

/**
 * Superuser gate for admin-area writes, run before body validation so a non-superuser gets 403
 * whatever it sends (DRF checks permissions before the serializer, A.8).
 */
export const adminOnly = createMiddleware<AppEnv>(async (c, next) => {
  assertAdministrator(c.get('principal'));
  await next();
});

const TAG = 'Data sources';
const SU = 'Superuser only.';
const AUTH = 'Any authenticated user.';

const codeableConceptSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    codingSystem: { type: 'string' },
    codingCode: { type: 'string' },
    text: { type: 'string' },
  },
};
const dataSourceSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    type: { enum: [...DATA_SOURCE_TYPES] },
    supportedScopes: { type: 'array', items: codeableConceptSchema },
  },
};
const supportedScopeSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    dataSource: { type: 'object' },
    scopeCode: codeableConceptSchema,
  },
};

const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const type = { enum: [...DATA_SOURCE_TYPES] };
const createBody: JsonSchema = { type: 'object', required: ['name'], properties: { name, type } };
const putBody: JsonSchema = { type: 'object', required: ['name'], properties: { name, type } };
const patchBody: JsonSchema = { type: 'object', properties: { name, type } };
const scopeLinkBody: JsonSchema = {
  type: 'object',
  required: ['scope_code_id'],
  properties: { scope_code_id: { type: 'integer', minimum: 1 } },
};
const text = { type: 'string', minLength: 1, maxLength: 500 } as const;
const scopeBody: JsonSchema = {
  type: 'object',
  required: ['coding_system', 'coding_code', 'text'],
  properties: { coding_system: text, coding_code: text, text },
};

interface DataSourceBody {
  name?: string;
  type?: DataSourceType;
}

function dataSourceId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'No DataSource matches the given query.');
  return id;
}

const dataSource = { description: 'The data source.', schema: dataSourceSchema };

/** API.md C.6: data sources, their supported scopes, and the scope catalogue. */
export const dataSourceRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/data_sources',
      summary: 'List data sources by name, each with its supported scopes',
      tag: TAG,
      access: AUTH,
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer', description: 'Default 20, at most 1000 (alias pageSize).' },
        {
          name: 'include_scopes',
          type: 'boolean',
          description: 'Accepted and ignored: scopes are always included.',
        },
      ],
      responses: { 200: 'A page of data sources.', 404: 'Invalid page.' },
    }),
    async (c) => {
      const request = pageRequest(c);
      const { count, records } = await listDataSources(c.get('db'), {
        offset: request.offset,
        limit: request.pageSize,
      });
      return c.json(pageEnvelope(c, request, count, records.map(dataSourceWire)));
    },
  )
  .post(
    '/',
    adminOnly,
    apiRoute<{ name: string; type?: DataSourceType }>({
      method: 'post',
      path: '/data_sources',
      summary: 'Create a data source',
      tag: TAG,
      access: SU,
      body: createBody,
      responses: { 201: dataSource, 400: 'Invalid body.', 403: 'Not a superuser.' },
    }),
    async (c) =>
      c.json(
        dataSourceWire(await createDataSource(c.get('db'), c.get('principal'), c.req.valid('json'))),
        201,
      ),
  )
  .get(
    '/all_scopes',
    apiRoute({
      method: 'get',
      path: '/data_sources/all_scopes',
      summary: 'Every scope (CodeableConcept), by text',
      tag: TAG,
      access: AUTH,
      responses: {
        200: {
          description: 'Plain array of scopes.',
          schema: { type: 'array', items: codeableConceptSchema },
        },
      },
    }),
    async (c) => c.json((await listAllScopes(c.get('db'))).map(codeableConceptWire)),
  )
  .post(
    '/all_scopes',
    adminOnly,
    apiRoute<{ coding_system: string; coding_code: string; text: string }>({
      method: 'post',
      path: '/data_sources/all_scopes',
      summary: 'Create a scope (an Open mHealth/IEEE code must name a bundled schema)',
      tag: TAG,
      access: SU,
      body: scopeBody,
      responses: {
        201: { description: 'The new scope.', schema: codeableConceptSchema },
        400: 'Invalid body, or an Open mHealth/IEEE code without a bundled schema.',
        403: 'Not a superuser.',
        409: 'The (codingSystem, codingCode) pair exists.',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const scope = await createScope(c.get('db'), c.get('principal'), {
        codingSystem: body.coding_system,
        codingCode: body.coding_code,
        text: body.text,
      });
      return c.json(codeableConceptWire(scope), 201);
    },
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/data_sources/{id}',
      summary: 'One data source with its supported scopes',
      tag: TAG,
      access: AUTH,
      responses: { 200: dataSource, 404: 'No such data source.' },
    }),
    async (c) => c.json(dataSourceWire(await getDataSource(c.get('db'), dataSourceId(c)))),
  )
  .patch(
    '/:id',
    adminOnly,
    apiRoute<DataSourceBody>({
      method: 'patch',
      path: '/data_sources/{id}',
      summary: 'Rename or retype a data source',
      tag: TAG,
      access: SU,
      body: patchBody,
      responses: {
        200: dataSource,
        400: 'Invalid body.',
        403: 'Not a superuser.',
        404: 'No such data source.',
      },
    }),
    async (c) =>
      c.json(
        dataSourceWire(
          await updateDataSource(c.get('db'), c.get('principal'), dataSourceId(c), c.req.valid('json')),
        ),
      ),
  )
  .put(
    '/:id',
    adminOnly,
    apiRoute<DataSourceBody>({
      method: 'put',
      path: '/data_sources/{id}',
      summary: 'Replace a data source',
      tag: TAG,
      access: SU,
      body: putBody,
      responses: {
        200: dataSource,
        400: 'Invalid body.',
        403: 'Not a superuser.',
        404: 'No such data source.',
      },
    }),
    async (c) =>
      c.json(
        dataSourceWire(
          await updateDataSource(c.get('db'), c.get('principal'), dataSourceId(c), c.req.valid('json')),
        ),
      ),
  )
  .delete(
    '/:id',
    adminOnly,
    apiRoute({
      method: 'delete',
      path: '/data_sources/{id}',
      summary: 'Delete a data source (its observations stay, unlinked)',
      tag: TAG,
      access: SU,
      responses: { 204: 'Deleted.', 403: 'Not a superuser.', 404: 'No such data source.' },
    }),
    async (c) => {
      await deleteDataSource(c.get('db'), c.get('principal'), dataSourceId(c));
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/supported_scopes',
    apiRoute({
      method: 'get',
      path: '/data_sources/{id}/supported_scopes',
      summary: 'The scopes a data source supports, as link rows',
      tag: TAG,
      access: AUTH,
      responses: {
        200: { description: 'Plain array of links.', schema: { type: 'array', items: supportedScopeSchema } },
        404: 'No such data source.',
      },
    }),
    async (c) => c.json((await listSupportedScopes(c.get('db'), dataSourceId(c))).map(supportedScopeWire)),
  )
  .post(
    '/:id/supported_scopes',
    adminOnly,
    apiRoute<{ scope_code_id: number }>({
      method: 'post',
      path: '/data_sources/{id}/supported_scopes',
      summary: 'Add a supported scope',
      tag: TAG,
      access: SU,
      body: scopeLinkBody,
      responses: {
        201: { description: 'The link.', schema: supportedScopeSchema },
        400: 'Missing or unknown scopeCodeId.',
        403: 'Not a superuser.',
        404: 'No such data source.',
        409: 'Already supported.',
      },
    }),
    async (c) => {
      const link = await addSupportedScope(
        c.get('db'),
        c.get('principal'),
        dataSourceId(c),
        c.req.valid('json').scope_code_id,
      );
      return c.json(supportedScopeWire(link), 201);
    },
  )
  .delete(
    '/:id/supported_scopes',
    adminOnly,
    apiRoute<{ scope_code_id: number }>({
      method: 'delete',
      path: '/data_sources/{id}/supported_scopes',
      summary: 'Remove a supported scope',
      tag: TAG,
      access: SU,
      body: scopeLinkBody,
      responses: {
        204: 'Removed (or was not there).',
        400: 'Missing scopeCodeId.',
        403: 'Not a superuser.',
        404: 'No such data source.',
      },
    }),
    async (c) => {
      await removeSupportedScope(
        c.get('db'),
        c.get('principal'),
        dataSourceId(c),
        c.req.valid('json').scope_code_id,
      );
      return c.body(null, 204);
    },
  );
