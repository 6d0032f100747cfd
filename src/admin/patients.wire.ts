import type { PatientRecord } from '../domain/patient-records';
import { organizationWire } from './organizations.wire';

/** API.md C.3 `Patient`; `telecomEmail` is the user's login email. */
export function patientWire(record: PatientRecord) {
  const { patient } = record;
  return {
    id: patient.id,
    jheUserId: patient.userId,
    identifiers: record.identifiers.map(({ id, system, value }) => ({ id, system, value })),
    nameFamily: patient.nameFamily,
    nameGiven: patient.nameGiven,
    birthDate: patient.birthDate,
    telecomPhone: patient.telecomPhone,
    telecomEmail: record.email,
    organizations: record.organizations.map((org) => organizationWire(org)),
  };
}
