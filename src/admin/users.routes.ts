import { Hono, type Context } from 'hono';
import { requireAuth, revokeUserTokens } from '../auth';
import { memberOrganizations } from '../domain/organizations';
import {
  createUser,
  deleteUser,
  findUserByEmail,
  getProfile,
  getUser,
  listUsers,
  type UserType,
  updateUser,
} from '../domain/users';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { organizationViewWire } from './organizations.wire';
import { superuserOnly } from './practitioners.routes';
import { profileWire, userWire } from './users.wire';

const TAG = 'Users';

function userId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'Not found.');
  return id;
}

const EMAIL: JsonSchema = { type: 'string', format: 'email', maxLength: 254 };
const NAME: JsonSchema = { type: 'string', maxLength: 150 };
const USER_TYPE: JsonSchema = { enum: ['practitioner', 'patient', null] };

/**
 * Writable `User` fields (C.1 [R]). `is_superuser` is deliberately absent: it is never writable
 * through this API, and a body carrying it is accepted with the key ignored (clients send back
 * whole User objects), so nobody can grant themselves superuser (E.6).
 */
interface UserBody {
  email?: string;
  first_name?: string;
  last_name?: string;
  user_type?: UserType | null;
}
const USER_PROPERTIES = { email: EMAIL, first_name: NAME, last_name: NAME, user_type: USER_TYPE };
const CREATE_BODY: JsonSchema = { type: 'object', required: ['email'], properties: USER_PROPERTIES };
const UPDATE_BODY: JsonSchema = { type: 'object', properties: USER_PROPERTIES };

const changesOf = (body: UserBody) => ({
  ...(body.email !== undefined && { email: body.email }),
  ...(body.first_name !== undefined && { firstName: body.first_name }),
  ...(body.last_name !== undefined && { lastName: body.last_name }),
  ...(body.user_type !== undefined && { userType: body.user_type }),
});

const UPDATE_SPEC = {
  tag: TAG,
  access: 'the user themselves (first/last name only), or a superuser (also email and userType)',
  body: UPDATE_BODY,
  responses: { 200: 'the user', 400: 'invalid body or email taken', 403: 'not allowed', 404: 'no such user' },
} as const;

/** API.md C.1. */
export const userRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/users',
      summary:
        'List users by last name: all for superusers, else those sharing an organization with the caller',
      tag: TAG,
      access: 'any authenticated user (patients get an empty list)',
      query: [
        { name: 'email', description: 'exact match' },
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated users', 404: 'Invalid page.' },
    }),
    async (c) => {
      const page = pageRequest(c);
      const { count, rows } = await listUsers(c.get('db'), c.get('principal'), {
        email: queryParam(c, 'email'),
        limit: page.pageSize,
        offset: page.offset,
      });
      return c.json(pageEnvelope(c, page, count, rows.map(userWire)));
    },
  )
  .post(
    '/',
    superuserOnly,
    apiRoute<UserBody & { email: string }>({
      method: 'post',
      path: '/users',
      summary: 'Create a user account (no password until one is set)',
      tag: TAG,
      access: 'superusers only',
      body: CREATE_BODY,
      responses: { 201: 'the user', 400: 'invalid body or email taken', 403: 'not a superuser' },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createUser(c.get('db'), c.get('principal'), {
        ...changesOf(body),
        email: body.email,
      });
      return c.json(userWire(created), 201);
    },
  )
  .get(
    '/profile',
    apiRoute({
      method: 'get',
      path: '/users/profile',
      summary: "The caller's own profile (PHI stripped for patients)",
      tag: TAG,
      access: 'any authenticated user',
      responses: { 200: 'the profile' },
    }),
    async (c) => c.json(profileWire(await getProfile(c.get('db'), c.get('principal')))),
  )
  .get(
    '/organizations',
    apiRoute({
      method: 'get',
      path: '/users/organizations',
      summary: 'Organizations the caller is a practitioner member of, with their role (plain array)',
      tag: TAG,
      access: 'any authenticated user',
      responses: { 200: 'organizations' },
    }),
    async (c) =>
      c.json((await memberOrganizations(c.get('db'), c.get('principal'))).map(organizationViewWire)),
  )
  .get(
    '/search_by_email',
    apiRoute({
      method: 'get',
      path: '/users/search_by_email',
      summary: 'The user with exactly this email',
      tag: TAG,
      access: 'practitioners',
      query: [{ name: 'email', required: true }],
      responses: { 200: 'the user', 400: 'email missing', 403: 'not a practitioner', 404: 'no such user' },
    }),
    async (c) => {
      const email = queryParam(c, 'email');
      if (email === undefined || email === '') {
        throw new AppError('invalid', 'email is required.', { body: { email: ['This field is required.'] } });
      }
      return c.json(userWire(await findUserByEmail(c.get('db'), c.get('principal'), email)));
    },
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/users/{id}',
      summary: 'One user account',
      tag: TAG,
      access: 'the user themselves only',
      responses: { 200: 'the user', 403: "not the caller's own account" },
    }),
    async (c) => c.json(userWire(await getUser(c.get('db'), c.get('principal'), userId(c)))),
  )
  .patch(
    '/:id',
    apiRoute<UserBody>({
      method: 'patch',
      path: '/users/{id}',
      summary: 'Change a user account',
      ...UPDATE_SPEC,
    }),
    async (c) => {
      const id = userId(c);
      return c.json(
        userWire(await updateUser(c.get('db'), c.get('principal'), id, changesOf(c.req.valid('json')))),
      );
    },
  )
  .put(
    '/:id',
    apiRoute<UserBody>({
      method: 'put',
      path: '/users/{id}',
      summary: 'Change a user account (same rules as PATCH)',
      ...UPDATE_SPEC,
    }),
    async (c) => {
      const id = userId(c);
      return c.json(
        userWire(await updateUser(c.get('db'), c.get('principal'), id, changesOf(c.req.valid('json')))),
      );
    },
  )
  .delete(
    '/:id',
    apiRoute({
      method: 'delete',
      path: '/users/{id}',
      summary: 'Delete a user account',
      tag: TAG,
      access: 'superusers only',
      responses: { 204: 'deleted', 403: 'not a superuser', 404: 'no such user' },
    }),
    async (c) => {
      const db = c.get('db');
      const id = userId(c);
      await deleteUser(db, c.get('principal'), id);
      await revokeUserTokens(db, id);
      return c.body(null, 204);
    },
  );
