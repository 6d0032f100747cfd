/**
 * Visibility as SQL predicates, composed into every list query (API.md E.3-E.5): never fetch and
 * then filter in JavaScript. Visibility comes from direct organization membership only.
 */
import { and, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client';
import { ALL_ROWS, NO_ROWS } from '../db/expressions';
import {
  consents,
  dataSources,
  observations,
  organizations,
  patientOrganizations,
  patients,
  practitionerOrganizations,
  practitioners,
  studies,
  studyDataSources,
  studyPatients,
  studyScopeRequests,
  users,
} from '../db/schema';
import type { Principal } from '../lib/principal';

/** Organization ids the practitioner is a direct member of (any role), as a subquery. */
export function memberOrganizationIds(db: Db, practitionerId: number) {
  return db
    .select({ id: practitionerOrganizations.organizationId })
    .from(practitionerOrganizations)
    .where(eq(practitionerOrganizations.practitionerId, practitionerId));
}

/** Patients visible to the caller: sharing an organization with a practitioner; a patient sees themself. */
export function patientsVisibleTo(db: Db, principal: Principal): SQL {
  switch (principal.kind) {
    case 'practitioner':
      return inArray(
        patients.id,
        db
          .select({ id: patientOrganizations.patientId })
          .from(patientOrganizations)
          .where(
            inArray(patientOrganizations.organizationId, memberOrganizationIds(db, principal.practitionerId)),
          ),
      );
    case 'patient':
      return eq(patients.id, principal.patientId);
    case 'client':
      return NO_ROWS;
  }
}

/**
 * Patients the caller may upload observations for (E.2 "Upload observations"): a practitioner
 * sharing an organization with the patient, any role (viewers too, as upstream), superusers only
 * through a membership; a patient for themself. The same relation as patient visibility.
 */
export function patientsWritableBy(db: Db, principal: Principal): SQL {
  return patientsVisibleTo(db, principal);
}

/** Studies visible to the caller: of an organization a practitioner belongs to; a patient's enrolments. */
export function studiesVisibleTo(db: Db, principal: Principal): SQL {
  switch (principal.kind) {
    case 'practitioner':
      return inArray(studies.organizationId, memberOrganizationIds(db, principal.practitionerId));
    case 'patient':
      return inArray(
        studies.id,
        db
          .select({ id: studyPatients.studyId })
          .from(studyPatients)
          .where(eq(studyPatients.patientId, principal.patientId)),
      );
    case 'client':
      return NO_ROWS;
  }
}

/**
 * Consent as authorization (E.5 [R]), the one rule every observation read path uses: practitioner P
 * reads observation O (patient X, scope S) iff some study T of an organization P directly belongs
 * to enrols X, requests S, and X's consent for (T, S) is currently true. With `studyId`, only that
 * study counts. A patient reads their own observations; nobody else reads anything.
 *
 * Expressed as `(patient_id, scope_code_id) IN (consented pairs)`: the pair set is computed once
 * and each pair is an index range on observations(patient, scope, effective, id).
 */
export function observationsVisibleTo(db: Db, principal: Principal, options: { studyId?: number } = {}): SQL {
  switch (principal.kind) {
    case 'practitioner':
      // Kept here, not in db/: this row-value IN is the consent rule itself (patient, consented scope).
      return sql`(${observations.patientId}, ${observations.scopeCodeId}) IN ${consentedPairs(db, principal.practitionerId, options)}`;
    case 'patient':
      return eq(observations.patientId, principal.patientId);
    case 'client':
      return NO_ROWS;
  }
}

/**
 * The (patient, scope) pairs a practitioner may read, as a subquery (columns `patientId`,
 * `scopeCodeId`; duplicates possible): the relation `observationsVisibleTo` tests against. The
 * search reads it on its own to page per pair.
 */
export function consentedPairs(db: Db, practitionerId: number, options: { studyId?: number } = {}) {
  return db
    .select({ patientId: studyPatients.patientId, scopeCodeId: consents.scopeCodeId })
    .from(studyPatients)
    .innerJoin(studies, eq(studies.id, studyPatients.studyId))
    .innerJoin(consents, and(eq(consents.studyPatientId, studyPatients.id), eq(consents.consented, true)))
    .innerJoin(
      studyScopeRequests,
      and(
        eq(studyScopeRequests.studyId, studies.id),
        eq(studyScopeRequests.scopeCodeId, consents.scopeCodeId),
      ),
    )
    .where(
      and(
        inArray(studies.organizationId, memberOrganizationIds(db, practitionerId)),
        options.studyId === undefined ? undefined : eq(studies.id, options.studyId),
      ),
    );
}

/**
 * User accounts the caller may list (API.md C.1 [R], E.6: upstream lists everyone with emails).
 * A superuser sees all accounts (user administration is an admin area, E.2); a practitioner sees
 * their own account and the users (practitioners or patients) sharing a direct organization with
 * them; patients and bare clients see none (an empty list, like the other lists of C.3/C.5).
 */
export function usersVisibleTo(db: Db, principal: Principal): SQL {
  switch (principal.kind) {
    case 'practitioner': {
      if (principal.isSuperuser) return ALL_ROWS;
      const orgIds = memberOrganizationIds(db, principal.practitionerId);
      return (
        or(
          eq(users.id, principal.userId),
          inArray(
            users.id,
            db
              .select({ id: practitioners.userId })
              .from(practitioners)
              .innerJoin(
                practitionerOrganizations,
                eq(practitionerOrganizations.practitionerId, practitioners.id),
              )
              .where(inArray(practitionerOrganizations.organizationId, orgIds)),
          ),
          inArray(
            users.id,
            db
              .select({ id: patients.userId })
              .from(patients)
              .innerJoin(patientOrganizations, eq(patientOrganizations.patientId, patients.id))
              .where(inArray(patientOrganizations.organizationId, orgIds)),
          ),
        ) ?? NO_ROWS
      );
    }
    case 'patient':
    case 'client':
      return NO_ROWS;
  }
}

/**
 * Data sources (FHIR Device) visible to the caller (API.md D.8, D.10): those linked to a study the
 * caller sees: a practitioner's organizations' studies, a patient's own studies.
 */
export function dataSourcesVisibleTo(db: Db, principal: Principal): SQL {
  return inArray(
    dataSources.id,
    db
      .select({ id: studyDataSources.dataSourceId })
      .from(studyDataSources)
      .innerJoin(studies, eq(studies.id, studyDataSources.studyId))
      .where(studiesVisibleTo(db, principal)),
  );
}

/**
 * Organizations visible to the caller on FHIR (D.8, D.10): a practitioner's direct memberships
 * (no inheritance, E.3), a patient's own organizations.
 */
export function organizationsVisibleTo(db: Db, principal: Principal): SQL {
  switch (principal.kind) {
    case 'practitioner':
      return inArray(organizations.id, memberOrganizationIds(db, principal.practitionerId));
    case 'patient':
      return inArray(
        organizations.id,
        db
          .select({ id: patientOrganizations.organizationId })
          .from(patientOrganizations)
          .where(eq(patientOrganizations.patientId, principal.patientId)),
      );
    case 'client':
      return NO_ROWS;
  }
}

/**
 * Practitioners visible to the caller on FHIR (D.8, D.10): a practitioner sees themself and those
 * sharing a direct organization; a patient sees the practitioners of their organizations.
 */
export function practitionersVisibleTo(db: Db, principal: Principal): SQL {
  const inOrganizations = (orgIds: SQLWrapper) =>
    inArray(
      practitioners.id,
      db
        .select({ id: practitionerOrganizations.practitionerId })
        .from(practitionerOrganizations)
        .where(inArray(practitionerOrganizations.organizationId, orgIds)),
    );
  switch (principal.kind) {
    case 'practitioner':
      return (
        or(
          eq(practitioners.id, principal.practitionerId),
          inOrganizations(memberOrganizationIds(db, principal.practitionerId)),
        ) ?? NO_ROWS
      );
    case 'patient':
      return inOrganizations(
        db
          .select({ id: patientOrganizations.organizationId })
          .from(patientOrganizations)
          .where(eq(patientOrganizations.patientId, principal.patientId)),
      );
    case 'client':
      return NO_ROWS;
  }
}
