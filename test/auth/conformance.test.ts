import { SELF } from 'cloudflare:test';
import { base64url, decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/seed/seed-data';
import { CookieJar, followRedirects, openForm, submitForm } from '../fixtures/forms';
import { CALLBACK, ORIGIN } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS } from '../fixtures/seed';

/**
 * An independent relying party (panva/oauth4webapi v3) against the Worker: discovery (RFC 8414 /
 * OIDC Discovery), the code flow with PKCE S256, state and nonce (RFC 6749 4.1, RFC 7636, OIDC
 * Core 3.1), userinfo (OIDC Core 5.3), refresh (RFC 6749 6), revocation (RFC 7009) and
 * introspection (RFC 7662). The library applies its own checks to every response.
 */
const ISSUER = new URL(`${ORIGIN}/o`);
const MARY = { email: 'mary@example.com', sub: '10002' };
const SOF = { client_id: 'sof-ehr-launch', secret: 'sof-ehr-launch-dev-secret' };

/** Route the library's requests to the Worker; plain http is only acceptable in tests. */
const http = {
  [oauth.customFetch]: (url: string, init: RequestInit) => SELF.fetch(url, init),
  [oauth.allowInsecureRequests]: true,
};

const portal: oauth.Client = { client_id: TEST_CLIENT_IDS.admin_ui };
const sof: oauth.Client = { client_id: SOF.client_id };

let as: oauth.AuthorizationServer;

interface CodeFlowResult {
  tokens: oauth.TokenEndpointResponse;
  claims: oauth.IDToken;
  tokenResponse: Response;
}

/**
 * The user-agent part a browser performs: authorize without a session lands on the login form,
 * the form (CSRF token scraped) sends it back to authorize, which redirects to the client.
 */
async function authorizeInBrowser(authorizationUrl: URL): Promise<URL> {
  const jar = new CookieJar();
  const toLogin = await followRedirects(authorizationUrl.href, jar, {
    stopAt: (url) => url.pathname === '/accounts/login/',
  });
  const loginUrl = toLogin.url;
  const form = await openForm(loginUrl.href, jar);
  const login = await submitForm(loginUrl.href, form, {
    username: MARY.email,
    password: DEMO_PASSWORD,
    next: loginUrl.searchParams.get('next') ?? '',
  });
  expect(login.status).toBe(302);
  const back = await followRedirects(new URL(login.headers.get('Location') ?? '', loginUrl).href, jar, {
    stopAt: (url) => url.href.startsWith(`${CALLBACK}?`),
  });
  return back.url;
}

/** Authorization request, browser, callback validation and code exchange, as the RP runs them. */
async function codeFlow(): Promise<CodeFlowResult> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorizationUrl = new URL(as.authorization_endpoint ?? '');
  authorizationUrl.search = new URLSearchParams({
    client_id: portal.client_id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid email',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();

  const callback = await authorizeInBrowser(authorizationUrl);
  const params = oauth.validateAuthResponse(as, portal, callback, state);
  const tokenResponse = await oauth.authorizationCodeGrantRequest(
    as,
    portal,
    oauth.None(),
    params,
    CALLBACK,
    verifier,
    http,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, portal, tokenResponse, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims) throw new Error('no ID token claims');
  return { tokens, claims, tokenResponse };
}

/** OIDC Core 3.1.3.8 (via 3.3.2.11): base64url of the left half of SHA-256(access_token). */
async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
  return base64url.encode(digest.slice(0, digest.length / 2));
}

async function introspect(token: string): Promise<oauth.IntrospectionResponse> {
  const res = await oauth.introspectionRequest(as, sof, oauth.ClientSecretBasic(SOF.secret), token, http);
  return oauth.processIntrospectionResponse(as, sof, res);
}

beforeAll(async () => {
  await seedTestData();
  as = await oauth.processDiscoveryResponse(ISSUER, await oauth.discoveryRequest(ISSUER, http));
});

