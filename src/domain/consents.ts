/**
 * A patient's consents (API.md C.3.1). These rows are what authorizes practitioners' observation
 * reads (E.5, `observationsVisibleTo`), so writes are all-or-nothing: every entry is validated
 * first, then all rows are written in ONE batch with one `consentedTime`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { can, rolesForPatient, sharedOrganizationRoles } from '../consent';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import {
  codeableConcepts,
  consents,
  dataSources,
  dataSourceSupportedScopes,
  organizations,
  patients,
  studies,
  studyDataSources,
  studyPatients,
  studyScopeRequests,
} from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { nowIso } from '../lib/clock';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { loadPatientRecords, type PatientRecord } from './patient-records';
import { PATIENT_NOT_FOUND } from './patients';
import type { DataSourceRow, ScopeRow, StudyOrganization, StudyRow } from './studies';

const NO_PERMISSION = 'You do not have permission to perform this action.';
/** consents has 5 columns: 20 rows per multi-row insert stay under D1's 100 bound parameters. */
const CONSENTS_PER_INSERT = Math.floor(D1_MAX_BOUND_PARAMETERS / 5);

export interface ConsentState {
  consented: boolean;
  consentedTime: string;
}

/** One scope request of a study, in request-id order (C.3.1). */
export interface ScopeConsent {
  scope: ScopeRow;
  /** null: the patient has not answered this request yet (pending). */
  consent: ConsentState | null;
}

export interface ConsentStudy {
  study: StudyRow;
  organization: StudyOrganization;
  dataSources: { source: DataSourceRow; supportedScopes: ScopeRow[] }[];
  scopes: ScopeConsent[];
}

export interface PatientConsents {
  patient: PatientRecord;
  consolidatedConsentedScopes: ScopeRow[];
  /** Enrolled studies with at least one scope request, by id. */
  studies: ConsentStudy[];
}

async function requirePatient(db: Db, patientId: number): Promise<PatientRecord> {
  const [record] = await loadPatientRecords(db, [patientId]);
  if (!record) throw new AppError('not_found', PATIENT_NOT_FOUND);
  return record;
}

/**
 * C.3.1 `GET /patients/{id}/consents`: the patient themself, or a practitioner sharing an
 * organization with them (any role). Every table is read once, in one batch.
 */
