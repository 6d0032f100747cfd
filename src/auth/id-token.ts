import { SignJWT } from 'jose';
import { base64url } from '../lib/encoding';
import { signingKey } from './keys';

/** API.md B.5: 10 hours. */
export const ID_TOKEN_SECONDS = 36_000;

export interface IdTokenInput {
  issuer: string;
  userId: number;
  clientId: string;
  accessToken: string;
  authTime: string;
  nonce: string | null;
  email: string | null;
}

/** OIDC Core 3.3.2.11: left half of SHA-256 of the access token, base64url. */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
  return base64url(digest.slice(0, digest.length / 2));
}

/** Sign an ID token with the claims of API.md B.6 (`email` only when that scope was granted). */
export async function issueIdToken(
  pem: string | undefined,
  input: IdTokenInput,
  now = new Date(),
): Promise<string> {
  const key = await signingKey(pem);
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = {
    auth_time: Math.floor(Date.parse(input.authTime) / 1000),
    at_hash: await accessTokenHash(input.accessToken),
  };
  if (input.nonce) claims.nonce = input.nonce;
  if (input.email) claims.email = input.email;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(input.issuer)
    .setSubject(String(input.userId))
    .setAudience(input.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
}
