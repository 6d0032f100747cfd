/**
 * Studies of the admin API (API.md C.5) and their links: enrolled patients, scope requests, data
 * sources and clients. Reads need a direct membership of the study's organization (`study.read`,
 * E.4); every change needs MGR/MEM there or SU (`study.manage`, E.2). A study the caller cannot see,
 * including a missing one, is 403 (A.8 upstream quirk, kept [R]).
 */
import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import { can, rolesInOrganizations, rolesInStudyOrganization, studiesVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { chunkedInserts, runBatch } from '../db/batch';
import { isUniqueViolation } from '../db/errors';
import {
  codeableConcepts,
  dataSources,
  oauthClients,
  organizations,
  patientOrganizations,
  patients,
  studies,
  studyClients,
  studyDataSources,
  studyPatients,
  studyScopeRequests,
} from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { nowIso } from '../lib/clock';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import {
  loadPatientPage,
  loadPatientRecords,
  type PageWindow,
  type PatientPage,
  type PatientRecord,
} from './patient-records';
import { rememberSelection } from './patients';

export const STUDY_FORBIDDEN = 'Current User does not have authorization to access this Study.';
const NO_PERMISSION = 'You do not have permission to perform this action.';
export const SAME_ORGANIZATION = 'Patient and study must be from the same Organization';

export type StudyRow = typeof studies.$inferSelect;
export type ScopeRow = typeof codeableConcepts.$inferSelect;
export type DataSourceRow = typeof dataSources.$inferSelect;
export type StudyClientRow = Pick<typeof oauthClients.$inferSelect, 'id' | 'name' | 'clientId'>;
export type StudyOrganization = Pick<typeof organizations.$inferSelect, 'id' | 'name' | 'type'>;

export interface StudyDetail {
  study: StudyRow;
  organization: StudyOrganization;
}

const studyOrganization = { id: organizations.id, name: organizations.name, type: organizations.type };

/** DRF's message for a primary key that names no row, under the field's camelCase name. */
const invalidPk = (field: string, id: number) =>
  new AppError('invalid', `Invalid pk "${id}" - object does not exist.`, {
    body: { [field]: [`Invalid pk "${id}" - object does not exist.`] },
  });

/**
 * C.5 `GET /studies`: studies of the organizations the caller is a direct member of (superusers
 * included, E.2 notes), ordered by name then id. Count, page and the sticky `current_organization_id`
 * write share one batch. Non-practitioners get an empty list [R].
 */
export async function listStudies(
  db: Db,
  principal: Principal,
  filter: { organizationId?: number },
  page: PageWindow,
): Promise<{ count: number; studies: StudyDetail[] }> {
  if (principal.kind !== 'practitioner') return { count: 0, studies: [] };
  const where = and(
    studiesVisibleTo(db, principal),
    filter.organizationId === undefined ? undefined : eq(studies.organizationId, filter.organizationId),
  );
  // The organizations come as a second read of the same batch, not a join: D1 batch results are
  // keyed by column name, so `studies.id` and `organizations.id` in one row would collide.
  const [counted, rows, orgs] = await db.batch([
    db.select({ n: count() }).from(studies).where(where),
    db
      .select()
      .from(studies)
      .where(where)
      .orderBy(asc(studies.name), asc(studies.id))
      .limit(page.limit)
      .offset(page.offset),
    db
      .select(studyOrganization)
      .from(organizations)
      .where(
        inArray(
          organizations.id,
          db
            .select({ id: studies.organizationId })
            .from(studies)
            .where(where)
            .orderBy(asc(studies.name), asc(studies.id))
            .limit(page.limit)
            .offset(page.offset),
        ),
      ),
    ...rememberSelection(db, principal, { organizationId: filter.organizationId }),
  ]);
  const orgOf = new Map(orgs.map((org) => [org.id, org]));
  return {
    count: counted[0]?.n ?? 0,
    studies: rows.flatMap((study) => {
      const organization = orgOf.get(study.organizationId);
      return organization ? [{ study, organization }] : [];
    }),
  };
}

/**
 * The study, once the caller may perform `action` on it. Missing, or invisible to a non-manager,
 * is 403 with the Study message (A.8); visible but read-only (a viewer asking to manage) is the
 * generic 403.
 */
async function authorizeStudy(
  db: Db,
  principal: Principal,
  studyId: number,
  action: 'study.read' | 'study.manage',
): Promise<StudyDetail> {
  // The study and the caller's roles are read side by side, not one after the other.
  const [found, access] = await Promise.all([
    db
      .select({ study: studies, organization: studyOrganization })
      .from(studies)
      .innerJoin(organizations, eq(organizations.id, studies.organizationId))
      .where(eq(studies.id, studyId))
      .get(),
    principal.kind === 'practitioner'
      ? rolesInStudyOrganization(db, principal.practitionerId, studyId)
      : undefined,
  ]);
  if (!found) throw new AppError('forbidden', STUDY_FORBIDDEN);
  const roles = access?.roles ?? [];
  if (can(principal, action, { roles })) return found;
  throw new AppError('forbidden', can(principal, 'study.read', { roles }) ? NO_PERMISSION : STUDY_FORBIDDEN);
}

/** C.5 `GET /studies/{id}`: any member of the study's organization. */
export function getStudy(db: Db, principal: Principal, studyId: number): Promise<StudyDetail> {
  return authorizeStudy(db, principal, studyId, 'study.read');
}

export interface StudyFields {
  name?: string;
  description?: string | null;
  iconUrl?: string | null;
}

/** C.5 `POST /studies`: MGR/MEM of `organization`, or SU. */
export async function createStudy(
  db: Db,
  principal: Principal,
  input: StudyFields & { name: string; organizationId: number },
): Promise<StudyRow> {
  const roles =
    principal.kind === 'practitioner'
      ? await rolesInOrganizations(db, principal.practitionerId, [input.organizationId])
      : [];
  if (!can(principal, 'study.manage', { roles })) throw new AppError('forbidden', NO_PERMISSION);
  const organization = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId))
    .get();
  if (!organization) throw invalidPk('organization', input.organizationId);
  const [created] = await db
    .insert(studies)
    .values({
      name: input.name,
      description: input.description ?? '',
      organizationId: input.organizationId,
      iconUrl: input.iconUrl ?? null,
      lastUpdated: nowIso(),
    })
    .returning();
  if (!created) throw new Error('study insert returned no row');
  return created;
}

