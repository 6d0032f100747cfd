import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  organizations,
  patientIdentifiers,
  patientOrganizations,
  patients,
  practitioners,
  users,
} from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

export type OrganizationRow = typeof organizations.$inferSelect;
export type IdentifierRow = Pick<typeof patientIdentifiers.$inferSelect, 'id' | 'system' | 'value'>;

export interface PractitionerProfile {
  kind: 'practitioner';
  user: typeof users.$inferSelect;
  settings: Record<string, unknown>;
}

export interface PatientProfile {
  kind: 'patient';
  user: typeof users.$inferSelect;
  patientId: number;
  identifiers: IdentifierRow[];
  organizations: OrganizationRow[];
}

export type Profile = PractitionerProfile | PatientProfile;

/** The caller's own profile (API.md C.1 `GET /users/profile`). */
export async function getProfile(db: Db, principal: Principal): Promise<Profile> {
  if (principal.kind === 'client') throw new AppError('forbidden', 'This token does not act for a user.');
  const user = await db.select().from(users).where(eq(users.id, principal.userId)).get();
  if (!user) throw new AppError('not_found', 'Not found.');
  if (principal.kind === 'practitioner') {
    const practitioner = await db
      .select({ settings: practitioners.settings })
      .from(practitioners)
      .where(eq(practitioners.id, principal.practitionerId))
      .get();
    return { kind: 'practitioner', user, settings: practitioner?.settings ?? {} };
  }
  const [identifiers, orgs] = await db.batch([
    db
      .select({
        id: patientIdentifiers.id,
        system: patientIdentifiers.system,
        value: patientIdentifiers.value,
      })
      .from(patientIdentifiers)
      .where(eq(patientIdentifiers.patientId, principal.patientId))
      .orderBy(asc(patientIdentifiers.id)),
    db
      .select()
      .from(organizations)
      .where(
        inArray(
          organizations.id,
          db
            .select({ id: patientOrganizations.organizationId })
            .from(patientOrganizations)
            .where(eq(patientOrganizations.patientId, principal.patientId)),
        ),
      )
      .orderBy(asc(organizations.name), asc(organizations.id)),
  ]);
  return { kind: 'patient', user, patientId: principal.patientId, identifiers, organizations: orgs };
}

/** Whether a patient row exists for this id (used to check a patient token's subject). */
export async function patientExists(db: Db, patientId: number): Promise<boolean> {
  return (
    (await db.select({ id: patients.id }).from(patients).where(eq(patients.id, patientId)).get()) !==
    undefined
  );
}
