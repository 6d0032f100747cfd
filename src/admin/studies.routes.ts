import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth';
import {
  addScopeRequest,
  addStudyClient,
  addStudyDataSource,
  createStudy,
  deleteStudy,
  enrollPatients,
  getStudy,
  listScopeRequests,
  listStudies,
  listStudyClients,
  listStudyDataSources,
  listStudyPatients,
  removeScopeRequest,
  removeStudyClient,
  removeStudyDataSource,
  unenrollPatients,
  updateStudy,
} from '../domain/studies';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type ApiRouteSpec, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { patientWire } from './patients.wire';
import {
  scopeRequestWire,
  studyClientWire,
  studyDataSourceWire,
  studyPatientWire,
  studyRefWire,
  studyWire,
} from './studies.wire';

const TAG = 'Studies';
const MEMBERS = "members (any role) of the study's organization";
const MANAGE = "a manager or member of the study's organization, or a superuser";
const FORBIDDEN = { 403: 'not allowed, or no such study (A.8)' };

/** The `{id}` of the path; not a positive integer is 404 (a missing study is 403, A.8). */
function studyId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'Not found.');
  return id;
}

/** `organization_id`/`organizationId` filter: an integer, else a 400 field error. */
function organizationFilter(c: Context<AppEnv>): number | undefined {
  const text = queryParam(c, 'organization_id');
  if (text === undefined || text === '') return undefined;
  const id = positiveInt(text);
  if (id === undefined) {
    throw new AppError('invalid', 'organization_id must be an integer.', {
      body: { organizationId: ['A valid integer is required.'] },
    });
  }
  return id;
}

const TEXT: JsonSchema = { type: ['string', 'null'] };
const NAME: JsonSchema = { type: 'string', minLength: 1, maxLength: 255 };
const ID: JsonSchema = { type: 'integer', minimum: 1 };

interface StudyBody {
  name?: string;
  description?: string | null;
  icon_url?: string | null;
}
interface NewStudyBody extends StudyBody {
  name: string;
  organization: number;
}

const CREATE_BODY: JsonSchema = {
  type: 'object',
  required: ['name', 'organization'],
  properties: { name: NAME, description: TEXT, organization: ID, icon_url: TEXT },
};
const UPDATE_BODY: JsonSchema = {
  type: 'object',
  properties: { name: NAME, description: TEXT, icon_url: TEXT },
};

const fieldsOf = (body: StudyBody) => ({
  ...(body.name !== undefined && { name: body.name }),
  ...(body.description !== undefined && { description: body.description }),
  ...(body.icon_url !== undefined && { iconUrl: body.icon_url }),
});

const PATIENT_IDS_BODY: JsonSchema = {
  type: 'object',
  required: ['patient_ids'],
  properties: { patient_ids: { type: 'array', maxItems: 1000, items: ID } },
};

/** A one-id body of a link route: `{"scopeCodeId": 50002}` etc. (either casing, A.3). */
const linkBody = (field: string): JsonSchema => ({
  type: 'object',
  required: [field],
  properties: { [field]: ID },
});

function route(spec: Omit<ApiRouteSpec, 'tag'>) {
  return apiRoute({ ...spec, tag: TAG });
}

function bodyRoute<T>(spec: Omit<ApiRouteSpec, 'tag'> & { body: JsonSchema }) {
  return apiRoute<T>({ ...spec, tag: TAG });
}

function updateRoute(method: 'patch' | 'put') {
  return bodyRoute<StudyBody>({
    method,
    path: '/studies/{id}',
    summary: 'Edit a study: name, description, iconUrl',
    access: MANAGE,
    body: UPDATE_BODY,
    responses: { 200: 'the study, organization as id', 400: 'invalid field', ...FORBIDDEN },
  });
}

const updateFrom = async (c: Context<AppEnv>, body: StudyBody) =>
  studyRefWire(await updateStudy(c.get('db'), c.get('principal'), studyId(c), fieldsOf(body)));

