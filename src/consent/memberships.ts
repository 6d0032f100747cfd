/**
 * The relationships access is decided from: a practitioner's direct organization memberships
 * (no inheritance down the tree, API.md E.3), read from DB rows, never from client-sent ids.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  patientOrganizations,
  practitionerOrganizations,
  studies,
  type PractitionerRole,
} from '../db/schema';

/** The practitioner's roles in the organizations the patient belongs to (one per shared org). */
export async function rolesForPatient(
  db: Db,
  practitionerId: number,
  patientId: number,
): Promise<PractitionerRole[]> {
  const rows = await db
    .select({ role: practitionerOrganizations.role })
    .from(practitionerOrganizations)
    .innerJoin(
      patientOrganizations,
      and(
        eq(patientOrganizations.organizationId, practitionerOrganizations.organizationId),
        eq(patientOrganizations.patientId, patientId),
      ),
    )
    .where(eq(practitionerOrganizations.practitionerId, practitionerId));
  return rows.map((r) => r.role);
}

/** The practitioner's roles in the given organizations (no inheritance: exactly these ids). */
export async function rolesInOrganizations(
  db: Db,
  practitionerId: number,
  organizationIds: readonly number[],
): Promise<PractitionerRole[]> {
  if (organizationIds.length === 0) return [];
  const rows = await db
    .select({ role: practitionerOrganizations.role })
    .from(practitionerOrganizations)
    .where(
      and(
        eq(practitionerOrganizations.practitionerId, practitionerId),
        inArray(practitionerOrganizations.organizationId, [...organizationIds]),
      ),
    );
  return rows.map((r) => r.role);
}

/**
 * The practitioner's role in each organization it shares with the patient. Per-organization, for
 * rules that name one organization: consent writes need a writer role in the *study's*
 * organization (API.md C.3.1), patient edits in the `organization_id` the caller names (C.3).
 */
export async function sharedOrganizationRoles(
  db: Db,
  practitionerId: number,
  patientId: number,
): Promise<{ organizationId: number; role: PractitionerRole }[]> {
  return db
    .select({
      organizationId: practitionerOrganizations.organizationId,
      role: practitionerOrganizations.role,
    })
    .from(practitionerOrganizations)
    .innerJoin(
      patientOrganizations,
      and(
        eq(patientOrganizations.organizationId, practitionerOrganizations.organizationId),
        eq(patientOrganizations.patientId, patientId),
      ),
    )
    .where(eq(practitionerOrganizations.practitionerId, practitionerId));
}

/**
 * The practitioner's roles in a study's organization, read in one query with the study itself
 * (no study-then-roles round trips); undefined when the study does not exist.
 */
export async function rolesInStudyOrganization(
  db: Db,
  practitionerId: number,
  studyId: number,
): Promise<{ organizationId: number; roles: PractitionerRole[] } | undefined> {
  const rows = await db
    .select({ organizationId: studies.organizationId, role: practitionerOrganizations.role })
    .from(studies)
    .leftJoin(
      practitionerOrganizations,
      and(
        eq(practitionerOrganizations.organizationId, studies.organizationId),
        eq(practitionerOrganizations.practitionerId, practitionerId),
      ),
    )
    .where(eq(studies.id, studyId));
  const [first] = rows;
  if (!first) return undefined;
  return { organizationId: first.organizationId, roles: rows.flatMap((r) => (r.role ? [r.role] : [])) };
}
