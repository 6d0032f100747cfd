import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { AppEnv } from '../env';
import { isRevoked } from './revocation';
import { secretKeyBytes } from './secret-key';

/** Browser session cookie: an HS256 JWT signed with SECRET_KEY (HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = 'jhe_session';
/** Django's default session age: two weeks. */
const SESSION_SECONDS = 14 * 24 * 3600;
const SESSION_AUDIENCE = 'jhe-session';

export interface Session {
  userId: number;
  /** When the user authenticated (ISO); feeds the ID token's `auth_time`. */
  authTime: string;
}

function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('X-Forwarded-Proto') === 'https';
}

/** Start a session for `userId` (after a successful login or signup). */
export async function startSession(c: Context<AppEnv>, userId: number, now = new Date()): Promise<void> {
  const iat = Math.floor(now.getTime() / 1000);
  const jwt = await new SignJWT({ auth_time: iat })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(userId))
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(secretKeyBytes(c.env.SECRET_KEY));
  setCookie(c, SESSION_COOKIE, jwt, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: SESSION_SECONDS,
  });
}

/**
 * The current session, or null when there is none, it is forged or expired, or the user's tokens
 * were revoked after it began (password change, deactivation).
 */
export async function readSession(c: Context<AppEnv>): Promise<Session | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  // Outside the try: a misconfigured SECRET_KEY must surface, not read as "logged out" (a loop).
  const key = secretKeyBytes(c.env.SECRET_KEY);
  try {
    const { payload } = await jwtVerify(cookie, key, {
      algorithms: ['HS256'],
      audience: SESSION_AUDIENCE,
    });
    const userId = Number(payload.sub);
    const iat = payload.iat;
    if (!Number.isInteger(userId) || typeof iat !== 'number' || typeof payload.jti !== 'string') return null;
    if (await isRevoked(c.get('db'), { jti: payload.jti, userId, clientId: SESSION_AUDIENCE, issuedAt: iat }))
      return null;
    const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : iat;
    return { userId, authTime: new Date(authTime * 1000).toISOString() };
  } catch {
    return null;
  }
}

/** End the browser session. */
export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}
