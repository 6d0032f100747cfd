import { env, SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { loginAttempts, users } from '../../src/db/schema';
import { DEMO_PASSWORD } from '../../src/domain/seed/seed-data';
import { loginThrottleKey } from '../../src/auth/throttle';
import { hashPassword } from '../../src/lib/password';
import {
  cookieValue,
  CSRF_INPUT,
  LOGIN_URL,
  openForm,
  type OpenedForm,
  setCookies,
  submitForm,
} from '../fixtures/forms';
import { seedTestData, TEST_SITE_URL } from '../fixtures/seed';

const FAILED = 'Please enter a correct email and password.';
const PASSWORD = 'correct horse';

const db = createDb(env.DB);

/** GET the login page as a script does: scrape the hidden token, keep the csrftoken cookie. */
async function openLogin(query = ''): Promise<OpenedForm> {
  return openForm(`${LOGIN_URL}${query}`);
}

/** A fresh form session posting `fields`; `cookie` replaces its cookies (CSRF tests). */
async function postLogin(fields: Record<string, string>, query = '', cookie?: string): Promise<Response> {
  return submitForm(`${LOGIN_URL}${query}`, await openLogin(), fields, cookie);
}

async function makeUser(
  overrides: Partial<typeof users.$inferInsert> = {},
): Promise<{ id: number; email: string }> {
  const email = `login-${crypto.randomUUID()}@example.com`;
  const [row] = await db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(PASSWORD), userType: 'practitioner', ...overrides })
    .returning({ id: users.id, email: users.email });
  if (!row) throw new Error('no user inserted');
  return row;
}

beforeAll(async () => {
  await seedTestData();
});

