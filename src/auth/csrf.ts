/**
 * Double-submit CSRF defence for the browser forms (API.md B.7 [R]), with Django's names so
 * scripts that scrape `csrfmiddlewaretoken` from a GET and post it back with the `csrftoken`
 * cookie keep working. A cross-site page can make the browser send the cookie but cannot read it,
 * so it cannot put the same value in the form.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { constantTimeEqual } from '../lib/crypto';
import { randomAlphanumeric } from '../lib/random';

export const CSRF_COOKIE = 'csrftoken';
export const CSRF_FIELD = 'csrfmiddlewaretoken';
/** Django's CSRF_COOKIE_AGE: one year. */
const CSRF_COOKIE_SECONDS = 365 * 24 * 3600;
const TOKEN_LENGTH = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9]{32,64}$/;

function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('X-Forwarded-Proto') === 'https';
}

/** The current well-formed CSRF cookie value, if any. */
function currentToken(c: Context<AppEnv>): string | undefined {
  const cookie = getCookie(c, CSRF_COOKIE);
  return cookie !== undefined && TOKEN_PATTERN.test(cookie) ? cookie : undefined;
}

/**
 * The token to embed in a form. An existing cookie is reused, so a form open in another tab stays
 * valid; otherwise a fresh one is set. Not HttpOnly, as in Django: nothing secret rides on it.
 */
export function issueCsrfToken(c: Context<AppEnv>): string {
  const existing = currentToken(c);
  if (existing) return existing;
  const token = randomAlphanumeric(TOKEN_LENGTH);
  setCookie(c, CSRF_COOKIE, token, {
    path: '/',
    sameSite: 'Lax',
    secure: isHttps(c),
    maxAge: CSRF_COOKIE_SECONDS,
  });
  return token;
}

/** Whether the submitted form token equals the cookie (both present), compared in constant time. */
export async function verifyCsrf(c: Context<AppEnv>, submitted: unknown): Promise<boolean> {
  const cookie = currentToken(c);
  if (!cookie || typeof submitted !== 'string' || submitted === '') return false;
  return constantTimeEqual(submitted, cookie);
}
