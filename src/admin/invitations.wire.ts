import type { CreatedInvitation } from '../auth';
import type { InvitationRecord } from '../domain/clients';

/** B.8.2 create response: camelCase except the OAuth-ish `client_id` (A.3). */
export function createdInvitationWire(invitation: CreatedInvitation) {
  return {
    id: invitation.id,
    patientId: invitation.patientId,
    client_id: invitation.clientPk,
    tokenHash: invitation.tokenHash,
    token: invitation.token,
    status: invitation.status,
    lastUpdated: invitation.lastUpdated,
    invitationLink: invitation.invitationLink,
  };
}

/**
 * C.8 `patientInvitations` row, also the C.9 list row: the token exists only in the create
 * response, so it is always null here; `client_id` stays snake (A.3).
 */
export function invitationWire(invitation: InvitationRecord) {
  return {
    id: invitation.id,
    patientId: invitation.patientId,
    client_id: invitation.clientPk,
    tokenHash: invitation.tokenHash,
    token: null,
    status: invitation.status,
    lastUpdated: invitation.lastUpdated,
  };
}
