import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { seedTestData } from '../fixtures/seed';

const app = createApp();

beforeAll(async () => {
  await seedTestData();
});

describe('missing or malformed secrets', () => {
  it('fail with one line naming OIDC_RSA_PRIVATE_KEY, never a stack', async () => {
    const res = await app.request(
      '/o/.well-known/jwks.json',
      {},
      { ...env, OIDC_RSA_PRIVATE_KEY: undefined },
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: 'server_error',
      error_description: 'Server misconfigured: the secret OIDC_RSA_PRIVATE_KEY is not set.',
    });
    const malformed = await app.request(
      '/o/.well-known/jwks.json',
      {},
      { ...env, OIDC_RSA_PRIVATE_KEY: 'not a pem' },
    );
    expect(((await malformed.json()) as { error_description: string }).error_description).toMatch(
      /^Server misconfigured: OIDC_RSA_PRIVATE_KEY is not a PKCS#8 PEM/,
    );
  });

  it('fail a login with a short SECRET_KEY as a 500, not a redirect loop', async () => {
    const page = await app.request('/accounts/login/', {}, env);
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await app.request(
      '/accounts/login/',
      {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrfmiddlewaretoken: token,
          username: 'mary@example.com',
          password: 'Jhe1234!',
        }),
      },
      { ...env, SECRET_KEY: 'short' },
    );
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('SECRET_KEY must be set to at least 32 random characters');
  });

  it('accept a PEM with \\n escapes, as env files carry it', async () => {
    const escaped = String(env.OIDC_RSA_PRIVATE_KEY).replace(/\n/g, '\\n');
    const res = await app.request('/o/.well-known/jwks.json', {}, { ...env, OIDC_RSA_PRIVATE_KEY: escaped });
    expect(res.status).toBe(200);
  });
});
