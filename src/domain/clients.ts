/**
 * Patient-facing OAuth applications (API.md C.8) — the ones with an invitation URL — their data
 * sources, and the invitations issued for them (C.9). Secrets are never read here: the public
 * shape has no secret, and these clients are public ones anyway.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, type SQL } from 'drizzle-orm';
import { can, patientsVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import {
  clientDataSources,
  codeableConcepts,
  dataSourceSupportedScopes,
  dataSources,
  invitations,
  oauthClients,
  patients,
} from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { assertAdministrator, invalidPk, scopeColumnsVia, type DataSourceRecord } from './data-sources';

export interface PatientClient {
  id: number;
  name: string;
  clientId: string;
  invitationUrl: string;
}

export interface ClientDataSourceLink {
  id: number;
  clientPk: number;
  dataSourceId: number;
}

export interface InvitationRecord {
  id: number;
  patientId: number;
  clientPk: number;
  tokenHash: string;
  status: (typeof invitations.$inferSelect)['status'];
  lastUpdated: string;
}

const FORBIDDEN = 'You do not have permission to perform this action.';
const notFound = () => new AppError('not_found', 'No Client matches the given query.');

/** Only applications with an invitation URL are patient clients (C.8): never the portal, API keys or SoF. */
const isPatientClient = isNotNull(oauthClients.invitationUrl);
const patientClientColumns = {
  id: oauthClients.id,
  name: oauthClients.name,
  clientId: oauthClients.clientId,
  invitationUrl: oauthClients.invitationUrl,
};

type ClientSelection = { id: number; name: string; clientId: string; invitationUrl: string | null };

const asPatientClient = (row: ClientSelection): PatientClient => ({
  ...row,
  invitationUrl: row.invitationUrl ?? '',
});

/** C.8 list: newest first (then id descending); count and page in one batch. */
export async function listClients(
  db: Db,
  page: { offset: number; limit: number },
): Promise<{ count: number; clients: PatientClient[] }> {
  const [[total], rows] = await db.batch([
    db.select({ n: count() }).from(oauthClients).where(isPatientClient),
    db
      .select(patientClientColumns)
      .from(oauthClients)
      .where(isPatientClient)
      .orderBy(desc(oauthClients.created), desc(oauthClients.id))
      .limit(page.limit)
      .offset(page.offset),
  ]);
  return { count: total?.n ?? 0, clients: rows.map(asPatientClient) };
}

const byPk = (id: number) => and(eq(oauthClients.id, id), isPatientClient);

/** One patient client; 404 for any other application. */
export async function getClient(db: Db, id: number): Promise<PatientClient> {
  const row = await db.select(patientClientColumns).from(oauthClients).where(byPk(id)).get();
  if (!row) throw notFound();
  return asPatientClient(row);
}

function duplicateClientId(err: unknown): AppError | undefined {
  if (!isUniqueViolation(err, 'oauth_clients.client_id')) return undefined;
  // DRF's unique-validator message for the field (A.7 field map).
  return new AppError('invalid', 'Duplicate client id.', {
    body: { clientId: ['application with this client id already exists.'] },
  });
}

/**
 * C.8 POST: a public, authorization-code, skip-consent application whose one redirect URI is the
 * portal callback `<siteUrl>/auth/callback` (F.9).
 */
export async function createClient(
  db: Db,
  principal: Principal,
  input: { name: string; clientId: string; invitationUrl: string },
  siteUrl: string,
): Promise<PatientClient> {
  assertAdministrator(principal);
  try {
    const [row] = await db
      .insert(oauthClients)
      .values({
        ...input,
        clientType: 'public',
        grantType: 'authorization-code',
        skipAuthorization: true,
        redirectUris: `${siteUrl.replace(/\/+$/, '')}/auth/callback`,
      })
      .returning(patientClientColumns);
    if (!row) throw new Error('client insert returned no row');
    return asPatientClient(row);
  } catch (err) {
    throw duplicateClientId(err) ?? err;
  }
}

/** C.8 PATCH: any of name, clientId, invitationUrl. */
export async function updateClient(
  db: Db,
  principal: Principal,
  id: number,
  input: { name?: string; clientId?: string; invitationUrl?: string },
): Promise<PatientClient> {
  assertAdministrator(principal);
  const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  try {
    const [row] = await db
      .update(oauthClients)
      .set({ ...changes, updated: new Date().toISOString() })
      .where(byPk(id))
      .returning(patientClientColumns);
    if (!row) throw notFound();
    return asPatientClient(row);
  } catch (err) {
    throw duplicateClientId(err) ?? err;
  }
}

/** C.8 DELETE: the application and, by cascade, its links, invitations, codes and refresh tokens. */
/** Returns the deleted application's OAuth client_id, so the caller can revoke its tokens. */
export async function deleteClient(db: Db, principal: Principal, id: number): Promise<string> {
  assertAdministrator(principal);
  const [deleted] = await db
    .delete(oauthClients)
    .where(byPk(id))
    .returning({ clientId: oauthClients.clientId });
  if (!deleted) throw notFound();
  return deleted.clientId;
}

