import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organizations, patientIdentifiers, patientOrganizations, patients, users } from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import type { IdentifierRow, OrganizationRow } from './users';

/** A patient with what every wire shape of a Patient needs (API.md C.3). */
export interface PatientRecord {
  patient: typeof patients.$inferSelect;
  email: string | null;
  identifiers: IdentifierRow[];
  organizations: OrganizationRow[];
}

/**
 * Load full patient records for `ids`, keeping their order: each table is read once per chunk of
 * 100 ids (D1's bound-parameter limit), all reads in one batch — never one query per patient.
 */
export async function loadPatientRecords(db: Db, ids: readonly number[]): Promise<PatientRecord[]> {
  if (ids.length === 0) return [];
  const byId = new Map<number, PatientRecord>();
  for (const part of chunk([...new Set(ids)], D1_MAX_BOUND_PARAMETERS - 1)) {
    const [rows, identifiers, orgs] = await db.batch([
      db
        .select({ patient: patients, email: users.email })
        .from(patients)
        .leftJoin(users, eq(users.id, patients.userId))
        .where(inArray(patients.id, part)),
      db
        .select({
          patientId: patientIdentifiers.patientId,
          id: patientIdentifiers.id,
          system: patientIdentifiers.system,
          value: patientIdentifiers.value,
        })
        .from(patientIdentifiers)
        .where(inArray(patientIdentifiers.patientId, part))
        .orderBy(asc(patientIdentifiers.id)),
      db
        .select({ patientId: patientOrganizations.patientId, organization: organizations })
        .from(patientOrganizations)
        .innerJoin(organizations, eq(organizations.id, patientOrganizations.organizationId))
        .where(inArray(patientOrganizations.patientId, part))
        .orderBy(asc(organizations.name), asc(organizations.id)),
    ]);
    for (const row of rows)
      byId.set(row.patient.id, {
        patient: row.patient,
        email: row.email,
        identifiers: [],
        organizations: [],
      });
    for (const { patientId, ...identifier } of identifiers) byId.get(patientId)?.identifiers.push(identifier);
    for (const { patientId, organization } of orgs) byId.get(patientId)?.organizations.push(organization);
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}
