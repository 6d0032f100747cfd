import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requireAuth, revokeUserTokens } from '../auth';
import {
  assertSuperuser,
  createPractitioner,
  deletePractitioner,
  getPractitioner,
  listPractitioners,
  updatePractitioner,
} from '../domain/practitioners';
import type { AppEnv } from '../env';
import { positiveInt } from '../http/body';
import { MAX_PAGE_SIZE, pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { practitionerWire } from './practitioners.wire';

/**
 * 403 for everyone but superusers, before the body is read: DRF checks permissions before
 * validation, so a non-superuser learns nothing about the body (A.8, C.4, C.10).
 */
export const superuserOnly = createMiddleware<AppEnv>(async (c, next) => {
  assertSuperuser(c.get('principal'));
  await next();
});

const TAG = 'Practitioners';
const ACCESS = 'superusers only';

function practitionerId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'No Practitioner matches the given query.');
  return id;
}

const NAME: JsonSchema = { type: ['string', 'null'], maxLength: 255 };

interface NamesBody {
  name_family?: string | null;
  name_given?: string | null;
}
/** The email and organization are checked by the domain, for C.4's array messages. */
type CreateBody = NamesBody & { telecom_email?: unknown; organization_id?: unknown };

const CREATE_BODY: JsonSchema = {
  type: 'object',
  properties: { telecom_email: {}, name_family: NAME, name_given: NAME, organization_id: {} },
};
const NAMES_BODY: JsonSchema = { type: 'object', properties: { name_family: NAME, name_given: NAME } };

const namesOf = (body: NamesBody) => ({
  ...(body.name_family !== undefined && { nameFamily: body.name_family }),
  ...(body.name_given !== undefined && { nameGiven: body.name_given }),
});

/** API.md C.4: superusers only (others 403, anonymous 401). */
export const practitionerRoutes = new Hono<AppEnv>()
  .use(requireAuth, superuserOnly)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/practitioners',
      summary: 'List practitioners by id, with their organizations',
      tag: TAG,
      access: ACCESS,
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: {
        200: 'paginated practitioners (1000 per page)',
        403: 'not a superuser',
        404: 'Invalid page.',
      },
    }),
    async (c) => {
      // A.5 "default" list: 1000 per page; honouring page_size up to 1000 is allowed ([R]).
      const page = pageRequest(c, MAX_PAGE_SIZE);
      const { count, rows } = await listPractitioners(c.get('db'), c.get('principal'), {
        limit: page.pageSize,
        offset: page.offset,
      });
      return c.json(pageEnvelope(c, page, count, rows.map(practitionerWire)));
    },
  )
  .post(
    '/',
    apiRoute<CreateBody>({
      method: 'post',
      path: '/practitioners',
      summary:
        'Create a practitioner (reusing the user with that email), optionally linked to an organization as member',
      tag: TAG,
      access: ACCESS,
      body: CREATE_BODY,
      responses: {
        201: 'the practitioner',
        400: '["Email is required to create a practitioner."], ["Enter a valid email address."], ["Organization not found."]',
        403: 'not a superuser',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createPractitioner(c.get('db'), c.get('principal'), {
        telecomEmail: body.telecom_email,
        organizationId: body.organization_id,
        ...namesOf(body),
      });
      return c.json(practitionerWire(created), 201);
    },
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/practitioners/{id}',
      summary: 'One practitioner',
      tag: TAG,
      access: ACCESS,
      responses: { 200: 'the practitioner', 403: 'not a superuser', 404: 'no such practitioner' },
    }),
    async (c) =>
      c.json(practitionerWire(await getPractitioner(c.get('db'), c.get('principal'), practitionerId(c)))),
  )
  .patch(
    '/:id',
    apiRoute<NamesBody>({
      method: 'patch',
      path: '/practitioners/{id}',
      summary: "Change a practitioner's names",
      tag: TAG,
      access: ACCESS,
      body: NAMES_BODY,
      responses: {
        200: 'the practitioner',
        400: 'invalid body',
        403: 'not a superuser',
        404: 'no such practitioner',
      },
    }),
    async (c) => {
      const id = practitionerId(c);
      const updated = await updatePractitioner(
        c.get('db'),
        c.get('principal'),
        id,
        namesOf(c.req.valid('json')),
      );
      return c.json(practitionerWire(updated));
    },
  )
  .delete(
    '/:id',
    apiRoute({
      method: 'delete',
      path: '/practitioners/{id}',
      summary: 'Delete a practitioner, and their user unless a superuser or also a patient',
      tag: TAG,
      access: ACCESS,
      responses: { 204: 'deleted', 403: 'not a superuser', 404: 'no such practitioner' },
    }),
    async (c) => {
      const db = c.get('db');
      await revokeUserTokens(db, await deletePractitioner(db, c.get('principal'), practitionerId(c)));
      return c.body(null, 204);
    },
  );
