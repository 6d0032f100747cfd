import type { CreatedInvitation } from '../auth';

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
