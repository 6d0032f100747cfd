/**
 * Token housekeeping endpoints' logic: userinfo (OIDC Core 5.3), revocation (RFC 7009) and
 * introspection (RFC 7662). Presented access tokens are checked exactly as the bearer check does.
 */
import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { verifyAccessToken, type VerifiedAccessToken } from './access-token';
import type { OAuthClient } from './clients';
import { loadUserFacts } from './principals';
import { findRefreshToken, revokeFamily } from './refresh-tokens';
import { revokeTokens } from './revocation';

export interface KeyConfig {
  pem: string | undefined;
  accessIssuer: string;
}

/** A live access token, or undefined for anything else (expired, revoked, forged, not a JWT). */
function liveAccessToken(db: Db, keys: KeyConfig, token: string): Promise<VerifiedAccessToken | undefined> {
  return verifyAccessToken(db, keys.pem, keys.accessIssuer, token).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'invalid_token') return undefined;
    throw err;
  });
}

/** Claims about the token's user: `sub`, and `email` only with the email scope (B.6). */
export async function userInfo(db: Db, principal: Principal): Promise<{ sub: string; email?: string }> {
  const scopes = principal.scope.split(' ');
  if (principal.kind === 'client' || !scopes.includes('openid')) {
    throw new AppError('insufficient_scope', 'The access token lacks the openid scope.');
  }
  const user = await loadUserFacts(db, principal.userId);
  if (!user) throw new AppError('invalid_token', 'The access token is invalid.');
  return scopes.includes('email') ? { sub: String(user.id), email: user.email } : { sub: String(user.id) };
}

/**
 * Revoke what `client` presents: a refresh token takes its family (and their access tokens) with
 * it; an access token is revoked by id. Tokens of other clients and unknown tokens are ignored
 * (RFC 7009 2.2: the answer is 200 either way).
 */
export async function revokePresentedToken(
  db: Db,
  keys: KeyConfig,
  client: OAuthClient,
  token: string,
): Promise<void> {
  if (!token) return;
  const refresh = await findRefreshToken(db, token);
  if (refresh) {
    if (refresh.clientId === client.id) await revokeFamily(db, { familyId: refresh.familyId });
    return;
  }
  const verified = await liveAccessToken(db, keys, token);
  if (verified && verified.principal.clientId === client.clientId) {
    await revokeTokens(db, [{ jti: verified.principal.jti, expiresAt: new Date(verified.expiresAt * 1000) }]);
  }
}

/** RFC 7662 2.2: `{active: false}` for anything not a live access token. */
export async function introspect(
  db: Db,
  keys: KeyConfig,
  token: string | undefined,
): Promise<Record<string, unknown>> {
  const verified = token ? await liveAccessToken(db, keys, token) : undefined;
  if (!verified) return { active: false };
  const { principal } = verified;
  const user = principal.kind === 'client' ? undefined : await loadUserFacts(db, principal.userId);
  return {
    active: true,
    scope: principal.scope,
    client_id: principal.clientId,
    token_type: 'Bearer',
    exp: verified.expiresAt,
    iat: verified.issuedAt,
    ...(user && { sub: String(user.id), username: user.email }),
  };
}