export async function getPatientConsents(
  db: Db,
  principal: Principal,
  patientId: number,
): Promise<PatientConsents> {
  const patient = await requirePatient(db, patientId);
  const roles =
    principal.kind === 'practitioner' ? await rolesForPatient(db, principal.practitionerId, patientId) : [];
  if (!can(principal, 'patient.read', { roles, patientId })) throw new AppError('forbidden', NO_PERMISSION);

  const enrolledStudyIds = db
    .select({ id: studyPatients.studyId })
    .from(studyPatients)
    .where(eq(studyPatients.patientId, patientId));
  const linkedSourceIds = db
    .select({ id: studyDataSources.dataSourceId })
    .from(studyDataSources)
    .where(inArray(studyDataSources.studyId, enrolledStudyIds));
  const consentedScopeIds = db
    .select({ id: consents.scopeCodeId })
    .from(consents)
    .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
    .where(and(eq(studyPatients.patientId, patientId), eq(consents.consented, true)));

  // No row of this batch joins two tables that share a column name: D1 batch results are keyed by
  // column name, so e.g. `studies.id` and `organizations.id` would collide. Parents are separate reads.
  const [enrolled, orgs, requests, answers, links, supported, consolidated] = await db.batch([
    db.select().from(studies).where(inArray(studies.id, enrolledStudyIds)).orderBy(asc(studies.id)),
    db
      .select({ id: organizations.id, name: organizations.name, type: organizations.type })
      .from(organizations)
      .where(
        inArray(
          organizations.id,
          db
            .select({ id: studies.organizationId })
            .from(studies)
            .where(inArray(studies.id, enrolledStudyIds)),
        ),
      ),
    db
      .select({ studyId: studyScopeRequests.studyId, scope: codeableConcepts })
      .from(studyScopeRequests)
      .innerJoin(codeableConcepts, eq(codeableConcepts.id, studyScopeRequests.scopeCodeId))
      .where(inArray(studyScopeRequests.studyId, enrolledStudyIds))
      .orderBy(asc(studyScopeRequests.id)),
    db
      .select({
        studyId: studyPatients.studyId,
        scopeCodeId: consents.scopeCodeId,
        consented: consents.consented,
        consentedTime: consents.consentedTime,
      })
      .from(consents)
      .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
      .where(eq(studyPatients.patientId, patientId)),
    db
      .select({ studyId: studyDataSources.studyId, source: dataSources })
      .from(studyDataSources)
      .innerJoin(dataSources, eq(dataSources.id, studyDataSources.dataSourceId))
      .where(inArray(studyDataSources.studyId, enrolledStudyIds))
      .orderBy(asc(studyDataSources.id)),
    db
      .select({ dataSourceId: dataSourceSupportedScopes.dataSourceId, scope: codeableConcepts })
      .from(dataSourceSupportedScopes)
      .innerJoin(codeableConcepts, eq(codeableConcepts.id, dataSourceSupportedScopes.scopeCodeId))
      .where(inArray(dataSourceSupportedScopes.dataSourceId, linkedSourceIds))
      .orderBy(asc(codeableConcepts.text), asc(codeableConcepts.id)),
    db
      .select()
      .from(codeableConcepts)
      .where(inArray(codeableConcepts.id, consentedScopeIds))
      .orderBy(asc(codeableConcepts.id)),
  ]);

  const answerOf = new Map(answers.map((a) => [`${a.studyId}:${a.scopeCodeId}`, a]));
  const scopesOf = new Map<number, ScopeRow[]>();
  for (const { dataSourceId, scope } of supported)
    scopesOf.set(dataSourceId, [...(scopesOf.get(dataSourceId) ?? []), scope]);

  const orgOf = new Map(orgs.map((org) => [org.id, org]));
  const consentStudies = enrolled.flatMap((study): ConsentStudy[] => {
    const organization = orgOf.get(study.organizationId);
    const scopes = requests
      .filter((r) => r.studyId === study.id)
      .map((r): ScopeConsent => {
        const answer = answerOf.get(`${study.id}:${r.scope.id}`);
        return {
          scope: r.scope,
          consent: answer ? { consented: answer.consented, consentedTime: answer.consentedTime } : null,
        };
      });
    if (scopes.length === 0 || !organization) return [];
    const sources = links
      .filter((l) => l.studyId === study.id)
      .map((l) => ({ source: l.source, supportedScopes: scopesOf.get(l.source.id) ?? [] }));
    return [{ study, organization, dataSources: sources, scopes }];
  });
  return { patient, consolidatedConsentedScopes: consolidated, studies: consentStudies };
}

export type ConsentWriteMode = 'create' | 'update' | 'delete';

export interface ScopeConsentInput {
  codingSystem: string;
  codingCode: string;
  /** Required for create and update (the route's schema enforces it); ignored by delete. */
  consented?: boolean;
}

export interface StudyScopeConsentInput {
  studyId: number;
  scopeConsents: readonly ScopeConsentInput[];
}

export interface WrittenConsent {
  id: number;
  studyPatient: { id: number; studyId: number; patientId: number };
  scope: ScopeRow;
  consented: boolean;
  consentedTime: string;
}

interface PlannedConsent {
  studyPatientId: number;
  studyId: number;
  scope: ScopeRow;
  consented: boolean;
  /** The existing row, if any. */
  existingId: number | undefined;
}

const scopeKey = (system: string, code: string) => `${system}|${code}`;
const invalid = (message: string) => new AppError('invalid', message);

