import { Hono, type Context } from 'hono';
import { requireAuth, revokeClientTokens } from '../auth';
import {
  addClientDataSource,
  createClient,
  deleteClient,
  getClient,
  listClientDataSources,
  listClients,
  removeClientDataSource,
  updateClient,
} from '../domain/clients';
import type { AppEnv } from '../env';
import { positiveInt } from '../http/body';
import { MAX_PAGE_SIZE, pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { clientDataSourceWire, clientWire } from './clients.wire';
import { adminOnly } from './data-sources.routes';
import { dataSourceWire } from './data-sources.wire';

const TAG = 'Clients';
const SU = 'Superuser only.';
const AUTH = 'Any authenticated user.';

const clientSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    clientId: { type: 'string' },
    invitationUrl: { type: 'string' },
  },
};
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  client_id: { type: 'string', minLength: 1, maxLength: 100 },
  invitation_url: { type: 'string', minLength: 1, maxLength: 2000 },
} as const;
const createBody: JsonSchema = {
  type: 'object',
  required: ['name', 'client_id', 'invitation_url'],
  properties: fields,
};
const patchBody: JsonSchema = { type: 'object', properties: fields };
const linkBody: JsonSchema = {
  type: 'object',
  required: ['data_source_id'],
  properties: { data_source_id: { type: 'integer', minimum: 1 } },
};

interface ClientBody {
  name: string;
  client_id: string;
  invitation_url: string;
}

function clientPk(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'No Client matches the given query.');
  return id;
}

const client = { description: 'The client.', schema: clientSchema };

/** API.md C.8: patient-facing OAuth applications and the data sources they bring. */
export const clientRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/clients',
      summary: 'Patient-facing clients (those with an invitation URL), newest first',
      tag: TAG,
      access: AUTH,
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer', description: 'Default 1000 (alias pageSize).' },
      ],
      responses: { 200: 'A page of clients.', 404: 'Invalid page.' },
    }),
    async (c) => {
      // A.5: a "default" list, 1000 per page.
      const request = pageRequest(c, MAX_PAGE_SIZE);
      const { count, clients } = await listClients(c.get('db'), {
        offset: request.offset,
        limit: request.pageSize,
      });
      return c.json(pageEnvelope(c, request, count, clients.map(clientWire)));
    },
  )
  .post(
    '/',
    adminOnly,
    apiRoute<ClientBody>({
      method: 'post',
      path: '/clients',
      summary: 'Create a public, authorization-code, skip-consent client with the portal callback',
      tag: TAG,
      access: SU,
      body: createBody,
      responses: { 201: client, 400: 'Missing field or duplicate clientId.', 403: 'Not a superuser.' },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createClient(
        c.get('db'),
        c.get('principal'),
        { name: body.name, clientId: body.client_id, invitationUrl: body.invitation_url },
        c.env.SITE_URL,
      );
      return c.json(clientWire(created), 201);
    },
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/clients/{id}',
      summary: 'One patient-facing client',
      tag: TAG,
      access: AUTH,
      responses: { 200: client, 404: 'No such client.' },
    }),
    async (c) => c.json(clientWire(await getClient(c.get('db'), clientPk(c)))),
  )
  .patch(
    '/:id',
    adminOnly,
    apiRoute<Partial<ClientBody>>({
      method: 'patch',
      path: '/clients/{id}',
      summary: 'Change a client’s name, clientId or invitationUrl',
      tag: TAG,
      access: SU,
      body: patchBody,
      responses: { 200: client, 400: 'Invalid body.', 403: 'Not a superuser.', 404: 'No such client.' },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const updated = await updateClient(c.get('db'), c.get('principal'), clientPk(c), {
        name: body.name,
        clientId: body.client_id,
        invitationUrl: body.invitation_url,
      });
      return c.json(clientWire(updated));
    },
  )
  .delete(
    '/:id',
    adminOnly,
    apiRoute({
      method: 'delete',
      path: '/clients/{id}',
      summary: 'Delete a client',
      tag: TAG,
      access: SU,
      responses: { 204: 'Deleted.', 403: 'Not a superuser.', 404: 'No such client.' },
    }),
    async (c) => {
      const db = c.get('db');
      await revokeClientTokens(db, await deleteClient(db, c.get('principal'), clientPk(c)));
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/data_sources',
    apiRoute({
      method: 'get',
      path: '/clients/{id}/data_sources',
      summary: 'The data sources a client brings, each with its supported scopes',
      tag: TAG,
      access: AUTH,
      responses: { 200: 'Plain array of data sources.', 404: 'No such client.' },
    }),
    async (c) => c.json((await listClientDataSources(c.get('db'), clientPk(c))).map(dataSourceWire)),
  )
  .post(
    '/:id/data_sources',
    adminOnly,
    apiRoute<{ data_source_id: number }>({
      method: 'post',
      path: '/clients/{id}/data_sources',
      summary: 'Link a data source to a client',
      tag: TAG,
      access: SU,
      body: linkBody,
      responses: {
        201: 'The link: {"id","client_id","dataSourceId"}.',
        400: 'Missing or unknown dataSourceId.',
        403: 'Not a superuser.',
        404: 'No such client.',
        409: 'Already linked.',
      },
    }),
    async (c) => {
      const link = await addClientDataSource(
        c.get('db'),
        c.get('principal'),
        clientPk(c),
        c.req.valid('json').data_source_id,
      );
      return c.json(clientDataSourceWire(link), 201);
    },
  )
  .delete(
    '/:id/data_sources',
    adminOnly,
    apiRoute<{ data_source_id: number }>({
      method: 'delete',
      path: '/clients/{id}/data_sources',
      summary: 'Unlink a data source from a client',
      tag: TAG,
      access: SU,
      body: linkBody,
      responses: {
        204: 'Unlinked (or was not linked).',
        400: 'Missing dataSourceId.',
        403: 'Not a superuser.',
        404: 'No such client.',
      },
    }),
    async (c) => {
      await removeClientDataSource(
        c.get('db'),
        c.get('principal'),
        clientPk(c),
        c.req.valid('json').data_source_id,
      );
      return c.body(null, 204);
    },
  );