/** API.md C.5. */
export const studyRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    route({
      method: 'get',
      path: '/studies',
      summary:
        "Studies of the caller's organizations (direct membership), by name; stores the sticky organization",
      access: 'practitioners (others get an empty list)',
      query: [
        { name: 'organization_id', type: 'integer' },
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated studies', 400: 'organization_id is not an integer', 404: 'Invalid page.' },
    }),
    async (c) => {
      const page = pageRequest(c);
      const { count, studies } = await listStudies(
        c.get('db'),
        c.get('principal'),
        { organizationId: organizationFilter(c) },
        { limit: page.pageSize, offset: page.offset },
      );
      return c.json(pageEnvelope(c, page, count, studies.map(studyWire)));
    },
  )
  .post(
    '/',
    bodyRoute<NewStudyBody>({
      method: 'post',
      path: '/studies',
      summary: 'Create a study in an organization',
      access: 'a manager or member of the organization, or a superuser',
      body: CREATE_BODY,
      responses: { 201: 'the study, organization as id', 400: 'invalid field', 403: 'not allowed' },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const study = await createStudy(c.get('db'), c.get('principal'), {
        ...fieldsOf(body),
        name: body.name,
        organizationId: body.organization,
      });
      return c.json(studyRefWire(study), 201);
    },
  )
  .get(
    '/:id',
    route({
      method: 'get',
      path: '/studies/{id}',
      summary: 'One study, its organization nested',
      access: MEMBERS,
      responses: { 200: 'the study', ...FORBIDDEN },
    }),
    async (c) => c.json(studyWire(await getStudy(c.get('db'), c.get('principal'), studyId(c)))),
  )
  .patch('/:id', updateRoute('patch'), async (c) => c.json(await updateFrom(c, c.req.valid('json'))))
  .put('/:id', updateRoute('put'), async (c) => c.json(await updateFrom(c, c.req.valid('json'))))
  .delete(
    '/:id',
    route({
      method: 'delete',
      path: '/studies/{id}',
      summary: 'Delete a study with its enrolments, consents, scope requests and links',
      access: MANAGE,
      responses: { 204: 'deleted', ...FORBIDDEN },
    }),
    async (c) => {
      await deleteStudy(c.get('db'), c.get('principal'), studyId(c));
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/patients',
    route({
      method: 'get',
      path: '/studies/{id}/patients',
      summary:
        'Patients enrolled in the study, by id (empty unless the caller is a member of its organization)',
      access: 'practitioners',
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated patients', 404: 'Invalid page.' },
    }),
    async (c) => {
      const page = pageRequest(c);
      const { count, records } = await listStudyPatients(c.get('db'), c.get('principal'), studyId(c), {
        limit: page.pageSize,
        offset: page.offset,
      });
      return c.json(pageEnvelope(c, page, count, records.map(patientWire)));
    },
  )
  .post(
    '/:id/patients',
    bodyRoute<{ patient_ids: number[] }>({
      method: 'post',
      path: '/studies/{id}/patients',
      summary: "Enrol patients of the study's organization (already enrolled: kept)",
      access: MANAGE,
      body: PATIENT_IDS_BODY,
      responses: {
        201: '{"studyPatients": [...]}',
        400: "a patient is not in the study's organization",
        ...FORBIDDEN,
      },
    }),
    async (c) => {
      const { study, enrolments } = await enrollPatients(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').patient_ids,
      );
      return c.json({ studyPatients: enrolments.map((e) => studyPatientWire(study, e)) }, 201);
    },
  )
  .delete(
    '/:id/patients',
    bodyRoute<{ patient_ids: number[] }>({
      method: 'delete',
      path: '/studies/{id}/patients',
      summary: 'Unenrol patients (their consents for the study go too)',
      access: MANAGE,
      body: PATIENT_IDS_BODY,
      responses: { 204: 'done (also when nothing matched)', ...FORBIDDEN },
    }),
    async (c) => {
      await unenrollPatients(c.get('db'), c.get('principal'), studyId(c), c.req.valid('json').patient_ids);
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/scope_requests',
    route({
      method: 'get',
      path: '/studies/{id}/scope_requests',
      summary: 'Scopes the study requests, by id',
      access: MEMBERS,
      responses: { 200: 'plain array', ...FORBIDDEN },
    }),
    async (c) =>
      c.json((await listScopeRequests(c.get('db'), c.get('principal'), studyId(c))).map(scopeRequestWire)),
  )
  .post(
    '/:id/scope_requests',
    bodyRoute<{ scope_code_id: number }>({
      method: 'post',
      path: '/studies/{id}/scope_requests',
      summary: 'Request a scope',
      access: MANAGE,
      body: linkBody('scope_code_id'),
      responses: {
        201: '{"id","study","scopeCode"}',
        400: 'unknown scope',
        409: 'already requested',
        ...FORBIDDEN,
      },
    }),
    async (c) => {
      const link = await addScopeRequest(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').scope_code_id,
      );
      return c.json(scopeRequestWire(link), 201);
    },
  )
  .delete(
    '/:id/scope_requests',
    bodyRoute<{ scope_code_id: number }>({
      method: 'delete',
      path: '/studies/{id}/scope_requests',
      summary: 'Stop requesting a scope',
      access: MANAGE,
      body: linkBody('scope_code_id'),
      responses: { 204: 'done', ...FORBIDDEN },
    }),
    async (c) => {
      await removeScopeRequest(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').scope_code_id,
      );
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/data_sources',
    route({
      method: 'get',
      path: '/studies/{id}/data_sources',
      summary: 'Data sources linked to the study',
      access: MEMBERS,
      responses: { 200: 'plain array', ...FORBIDDEN },
    }),
    async (c) =>
      c.json(
        (await listStudyDataSources(c.get('db'), c.get('principal'), studyId(c))).map(studyDataSourceWire),
      ),
  )
  .post(
    '/:id/data_sources',
    bodyRoute<{ data_source_id: number }>({
      method: 'post',
      path: '/studies/{id}/data_sources',
      summary: 'Link a data source',
      access: MANAGE,
      body: linkBody('data_source_id'),
      responses: {
        201: '{"id","study","dataSource"}',
        400: 'unknown data source',
        409: 'already linked',
        ...FORBIDDEN,
      },
    }),
    async (c) => {
      const link = await addStudyDataSource(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').data_source_id,
      );
      return c.json(studyDataSourceWire(link), 201);
    },
  )
  .delete(
    '/:id/data_sources',
    bodyRoute<{ data_source_id: number }>({
      method: 'delete',
      path: '/studies/{id}/data_sources',
      summary: 'Unlink a data source',
      access: MANAGE,
      body: linkBody('data_source_id'),
      responses: { 204: 'done', ...FORBIDDEN },
    }),
    async (c) => {
      await removeStudyDataSource(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').data_source_id,
      );
      return c.body(null, 204);
    },
  )
  .get(
    '/:id/clients',
    route({
      method: 'get',
      path: '/studies/{id}/clients',
      summary: 'Patient-facing clients linked to the study (never a secret)',
      access: MEMBERS,
      responses: { 200: 'plain array', ...FORBIDDEN },
    }),
    async (c) =>
      c.json((await listStudyClients(c.get('db'), c.get('principal'), studyId(c))).map(studyClientWire)),
  )
  .post(
    '/:id/clients',
    bodyRoute<{ client_id: number }>({
      method: 'post',
      path: '/studies/{id}/clients',
      summary: 'Link a patient-facing client by application pk (`clientId` or `client_id`)',
      access: MANAGE,
      body: linkBody('client_id'),
      responses: {
        201: '{"id","study","client"}',
        400: 'unknown client',
        409: 'already linked',
        ...FORBIDDEN,
      },
    }),
    async (c) => {
      const link = await addStudyClient(
        c.get('db'),
        c.get('principal'),
        studyId(c),
        c.req.valid('json').client_id,
      );
      return c.json(studyClientWire(link), 201);
    },
  )
  .delete(
    '/:id/clients',
    bodyRoute<{ client_id: number }>({
      method: 'delete',
      path: '/studies/{id}/clients',
      summary: 'Unlink a client',
      access: MANAGE,
      body: linkBody('client_id'),
      responses: { 204: 'done', ...FORBIDDEN },
    }),
    async (c) => {
      await removeStudyClient(c.get('db'), c.get('principal'), studyId(c), c.req.valid('json').client_id);
      return c.body(null, 204);
    },
  );
