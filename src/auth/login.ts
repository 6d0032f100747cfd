/**
 * Password login (API.md B.7): throttled per email before any password work, and answering an
 * unknown, inactive or password-less account exactly like a wrong password.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { findUserByEmailInsensitive } from '../db/users';
import { hashPassword, verifyPassword } from '../lib/password';
import { randomAlphanumeric } from '../lib/random';
import { checkLoginThrottle, clearLoginFailures, loginThrottleKey, recordLoginFailure } from './throttle';

export type LoginOutcome =
  { kind: 'ok'; userId: number } | { kind: 'invalid' } | { kind: 'throttled'; retryAfterSeconds: number };

let dummyHash: string | undefined;

/**
 * Throttle, then verify. An unknown or inactive email costs one PBKDF2 run against a dummy hash,
 * like a real one, and counts as a failure, so neither timing nor the answer reveals accounts.
 * Success records `last_login` and clears the failures.
 */
export async function attemptLogin(
  db: Db,
  email: string,
  password: string,
  now: Date,
): Promise<LoginOutcome> {
  const key = loginThrottleKey(email);
  const decision = await checkLoginThrottle(db, key, now);
  if (!decision.allowed) return { kind: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  const user = email.trim() === '' ? undefined : await findUserByEmailInsensitive(db, email);
  const hash = user?.isActive ? user.passwordHash : null;
  dummyHash ??= await hashPassword(randomAlphanumeric(20));
  const verified = await verifyPassword(password, hash ?? dummyHash);
  if (!user || hash === null || !verified) {
    await recordLoginFailure(db, key, now);
    return { kind: 'invalid' };
  }
  await db.update(users).set({ lastLogin: now.toISOString() }).where(eq(users.id, user.id));
  await clearLoginFailures(db, key);
  return { kind: 'ok', userId: user.id };
}
