/**
 * Practitioner API keys (API.md B.7): a confidential client-credentials application owned by the
 * practitioner; `key` = base64(client_id:client_secret) is shown once, only the secret's hash is kept.
 * A token from the key acts as its owner. Deleting a key revokes its tokens.
 */
import { and, desc, eq, isNull, not } from 'drizzle-orm';
import type { Db } from '../db/client';
import { oauthClients } from '../db/schema';
import { sha256 } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { randomAlphanumeric } from '../lib/random';
import { ACCESS_TOKEN_SECONDS } from './access-token';
import { revokeAllTokens } from './revocation';

export interface ApiKey {
  id: number;
  name: string;
  clientId: string;
  created: string;
  /** Only on creation. */
  key?: string;
}

const ownedBy = (userId: number) =>
  and(
    eq(oauthClients.ownerUserId, userId),
    eq(oauthClients.grantType, 'client-credentials'),
    isNull(oauthClients.invitationUrl),
  );

export async function createApiKey(
  db: Db,
  ownerUserId: number,
  name: string | undefined,
  now = new Date(),
): Promise<ApiKey> {
  const clientId = randomAlphanumeric(40);
  const secret = randomAlphanumeric(64);
  const label = name?.trim() || `API key ${now.toISOString().slice(0, 10)}`;
  const [row] = await db
    .insert(oauthClients)
    .values({
      name: label.slice(0, 200),
      clientId,
      clientSecretHash: await sha256(secret),
      clientType: 'confidential',
      grantType: 'client-credentials',
      skipAuthorization: true,
      ownerUserId,
      created: now.toISOString(),
      updated: now.toISOString(),
    })
    .returning({ id: oauthClients.id, created: oauthClients.created });
  if (!row) throw new Error('API key insert returned no row');
  return { id: row.id, name: label, clientId, created: row.created, key: btoa(`${clientId}:${secret}`) };
}

/** The caller's own keys, newest first (never the secret). */
export async function listApiKeys(db: Db, ownerUserId: number): Promise<ApiKey[]> {
  return db
    .select({
      id: oauthClients.id,
      name: oauthClients.name,
      clientId: oauthClients.clientId,
      created: oauthClients.created,
    })
    .from(oauthClients)
    .where(ownedBy(ownerUserId))
    .orderBy(desc(oauthClients.id));
}

/** One of the caller's keys; another practitioner's key is not found (never 403: no existence leak). */
export async function getApiKey(db: Db, ownerUserId: number, id: number): Promise<ApiKey> {
  const key = await db
    .select({
      id: oauthClients.id,
      name: oauthClients.name,
      clientId: oauthClients.clientId,
      created: oauthClients.created,
    })
    .from(oauthClients)
    .where(and(eq(oauthClients.id, id), ownedBy(ownerUserId)))
    .get();
  if (!key) throw new AppError('not_found', 'Not found.');
  return key;
}

export async function deleteApiKey(db: Db, ownerUserId: number, id: number): Promise<void> {
  const key = await getApiKey(db, ownerUserId, id);
  await db
    .delete(oauthClients)
    .where(and(eq(oauthClients.id, key.id), not(isNull(oauthClients.ownerUserId))));
  await revokeAllTokens(db, { clientId: key.clientId }, ACCESS_TOKEN_SECONDS);
}
