import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { oauthClients } from '../db/schema';
import { constantTimeEqual, sha256 } from '../lib/crypto';
import { AppError } from '../lib/errors';

export type OAuthClient = typeof oauthClients.$inferSelect;

export async function findClient(db: Db, clientId: string): Promise<OAuthClient | undefined> {
  return db.select().from(oauthClients).where(eq(oauthClients.clientId, clientId)).get();
}

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Whether they came in an `Authorization: Basic` header (the 401 then names the scheme). */
  viaBasic: boolean;
}

/** Client credentials from HTTP Basic (RFC 6749 2.3.1, form-urlencoded parts) or the form body. */
export function readClientCredentials(
  authorization: string | undefined,
  form: Record<string, string>,
): ClientCredentials {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic);
    } catch {
      throw new AppError('invalid_client', 'Malformed Basic credentials.', { headers: BASIC_CHALLENGE });
    }
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new AppError('invalid_client', 'Malformed Basic credentials.', { headers: BASIC_CHALLENGE });
    return {
      clientId: safeDecode(decoded.slice(0, colon)),
      clientSecret: safeDecode(decoded.slice(colon + 1)),
      viaBasic: true,
    };
  }
  return { clientId: form.client_id, clientSecret: form.client_secret, viaBasic: false };
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="oauth"' };

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/**
 * Authenticate a client at the token, revocation or introspection endpoint: a public client
 * names itself; a confidential one must prove its secret (hash compared in constant time).
 */
export async function authenticateClient(db: Db, credentials: ClientCredentials): Promise<OAuthClient> {
  const fail = () =>
    new AppError(
      'invalid_client',
      'Client authentication failed.',
      credentials.viaBasic ? { headers: BASIC_CHALLENGE } : {},
    );
  if (!credentials.clientId) throw fail();
  const client = await findClient(db, credentials.clientId);
  if (!client) throw fail();
  if (client.clientType === 'confidential') {
    if (!credentials.clientSecret || !client.clientSecretHash) throw fail();
    if (!(await constantTimeEqual(await sha256(credentials.clientSecret), client.clientSecretHash)))
      throw fail();
  }
  return client;
}
