import { env, SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { authorizationCodes, oauthClients } from '../../src/db/schema';
import { DEMO_PASSWORD } from '../../src/domain/seed/seed-data';
import { sha256 } from '../../src/lib/crypto';
import { randomAlphanumeric } from '../../src/lib/random';
import { type CookieJar, fetchWithJar, logIn, openForm, submitForm } from '../fixtures/forms';
import { CALLBACK, exchange, ORIGIN, pkcePair } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS, TEST_SITE_URL } from '../fixtures/seed';

const AUTHORIZE = `${ORIGIN}/o/authorize/`;
const MARY = 10002;
const A9_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
  'access-control-max-age': '86400',
};

const db = createDb(env.DB);

interface AuthorizeRequest {
  params: URLSearchParams;
  verifier: string;
  state: string;
}

/** A valid request of the admin UI client; `overrides` replace parameters, `null` removes one. */
async function authorizeRequest(overrides: Record<string, string | null> = {}): Promise<AuthorizeRequest> {
  const { verifier, challenge } = await pkcePair();
  const state = randomAlphanumeric(16);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: TEST_CLIENT_IDS.admin_ui,
    redirect_uri: CALLBACK,
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  return { params, verifier, state };
}

async function authorizeGet(params: URLSearchParams, jar: CookieJar): Promise<Response> {
  return fetchWithJar(`${AUTHORIZE}?${params}`, jar);
}

