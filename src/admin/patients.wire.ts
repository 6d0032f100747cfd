import type { PatientRecord } from '../domain/patient-records';
import type { PatientClient } from '../domain/patients';
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

/** C.8 `Client` plus the patient's invitations to it (`consolidated_clients` rows of C.3). */
export function patientClientWire({ client, invitations }: PatientClient) {
  return {
    id: client.id,
    name: client.name,
    clientId: client.clientId,
    invitationUrl: client.invitationUrl,
    // A.3: `client_id` stays snake; the token is never shown again (only its hash is stored).
    patientInvitations: invitations.map((invitation) => ({
      id: invitation.id,
      patientId: invitation.patientId,
      client_id: invitation.clientId,
      tokenHash: invitation.tokenHash,
      token: null,
      status: invitation.status,
      lastUpdated: invitation.lastUpdated,
    })),
  };
}
