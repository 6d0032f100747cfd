import { Hono, type Context } from 'hono';
import { createInvitationLink, invitationConfig, requireAuth, revokeUserTokens } from '../auth';
import { getPatientConsents, writeConsents, type ConsentWriteMode } from '../domain/consents';
import { patientToInvite } from '../domain/invitations';
import {
  addPatientToOrganization,
  createPatient,
  getOwnPatient,
  getPatient,
  listPatients,
  lookupPatientsByEmail,
  PATIENT_NOT_FOUND,
  patientClients,
  removePatientFromOrganization,
  updatePatient,
  type IdentifierInput,
} from '../domain/patients';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { patientConsentsWire, writtenConsentsWire } from './consents.wire';
import { patientClientWire, patientWire } from './patients.wire';

const TAG = 'Patients';
const MANAGE = 'a manager or member of the organization, or a superuser';
const READ = 'a practitioner sharing an organization with the patient, or the patient';

const notFound = () => new AppError('not_found', PATIENT_NOT_FOUND);

/** The `{id}` of the path: not a positive integer is 404 like a missing patient. */
function patientId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw notFound();
  return id;
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** An optional integer query parameter (snake or camel name, A.4); garbage is a 400 field error. */
function intQuery(c: Context<AppEnv>, name: string): number | undefined {
  const text = queryParam(c, name);
  if (text === undefined || text === '') return undefined;
  const id = positiveInt(text);
  if (id === undefined) {
    throw new AppError('invalid', `${name} must be an integer.`, {
      body: { [camel(name)]: ['A valid integer is required.'] },
    });
  }
  return id;
}

const TEXT: JsonSchema = { type: ['string', 'null'], maxLength: 255 };
const IDENTIFIERS: JsonSchema = {
  type: 'array',
  maxItems: 100,
  items: {
    type: 'object',
    required: ['system', 'value'],
    properties: { system: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 } },
  },
};
/** Unknown keys (the legacy `identifier` string, `telecomCell`) are ignored [R]. */
const PATIENT_FIELDS = {
  name_family: TEXT,
  name_given: TEXT,
  birth_date: TEXT,
  telecom_phone: TEXT,
  identifiers: IDENTIFIERS,
};

interface PatientBody {
  name_family?: string | null;
  name_given?: string | null;
  birth_date?: string | null;
  telecom_phone?: string | null;
  identifiers?: IdentifierInput[];
}
interface NewPatientBody extends PatientBody {
  organization_id: number;
  telecom_email?: string | null;
}

const CREATE_BODY: JsonSchema = {
  type: 'object',
  required: ['organization_id'],
  properties: { organization_id: { type: 'integer', minimum: 1 }, telecom_email: TEXT, ...PATIENT_FIELDS },
};
const UPDATE_BODY: JsonSchema = { type: 'object', properties: PATIENT_FIELDS };

const fieldsOf = (body: PatientBody) => ({
  ...(body.name_family !== undefined && { nameFamily: body.name_family }),
  ...(body.name_given !== undefined && { nameGiven: body.name_given }),
  ...(body.birth_date !== undefined && { birthDate: body.birth_date }),
  ...(body.telecom_phone !== undefined && { telecomPhone: body.telecom_phone }),
  ...(body.identifiers !== undefined && { identifiers: body.identifiers }),
});

interface ConsentBody {
  study_scope_consents: {
    study_id: number;
    scope_consents: { coding_system: string; coding_code: string; consented?: boolean }[];
  }[];
}