/** The query of a redirect to the admin UI callback (fails the test for any other target). */
function callbackQuery(res: Response): URLSearchParams {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('Location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return location.searchParams;
}

async function codeRow(code: string) {
  return db
    .select()
    .from(authorizationCodes)
    .where(eq(authorizationCodes.codeHash, await sha256(code)))
    .get();
}

let mary: CookieJar;

beforeAll(async () => {
  await seedTestData();
  mary = await logIn('mary@example.com', DEMO_PASSWORD, { origin: ORIGIN });
});

describe('GET /o/authorize/ without a session', () => {
  it('redirects to the login page with the url-encoded authorize URL as next', async () => {
    const { params } = await authorizeRequest();
    const res = await SELF.fetch(`${AUTHORIZE}?${params}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(
      `/accounts/login/?next=${encodeURIComponent(`/o/authorize/?${params}`)}`,
    );
  });

  it('comes back to the client with a code after the browser logs in', async () => {
    const { params, state } = await authorizeRequest();
    const { jar } = await openForm(`${ORIGIN}/accounts/login/`);
    const toLogin = await authorizeGet(params, jar);
    const loginUrl = new URL(toLogin.headers.get('Location') ?? '', ORIGIN);
    const form = await openForm(loginUrl.href, jar);
    const login = await submitForm(loginUrl.href, form, {
      username: 'mary@example.com',
      password: DEMO_PASSWORD,
      next: loginUrl.searchParams.get('next') ?? '',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('Location')).toBe(`/o/authorize/?${params}`);
    const query = callbackQuery(
      await fetchWithJar(new URL(login.headers.get('Location') ?? '', ORIGIN).href, jar),
    );
    expect(query.get('state')).toBe(state);
    expect(query.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
  });
});

describe('GET /o/authorize/ with a session', () => {
  it('redirects to redirect_uri with a code and the state', async () => {
    const { params, state, verifier } = await authorizeRequest();
    const query = callbackQuery(await authorizeGet(params, mary));
    expect([...query.keys()]).toEqual(['code', 'state']);
    expect(query.get('state')).toBe(state);
    const { status, body } = await exchange(query.get('code') ?? '', verifier);
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token ?? '').sub).toBe(String(MARY));
  });

  it('echoes the nonce into the ID token', async () => {
    const nonce = randomAlphanumeric(24);
    const { params, verifier } = await authorizeRequest({ nonce });
    const query = callbackQuery(await authorizeGet(params, mary));
    const { body } = await exchange(query.get('code') ?? '', verifier);
    expect(decodeJwt(body.id_token ?? '')).toMatchObject({
      nonce,
      sub: String(MARY),
      aud: TEST_CLIENT_IDS.admin_ui,
    });
  });

  it('omits nonce from the ID token when none was sent', async () => {
    const { params, verifier } = await authorizeRequest();
    const query = callbackQuery(await authorizeGet(params, mary));
    const { body } = await exchange(query.get('code') ?? '', verifier);
    expect(decodeJwt(body.id_token ?? '')).not.toHaveProperty('nonce');
  });

  it('accepts an omitted redirect_uri when the client has exactly one registered', async () => {
    const { params, verifier } = await authorizeRequest({ redirect_uri: null });
    const query = callbackQuery(await authorizeGet(params, mary));
    expect((await exchange(query.get('code') ?? '', verifier)).status).toBe(200);
  });

  it('also answers a POSTed form', async () => {
    const { params, state } = await authorizeRequest();
    const res = await fetchWithJar(AUTHORIZE, mary, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params,
    });
    const query = callbackQuery(res);
    expect(query.get('state')).toBe(state);
    expect(query.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('issues a single-use code: the second exchange is invalid_grant', async () => {
    const { params, verifier } = await authorizeRequest();
    const code = callbackQuery(await authorizeGet(params, mary)).get('code') ?? '';
    expect((await exchange(code, verifier)).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code.' });
  });

  it('issues a code that lives 60 s (B.5) and is refused once expired', async () => {
    const { params, verifier } = await authorizeRequest();
    const code = callbackQuery(await authorizeGet(params, mary)).get('code') ?? '';
    const row = await codeRow(code);
    expect(row).toMatchObject({ kind: 'authorize', redirectUri: CALLBACK, scope: 'openid email' });
    expect(Date.parse(row?.expiresAt ?? '') - Date.parse(row?.created ?? '')).toBe(60_000);
    // Age the code instead of waiting a minute.
    await db
      .update(authorizationCodes)
      .set({ expiresAt: new Date(Date.now() - 1).toISOString() })
      .where(eq(authorizationCodes.id, row?.id ?? -1));
    const late = await exchange(code, verifier);
    expect(late.status).toBe(400);
    expect(late.body).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code expired.',
    });
  });
});

describe('GET /o/authorize/ errors shown to the user (RFC 6749 4.1.2.1)', () => {
  it('answers 400 without a redirect for an unknown client', async () => {
    const { params } = await authorizeRequest({ client_id: 'no-such-client' });
    const res = await authorizeGet(params, mary);
    expect(res.status).toBe(400);
    expect(res.headers.get('Location')).toBeNull();
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Unknown or unsuitable client_id.',
    });
  });

  it('answers 400 without a redirect when the client is logged out too', async () => {
    const { params } = await authorizeRequest({ client_id: 'no-such-client' });
    const res = await SELF.fetch(`${AUTHORIZE}?${params}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('Location')).toBeNull();
  });

  it.each([
    ['an extra path segment', `${CALLBACK}/extra`],
    ['a trailing slash', `${CALLBACK}/`],
    ['another port', 'http://localhost:9999/auth/callback'],
    ['another scheme', 'https://localhost:8787/auth/callback'],
    ['a query string', `${CALLBACK}?x=1`],
    ['another host', 'https://evil.example/auth/callback'],
  ])('answers 400 without a redirect for a redirect_uri with %s', async (_label, redirectUri) => {
    const { params } = await authorizeRequest({ redirect_uri: redirectUri });
    const res = await authorizeGet(params, mary);
    expect(res.status).toBe(400);
    expect(res.headers.get('Location')).toBeNull();
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'redirect_uri does not match a URI registered for this client.',
    });
  });

  it('answers 400 for an omitted redirect_uri when the client has several', async () => {
    const clientId = `two-uris-${crypto.randomUUID()}`;
    await db.insert(oauthClients).values({
      name: 'Two redirect URIs',
      clientId,
      clientType: 'public',
      grantType: 'authorization-code',
      redirectUris: `${CALLBACK} ${TEST_SITE_URL}/other`,
      skipAuthorization: true,
    });
    const { params } = await authorizeRequest({ client_id: clientId, redirect_uri: null });
    const res = await authorizeGet(params, mary);
    expect(res.status).toBe(400);
    expect(res.headers.get('Location')).toBeNull();
  });
});

describe('GET /o/authorize/ errors returned to the client', () => {
  async function expectErrorRedirect(overrides: Record<string, string | null>, error: string) {
    const { params, state } = await authorizeRequest(overrides);
    const query = callbackQuery(await authorizeGet(params, mary));
    expect(query.get('error')).toBe(error);
    expect(query.get('state')).toBe(state);
    expect(query.has('code')).toBe(false);
    return query;
  }

  it('redirects error=invalid_request without a code_challenge (PKCE required)', async () => {
    const query = await expectErrorRedirect({ code_challenge: null }, 'invalid_request');
    expect(query.get('error_description')).toBe('PKCE with code_challenge_method=S256 is required.');
  });

  it('redirects error=invalid_request for code_challenge_method=plain', async () => {
    await expectErrorRedirect(
      { code_challenge_method: 'plain', code_challenge: randomAlphanumeric(43) },
      'invalid_request',
    );
  });

  it('redirects error=invalid_request without a code_challenge_method', async () => {
    await expectErrorRedirect({ code_challenge_method: null }, 'invalid_request');
  });

  it('redirects error=unsupported_response_type for response_type=token', async () => {
    const query = await expectErrorRedirect({ response_type: 'token' }, 'unsupported_response_type');
    expect(query.get('error_description')).toBe('Only response_type=code is supported.');
  });

  it('keeps an absent state absent in the error redirect', async () => {
    const { params } = await authorizeRequest({ state: null, code_challenge: null });
    const query = callbackQuery(await authorizeGet(params, mary));
    expect(query.get('error')).toBe('invalid_request');
    expect(query.has('state')).toBe(false);
  });
});