/** C.5 `PATCH/PUT /studies/{id}`: name, description, iconUrl; the organization never moves. */
export async function updateStudy(
  db: Db,
  principal: Principal,
  studyId: number,
  fields: StudyFields,
): Promise<StudyRow> {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  const [updated] = await db
    .update(studies)
    .set({
      name: fields.name,
      description: fields.description === null ? '' : fields.description,
      iconUrl: fields.iconUrl,
      lastUpdated: nowIso(),
    })
    .where(eq(studies.id, studyId))
    .returning();
  if (!updated) throw new AppError('forbidden', STUDY_FORBIDDEN);
  return updated;
}

/** C.5 `DELETE /studies/{id}`: enrolments, consents, scope requests and links go by FK cascade. */
export async function deleteStudy(db: Db, principal: Principal, studyId: number): Promise<void> {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  await db.delete(studies).where(eq(studies.id, studyId));
}

/**
 * C.5 `GET /studies/{id}/patients`: the enrolled patients, by id, when the caller is a member of the
 * study's organization; otherwise an empty page. Count, page and children in one batch.
 */
export async function listStudyPatients(
  db: Db,
  principal: Principal,
  studyId: number,
  page: PageWindow,
): Promise<PatientPage> {
  if (principal.kind !== 'practitioner') return { count: 0, records: [] };
  const where = inArray(
    patients.id,
    db
      .select({ id: studyPatients.patientId })
      .from(studyPatients)
      .innerJoin(studies, eq(studies.id, studyPatients.studyId))
      .where(and(eq(studyPatients.studyId, studyId), studiesVisibleTo(db, principal))),
  );
  return loadPatientPage(db, where, page);
}

export interface Enrolment {
  id: number;
  patient: PatientRecord;
}

/**
 * C.5 `POST /studies/{id}/patients` [R]: every patient must belong to the study's organization
 * (else 400, nothing written); enrolments that exist already are kept. Returns the enrolment of
 * each requested patient.
 */
