import type { Profile, UserRecord } from '../domain/users';
import { organizationWire } from './organizations.wire';
import { patientWire } from './patients.wire';

/** snake_case keys of a JSON column to camelCase (A.3: keys inside JSON columns are converted too). */
export function camelKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase()),
      v,
    ]),
  );
}

/** API.md C.1 `GET /users/profile`: exact key sets per kind (PHI stripped for patients). */
export function profileWire(profile: Profile) {
  const { user } = profile;
  if (profile.kind === 'practitioner') {
    return {
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      patient: null,
      userType: user.userType,
      isSuperuser: user.isSuperuser,
      settings: camelKeys(profile.settings),
    };
  }
  return {
    id: user.id,
    patient: {
      id: profile.patientId,
      jheUserId: user.id,
      identifiers: profile.identifiers.map(({ id, system, value }) => ({ id, system, value })),
      organizations: profile.organizations.map((org) => organizationWire(org)),
    },
    userType: user.userType,
    isSuperuser: user.isSuperuser,
  };
}

/** API.md C.1 `User`: `patient` is the full Patient object, or null. */
export function userWire(record: UserRecord) {
  const { user } = record;
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    patient: record.patient ? patientWire(record.patient) : null,
    userType: user.userType,
    isSuperuser: user.isSuperuser,
  };
}
