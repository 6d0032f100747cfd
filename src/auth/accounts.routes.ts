/**
 * Browser accounts (API.md B.7): login, logout and practitioner signup forms. Every POST checks
 * the double-submit CSRF token first; login is throttled per email before any password work.
 */
import { type Context, Hono } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppEnv } from '../env';
import { isAppError } from '../lib/errors';
import { changePassword } from './account-status';
import { loginPage, messagePage, passwordChangePage, signupPage } from './accounts.pages';
import { CSRF_FIELD, issueCsrfToken, verifyCsrf } from './csrf';
import { attemptLogin } from './login';
import { endSession, readSession, startSession } from './session';
import { signUpPractitioner } from './signup';

/** Django's message, identical for unknown emails and wrong passwords (no user enumeration). */
export const LOGIN_FAILED_MESSAGE = 'Please enter a correct email and password.';

type Form = Record<string, string>;

/** The text fields of a form post (files and repeated names ignored). */
async function readForm(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  const form: Form = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
  return form;
}

/**
 * `next` when it is a same-origin path, else `/`. Rejects `//host` and `/\host` (browsers treat
 * both as another host), schemes, and control characters and whitespace (browsers strip tabs and
 * newlines, so `/\t/host` would become `//host`).
 */
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\s\p{Cc}]/u.test(next)) return '/';
  const base = 'http://same-origin.invalid';
  return new URL(next, base).origin === base ? next : '/';
}

function page(
  c: Context<AppEnv>,
  content: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: 200 | 403 | 429,
) {
  // The pages carry a CSRF token and take passwords: never cached, never framed (clickjacking).
  c.header('Cache-Control', 'no-store');
  c.header('X-Frame-Options', 'DENY');
  c.header('Content-Security-Policy', "frame-ancestors 'none'");
  return c.html(content, status);
}

function csrfFailure(c: Context<AppEnv>) {
  return page(
    c,
    messagePage(c.env.SITE_TITLE, 'Forbidden', 'CSRF verification failed. Request aborted.'),
    403,
  );
}

function messagesOf(body: unknown): string[] {
  return Array.isArray(body) ? body.filter((m): m is string => typeof m === 'string') : [];
}

export const accountsRoutes = new Hono<AppEnv>()
  .get('/accounts/login', (c) =>
    page(
      c,
      loginPage({ siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c), next: c.req.query('next') }),
      200,
    ),
  )
  .post('/accounts/login', async (c) => {
    const form = await readForm(c);
    const next = form.next || c.req.query('next');
    if (!(await verifyCsrf(c, form[CSRF_FIELD]))) return csrfFailure(c);
    const email = form.username ?? '';
    const outcome = await attemptLogin(c.var.db, email, form.password ?? '', new Date());
    if (outcome.kind === 'throttled') {
      c.header('Retry-After', String(outcome.retryAfterSeconds));
      const message = `Too many failed login attempts. Try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minute(s).`;
      return page(c, messagePage(c.env.SITE_TITLE, 'Too many attempts', message), 429);
    }
    if (outcome.kind === 'invalid') {
      const props = { siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c), next, email };
      return page(c, loginPage({ ...props, errors: [LOGIN_FAILED_MESSAGE] }), 200);
    }
    await startSession(c, outcome.userId);
    return c.redirect(safeNext(next), 302);
  })
  .on(['GET', 'POST'], '/accounts/logout', (c) => {
    endSession(c);
    return c.redirect('/', 302);
  })
  .get('/accounts/signup', (c) =>
    page(
      c,
      signupPage({ siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c), next: c.req.query('next') }),
      200,
    ),
  )
  .post('/accounts/signup', async (c) => {
    const form = await readForm(c);
    const next = form.next || c.req.query('next');
    if (!(await verifyCsrf(c, form[CSRF_FIELD]))) return csrfFailure(c);
    const input = {
      email: form.email ?? '',
      password: form.password ?? '',
      password2: form.password2 ?? '',
      joincode: form.joincode ?? '',
    };
    const envDefaults = {
      inviteCode: c.env.REGISTRATION_INVITE_CODE,
      defaultOrgs: c.env.PRACTITIONER_DEFAULT_ORGS,
    };
    const result = await signUpPractitioner(c.var.db, input, new Date(), envDefaults).catch(
      (err: unknown) => {
        if (isAppError(err) && err.code === 'invalid') return messagesOf(err.body);
        throw err;
      },
    );
    if (typeof result !== 'number') {
      const props = { siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c), next, email: input.email };
      return page(c, signupPage({ ...props, errors: result }), 200);
    }
    await startSession(c, result);
    return c.redirect(safeNext(next), 302);
  })
  // Django's password_change: signed-in users only; success ends every session and token of the
  // user (user-wide revocation), so they sign in again with the new password.
  .get('/accounts/password_change', async (c) => {
    if (!(await readSession(c))) return c.redirect('/accounts/login/?next=/accounts/password_change/', 302);
    return page(c, passwordChangePage({ siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c) }), 200);
  })
  .post('/accounts/password_change', async (c) => {
    const session = await readSession(c);
    if (!session) return c.redirect('/accounts/login/?next=/accounts/password_change/', 302);
    const form = await readForm(c);
    if (!(await verifyCsrf(c, form[CSRF_FIELD]))) return csrfFailure(c);
    const input = {
      oldPassword: form.old_password ?? '',
      newPassword1: form.new_password1 ?? '',
      newPassword2: form.new_password2 ?? '',
    };
    const errors = await changePassword(c.var.db, session.userId, input).then(
      () => null,
      (err: unknown) => {
        if (isAppError(err) && err.code === 'invalid') return messagesOf(err.body);
        throw err;
      },
    );
    if (errors) {
      return page(
        c,
        passwordChangePage({ siteTitle: c.env.SITE_TITLE, csrfToken: issueCsrfToken(c), errors }),
        200,
      );
    }
    endSession(c);
    return page(
      c,
      messagePage(c.env.SITE_TITLE, 'Password changed', 'Your password was changed. Please sign in again.'),
      200,
    );
  });
