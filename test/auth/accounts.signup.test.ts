import { env, SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDefaultOrgs, SIGNUP_MESSAGES, signUpPractitioner } from '../../src/auth/signup';
import { createDb } from '../../src/db/client';
import { practitionerOrganizations, practitioners, settings, users } from '../../src/db/schema';
import { readSetting } from '../../src/db/settings';
import { AppError } from '../../src/lib/errors';
import { verifyPassword } from '../../src/lib/password';
import { CSRF_INPUT, openForm, setCookies, submitForm } from '../fixtures/forms';
import { seedTestData, TEST_SITE_URL } from '../fixtures/seed';

const SIGNUP = `${TEST_SITE_URL}/accounts/signup/`;
const INVITE = 'jhe';

const db = createDb(env.DB);

function newEmail(): string {
  return `signup-${crypto.randomUUID()}@example.com`;
}

/** GET the signup page, then POST `fields` with its token and cookie, as a browser would. */
async function postSignup(fields: Record<string, string>, query = ''): Promise<Response> {
  return submitForm(`${SIGNUP}${query}`, await openForm(SIGNUP), fields);
}

function valid(email: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { email, password: 'secret1', password2: 'secret1', joincode: INVITE, ...overrides };
}

async function userByEmail(email: string) {
  return db.select().from(users).where(eq(users.email, email)).get();
}

/** Run `body` with settings row `key` set to `value`, restoring the previous row afterwards. */
async function withSetting(key: string, value: string | null, body: () => Promise<void>): Promise<void> {
  const previous = await db.select().from(settings).where(eq(settings.key, key)).get();
  if (value === null) await db.delete(settings).where(eq(settings.key, key));
  else {
    await db
      .insert(settings)
      .values({ key, valueType: 'string', value })
      .onConflictDoUpdate({ target: settings.key, set: { value } });
  }
  try {
    await body();
  } finally {
    await db.delete(settings).where(eq(settings.key, key));
    if (previous) await db.insert(settings).values(previous);
  }
}