describe('GET /accounts/login/', () => {
  it('renders the form with a scrapable CSRF token equal to the csrftoken cookie', async () => {
    const { res, html, token } = await openLogin('?next=/o/authorize/%3Fclient_id%3Dx');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    const cookie = setCookies(res).get('csrftoken') ?? '';
    expect(cookieValue(cookie)).toBe(token);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect(html).toContain('<title>Sign in | JupyterHealth Exchange</title>');
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(html).toContain('name="next" value="/o/authorize/?client_id=x"');
    expect(html).toContain('href="/accounts/signup/?next=%2Fo%2Fauthorize%2F%3Fclient_id%3Dx"');
  });

  it('reuses an existing csrftoken cookie instead of rotating it', async () => {
    const token = 'A'.repeat(32);
    const res = await SELF.fetch(LOGIN_URL, { headers: { Cookie: `csrftoken=${token}` } });
    expect(CSRF_INPUT.exec(await res.text())?.[1]).toBe(token);
    expect(setCookies(res).has('csrftoken')).toBe(false);
  });

  it('escapes a hostile next value', async () => {
    const { html } = await openLogin('?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('sets a Secure cookie behind an https proxy', async () => {
    const res = await SELF.fetch(LOGIN_URL, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(setCookies(res).get('csrftoken')).toMatch(/Secure/);
  });
});

describe('POST /accounts/login/ CSRF', () => {
  it('refuses a post without the token with 403', async () => {
    const user = await makeUser();
    const res = await SELF.fetch(LOGIN_URL, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.email, password: PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF verification failed.');
    expect(setCookies(res).has('jhe_session')).toBe(false);
  });

  it('refuses a token that does not match the cookie with 403', async () => {
    const user = await makeUser();
    const res = await postLogin(
      { username: user.email, password: PASSWORD },
      '',
      `csrftoken=${'B'.repeat(32)}`,
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF verification failed.');
  });

  it('refuses a form token without any cookie with 403', async () => {
    const user = await makeUser();
    const res = await postLogin({ username: user.email, password: PASSWORD }, '', 'other=1');
    expect(res.status).toBe(403);
  });
});

describe('POST /accounts/login/', () => {
  it('logs in with the right password: 302 to next and an HttpOnly, SameSite=Lax session cookie', async () => {
    const user = await makeUser();
    const res = await postLogin({ username: user.email, password: PASSWORD, next: '/portal/studies?x=1' });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/portal/studies?x=1');
    const session = setCookies(res).get('jhe_session') ?? '';
    expect(cookieValue(session)).not.toBe('');
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    const row = await db.select().from(users).where(eq(users.id, user.id)).get();
    expect(row?.lastLogin).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('carries next from the query string and defaults to /', async () => {
    const user = await makeUser();
    const withQuery = await postLogin(
      { username: user.email, password: PASSWORD },
      '?next=/o/authorize/%3Fa%3D1',
    );
    expect(withQuery.headers.get('Location')).toBe('/o/authorize/?a=1');
    const plain = await postLogin({ username: user.email, password: PASSWORD });
    expect(plain.headers.get('Location')).toBe('/');
  });

  it('matches the email case-insensitively', async () => {
    const user = await makeUser();
    const res = await postLogin({ username: user.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(302);
  });

  it('lets a seeded user in, as the programmatic practitioner flow does', async () => {
    const res = await postLogin({ username: 'mary@example.com', password: DEMO_PASSWORD });
    expect(res.status).toBe(302);
    expect(setCookies(res).has('jhe_session')).toBe(true);
  });

  it('re-renders the form with one message for a wrong password, and sets no session', async () => {
    const user = await makeUser();
    const res = await postLogin({ username: user.email, password: 'wrong password' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(FAILED);
    expect(html).toContain(`value="${user.email}"`);
    expect(CSRF_INPUT.test(html)).toBe(true);
    expect(setCookies(res).has('jhe_session')).toBe(false);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const res = await postLogin({
      username: `nobody-${crypto.randomUUID()}@example.com`,
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(FAILED);
    expect(setCookies(res).has('jhe_session')).toBe(false);
  });

  it('refuses an inactive user with the same message', async () => {
    const user = await makeUser({ isActive: false });
    const res = await postLogin({ username: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(FAILED);
  });

  it('refuses a user without a password (e.g. SSO-only) with the same message', async () => {
    const user = await makeUser({ passwordHash: null });
    const res = await postLogin({ username: user.email, password: '' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(FAILED);
  });

  it.each([
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'evil.example/path',
    '',
  ])('redirects to / instead of the off-site next %j', async (next) => {
    const user = await makeUser();
    const res = await postLogin({ username: user.email, password: PASSWORD, next });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
  });
});

describe('POST /accounts/login/ throttling', () => {
  it('answers the 6th attempt within 15 minutes with 429 and Retry-After, even with the right password', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) {
      const res = await postLogin({ username: user.email, password: `wrong-${i}` });
      expect(res.status).toBe(200);
    }
    const locked = await postLogin({ username: user.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await locked.text()).toContain('Too many failed login attempts.');
    expect(setCookies(locked).has('jhe_session')).toBe(false);
  });

  it('throttles by email whatever its case', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++)
      await postLogin({ username: i % 2 ? user.email.toUpperCase() : user.email, password: 'x' });
    const locked = await postLogin({ username: user.email, password: PASSWORD });
    expect(locked.status).toBe(429);
  });

  it('lets the user in once the failures have left the window, and then forgets them', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) await postLogin({ username: user.email, password: 'x' });
    expect((await postLogin({ username: user.email, password: PASSWORD })).status).toBe(429);
    // Age the failures past the 15-minute window instead of waiting.
    const key = loginThrottleKey(user.email);
    await db
      .update(loginAttempts)
      .set({ at: new Date(Date.now() - 16 * 60 * 1000).toISOString() })
      .where(eq(loginAttempts.key, key));
    expect((await postLogin({ username: user.email, password: PASSWORD })).status).toBe(302);
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.key, key))).toEqual([]);
  });

  it('clears earlier failures on success, so later mistakes start from zero', async () => {
    const user = await makeUser();
    for (let i = 0; i < 4; i++) await postLogin({ username: user.email, password: 'x' });
    expect((await postLogin({ username: user.email, password: PASSWORD })).status).toBe(302);
    for (let i = 0; i < 4; i++) await postLogin({ username: user.email, password: 'x' });
    expect((await postLogin({ username: user.email, password: PASSWORD })).status).toBe(302);
  });

  it('checks CSRF before counting an attempt', async () => {
    const user = await makeUser();
    for (let i = 0; i < 6; i++) {
      const res = await postLogin({ username: user.email, password: 'x' }, '', `csrftoken=${'C'.repeat(32)}`);
      expect(res.status).toBe(403);
    }
    expect((await postLogin({ username: user.email, password: PASSWORD })).status).toBe(302);
  });
});

describe('/accounts/logout/', () => {
  it.each(['GET', 'POST'])('%s ends the session and redirects to /', async (method) => {
    const user = await makeUser();
    const login = await postLogin({ username: user.email, password: PASSWORD });
    const session = cookieValue(setCookies(login).get('jhe_session'));
    const res = await SELF.fetch(`${TEST_SITE_URL}/accounts/logout/`, {
      method,
      redirect: 'manual',
      headers: { Cookie: `jhe_session=${session}` },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/');
    const cleared = setCookies(res).get('jhe_session') ?? '';
    expect(cookieValue(cleared)).toBe('');
    expect(cleared).toMatch(/Max-Age=0/);
  });
});