describe('/o/ CORS (A.9)', () => {
  it('answers the discovery document with the A.9 headers for any origin', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/.well-known/openid-configuration`, {
      headers: { Origin: 'https://app.example' },
    });
    expect(res.status).toBe(200);
    expect(
      Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-'))),
    ).toEqual(A9_CORS);
  });

  it('answers an OPTIONS preflight on /o/token/ with 204 and the A.9 headers', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/token/`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    for (const [name, value] of Object.entries(A9_CORS)) expect(res.headers.get(name)).toBe(value);
  });

  it('keeps the CORS headers on an OAuth error response', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/token/`, {
      method: 'POST',
      headers: { Origin: 'https://app.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends no CORS headers outside /o/', async () => {
    const res = await SELF.fetch(`${ORIGIN}/accounts/login/`, { headers: { Origin: 'https://app.example' } });
    expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('GET /o/.well-known/openid-configuration', () => {
  it('describes the server from the request origin, issuer without a trailing slash', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/.well-known/openid-configuration`);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      issuer: 'http://localhost/o',
      authorization_endpoint: 'http://localhost/o/authorize/',
      token_endpoint: 'http://localhost/o/token/',
      userinfo_endpoint: 'http://localhost/o/userinfo/',
      jwks_uri: 'http://localhost/o/.well-known/jwks.json',
      // RFC 8414 2 metadata beyond B.2's upstream list, so clients can find these endpoints.
      revocation_endpoint: 'http://localhost/o/revoke_token/',
      introspection_endpoint: 'http://localhost/o/introspect/',
      scopes_supported: ['openid', 'email'],
      // B.2 [R]: only what is implemented is advertised, every key kept.
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      claims_supported: ['sub', 'email'],
    });
  });

  it('answers with and without the trailing slash', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/.well-known/openid-configuration/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ issuer: 'http://localhost/o' });
  });

  it('follows the host of the request', async () => {
    const res = await SELF.fetch(`${TEST_SITE_URL}/o/.well-known/openid-configuration`);
    expect(await res.json()).toMatchObject({
      issuer: 'http://localhost:8787/o',
      token_endpoint: 'http://localhost:8787/o/token/',
    });
  });

  it('honours X-Forwarded-Proto: https from a TLS-terminating proxy', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/.well-known/openid-configuration`, {
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe('https://localhost/o');
    for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'])
      expect(String(doc[key])).toMatch(/^https:\/\/localhost\/o\//);
  });

  it('names the same issuer in the ID token', async () => {
    const { params, verifier } = await authorizeRequest();
    const code = callbackQuery(await authorizeGet(params, mary)).get('code') ?? '';
    const { body } = await exchange(code, verifier);
    expect(decodeJwt(body.id_token ?? '').iss).toBe('http://localhost/o');
  });
});

describe('GET /o/.well-known/jwks.json', () => {
  it('publishes the RS256 key with its RFC 7638 thumbprint as kid, cacheable for an hour', async () => {
    const res = await SELF.fetch(`${ORIGIN}/o/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600');
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    const key = keys[0] ?? {};
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ alg: 'RS256', use: 'sig', kty: 'RSA', e: 'AQAB' });
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: key.n, e: key.e }, 'sha256'));
  });

  it('names that kid in the ID token header', async () => {
    const { keys } = (await (await SELF.fetch(`${ORIGIN}/o/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    const { params, verifier } = await authorizeRequest();
    const code = callbackQuery(await authorizeGet(params, mary)).get('code') ?? '';
    const { body } = await exchange(code, verifier);
    expect(decodeProtectedHeader(body.id_token ?? '')).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: keys[0]?.kid,
    });
  });
});

describe('GET /common/server-settings.js', () => {
  it('exposes window.OIDCSettings for the JHE Admin UI client on the request origin', async () => {
    const res = await SELF.fetch(`${ORIGIN}/common/server-settings.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/javascript/);
    const script = await res.text();
    const json = /^window\.OIDCSettings = (\{.*\});$/m.exec(script)?.[1] ?? '{}';
    expect(JSON.parse(json)).toMatchObject({
      authority: 'http://localhost/o/',
      client_id: TEST_CLIENT_IDS.admin_ui,
      redirect_uri: 'http://localhost/auth/callback',
      response_mode: 'query',
    });
  });
});