export async function enrollPatients(
  db: Db,
  principal: Principal,
  studyId: number,
  patientIds: readonly number[],
): Promise<{ study: StudyRow; enrolments: Enrolment[] }> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.manage');
  const ids = [...new Set(patientIds)];
  const parts = chunk(ids, D1_MAX_BOUND_PARAMETERS - 1);
  const members = (
    await Promise.all(
      parts.map((part) =>
        db
          .select({ id: patientOrganizations.patientId })
          .from(patientOrganizations)
          .where(
            and(
              eq(patientOrganizations.organizationId, study.organizationId),
              inArray(patientOrganizations.patientId, part),
            ),
          ),
      ),
    )
  ).flat();
  if (members.length !== ids.length) {
    throw new AppError('invalid', SAME_ORGANIZATION, { body: [SAME_ORGANIZATION] });
  }
  await runBatch(
    db,
    chunkedInserts(
      db,
      studyPatients,
      ids.map((patientId) => ({ studyId, patientId })),
      { ignoreConflicts: true },
    ),
  );
  const [rows, records] = await Promise.all([
    Promise.all(
      parts.map((part) =>
        db
          .select({ id: studyPatients.id, patientId: studyPatients.patientId })
          .from(studyPatients)
          .where(and(eq(studyPatients.studyId, studyId), inArray(studyPatients.patientId, part))),
      ),
    ),
    loadPatientRecords(db, ids),
  ]);
  const enrolmentIds = new Map(rows.flat().map((r) => [r.patientId, r.id]));
  return {
    study,
    enrolments: records.flatMap((patient) => {
      const id = enrolmentIds.get(patient.patient.id);
      return id === undefined ? [] : [{ id, patient }];
    }),
  };
}

/** C.5 `DELETE /studies/{id}/patients`: unenrol (consents cascade); ids not enrolled are ignored. */
export async function unenrollPatients(
  db: Db,
  principal: Principal,
  studyId: number,
  patientIds: readonly number[],
): Promise<void> {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  await runBatch(
    db,
    chunk([...new Set(patientIds)], D1_MAX_BOUND_PARAMETERS - 1).map((part) =>
      db
        .delete(studyPatients)
        .where(and(eq(studyPatients.studyId, studyId), inArray(studyPatients.patientId, part))),
    ),
  );
}

export interface StudyLink<T> {
  id: number;
  study: StudyRow;
  target: T;
}

const withStudy = <T>(study: StudyRow, rows: { id: number; target: T }[]): StudyLink<T>[] =>
  rows.map((row) => ({ id: row.id, study, target: row.target }));

/** A link insert; its uniqueness constraint turns a repeat into 409. */
async function insertLink<T extends { id: number }>(
  run: () => Promise<T[]>,
  constraint: string,
  message: string,
): Promise<T> {
  try {
    const [row] = await run();
    if (!row) throw new Error('link insert returned no row');
    return row;
  } catch (err) {
    if (isUniqueViolation(err, constraint)) throw new AppError('conflict', message);
    throw err;
  }
}

/** C.5 `GET /studies/{id}/scope_requests`: members; plain array by id. */
export async function listScopeRequests(
  db: Db,
  principal: Principal,
  studyId: number,
): Promise<StudyLink<ScopeRow>[]> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.read');
  const rows = await db
    .select({ id: studyScopeRequests.id, target: codeableConcepts })
    .from(studyScopeRequests)
    .innerJoin(codeableConcepts, eq(codeableConcepts.id, studyScopeRequests.scopeCodeId))
    .where(eq(studyScopeRequests.studyId, studyId))
    .orderBy(asc(studyScopeRequests.id));
  return withStudy(study, rows);
}

/** C.5 `POST /studies/{id}/scope_requests`: unknown scope → 400, already requested → 409 [R]. */
export async function addScopeRequest(
  db: Db,
  principal: Principal,
  studyId: number,
  scopeCodeId: number,
): Promise<StudyLink<ScopeRow>> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.manage');
  const scope = await db.select().from(codeableConcepts).where(eq(codeableConcepts.id, scopeCodeId)).get();
  if (!scope) throw invalidPk('scopeCodeId', scopeCodeId);
  const row = await insertLink(
    () =>
      db.insert(studyScopeRequests).values({ studyId, scopeCodeId }).returning({ id: studyScopeRequests.id }),
    'study_scope_requests.study_id, study_scope_requests.scope_code_id',
    'This study already requests this scope.',
  );
  return { id: row.id, study, target: scope };
}