/**
 * C.8 `GET /clients/{id}/data_sources`: the linked data sources by name, each with its supported
 * scopes. Client check, data sources and scopes are one batch of three statements.
 */
export async function listClientDataSources(db: Db, id: number): Promise<DataSourceRecord[]> {
  const linkedIds = db
    .select({ id: clientDataSources.dataSourceId })
    .from(clientDataSources)
    .where(eq(clientDataSources.clientId, id));
  const [client, rows, scopes] = await db.batch([
    db.select({ id: oauthClients.id }).from(oauthClients).where(byPk(id)),
    db
      .select()
      .from(dataSources)
      .where(inArray(dataSources.id, linkedIds))
      .orderBy(asc(dataSources.name), asc(dataSources.id)),
    db
      .select({
        dataSourceId: dataSourceSupportedScopes.dataSourceId,
        scope: scopeColumnsVia(dataSourceSupportedScopes.scopeCodeId),
      })
      .from(dataSourceSupportedScopes)
      .innerJoin(codeableConcepts, eq(codeableConcepts.id, dataSourceSupportedScopes.scopeCodeId))
      .where(inArray(dataSourceSupportedScopes.dataSourceId, linkedIds))
      .orderBy(asc(codeableConcepts.text), asc(codeableConcepts.id)),
  ]);
  if (client.length === 0) throw notFound();
  const records = rows.map((dataSource): DataSourceRecord => ({ dataSource, supportedScopes: [] }));
  const byId = new Map(records.map((record) => [record.dataSource.id, record]));
  for (const { dataSourceId, scope } of scopes) byId.get(dataSourceId)?.supportedScopes.push(scope);
  return records;
}

/** C.8 POST data source link: 404 unknown client, 400 unknown data source, 409 already linked. */
export async function addClientDataSource(
  db: Db,
  principal: Principal,
  id: number,
  dataSourceId: number,
): Promise<ClientDataSourceLink> {
  assertAdministrator(principal);
  const [client, source] = await db.batch([
    db.select({ id: oauthClients.id }).from(oauthClients).where(byPk(id)),
    db.select({ id: dataSources.id }).from(dataSources).where(eq(dataSources.id, dataSourceId)),
  ]);
  if (client.length === 0) throw notFound();
  if (source.length === 0) throw invalidPk('dataSourceId', dataSourceId);
  try {
    const [link] = await db
      .insert(clientDataSources)
      .values({ clientId: id, dataSourceId })
      .returning({ id: clientDataSources.id });
    if (!link) throw new Error('client data source insert returned no row');
    return { id: link.id, clientPk: id, dataSourceId };
  } catch (err) {
    if (isUniqueViolation(err, 'client_data_sources.client_id, client_data_sources.data_source_id')) {
      throw new AppError('conflict', 'This client is already linked to this data source.');
    }
    throw err;
  }
}

/** C.8 DELETE data source link: 404 unknown client; removing a missing link is a no-op. */
export async function removeClientDataSource(
  db: Db,
  principal: Principal,
  id: number,
  dataSourceId: number,
): Promise<void> {
  assertAdministrator(principal);
  const [client] = await db.batch([
    db.select({ id: oauthClients.id }).from(oauthClients).where(byPk(id)),
    db
      .delete(clientDataSources)
      .where(and(eq(clientDataSources.clientId, id), eq(clientDataSources.dataSourceId, dataSourceId))),
  ]);
  if (client.length === 0) throw notFound();
}

/**
 * Which invitations the caller may list (C.9 [R]): a superuser all of them; a practitioner those of
 * the patients they share an organization with (E.4); anyone else is refused.
 */
function invitationsVisibleTo(db: Db, principal: Principal): SQL | undefined {
  if (can(principal, 'admin')) return undefined;
  if (principal.kind !== 'practitioner') throw new AppError('forbidden', FORBIDDEN);
  return inArray(
    invitations.patientId,
    db.select({ id: patients.id }).from(patients).where(patientsVisibleTo(db, principal)),
  );
}

/** C.9 `GET /invitation`: newest first (id descending); count and page in one batch. */
export async function listInvitations(
  db: Db,
  principal: Principal,
  page: { offset: number; limit: number },
): Promise<{ count: number; invitations: InvitationRecord[] }> {
  const where = invitationsVisibleTo(db, principal);
  const [[total], rows] = await db.batch([
    db.select({ n: count() }).from(invitations).where(where),
    db
      .select({
        id: invitations.id,
        patientId: invitations.patientId,
        clientPk: invitations.clientId,
        tokenHash: invitations.tokenHash,
        status: invitations.status,
        lastUpdated: invitations.lastUpdated,
      })
      .from(invitations)
      .where(where)
      .orderBy(desc(invitations.id))
      .limit(page.limit)
      .offset(page.offset),
  ]);
  return { count: total?.n ?? 0, invitations: rows };
}