/**
 * C.3.1 `POST` (create), `PATCH` (update) and `DELETE` of `/patients/{id}/consents`. Who: the
 * patient themself; SU; or a practitioner whose role is manager or member in the *study's*
 * organization, which the patient shares (`consent.write`). [R] errors: not enrolled, unknown scope,
 * scope not requested by the study, a repeated scope → 400; POST over an existing row → 409; PATCH
 * of a missing row → 404; DELETE of a missing row is a no-op.
 */
export async function writeConsents(
  db: Db,
  principal: Principal,
  patientId: number,
  mode: ConsentWriteMode,
  entries: readonly StudyScopeConsentInput[],
): Promise<WrittenConsent[]> {
  const patient = await db.select({ id: patients.id }).from(patients).where(eq(patients.id, patientId)).get();
  if (!patient) throw new AppError('not_found', PATIENT_NOT_FOUND);
  const shared =
    principal.kind === 'practitioner'
      ? await sharedOrganizationRoles(db, principal.practitionerId, patientId)
      : [];
  // Up-front gate so callers with no standing learn nothing about enrolments or scopes.
  if (!can(principal, 'consent.write', { roles: shared.map((s) => s.role), patientId })) {
    throw new AppError('forbidden', NO_PERMISSION);
  }

  const codes = [...new Set(entries.flatMap((e) => e.scopeConsents.map((s) => s.codingCode)))];
  const [enrolments, requests, existing, ...scopeParts] = await db.batch([
    db
      .select({
        id: studyPatients.id,
        studyId: studyPatients.studyId,
        organizationId: studies.organizationId,
      })
      .from(studyPatients)
      .innerJoin(studies, eq(studies.id, studyPatients.studyId))
      .where(eq(studyPatients.patientId, patientId)),
    db
      .select({ studyId: studyScopeRequests.studyId, scopeCodeId: studyScopeRequests.scopeCodeId })
      .from(studyScopeRequests)
      .where(
        inArray(
          studyScopeRequests.studyId,
          db
            .select({ id: studyPatients.studyId })
            .from(studyPatients)
            .where(eq(studyPatients.patientId, patientId)),
        ),
      ),
    db
      .select({ id: consents.id, studyPatientId: consents.studyPatientId, scopeCodeId: consents.scopeCodeId })
      .from(consents)
      .innerJoin(studyPatients, eq(studyPatients.id, consents.studyPatientId))
      .where(eq(studyPatients.patientId, patientId)),
    ...chunk(codes, D1_MAX_BOUND_PARAMETERS - 1).map((part) =>
      db.select().from(codeableConcepts).where(inArray(codeableConcepts.codingCode, part)),
    ),
  ]);
  const scopes = new Map(scopeParts.flat().map((s) => [scopeKey(s.codingSystem, s.codingCode), s]));
  const enrolmentOf = new Map(enrolments.map((e) => [e.studyId, e]));
  const requested = new Set(requests.map((r) => `${r.studyId}:${r.scopeCodeId}`));
  const existingOf = new Map(existing.map((c) => [`${c.studyPatientId}:${c.scopeCodeId}`, c.id]));

  const plan: PlannedConsent[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const enrolment = enrolmentOf.get(entry.studyId);
    if (!enrolment) throw invalid(`Patient ${patientId} is not enrolled in study ${entry.studyId}.`);
    const roles = shared.filter((s) => s.organizationId === enrolment.organizationId).map((s) => s.role);
    if (!can(principal, 'consent.write', { roles, patientId }))
      throw new AppError('forbidden', NO_PERMISSION);
    for (const item of entry.scopeConsents) {
      const key = scopeKey(item.codingSystem, item.codingCode);
      const scope = scopes.get(key);
      if (!scope) throw invalid(`Unknown scope code ${key}.`);
      if (!requested.has(`${entry.studyId}:${scope.id}`)) {
        throw invalid(`Study ${entry.studyId} does not request the scope ${key}.`);
      }
      if (seen.has(`${entry.studyId}:${scope.id}`)) {
        throw invalid(`The scope ${key} is listed more than once for study ${entry.studyId}.`);
      }
      seen.add(`${entry.studyId}:${scope.id}`);
      const existingId = existingOf.get(`${enrolment.id}:${scope.id}`);
      if (mode === 'create' && existingId !== undefined) {
        throw new AppError(
          'conflict',
          `Patient ${patientId} already has a consent for ${key} in study ${entry.studyId}; use PATCH to change it.`,
        );
      }
      if (mode === 'update' && existingId === undefined) {
        throw new AppError(
          'not_found',
          `Patient ${patientId} has no consent for ${key} in study ${entry.studyId}.`,
        );
      }
      plan.push({
        studyPatientId: enrolment.id,
        studyId: entry.studyId,
        scope,
        consented: item.consented ?? false,
        existingId,
      });
    }
  }

  const consentedTime = nowIso();
  const written = (p: PlannedConsent, id: number): WrittenConsent => ({
    id,
    studyPatient: { id: p.studyPatientId, studyId: p.studyId, patientId },
    scope: p.scope,
    consented: p.consented,
    consentedTime,
  });

  switch (mode) {
    case 'create':
      return createConsents(db, plan, consentedTime, written);
    case 'update': {
      const rows = plan.flatMap((p) =>
        p.existingId === undefined ? [] : [{ ...p, existingId: p.existingId }],
      );
      const items = [true, false].flatMap((value) =>
        chunk(
          rows.filter((p) => p.consented === value).map((p) => p.existingId),
          D1_MAX_BOUND_PARAMETERS - 2,
        ).map((ids) =>
          db.update(consents).set({ consented: value, consentedTime }).where(inArray(consents.id, ids)),
        ),
      );
      const [first, ...rest] = items;
      if (first) await db.batch([first, ...rest]);
      return rows.map((p) => written(p, p.existingId));
    }
    case 'delete': {
      const ids = plan.flatMap((p) => (p.existingId === undefined ? [] : [p.existingId]));
      const [first, ...rest] = chunk(ids, D1_MAX_BOUND_PARAMETERS).map((part) =>
        db.delete(consents).where(inArray(consents.id, part)),
      );
      if (first) await db.batch([first, ...rest]);
      return [];
    }
  }
}

