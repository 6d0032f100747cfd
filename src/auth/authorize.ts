/**
 * `/o/authorize/` (API.md B.3): authorization code flow with PKCE S256 required and exact
 * redirect URI matching. Seeded clients skip the consent screen.
 */
import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import { findClient } from './clients';
import { AUTHORIZE_CODE_SECONDS, createCode } from './codes';
import { isValidS256Challenge } from './pkce';
import type { Session } from './session';

const SUPPORTED_SCOPES = ['openid', 'email'];

export type AuthorizeOutcome = { kind: 'login' } | { kind: 'redirect'; location: string };

/** Narrow requested scopes to what this server grants (RFC 6749 3.3 allows it); default `openid`. */
export function grantedScope(requested: string | undefined): string {
  const scopes = (requested ?? '').split(/\s+/).filter((s) => SUPPORTED_SCOPES.includes(s));
  return scopes.length > 0 ? [...new Set(scopes)].join(' ') : 'openid';
}

function errorRedirect(
  redirectUri: string,
  error: string,
  description: string,
  state: string | undefined,
): AuthorizeOutcome {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return { kind: 'redirect', location: url.toString() };
}

/**
 * Decide an authorization request. Errors about the client or redirect URI are shown to the user
 * (never redirected: RFC 6749 4.1.2.1); other errors go back to the client's redirect URI.
 */
export async function authorize(
  db: Db,
  params: Record<string, string>,
  session: Session | null,
  now = new Date(),
): Promise<AuthorizeOutcome> {
  const client = params.client_id ? await findClient(db, params.client_id) : undefined;
  if (!client || client.grantType !== 'authorization-code') {
    throw new AppError('invalid_request', 'Unknown or unsuitable client_id.');
  }
  const registered = client.redirectUris.split(' ').filter(Boolean);
  const redirectUri = params.redirect_uri ?? (registered.length === 1 ? registered[0] : undefined);
  if (!redirectUri || !registered.includes(redirectUri)) {
    throw new AppError('invalid_request', 'redirect_uri does not match a URI registered for this client.');
  }
  const { state } = params;
  if (params.response_type !== 'code') {
    return errorRedirect(
      redirectUri,
      'unsupported_response_type',
      'Only response_type=code is supported.',
      state,
    );
  }
  const challenge = params.code_challenge;
  if (!challenge || params.code_challenge_method !== 'S256' || !isValidS256Challenge(challenge)) {
    return errorRedirect(
      redirectUri,
      'invalid_request',
      'PKCE with code_challenge_method=S256 is required.',
      state,
    );
  }
  if (!session) return { kind: 'login' };
  const code = await createCode(
    db,
    {
      kind: 'authorize',
      clientPk: client.id,
      userId: session.userId,
      redirectUri,
      scope: grantedScope(params.scope),
      codeChallenge: challenge,
      nonce: params.nonce ?? null,
      authTime: session.authTime,
      ttlSeconds: AUTHORIZE_CODE_SECONDS,
    },
    now,
  );
  const url = new URL(redirectUri);
  url.searchParams.set('code', code);
  if (state !== undefined) url.searchParams.set('state', state);
  return { kind: 'redirect', location: url.toString() };
}
