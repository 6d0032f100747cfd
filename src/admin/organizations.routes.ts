import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth';
import {
  addOrganizationMember,
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  ORGANIZATION_TYPE_LABELS,
  ORGANIZATION_TYPES,
  type OrganizationType,
  organizationMembers,
  organizationStudies,
  organizationTree,
  PRACTITIONER_ROLES,
  type PractitionerRole,
  removeOrganizationMember,
  updateOrganization,
} from '../domain/organizations';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import {
  membershipWire,
  organizationMemberWire,
  organizationStudyWire,
  organizationTreeWire,
  organizationViewWire,
} from './organizations.wire';

const TAG = 'Organizations';
const AUTH = 'any authenticated user';
const MANAGERS = 'a manager of this organization, or a superuser';

/** A non-negative integer path id: ROOT is 0 (A.10); anything else is 404. */
function organizationId(c: Context<AppEnv>): number {
  const text = c.req.param('id') ?? '';
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) {
    throw new AppError('not_found', 'No Organization matches the given query.');
  }
  return id;
}

/** `part_of`/`partOf` filter: an integer, else a 400 field error (never a 500). */
function partOfFilter(c: Context<AppEnv>): number | undefined {
  const text = queryParam(c, 'part_of');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new AppError('invalid', 'part_of must be an integer.', {
      body: { partOf: ['A valid integer is required.'] },
    });
  }
  return Number(text);
}

const NAME: JsonSchema = { type: 'string', minLength: 1, maxLength: 255 };
const TYPE: JsonSchema = { type: 'string', enum: [...ORGANIZATION_TYPES] };
const PART_OF: JsonSchema = { type: ['integer', 'null'], minimum: 0 };

interface OrganizationBody {
  name?: string;
  type?: OrganizationType;
  part_of?: number | null;
}
type FullOrganizationBody = OrganizationBody & { name: string; type: OrganizationType };

const FULL_BODY: JsonSchema = {
  type: 'object',
  required: ['name', 'type'],
  properties: { name: NAME, type: TYPE, part_of: PART_OF },
};
const PARTIAL_BODY: JsonSchema = { type: 'object', properties: { name: NAME, type: TYPE, part_of: PART_OF } };

/** C.2 membership body: `organizationPartitionerRole` (sic, upstream) or `role`; the user id is checked by the domain for its `{"error"}` body. */
interface MembershipBody {
  jhe_user_id?: unknown;
  organization_partitioner_role?: PractitionerRole;
  role?: PractitionerRole;
}
const ROLE: JsonSchema = { type: 'string', enum: [...PRACTITIONER_ROLES] };
const MEMBERSHIP_BODY: JsonSchema = {
  type: 'object',
  properties: { jhe_user_id: {}, organization_partitioner_role: ROLE, role: ROLE },
};

const inputOf = (body: OrganizationBody) => ({
  ...(body.name !== undefined && { name: body.name }),
  ...(body.type !== undefined && { type: body.type }),
  ...(body.part_of !== undefined && { partOf: body.part_of }),
});

/**
 * C.2: PATCH and PUT are one operation with two bodies: PUT's schema requires name and type,
 * PATCH's takes any subset.
 */
const editRoute = (method: 'patch' | 'put', summary: string, body: JsonSchema) =>
  apiRoute<OrganizationBody>({
    method,
    path: '/organizations/{id}',
    summary,
    tag: TAG,
    access: 'a manager of the parent (of the organization itself when top level), or a superuser',
    body,
    responses: {
      200: 'the organization',
      400: 'invalid body',
      403: 'not allowed',
      404: 'no such organization',
    },
  });

async function respondEdited(c: Context<AppEnv>, body: OrganizationBody) {
  const updated = await updateOrganization(c.get('db'), c.get('principal'), organizationId(c), inputOf(body));
  return c.json(organizationViewWire(updated));
}