/** The inserts of a POST, in one batch; a row created concurrently since validation is a 409. */
async function createConsents(
  db: Db,
  plan: readonly PlannedConsent[],
  consentedTime: string,
  written: (p: PlannedConsent, id: number) => WrittenConsent,
): Promise<WrittenConsent[]> {
  const [first, ...rest] = chunk(plan, CONSENTS_PER_INSERT).map((part) =>
    db
      .insert(consents)
      .values(
        part.map((p) => ({
          studyPatientId: p.studyPatientId,
          scopeCodeId: p.scope.id,
          consented: p.consented,
          consentedTime,
        })),
      )
      .returning({
        id: consents.id,
        studyPatientId: consents.studyPatientId,
        scopeCodeId: consents.scopeCodeId,
      }),
  );
  if (!first) return [];
  let inserted;
  try {
    inserted = (await db.batch([first, ...rest])).flat();
  } catch (err) {
    if (isUniqueViolation(err, 'consents.study_patient_id, consents.scope_code_id')) {
      throw new AppError(
        'conflict',
        'A consent for one of these scopes was created meanwhile; use PATCH to change it.',
      );
    }
    throw err;
  }
  const idOf = new Map(inserted.map((r) => [`${r.studyPatientId}:${r.scopeCodeId}`, r.id]));
  return plan.flatMap((p) => {
    const id = idOf.get(`${p.studyPatientId}:${p.scope.id}`);
    return id === undefined ? [] : [written(p, id)];
  });
}
