import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUserActive } from '../../src/auth';
import { isRevoked, REVOCATION_SYNC_SECONDS } from '../../src/auth/revocation';
import { createDb } from '../../src/db/client';
import { api } from '../fixtures/api';
import { makePractitioner } from '../fixtures/builders';
import { logIn, openForm, submitForm } from '../fixtures/forms';
import { exchange, mintCode, postToken } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS, TEST_SITE_URL } from '../fixtures/seed';

const db = createDb(env.DB);

async function tokensFor(userId: number) {
  const { code, verifier } = await mintCode(userId);
  const { body } = await exchange(code, verifier);
  return { access: String(body.access_token), refresh: String(body.refresh_token) };
}

const profileStatus = async (token: string) => (await api('/api/v1/users/profile', token)).status;

/** Token `iat` has one-second resolution: revocations cover the current second, so step past it. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));

beforeAll(async () => {
  await seedTestData();
});

describe('password change (/accounts/password_change/)', () => {
  it('ends existing tokens and sessions; the new password works, the old one does not', async () => {
    const user = await makePractitioner({ password: 'Old-pass-1' });
    const tokens = await tokensFor(user.userId);
    const jar = await logIn(user.email, 'Old-pass-1');
    expect(await profileStatus(tokens.access)).toBe(200);

    const url = `${TEST_SITE_URL}/accounts/password_change/`;
    const form = await openForm(url, jar);
    expect(form.res.status).toBe(200);
    const wrong = await submitForm(url, form, {
      old_password: 'nope',
      new_password1: 'New-pass-2',
      new_password2: 'New-pass-2',
    });
    expect(await wrong.text()).toContain('Your old password was entered incorrectly.');
    const changed = await submitForm(url, await openForm(url, jar), {
      old_password: 'Old-pass-1',
      new_password1: 'New-pass-2',
      new_password2: 'New-pass-2',
    });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('Please sign in again.');

    expect(await profileStatus(tokens.access)).toBe(401);
    const refreshed = await postToken({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh,
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(refreshed.status).toBe(200); // refresh tokens stay valid; the user is still active …
    await nextSecond();
    await expect(logIn(user.email, 'Old-pass-1')).rejects.toThrow(/login .* failed/);
    const again = await logIn(user.email, 'New-pass-2');
    expect((await openForm(url, again)).res.status).toBe(200);
  });

  it('sends a signed-out visitor to the login page', async () => {
    const res = await openForm(`${TEST_SITE_URL}/accounts/password_change/`);
    expect(res.res.status).toBe(302);
    expect(res.res.headers.get('Location')).toBe('/accounts/login/?next=/accounts/password_change/');
  });
});

describe('deactivating a user', () => {
  it('stops their access tokens, refresh tokens and logins; reactivation allows new logins', async () => {
    const user = await makePractitioner();
    const tokens = await tokensFor(user.userId);
    await setUserActive(db, user.userId, false);
    expect(await profileStatus(tokens.access)).toBe(401);
    const refreshed = await postToken({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh,
      client_id: TEST_CLIENT_IDS.admin_ui,
    });
    expect(refreshed.body.error).toBe('invalid_grant');
    await expect(logIn(user.email, user.password)).rejects.toThrow();
    await setUserActive(db, user.userId, true);
    await nextSecond();
    const fresh = await tokensFor(user.userId);
    expect(await profileStatus(fresh.access)).toBe(200);
  });
});

describe('the revocation bound across isolates', () => {
  it('applies a revocation written elsewhere within REVOCATION_SYNC_SECONDS', async () => {
    const user = await makePractitioner();
    const { access } = await tokensFor(user.userId);
    const claims = decodeJwt(access);
    const token = {
      jti: String(claims.jti),
      userId: user.userId,
      clientId: TEST_CLIENT_IDS.admin_ui,
      issuedAt: Number(claims.iat),
    };
    // A clock well past any earlier sync, so this first check syncs and the next one is cached.
    const now = Date.now() + 60_000;
    expect(await isRevoked(db, token, now)).toBe(false);
    // Another isolate revokes the token: a row appears without this isolate's cache knowing.
    await env.DB.prepare('INSERT INTO token_revocations (jti, expires_at) VALUES (?, ?)')
      .bind(token.jti, new Date(now + 86_400_000).toISOString())
      .run();
    expect(await isRevoked(db, token, now + 1)).toBe(false);
    expect(await isRevoked(db, token, now + REVOCATION_SYNC_SECONDS * 1000 + 1)).toBe(true);
  });
});
