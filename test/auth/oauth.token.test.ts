import { env, SELF } from 'cloudflare:test';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT, importPKCS8, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accessTokenFor,
  bearer,
  CALLBACK,
  exchange,
  mintCode,
  ORIGIN,
  pkcePair,
  postToken,
} from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS } from '../fixtures/seed';

const MARY = 10002;
const PETER = 10006;

async function profile(token: string) {
  const res = await SELF.fetch(`${ORIGIN}/api/v1/users/profile`, { headers: bearer(token) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

beforeAll(async () => {
  await seedTestData();
});

describe('POST /o/token/ authorization_code', () => {
  it('issues access, refresh and ID tokens with no-store', async () => {
    const { code, verifier } = await mintCode(MARY, { nonce: 'n-123' });
    const { status, body, headers } = await exchange(code, verifier);
    expect(status).toBe(200);
    expect(headers.get('Cache-Control')).toBe('no-store');
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 1209600, scope: 'openid email' });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9]{40}$/);
    const id = decodeJwt(String(body.id_token));
    expect(id).toMatchObject({
      iss: `${ORIGIN}/o`,
      sub: '10002',
      aud: TEST_CLIENT_IDS.admin_ui,
      nonce: 'n-123',
      email: 'mary@example.com',
    });
    expect(Number(id.exp) - Number(id.iat)).toBe(36000);
    expect(typeof id.at_hash).toBe('string');
    expect(decodeProtectedHeader(String(body.id_token))).toMatchObject({ alg: 'RS256', typ: 'JWT' });
  });

  it('gives a token that /api/v1/users/profile accepts', async () => {
    const { body } = await profile(await accessTokenFor(MARY));
    expect(body).toEqual({
      id: 10002,
      email: 'mary@example.com',
      firstName: 'Mary',
      lastName: 'Lopez',
      patient: null,
      userType: 'practitioner',
      isSuperuser: false,
      settings: { currentOrganizationId: 20003, currentStudyId: 30001 },
    });
  });

  it('gives a patient token whose profile names the patient', async () => {
    const { body } = await profile(await accessTokenFor(PETER));
    expect(body).toEqual({
      id: 10006,
      patient: {
        id: 40001,
        jheUserId: 10006,
        identifiers: [
          { id: 1, system: 'https://openwearables.io/ns/patient-id', value: 'abc123' },
          { id: 2, system: 'urn:oid:1.2.3.4', value: 'E1234' },
        ],
        organizations: [
          {
            id: 20003,
            name: 'Berkeley Institute for Data Science (BIDS)',
            type: 'edu',
            partOf: 20002,
            currentUserRole: null,
            children: [],
          },
        ],
      },
      userType: 'patient',
      isSuperuser: false,
    });
  });

  it('refuses a replayed code and revokes what the first exchange issued (RFC 6749 10.5)', async () => {
    const { code, verifier } = await mintCode(MARY);
    const first = await exchange(code, verifier);
    expect((await profile(String(first.body.access_token))).status).toBe(200);
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await profile(String(first.body.access_token))).status).toBe(401);
    const refreshed = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(first.body.refresh_token),
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong or missing PKCE verifier', async () => {
    const { code } = await mintCode(MARY);
    const { verifier: other } = await pkcePair();
    expect((await exchange(code, other)).body.error).toBe('invalid_grant');
    const missing = await postToken({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('refuses a redirect_uri other than the one authorized', async () => {
    const { code, verifier } = await mintCode(MARY);
    const res = await postToken({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: `${CALLBACK}/x`,
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a code issued to another client', async () => {
    const { code, verifier } = await mintCode(MARY, { clientId: TEST_CLIENT_IDS.carex });
    expect((await exchange(code, verifier, TEST_CLIENT_IDS.admin_ui)).body.error).toBe('invalid_grant');
  });

  it('refuses an expired code', async () => {
    const { code, verifier } = await mintCode(MARY, { now: new Date(Date.now() - 120_000) });
    expect((await exchange(code, verifier)).body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The authorization code expired.',
    });
  });

  it('refuses an unknown client and an unsupported grant type', async () => {
    const { code, verifier } = await mintCode(MARY);
    expect(await exchange(code, verifier, 'no-such-client')).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(
      (
        await postToken({
          grant_type: 'password',
          client_id: TEST_CLIENT_IDS.admin_ui,
          username: 'x',
          password: 'y',
        })
      ).body.error,
    ).toBe('unsupported_grant_type');
  });
});

describe('POST /o/token/ refresh_token', () => {
  it('rotates: the new token works, the old one dies at once and its replay kills the family', async () => {
    const { code, verifier } = await mintCode(MARY);
    const first = await exchange(code, verifier);
    const second = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(first.body.refresh_token),
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await profile(String(second.body.access_token))).status).toBe(200);
    const replay = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(first.body.refresh_token),
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(replay.body.error).toBe('invalid_grant');
    const third = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(second.body.refresh_token),
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(third.body.error).toBe('invalid_grant');
    expect((await profile(String(second.body.access_token))).status).toBe(401);
  });

  it('refuses a refresh token presented by another client', async () => {
    const { code, verifier } = await mintCode(MARY);
    const first = await exchange(code, verifier);
    const res = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(first.body.refresh_token),
      client_id: TEST_CLIENT_IDS.carex,
    });
    expect(res.body.error).toBe('invalid_grant');
  });
});

describe('POST /o/token/ client_credentials', () => {
  it('issues a token to a confidential client with Basic auth and refuses a wrong secret', async () => {
    const ok = await postToken(
      { grant_type: 'client_credentials' },
      { Authorization: `Basic ${btoa('sof-ehr-launch:sof-ehr-launch-dev-secret')}` },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeUndefined();
    expect(ok.body.id_token).toBeUndefined();
    const bad = await postToken(
      { grant_type: 'client_credentials' },
      { Authorization: `Basic ${btoa('sof-ehr-launch:wrong')}` },
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get('WWW-Authenticate')).toBe('Basic realm="oauth"');
    const body = await postToken({
      grant_type: 'client_credentials',
      client_id: 'sof-ehr-launch',
      client_secret: 'sof-ehr-launch-dev-secret',
    });
    expect(body.status).toBe(200);
  });

  it('refuses a public client', async () => {
    const res = await postToken({ grant_type: 'client_credentials', client_id: TEST_CLIENT_IDS.admin_ui });
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('bearer tokens on /api/v1', () => {
  it('answers 401 with WWW-Authenticate without a token', async () => {
    const res = await profile('');
    expect(res.status).toBe(401);
    const missing = await SELF.fetch(`${ORIGIN}/api/v1/users/profile`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
    expect(await missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('refuses alg none, a foreign key, a tampered payload and an expired token', async () => {
    const good = await accessTokenFor(MARY);
    const claims = decodeJwt(good);
    const none = new UnsecuredJWT({ ...claims }).encode();
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .sign(privateKey);
    const [h, , s] = good.split('.');
    const tampered = `${h}.${btoa(JSON.stringify({ ...claims, su: true, sub: '10001' }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')}.${s}`;
    const key = await importPKCS8(String(env.OIDC_RSA_PRIVATE_KEY), 'RS256');
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .sign(key);
    const hs256 = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    for (const token of [none, foreign, tampered, expired, hs256, 'not-a-jwt']) {
      const res = await profile(token);
      expect(res.status, token.slice(0, 20)).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    }
    expect((await profile(expired)).body).toEqual({ detail: 'The access token expired.' });
  });
});
