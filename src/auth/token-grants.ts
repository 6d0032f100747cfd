/**
 * The grants of `/o/token/` (API.md B.4). Checks run in a defensible order, each citing its rule:
 * the presented secret is looked up by hash before anything else is trusted, then the client
 * binding, then replay, expiry, redirect URI and PKCE.
 */
import { AppError } from '../lib/errors';
import type { Db } from '../db/client';
import type { PrincipalGrant } from '../lib/principal';
import { ACCESS_TOKEN_SECONDS, issueAccessToken, type AccessTokenIssue } from './access-token';
import type { OAuthClient } from './clients';
import { findCode, markCodeUsed } from './codes';
import { issueIdToken } from './id-token';
import { verifyPkce } from './pkce';
import { grantForUser, loadUserFacts } from './principals';
import { createRefreshToken, findRefreshToken, revokeFamily, revokeRefreshToken } from './refresh-tokens';
import { revokeTokens } from './revocation';

export interface TokenContext {
  db: Db;
  pem: string | undefined;
  /** Issuer of access tokens (SITE_URL based). */
  accessIssuer: string;
  /** Issuer of ID tokens (the discovery issuer of the request's origin). */
  idIssuer: string;
  now: Date;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

const hasScope = (scope: string, wanted: string) => scope.split(' ').includes(wanted);

function required(form: Record<string, string>, name: string): string {
  const value = form[name];
  if (!value) throw new AppError('invalid_request', `Missing parameter: ${name}.`);
  return value;
}

/** RFC 6749 4.1.3 with RFC 7636 4.6 (PKCE) and 10.5 (replay revokes what the code issued). */
export async function authorizationCodeGrant(
  ctx: TokenContext,
  client: OAuthClient,
  form: Record<string, string>,
): Promise<TokenResponse> {
  const presented = required(form, 'code');
  const redirectUri = required(form, 'redirect_uri');
  const verifier = required(form, 'code_verifier');
  if (client.grantType !== 'authorization-code') {
    throw new AppError('unauthorized_client', 'This client may not use the authorization_code grant.');
  }
  const code = await findCode(ctx.db, presented);
  if (!code || code.clientId !== client.id)
    throw new AppError('invalid_grant', 'Invalid authorization code.');
  if (code.usedAt) {
    await revokeFamily(ctx.db, { authorizationCodeId: code.id }, ctx.now);
    if (code.accessTokenJti) {
      const expiresAt = new Date(Date.parse(code.usedAt) + ACCESS_TOKEN_SECONDS * 1000);
      await revokeTokens(ctx.db, [{ jti: code.accessTokenJti, expiresAt }]);
    }
    throw new AppError('invalid_grant', 'Invalid authorization code.');
  }
  if (Date.parse(code.expiresAt) <= ctx.now.getTime())
    throw new AppError('invalid_grant', 'The authorization code expired.');
  // Codes from /o/authorize/ are bound to their redirect URI; server-issued invitation codes only
  // require the parameter (B.4 [R]: it "serves no purpose" there).
  if (code.kind === 'authorize' && code.redirectUri !== redirectUri) {
    throw new AppError('invalid_grant', 'redirect_uri does not match the authorization request.');
  }
  if (!(await verifyPkce(verifier, code.codeChallenge)))
    throw new AppError('invalid_grant', 'PKCE verification failed.');

  const user = await loadUserFacts(ctx.db, code.userId);
  if (!user) throw new AppError('invalid_grant', 'Invalid authorization code.');
  const grant = grantForUser(user, client.clientId, code.scope);
  const access = await issueAccessToken(ctx.pem, ctx.accessIssuer, grant, ctx.now);
  if (!(await markCodeUsed(ctx.db, code.id, access.jti, ctx.now))) {
    throw new AppError('invalid_grant', 'Invalid authorization code.');
  }
  return userTokens(ctx, client, grant, access, {
    userId: user.id,
    email: user.email,
    scope: code.scope,
    authTime: code.authTime,
    nonce: code.nonce,
    authorizationCodeId: code.id,
  });
}

/** RFC 6749 6 with rotation; a replayed (already rotated) token revokes its family (OAuth 2.1 4.3.1). */
export async function refreshTokenGrant(
  ctx: TokenContext,
  client: OAuthClient,
  form: Record<string, string>,
): Promise<TokenResponse> {
  const presented = required(form, 'refresh_token');
  const stored = await findRefreshToken(ctx.db, presented);
  if (!stored || stored.clientId !== client.id) throw new AppError('invalid_grant', 'Invalid refresh token.');
  if (stored.revokedAt || !(await revokeRefreshToken(ctx.db, stored.id, ctx.now))) {
    await revokeFamily(ctx.db, { familyId: stored.familyId }, ctx.now);
    throw new AppError('invalid_grant', 'Invalid refresh token.');
  }
  const user = await loadUserFacts(ctx.db, stored.userId);
  if (!user) throw new AppError('invalid_grant', 'Invalid refresh token.');
  const grant = grantForUser(user, client.clientId, stored.scope);
  const access = await issueAccessToken(ctx.pem, ctx.accessIssuer, grant, ctx.now);
  // The rotated token stays in its family so a later replay revokes the whole chain.
  return userTokens(ctx, client, grant, access, {
    userId: user.id,
    email: user.email,
    scope: stored.scope,
    authTime: stored.authTime,
    nonce: null,
    authorizationCodeId: stored.authorizationCodeId,
    familyId: stored.familyId,
  });
}

/** RFC 6749 4.4: confidential clients only; the token acts as the client's owner user (B.4). */
export async function clientCredentialsGrant(ctx: TokenContext, client: OAuthClient): Promise<TokenResponse> {
  if (client.clientType !== 'confidential' || client.grantType !== 'client-credentials') {
    throw new AppError('unauthorized_client', 'This client may not use the client_credentials grant.');
  }
  const scope = 'openid';
  let grant: PrincipalGrant = { kind: 'client', clientId: client.clientId, scope };
  if (client.ownerUserId !== null) {
    const owner = await loadUserFacts(ctx.db, client.ownerUserId);
    if (!owner) throw new AppError('invalid_grant', 'The client owner no longer exists.');
    grant = grantForUser(owner, client.clientId, scope);
  }
  const access = await issueAccessToken(ctx.pem, ctx.accessIssuer, grant, ctx.now);
  return { access_token: access.token, expires_in: access.expiresIn, token_type: 'Bearer', scope };
}

/** What a user grant carries into its tokens: the session (auth time, nonce) and the refresh family. */
interface UserSession {
  userId: number;
  email: string;
  scope: string;
  authTime: string;
  nonce: string | null;
  authorizationCodeId: number | null;
  /** Set when rotating (RFC 6749 6); a new family starts otherwise. */
  familyId?: string;
}

/**
 * The response of a user grant once its access token is issued: a refresh token bound to that
 * access token, and an ID token when `openid` was granted (B.6).
 */
async function userTokens(
  ctx: TokenContext,
  client: OAuthClient,
  grant: PrincipalGrant,
  access: AccessTokenIssue,
  session: UserSession,
): Promise<TokenResponse> {
  const refreshToken = await createRefreshToken(
    ctx.db,
    {
      familyId: session.familyId,
      clientPk: client.id,
      userId: session.userId,
      scope: session.scope,
      authorizationCodeId: session.authorizationCodeId,
      authTime: session.authTime,
      accessTokenJti: access.jti,
      accessTokenExpiresAt: access.expiresAt,
    },
    ctx.now,
  );
  const response: TokenResponse = {
    access_token: access.token,
    expires_in: access.expiresIn,
    token_type: 'Bearer',
    scope: session.scope,
    refresh_token: refreshToken,
  };
  if (grant.kind === 'client' || !hasScope(session.scope, 'openid')) return response;
  const idToken = await issueIdToken(
    ctx.pem,
    {
      issuer: ctx.idIssuer,
      userId: grant.userId,
      clientId: grant.clientId,
      accessToken: access.token,
      authTime: session.authTime,
      nonce: session.nonce,
      email: hasScope(session.scope, 'email') ? session.email : null,
    },
    ctx.now,
  );
  return { ...response, id_token: idToken };
}