async function expectFormError(res: Response, ...messages: string[]): Promise<void> {
  expect(res.status).toBe(200);
  const html = await res.text();
  for (const m of messages) expect(html).toContain(m.replace(/'/g, '&#39;'));
  expect(CSRF_INPUT.test(html)).toBe(true);
  expect(setCookies(res).has('jhe_session')).toBe(false);
}

beforeAll(async () => {
  await seedTestData();
});

describe('GET /accounts/signup/', () => {
  it('renders the form with the four fields, a CSRF token and a link to login', async () => {
    const res = await SELF.fetch(`${SIGNUP}?next=/portal/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const name of ['email', 'password', 'password2', 'joincode'])
      expect(html).toContain(`name="${name}"`);
    expect(CSRF_INPUT.exec(html)?.[1]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(setCookies(res).has('csrftoken')).toBe(true);
    expect(html).toContain('href="/accounts/login/?next=%2Fportal%2F"');
    expect(html).toContain('<label for="id_joincode">');
  });
});

describe('POST /accounts/signup/', () => {
  it('refuses a post without the CSRF token with 403 and stores nothing', async () => {
    const email = newEmail();
    const res = await SELF.fetch(SIGNUP, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(valid(email)),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF verification failed.');
    expect(await userByEmail(email)).toBeUndefined();
  });

  it('creates a practitioner, logs them in and redirects to next', async () => {
    const email = newEmail();
    const res = await postSignup(valid(email.toUpperCase(), { next: '/portal/' }));
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/portal/');
    expect(setCookies(res).get('jhe_session')).toMatch(/HttpOnly/);

    const user = await userByEmail(email);
    expect(user).toMatchObject({
      email,
      firstName: 'NONE',
      lastName: 'NONE',
      userType: 'practitioner',
      isSuperuser: false,
      isActive: true,
    });
    expect(await verifyPassword('secret1', user?.passwordHash ?? '')).toBe(true);
    const practitioner = await db
      .select()
      .from(practitioners)
      .where(eq(practitioners.userId, user?.id ?? -1))
      .get();
    expect(practitioner).toMatchObject({ nameFamily: 'NONE', nameGiven: 'NONE' });
    // auth.default_orgs is empty in the seed: no organization links.
    const links = await db
      .select()
      .from(practitionerOrganizations)
      .where(eq(practitionerOrganizations.practitionerId, practitioner?.id ?? -1));
    expect(links).toEqual([]);
  });

  it('redirects to / without next, and to / for an off-site next', async () => {
    const plain = await postSignup(valid(newEmail()));
    expect(plain.headers.get('Location')).toBe('/');
    const evil = await postSignup(valid(newEmail(), { next: '//evil.example' }));
    expect(evil.status).toBe(302);
    expect(evil.headers.get('Location')).toBe('/');
  });

  it('links the organizations of auth.default_orgs, skipping malformed and unknown entries', async () => {
    await withSetting(
      'auth.default_orgs',
      '20001:manager; 20002:viewer;99999:member;junk;20003:owner;20001:member',
      async () => {
        const email = newEmail();
        expect((await postSignup(valid(email))).status).toBe(302);
        const rows = await db
          .select({
            organizationId: practitionerOrganizations.organizationId,
            role: practitionerOrganizations.role,
          })
          .from(practitionerOrganizations)
          .innerJoin(practitioners, eq(practitioners.id, practitionerOrganizations.practitionerId))
          .innerJoin(users, eq(users.id, practitioners.userId))
          .where(eq(users.email, email))
          .orderBy(practitionerOrganizations.organizationId);
        expect(rows).toEqual([
          { organizationId: 20001, role: 'manager' },
          { organizationId: 20002, role: 'viewer' },
        ]);
      },
    );
    expect(await readSetting(db, 'auth.default_orgs')).toBe('');
  });

  it('refuses a wrong invite code with a form error and stores nothing', async () => {
    const email = newEmail();
    await expectFormError(await postSignup(valid(email, { joincode: 'nope' })), SIGNUP_MESSAGES.joincode);
    expect(await userByEmail(email)).toBeUndefined();
  });

  it('does not reveal a registered email to someone without the invite code', async () => {
    const res = await postSignup(valid('mary@example.com', { joincode: 'nope' }));
    const html = await res.text();
    expect(html).toContain(SIGNUP_MESSAGES.joincode);
    expect(html).not.toContain(SIGNUP_MESSAGES.emailTaken);
  });

  it('uses the settings row over REGISTRATION_INVITE_CODE', async () => {
    await withSetting('site.registration_invite_code', 'from-db', async () => {
      const refused = newEmail();
      await expectFormError(await postSignup(valid(refused, { joincode: INVITE })), SIGNUP_MESSAGES.joincode);
      expect(await userByEmail(refused)).toBeUndefined();
      expect((await postSignup(valid(newEmail(), { joincode: 'from-db' }))).status).toBe(302);
    });
  });

  it('falls back to REGISTRATION_INVITE_CODE when the settings row is absent', async () => {
    expect(env.REGISTRATION_INVITE_CODE).toBe('jhe');
    await withSetting('site.registration_invite_code', null, async () => {
      expect((await postSignup(valid(newEmail(), { joincode: 'jhe' }))).status).toBe(302);
    });
  });

  it('refuses every code when the invite code is empty', async () => {
    await withSetting('site.registration_invite_code', '', async () => {
      const email = newEmail();
      await expectFormError(await postSignup(valid(email, { joincode: '' })), SIGNUP_MESSAGES.joincode);
      expect(await userByEmail(email)).toBeUndefined();
    });
  });

  it('refuses an email already registered, whatever its case', async () => {
    const email = newEmail();
    expect((await postSignup(valid(email))).status).toBe(302);
    await expectFormError(await postSignup(valid(email.toUpperCase())), SIGNUP_MESSAGES.emailTaken);
    const count = await db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(eq(users.email, email))
      .get();
    expect(count?.n).toBe(1);
  });

  it('refuses mismatched passwords', async () => {
    const email = newEmail();
    await expectFormError(
      await postSignup(valid(email, { password2: 'secret2' })),
      SIGNUP_MESSAGES.passwordMismatch,
    );
    expect(await userByEmail(email)).toBeUndefined();
  });

  it('refuses a password shorter than 5 characters, and lists every problem', async () => {
    const email = newEmail();
    const res = await postSignup(valid(email, { password: 'abcd', password2: 'abce' }));
    await expectFormError(res, SIGNUP_MESSAGES.passwordShort, SIGNUP_MESSAGES.passwordMismatch);
    expect(await userByEmail(email)).toBeUndefined();
  });

  it('accepts a password of exactly 5 characters', async () => {
    expect((await postSignup(valid(newEmail(), { password: 'abcde', password2: 'abcde' }))).status).toBe(302);
  });

  it('refuses an invalid email and keeps the typed value in the form', async () => {
    const res = await postSignup(valid('not-an-email'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(SIGNUP_MESSAGES.email);
    expect(html).toContain('value="not-an-email"');
  });
});

describe('signUpPractitioner', () => {
  const input = (email: string) => ({ email, password: 'secret1', password2: 'secret1', joincode: INVITE });

  it('returns the new user id', async () => {
    const email = newEmail();
    const id = await signUpPractitioner(db, input(email), new Date());
    expect((await userByEmail(email))?.id).toBe(id);
    expect(id).toBeGreaterThan(10000);
  });

  it('lets the unique constraint settle a race between two signups of one email', async () => {
    const email = newEmail();
    const results = await Promise.allSettled([
      signUpPractitioner(db, input(email), new Date()),
      signUpPractitioner(db, input(email), new Date()),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const err = rejected[0];
    expect(err).toBeInstanceOf(AppError);
    expect(err instanceof AppError && err.code).toBe('invalid');
    expect(err instanceof AppError && err.body).toEqual([SIGNUP_MESSAGES.emailTaken]);
    const rows = await db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
    const practitionerRows = await db
      .select()
      .from(practitioners)
      .where(eq(practitioners.userId, rows[0]?.id ?? -1));
    expect(practitionerRows).toHaveLength(1);
  });

  it('throws AppError invalid with the messages as body', async () => {
    await expect(
      signUpPractitioner(db, { ...input(newEmail()), password: 'x', password2: 'y' }, new Date()),
    ).rejects.toMatchObject({
      code: 'invalid',
      body: [SIGNUP_MESSAGES.passwordShort, SIGNUP_MESSAGES.passwordMismatch],
    });
  });
});

describe('parseDefaultOrgs', () => {
  it('reads "<orgId>:<role>" entries separated by semicolons', () => {
    expect(parseDefaultOrgs('20001:manager;20002:member')).toEqual([
      { organizationId: 20001, role: 'manager' },
      { organizationId: 20002, role: 'member' },
    ]);
  });

  it('ignores empty, malformed, unknown-role and repeated entries', () => {
    expect(parseDefaultOrgs('')).toEqual([]);
    expect(parseDefaultOrgs(';;x:manager;20001;20001:admin;20002:viewer;20002:manager;-1:member')).toEqual([
      { organizationId: 20002, role: 'viewer' },
    ]);
  });
});
