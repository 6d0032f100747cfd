import { eq } from 'drizzle-orm';
import { can, rolesForPatient } from '../consent';
import type { Db } from '../db/client';
import { patients } from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

/**
 * The patient a caller wants to invite, once the caller may (API.md B.8, E.2): 404 for an unknown
 * patient, 403 unless a manager or member of one of the patient's organizations or a superuser.
 */
export async function patientToInvite(
  db: Db,
  principal: Principal,
  patientId: number,
): Promise<{ patientId: number; userId: number }> {
  const patient = await db
    .select({ id: patients.id, userId: patients.userId })
    .from(patients)
    .where(eq(patients.id, patientId))
    .get();
  if (!patient) throw new AppError('not_found', 'No Patient matches the given query.');
  const roles =
    principal.kind === 'practitioner' ? await rolesForPatient(db, principal.practitionerId, patient.id) : [];
  if (!can(principal, 'patient.manage', { roles })) {
    throw new AppError('forbidden', 'You do not have permission to perform this action.');
  }
  if (patient.userId === null) throw new AppError('invalid', 'This patient has no user account to invite.');
  return { patientId: patient.id, userId: patient.userId };
}
