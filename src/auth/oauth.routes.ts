/**
 * The OAuth 2.0 / OpenID Connect endpoints under `/o/` (API.md B.1-B.6). Routes are declared
 * without the trailing slash; the app treats it as optional.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { accessTokenIssuer } from './access-token';
import { authorize } from './authorize';
import { authenticateBearer } from './bearer';
import { authenticateClient, readClientCredentials, type OAuthClient } from './clients';
import { signingKey } from './keys';
import { readSession } from './session';
import {
  authorizationCodeGrant,
  clientCredentialsGrant,
  refreshTokenGrant,
  type TokenContext,
} from './token-grants';
import { introspect, revokePresentedToken, userInfo, type KeyConfig } from './token-admin';
import { requestOrigin } from '../http/origin';
import { issuerFor } from './urls';

/** A.3 [R]: OAuth parameter names are accepted in camelCase too. */
const CAMEL_ALIASES: Record<string, string> = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  grantType: 'grant_type',
  redirectUri: 'redirect_uri',
  codeVerifier: 'code_verifier',
  codeChallenge: 'code_challenge',
  codeChallengeMethod: 'code_challenge_method',
  refreshToken: 'refresh_token',
  responseType: 'response_type',
  tokenTypeHint: 'token_type_hint',
};

function normaliseParams(raw: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') params[CAMEL_ALIASES[key] ?? key] ??= value;
  }
  return params;
}

/** Query parameters merged with a form body (POST), body winning. */
async function readParams(c: Context<AppEnv>): Promise<Record<string, string>> {
  const query = normaliseParams(c.req.query());
  if (c.req.method !== 'POST') return query;
  const type = c.req.header('Content-Type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) {
    return query;
  }
  return { ...query, ...normaliseParams(await c.req.parseBody()) };
}

function origin(c: Context<AppEnv>): string {
  return requestOrigin(c.req.url, c.req.header('X-Forwarded-Proto'));
}

function keyConfig(c: Context<AppEnv>): KeyConfig {
  return { pem: c.env.OIDC_RSA_PRIVATE_KEY, accessIssuer: accessTokenIssuer(c.env.SITE_URL) };
}

function tokenContext(c: Context<AppEnv>): TokenContext {
  return {
    db: c.get('db'),
    pem: c.env.OIDC_RSA_PRIVATE_KEY,
    accessIssuer: accessTokenIssuer(c.env.SITE_URL),
    idIssuer: issuerFor(origin(c)),
    now: new Date(),
  };
}

async function clientOf(c: Context<AppEnv>, params: Record<string, string>): Promise<OAuthClient> {
  return authenticateClient(c.get('db'), readClientCredentials(c.req.header('Authorization'), params));
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export const oauthRoutes = new Hono<AppEnv>();

/**
 * A.9 [U]: every /o/ response, not only the preflight (204), carries these four headers, spelled
 * as listed there. hono/cors sends the last three on preflights only and joins lists without
 * spaces, so upstream-exact clients and tests would see different headers.
 */
const OAUTH_CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Max-Age': '86400',
};

oauthRoutes.use('/o/*', async (c, next) => {
  if (c.req.method === 'OPTIONS') return c.body(null, 204, OAUTH_CORS_HEADERS);
  await next();
  for (const [name, value] of Object.entries(OAUTH_CORS_HEADERS)) c.res.headers.set(name, value);
});

oauthRoutes.get('/o/.well-known/openid-configuration', (c) => {
  const base = origin(c);
  return c.json({
    issuer: issuerFor(base),
    authorization_endpoint: `${base}/o/authorize/`,
    token_endpoint: `${base}/o/token/`,
    userinfo_endpoint: `${base}/o/userinfo/`,
    jwks_uri: `${base}/o/.well-known/jwks.json`,
    revocation_endpoint: `${base}/o/revoke_token/`,
    introspection_endpoint: `${base}/o/introspect/`,
    scopes_supported: ['openid', 'email'],
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    claims_supported: ['sub', 'email'],
  });
});

oauthRoutes.get('/o/.well-known/jwks.json', async (c) => {
  const key = await signingKey(c.env.OIDC_RSA_PRIVATE_KEY);
  c.header('Cache-Control', 'public, max-age=3600');
  return c.json({ keys: [key.publicJwk] });
});

oauthRoutes.on(['GET', 'POST'], '/o/authorize', async (c) => {
  const outcome = await authorize(c.get('db'), await readParams(c), await readSession(c));
  if (outcome.kind === 'redirect') return c.redirect(outcome.location, 302);
  const url = new URL(c.req.url);
  return c.redirect(`/accounts/login/?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
});

oauthRoutes.post('/o/token', async (c) => {
  const params = await readParams(c);
  const client = await clientOf(c, params);
  const ctx = tokenContext(c);
  const grantType = params.grant_type;
  const response =
    grantType === 'authorization_code'
      ? await authorizationCodeGrant(ctx, client, params)
      : grantType === 'refresh_token'
        ? await refreshTokenGrant(ctx, client, params)
        : grantType === 'client_credentials'
          ? await clientCredentialsGrant(ctx, client)
          : undefined;
  if (!response)
    throw new AppError('unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(none)'}.`);
  return c.json(response, 200, NO_STORE);
});

oauthRoutes.on(['GET', 'POST'], '/o/userinfo', async (c) => {
  const { principal } = await authenticateBearer(c);
  return c.json(await userInfo(c.get('db'), principal));
});

/** RFC 7009: always 200; only tokens issued to the calling client are revoked. */
oauthRoutes.post('/o/revoke_token', async (c) => {
  const params = await readParams(c);
  const client = await clientOf(c, params);
  await revokePresentedToken(c.get('db'), keyConfig(c), client, params.token ?? '');
  return c.body(null, 200, NO_STORE);
});

/** RFC 7662: callers authenticate as a confidential client or with a token carrying `introspection`. */
oauthRoutes.on(['GET', 'POST'], '/o/introspect', async (c) => {
  const params = await readParams(c);
  if (c.req.header('Authorization')?.match(/^Bearer\s/i)) {
    const { principal } = await authenticateBearer(c);
    if (!principal.scope.split(' ').includes('introspection')) {
      throw new AppError('insufficient_scope', 'The access token lacks the introspection scope.');
    }
  } else if ((await clientOf(c, params)).clientType !== 'confidential') {
    throw new AppError('invalid_client', 'Introspection needs a confidential client.');
  }
  return c.json(await introspect(c.get('db'), keyConfig(c), params.token), 200, NO_STORE);
});