describe('oauth4webapi against the Worker', () => {
  it('discovers the server metadata for issuer http://localhost/o', () => {
    expect(as).toMatchObject({
      issuer: 'http://localhost/o',
      authorization_endpoint: 'http://localhost/o/authorize/',
      token_endpoint: 'http://localhost/o/token/',
      userinfo_endpoint: 'http://localhost/o/userinfo/',
      jwks_uri: 'http://localhost/o/.well-known/jwks.json',
      revocation_endpoint: 'http://localhost/o/revoke_token/',
      introspection_endpoint: 'http://localhost/o/introspect/',
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('runs the code flow with PKCE, state and nonce; the ID token verifies against the JWKS', async () => {
    const { tokens, claims, tokenResponse } = await codeFlow();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 1209600, scope: 'openid email' });
    expect(claims).toMatchObject({
      iss: 'http://localhost/o',
      aud: TEST_CLIENT_IDS.admin_ui,
      sub: MARY.sub,
      email: MARY.email,
    });
    expect(typeof claims.auth_time).toBe('number');
    // The library checks claims only (TLS authenticates a token-endpoint ID token, OIDC Core
    // 3.1.3.7 step 6); verify the RS256 signature against the published JWKS as well.
    await oauth.validateApplicationLevelSignature(as, tokenResponse, http);
    expect(claims.at_hash).toBe(await atHash(tokens.access_token));
  });

  it('reads userinfo for the subject of the ID token', async () => {
    const { tokens, claims } = await codeFlow();
    const res = await oauth.userInfoRequest(as, portal, tokens.access_token, http);
    const info = await oauth.processUserInfoResponse(as, portal, claims.sub, res);
    expect(info).toEqual({ sub: MARY.sub, email: MARY.email });
  });

  it('refreshes, with a rotated refresh token and an ID token for the same subject', async () => {
    const { tokens, claims } = await codeFlow();
    const res = await oauth.refreshTokenGrantRequest(
      as,
      portal,
      oauth.None(),
      tokens.refresh_token ?? '',
      http,
    );
    const refreshed = await oauth.processRefreshTokenResponse(as, portal, res);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const idClaims = oauth.getValidatedIdTokenClaims(refreshed);
    // OIDC Core 12.2: same iss, sub, aud and auth_time as at the original authentication.
    expect(idClaims).toMatchObject({
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      auth_time: claims.auth_time,
    });
  });

  it('revokes a refresh token (RFC 7009): it no longer refreshes', async () => {
    const { tokens } = await codeFlow();
    const refreshToken = tokens.refresh_token ?? '';
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, portal, oauth.None(), refreshToken, {
        ...http,
        additionalParameters: { token_type_hint: 'refresh_token' },
      }),
    );
    const res = await oauth.refreshTokenGrantRequest(as, portal, oauth.None(), refreshToken, http);
    const err: unknown = await oauth.processRefreshTokenResponse(as, portal, res).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(oauth.ResponseBodyError);
    expect(err instanceof oauth.ResponseBodyError && err.error).toBe('invalid_grant');
    expect(err instanceof oauth.ResponseBodyError && err.status).toBe(400);
  });

  it('answers revocation of an unknown token with 200 (RFC 7009 2.2)', async () => {
    const res = await oauth.revocationRequest(as, portal, oauth.None(), 'no-such-token', http);
    await expect(oauth.processRevocationResponse(res)).resolves.toBeUndefined();
  });

  it('introspects for the SoF client (Basic auth): active before revocation, inactive after', async () => {
    const { tokens } = await codeFlow();
    const live = await introspect(tokens.access_token);
    expect(live).toMatchObject({
      active: true,
      scope: 'openid email',
      client_id: TEST_CLIENT_IDS.admin_ui,
      username: MARY.email,
      sub: MARY.sub,
      token_type: 'Bearer',
    });
    expect(live.exp).toBe(decodeJwt(tokens.access_token).exp);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, portal, oauth.None(), tokens.access_token, {
        ...http,
        additionalParameters: { token_type_hint: 'access_token' },
      }),
    );
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
  });

  it('refuses introspection with a wrong client secret', async () => {
    const res = await oauth.introspectionRequest(
      as,
      sof,
      oauth.ClientSecretBasic('wrong-secret'),
      'any-token',
      http,
    );
    const err: unknown = await oauth.processIntrospectionResponse(as, sof, res).catch((e: unknown) => e);
    // RFC 6749 5.2: invalid_client over Basic is a 401 with a WWW-Authenticate challenge.
    expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(err instanceof oauth.WWWAuthenticateChallengeError && err.status).toBe(401);
  });
});