/** API.md C.2. */
export const organizationRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/organizations',
      summary: "List all organizations (incl. ROOT) by name, with the caller's role in each",
      tag: TAG,
      access: AUTH,
      query: [
        { name: 'part_of', type: 'integer', description: 'only the direct children of this organization' },
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated organizations', 400: 'part_of is not an integer', 404: 'Invalid page.' },
    }),
    async (c) => {
      const page = pageRequest(c);
      const { count, rows } = await listOrganizations(c.get('db'), c.get('principal'), {
        partOf: partOfFilter(c),
        limit: page.pageSize,
        offset: page.offset,
      });
      return c.json(pageEnvelope(c, page, count, rows.map(organizationViewWire)));
    },
  )
  .post(
    '/',
    apiRoute<FullOrganizationBody>({
      method: 'post',
      path: '/organizations',
      summary: 'Create an organization; the creator of a sub-organization becomes its manager',
      tag: TAG,
      access: 'top level: superusers; sub-organization: a manager of partOf, or a superuser',
      body: FULL_BODY,
      responses: {
        201: 'the organization',
        400: 'invalid body',
        403: 'not allowed, or partOf does not exist',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createOrganization(c.get('db'), c.get('principal'), {
        name: body.name,
        type: body.type,
        partOf: body.part_of,
      });
      return c.json(organizationViewWire(created), 201);
    },
  )
  .get(
    '/types',
    apiRoute({
      method: 'get',
      path: '/organizations/types',
      summary: 'Organization type codes and labels',
      tag: TAG,
      access: AUTH,
      responses: { 200: 'code -> label' },
    }),
    (c) => c.json(ORGANIZATION_TYPE_LABELS),
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/organizations/{id}',
      summary: 'One organization',
      tag: TAG,
      access: AUTH,
      responses: { 200: 'the organization', 404: 'no such organization' },
    }),
    async (c) =>
      c.json(organizationViewWire(await getOrganization(c.get('db'), c.get('principal'), organizationId(c)))),
  )
  .patch('/:id', editRoute('patch', 'Edit an organization (ROOT never)', PARTIAL_BODY), (c) =>
    respondEdited(c, c.req.valid('json')),
  )
  .put(
    '/:id',
    editRoute('put', "Replace an organization's name, type and parent (ROOT never)", FULL_BODY),
    (c) => respondEdited(c, c.req.valid('json')),
  )
  .delete(
    '/:id',
    apiRoute({
      method: 'delete',
      path: '/organizations/{id}',
      summary: 'Delete an organization with its sub-organizations, studies and memberships (ROOT never)',
      tag: TAG,
      access: 'a manager of the parent (of the organization itself when top level), or a superuser',
      responses: { 204: 'deleted', 403: 'not allowed', 404: 'no such organization' },
    }),
    async (c) => {
      await deleteOrganization(c.get('db'), c.get('principal'), organizationId(c));
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/tree',
    apiRoute({
      method: 'get',
      path: '/organizations/{id}/tree',
      summary: 'The organization with its descendants in recursive children, each level by name',
      tag: TAG,
      access: AUTH,
      responses: { 200: 'the tree', 404: 'no such organization' },
    }),
    async (c) =>
      c.json(
        organizationTreeWire(await organizationTree(c.get('db'), c.get('principal'), organizationId(c))),
      ),
  )
  .get(
    '/:id/users',
    apiRoute({
      method: 'get',
      path: '/organizations/{id}/users',
      summary: 'Practitioner members with their role, by last name (plain array)',
      tag: TAG,
      access: AUTH,
      responses: { 200: 'members', 404: 'no such organization' },
    }),
    async (c) =>
      c.json((await organizationMembers(c.get('db'), organizationId(c))).map(organizationMemberWire)),
  )
  .post(
    '/:id/user',
    apiRoute<MembershipBody>({
      method: 'post',
      path: '/organizations/{id}/user',
      summary: 'Add a practitioner to the organization, or change their role',
      tag: TAG,
      access: MANAGERS,
      body: MEMBERSHIP_BODY,
      responses: {
        201: 'membership created',
        200: 'role updated',
        400: '{"error": "jhe_user_id is required"} or an invalid role',
        403: 'not allowed',
        404: 'no such organization or user; {"error": "Practitioner not found"}',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const change = await addOrganizationMember(c.get('db'), c.get('principal'), organizationId(c), {
        jheUserId: positiveInt(body.jhe_user_id),
        role: body.organization_partitioner_role ?? body.role ?? 'member',
      });
      return c.json(membershipWire(change), change.created ? 201 : 200);
    },
  )
  .delete(
    '/:id/remove_user',
    apiRoute<MembershipBody>({
      method: 'delete',
      path: '/organizations/{id}/remove_user',
      summary: 'Remove a practitioner from the organization',
      tag: TAG,
      access: MANAGERS,
      body: MEMBERSHIP_BODY,
      responses: {
        204: 'removed (also when not a member)',
        400: '{"error": "jhe_user_id is required"}',
        403: 'not allowed',
        404: 'no such organization or user; {"error": "Practitioner not found"}',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      await removeOrganizationMember(
        c.get('db'),
        c.get('principal'),
        organizationId(c),
        positiveInt(body.jhe_user_id),
      );
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/studies',
    apiRoute({
      method: 'get',
      path: '/organizations/{id}/studies',
      summary: "The organization's studies by name (plain array)",
      tag: TAG,
      access: 'members of the organization, or a superuser',
      responses: { 200: 'studies', 403: 'not a member', 404: 'no such organization' },
    }),
    async (c) =>
      c.json(
        (await organizationStudies(c.get('db'), c.get('principal'), organizationId(c))).map(
          organizationStudyWire,
        ),
      ),
  );
