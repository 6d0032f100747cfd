import type { ClientDataSourceLink, PatientClient } from '../domain/clients';

/** API.md C.8 `Client`: never a secret. */
export function clientWire(client: PatientClient) {
  return { id: client.id, name: client.name, clientId: client.clientId, invitationUrl: client.invitationUrl };
}

/** C.8 POST `/clients/{id}/data_sources` response: note the snake `client_id` (A.3 OAuth-ish key). */
export function clientDataSourceWire(link: ClientDataSourceLink) {
  return { id: link.id, client_id: link.clientPk, dataSourceId: link.dataSourceId };
}