/** C.3.1 body; `consented` is required except on DELETE. */
const consentBody = (requireConsented: boolean): JsonSchema => ({
  type: 'object',
  required: ['study_scope_consents'],
  properties: {
    study_scope_consents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['study_id', 'scope_consents'],
        properties: {
          study_id: { type: 'integer', minimum: 1 },
          scope_consents: {
            type: 'array',
            items: {
              type: 'object',
              required: ['coding_system', 'coding_code', ...(requireConsented ? ['consented'] : [])],
              properties: {
                coding_system: { type: 'string', minLength: 1 },
                coding_code: { type: 'string', minLength: 1 },
                consented: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  },
});

const consentEntries = (body: ConsentBody) =>
  body.study_scope_consents.map((entry) => ({
    studyId: entry.study_id,
    scopeConsents: entry.scope_consents.map((s) => ({
      codingSystem: s.coding_system,
      codingCode: s.coding_code,
      ...(s.consented !== undefined && { consented: s.consented }),
    })),
  }));

const ORGANIZATION_QUERY = { name: 'organization_id', type: 'integer' } as const;
const CONSENT_WRITE_ACCESS =
  "the patient; a manager or member of the study's organization that the patient shares; or a superuser";

function consentWriteRoute(
  method: 'post' | 'patch' | 'delete',
  summary: string,
  responses: Record<number, string>,
) {
  return apiRoute<ConsentBody>({
    method,
    path: '/patients/{id}/consents',
    summary,
    tag: TAG,
    access: CONSENT_WRITE_ACCESS,
    body: consentBody(method !== 'delete'),
    responses,
  });
}

async function writeConsentsFor(c: Context<AppEnv>, mode: ConsentWriteMode, body: ConsentBody) {
  return writeConsents(c.get('db'), c.get('principal'), patientId(c), mode, consentEntries(body));
}

function updateRoute(method: 'patch' | 'put') {
  return apiRoute<PatientBody>({
    method,
    path: '/patients/{id}',
    summary: 'Edit a patient; identifiers replace the whole list',
    tag: TAG,
    access: `${MANAGE} (organization_id required for non-superusers)`,
    query: [ORGANIZATION_QUERY],
    body: UPDATE_BODY,
    responses: { 200: 'the patient', 400: 'message array (C.3)', 403: 'not allowed', 404: 'no such patient' },
  });
}

function updateFrom(c: Context<AppEnv>, body: PatientBody) {
  return updatePatient(
    c.get('db'),
    c.get('principal'),
    patientId(c),
    intQuery(c, 'organization_id'),
    fieldsOf(body),
  );
}

/** API.md C.3 and C.3.1. Static paths come before `/:id`. */
export const patientRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/patients',
      summary:
        'Patients sharing an organization with the caller, by id; stores the sticky organization/study',
      tag: TAG,
      access: 'practitioners (others get an empty list)',
      query: [
        ORGANIZATION_QUERY,
        { name: 'study_id', type: 'integer' },
        { name: 'patient_id', type: 'integer' },
        { name: 'patient_identifier_value', type: 'string' },
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated patients', 400: 'a filter is not an integer', 404: 'Invalid page.' },
    }),
    async (c) => {
      const page = pageRequest(c);
      const identifierValue = queryParam(c, 'patient_identifier_value');
      const { count, records } = await listPatients(
        c.get('db'),
        c.get('principal'),
        {
          organizationId: intQuery(c, 'organization_id'),
          studyId: intQuery(c, 'study_id'),
          patientId: intQuery(c, 'patient_id'),
          ...(identifierValue !== undefined && identifierValue !== '' && { identifierValue }),
        },
        { limit: page.pageSize, offset: page.offset },
      );
      return c.json(pageEnvelope(c, page, count, records.map(patientWire)));
    },
  )
  .post(
    '/',
    apiRoute<NewPatientBody>({
      method: 'post',
      path: '/patients',
      summary: 'Create a patient in an organization (reusing the user with that email)',
      tag: TAG,
      access: MANAGE,
      body: CREATE_BODY,
      responses: { 201: 'the patient', 400: 'message array (C.3)', 403: 'not allowed' },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const record = await createPatient(c.get('db'), c.get('principal'), {
        organizationId: body.organization_id,
        ...(body.telecom_email !== undefined && { telecomEmail: body.telecom_email }),
        ...fieldsOf(body),
      });
      return c.json(patientWire(record), 201);
    },
  )
  .get(
    '/global_lookup',
    apiRoute({
      method: 'get',
      path: '/patients/global_lookup',
      summary: 'Find a patient of any organization by exact email (plain array of 0 or 1)',
      tag: TAG,
      access: 'practitioners',
      query: [{ name: 'email', type: 'string', required: true }],
      responses: { 200: 'plain array of patients', 400: 'email missing', 403: 'not a practitioner' },
    }),
    async (c) => {
      const records = await lookupPatientsByEmail(c.get('db'), c.get('principal'), c.req.query('email'));
      return c.json(records.map(patientWire));
    },
  )
  .get(
    '/me',
    apiRoute({
      method: 'get',
      path: '/patients/me',
      summary: "The calling patient's own record",
      tag: TAG,
      access: 'patients',
      responses: { 200: 'the patient', 403: 'not a patient' },
    }),
    async (c) => c.json(patientWire(await getOwnPatient(c.get('db'), c.get('principal')))),
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/patients/{id}',
      summary: 'One patient',
      tag: TAG,
      access: READ,
      responses: { 200: 'the patient', 403: 'not allowed', 404: 'No Patient matches the given query.' },
    }),
    async (c) => c.json(patientWire(await getPatient(c.get('db'), c.get('principal'), patientId(c)))),
  )
  .patch('/:id', updateRoute('patch'), async (c) =>
    c.json(patientWire(await updateFrom(c, c.req.valid('json')))),
  )
  .put('/:id', updateRoute('put'), async (c) => c.json(patientWire(await updateFrom(c, c.req.valid('json')))))
  .delete(
    '/:id',
    apiRoute({
      method: 'delete',
      path: '/patients/{id}',
      summary:
        'Remove a patient from an organization; with no organization left, delete the patient, observations and unused user',
      tag: TAG,
      access: MANAGE,
      query: [{ ...ORGANIZATION_QUERY, required: true }],
      responses: {
        204: 'removed',
        400: 'organizationId required (superuser)',
        403: 'not allowed',
        404: 'no such patient',
      },
    }),
    async (c) => {
      const db = c.get('db');
      const { deletedPatientUserId } = await removePatientFromOrganization(
        db,
        c.get('principal'),
        patientId(c),
        intQuery(c, 'organization_id'),
      );
      if (deletedPatientUserId !== null) await revokeUserTokens(db, deletedPatientUserId);
      return c.body(null, 204);
    },
  )
  .patch(
    '/:id/global_add_organization',
    apiRoute({
      method: 'patch',
      path: '/patients/{id}/global_add_organization',
      summary: 'Add an existing patient to another organization',
      tag: TAG,
      access: 'a manager or member of the target organization, or a superuser',
      query: [{ ...ORGANIZATION_QUERY, required: true }],
      responses: {
        200: 'the patient',
        400: 'missing parameter or already a member',
        403: 'not allowed',
        404: 'no such patient',
      },
    }),
    async (c) => {
      const record = await addPatientToOrganization(
        c.get('db'),
        c.get('principal'),
        patientId(c),
        intQuery(c, 'organization_id'),
      );
      return c.json(patientWire(record));
    },
  )
  .get(
    '/:id/consolidated_clients',
    apiRoute({
      method: 'get',
      path: '/patients/{id}/consolidated_clients',
      summary: "The clients of the patient's studies, each with the patient's invitations",
      tag: TAG,
      access: READ,
      responses: { 200: 'plain array (C.8)', 403: 'not allowed', 404: 'no such patient' },
    }),
    async (c) => {
      const clients = await patientClients(c.get('db'), c.get('principal'), patientId(c));
      return c.json(clients.map(patientClientWire));
    },
  )
  // B.8.1: `client_id`/`application_id` name the application pk; `send_email` is accepted but no
  // mail transport is configured on the edge, so the link is only returned.
  .get(
    '/:id/invitation_link',
    apiRoute({
      method: 'get',
      path: '/patients/{id}/invitation_link',
      summary: 'A seed-flow invitation link for the patient (B.8.1)',
      tag: TAG,
      access: MANAGE,
      query: [
        { name: 'client_id', type: 'integer' },
        { name: 'application_id', type: 'integer' },
        { name: 'send_email', type: 'boolean' },
      ],
      responses: { 200: '{"invitationLink": ...}', 403: 'not allowed', 404: 'no such patient or client' },
    }),
    async (c) => {
      const db = c.get('db');
      const { userId } = await patientToInvite(db, c.get('principal'), patientId(c));
      const clientText = queryParam(c, 'client_id') ?? queryParam(c, 'application_id');
      const clientPk = clientText === undefined ? undefined : positiveInt(clientText);
      if (clientText !== undefined && clientPk === undefined)
        throw new AppError('not_found', 'No Client matches the given query.');
      const invitationLink = await createInvitationLink(db, invitationConfig(c.env), {
        userId,
        ...(clientPk && { clientPk }),
      });
      return c.json({ invitationLink });
    },
  )
  .get(
    '/:id/consents',
    apiRoute({
      method: 'get',
      path: '/patients/{id}/consents',
      summary: "The patient's consents: consolidated scopes, pending and answered scope requests per study",
      tag: TAG,
      access: READ,
      responses: { 200: 'consents (C.3.1)', 403: 'not allowed', 404: 'no such patient' },
    }),
    async (c) =>
      c.json(patientConsentsWire(await getPatientConsents(c.get('db'), c.get('principal'), patientId(c)))),
  )
  .post(
    '/:id/consents',
    consentWriteRoute('post', 'Create consent rows', {
      201: '{"studyScopeConsents": [...]}',
      400: 'not enrolled, unknown or unrequested scope, malformed body',
      403: 'not allowed',
      404: 'no such patient',
      409: 'a row exists already',
    }),
    async (c) => c.json(writtenConsentsWire(await writeConsentsFor(c, 'create', c.req.valid('json'))), 201),
  )
  .patch(
    '/:id/consents',
    consentWriteRoute('patch', 'Change existing consent rows', {
      200: '{"studyScopeConsents": [...]}',
      400: 'not enrolled, unknown or unrequested scope, malformed body',
      403: 'not allowed',
      404: 'no such patient or consent row',
    }),
    async (c) => c.json(writtenConsentsWire(await writeConsentsFor(c, 'update', c.req.valid('json')))),
  )
  .delete(
    '/:id/consents',
    consentWriteRoute('delete', 'Delete consent rows (missing rows are ignored)', {
      204: 'deleted',
      400: 'not enrolled, unknown or unrequested scope, malformed body',
      403: 'not allowed',
      404: 'no such patient',
    }),
    async (c) => {
      await writeConsentsFor(c, 'delete', c.req.valid('json'));
      return c.body(null, 204);
    },
  );
