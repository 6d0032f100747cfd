import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { patients, practitioners, users } from '../db/schema';
import { AppError } from '../lib/errors';
import type { PrincipalGrant } from '../lib/principal';

export interface UserFacts {
  id: number;
  email: string;
  isActive: boolean;
  isSuperuser: boolean;
  userType: 'practitioner' | 'patient' | null;
  practitionerId: number | null;
  patientId: number | null;
}

/** One read: the user with its practitioner and patient ids. */
export async function loadUserFacts(db: Db, userId: number): Promise<UserFacts | undefined> {
  return db
    .select({
      id: users.id,
      email: users.email,
      isActive: users.isActive,
      isSuperuser: users.isSuperuser,
      userType: users.userType,
      practitionerId: practitioners.id,
      patientId: patients.id,
    })
    .from(users)
    .leftJoin(practitioners, eq(practitioners.userId, users.id))
    .leftJoin(patients, eq(patients.userId, users.id))
    .where(eq(users.id, userId))
    .get();
}

/**
 * What a token for this user acts as. A user who is both is a patient when their type says so
 * (invitations make patients of existing users), else a practitioner; superusers always have a
 * practitioner profile (E.1).
 */
export function grantForUser(user: UserFacts, clientId: string, scope: string): PrincipalGrant {
  if (!user.isActive) throw new AppError('invalid_grant', 'The user is inactive.');
  if (user.patientId !== null && (user.userType === 'patient' || user.practitionerId === null)) {
    return { kind: 'patient', clientId, scope, userId: user.id, patientId: user.patientId };
  }
  if (user.practitionerId !== null) {
    return {
      kind: 'practitioner',
      clientId,
      scope,
      userId: user.id,
      practitionerId: user.practitionerId,
      isSuperuser: user.isSuperuser,
    };
  }
  throw new AppError('invalid_grant', 'The user has neither a practitioner nor a patient profile.');
}
