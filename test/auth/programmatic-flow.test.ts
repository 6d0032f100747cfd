import { SELF } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, followRedirects, openForm, submitForm } from '../fixtures/forms';
import { pkcePair } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS, TEST_SITE_URL } from '../fixtures/seed';

/**
 * API.md B.7 "Programmatic practitioner token", step by step as `practitioner_fhir_obs_upload.py`
 * runs it with a `requests.Session` against SITE_URL: one cookie jar, redirects followed.
 */
const SITE_URL = TEST_SITE_URL;
const WEB_CLIENT_ID = TEST_CLIENT_IDS.admin_ui;
const REDIRECT_URI = `${SITE_URL}/auth/callback`;

beforeAll(async () => {
  await seedTestData();
});

describe('B.7 programmatic practitioner token', () => {
  it('gets mary@example.com tokens for the JHE Admin UI client that /api/v1/users/profile accepts', async () => {
    const session = new CookieJar();

    // 1. GET /accounts/login/ -> scrape csrfmiddlewaretoken from the HTML, keep cookies.
    const loginUrl = `${SITE_URL}/accounts/login/`;
    const form = await openForm(loginUrl, session);
    expect(form.res.status).toBe(200);
    expect(form.token).not.toBe('');

    // 2. POST /accounts/login/ with username, password, csrfmiddlewaretoken (same cookie jar).
    const login = await submitForm(loginUrl, form, {
      username: 'mary@example.com',
      password: 'Jhe1234!',
      next: '/',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('Location')).toBe('/');
    expect(session.get('jhe_session')).toBeDefined();
    // requests follows the redirect to `next`; what that page answers is not part of the flow.
    await followRedirects(new URL(login.headers.get('Location') ?? '', loginUrl).href, session);

    // 3. GET /o/authorize/ with redirects followed; read `code` from the final URL's query.
    const { verifier, challenge } = await pkcePair();
    const authorizeUrl =
      `${SITE_URL}/o/authorize/?` +
      new URLSearchParams({
        client_id: WEB_CLIENT_ID,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
    const { url: finalUrl, hops } = await followRedirects(authorizeUrl, session);
    // The last hop is the portal callback itself; whatever it answers, the code is in its URL.
    expect(hops).toHaveLength(2);
    expect(`${finalUrl.origin}${finalUrl.pathname}`).toBe(REDIRECT_URI);
    const code = finalUrl.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9]{30}$/);

    // 4. POST /o/token/ with code, grant_type, redirect_uri, client_id, code_verifier.
    const tokenRes = await SELF.fetch(`${SITE_URL}/o/token/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code,
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT_URI,
        client_id: WEB_CLIENT_ID,
        code_verifier: verifier,
      }),
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 1209600, scope: 'openid' });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(decodeJwt(String(tokens.id_token))).toMatchObject({
      iss: `${SITE_URL}/o`,
      sub: '10002',
      aud: WEB_CLIENT_ID,
    });

    const profile = await SELF.fetch(`${SITE_URL}/api/v1/users/profile`, {
      headers: { Authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({
      id: 10002,
      email: 'mary@example.com',
      firstName: 'Mary',
      lastName: 'Lopez',
      userType: 'practitioner',
    });
  });
});