/**
 * C.5 `DELETE /studies/{id}/scope_requests`. Consent rows for the scope are kept, but without the
 * request they no longer authorize reads (E.5).
 */
export async function removeScopeRequest(db: Db, principal: Principal, studyId: number, scopeCodeId: number) {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  await db
    .delete(studyScopeRequests)
    .where(and(eq(studyScopeRequests.studyId, studyId), eq(studyScopeRequests.scopeCodeId, scopeCodeId)));
}

/** C.5 `GET /studies/{id}/data_sources`: members; plain array by link id. */
export async function listStudyDataSources(
  db: Db,
  principal: Principal,
  studyId: number,
): Promise<StudyLink<DataSourceRow>[]> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.read');
  const rows = await db
    .select({ id: studyDataSources.id, target: dataSources })
    .from(studyDataSources)
    .innerJoin(dataSources, eq(dataSources.id, studyDataSources.dataSourceId))
    .where(eq(studyDataSources.studyId, studyId))
    .orderBy(asc(studyDataSources.id));
  return withStudy(study, rows);
}

/** C.5 `POST /studies/{id}/data_sources`: unknown data source → 400, already linked → 409. */
export async function addStudyDataSource(
  db: Db,
  principal: Principal,
  studyId: number,
  dataSourceId: number,
): Promise<StudyLink<DataSourceRow>> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.manage');
  const source = await db.select().from(dataSources).where(eq(dataSources.id, dataSourceId)).get();
  if (!source) throw invalidPk('dataSourceId', dataSourceId);
  const row = await insertLink(
    () =>
      db.insert(studyDataSources).values({ studyId, dataSourceId }).returning({ id: studyDataSources.id }),
    'study_data_sources.study_id, study_data_sources.data_source_id',
    'This data source is already linked to this study.',
  );
  return { id: row.id, study, target: source };
}

/** C.5 `DELETE /studies/{id}/data_sources`. */
export async function removeStudyDataSource(
  db: Db,
  principal: Principal,
  studyId: number,
  dataSourceId: number,
) {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  await db
    .delete(studyDataSources)
    .where(and(eq(studyDataSources.studyId, studyId), eq(studyDataSources.dataSourceId, dataSourceId)));
}

const clientColumns = { id: oauthClients.id, name: oauthClients.name, clientId: oauthClients.clientId };

/** C.5 `GET /studies/{id}/clients`: members; never a secret (or its hash) [R]. */
export async function listStudyClients(
  db: Db,
  principal: Principal,
  studyId: number,
): Promise<StudyLink<StudyClientRow>[]> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.read');
  const rows = await db
    .select({ id: studyClients.id, target: clientColumns })
    .from(studyClients)
    .innerJoin(oauthClients, eq(oauthClients.id, studyClients.clientId))
    .where(eq(studyClients.studyId, studyId))
    .orderBy(asc(studyClients.id));
  return withStudy(study, rows);
}

/**
 * C.5 `POST /studies/{id}/clients` (application pk). Only patient-facing applications (those with an
 * invitation URL, C.8) can be linked: the portal, the SoF app and other practitioners' API keys are
 * not clients a patient is invited to.
 */
export async function addStudyClient(
  db: Db,
  principal: Principal,
  studyId: number,
  clientPk: number,
): Promise<StudyLink<StudyClientRow>> {
  const { study } = await authorizeStudy(db, principal, studyId, 'study.manage');
  const client = await db
    .select(clientColumns)
    .from(oauthClients)
    .where(and(eq(oauthClients.id, clientPk), isNotNull(oauthClients.invitationUrl)))
    .get();
  if (!client) throw invalidPk('clientId', clientPk);
  const row = await insertLink(
    () => db.insert(studyClients).values({ studyId, clientId: clientPk }).returning({ id: studyClients.id }),
    'study_clients.study_id, study_clients.client_id',
    'This client is already linked to this study.',
  );
  return { id: row.id, study, target: client };
}

/** C.5 `DELETE /studies/{id}/clients`. */
export async function removeStudyClient(db: Db, principal: Principal, studyId: number, clientPk: number) {
  await authorizeStudy(db, principal, studyId, 'study.manage');
  await db
    .delete(studyClients)
    .where(and(eq(studyClients.studyId, studyId), eq(studyClients.clientId, clientPk)));
}
