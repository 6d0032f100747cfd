/**
 * Login throttling: at most MAX_FAILURES failed logins per key in a sliding window of
 * WINDOW_SECONDS, stored in `login_attempts`. The window slides, so a lockout always ends
 * WINDOW_SECONDS after the failures that caused it; attempts refused during a lockout are not
 * recorded, so an attacker cannot extend it indefinitely without new failures after it ends.
 * Every function takes `now`, so the window logic is tested with a fake clock.
 */
import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginAttempts } from '../db/schema';

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The throttle key of a login by email: case-folded, so `Mary@` and `mary@` share one budget. */
export function loginThrottleKey(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

function windowStart(now: Date): string {
  return new Date(now.getTime() - LOGIN_WINDOW_SECONDS * 1000).toISOString();
}

/**
 * Whether `key` may attempt a login at `now`. When locked, `retryAfterSeconds` is the time until
 * enough failures leave the window to drop below the limit.
 */
export async function checkLoginThrottle(db: Db, key: string, now: Date): Promise<ThrottleDecision> {
  // Index range scan on login_attempts_key_at: the most recent MAX_FAILURES failures in the window.
  const recent = await db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.key, key), gt(loginAttempts.at, windowStart(now))))
    .orderBy(desc(loginAttempts.at), asc(loginAttempts.id))
    .limit(LOGIN_MAX_FAILURES);
  const oldest = recent[LOGIN_MAX_FAILURES - 1];
  if (!oldest) return { allowed: true };
  const leavesWindowAt = Date.parse(oldest.at) + LOGIN_WINDOW_SECONDS * 1000;
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((leavesWindowAt - now.getTime()) / 1000)),
  };
}

/** Record a failed attempt, and prune every row that has left the window (keeps the table small). */
export async function recordLoginFailure(db: Db, key: string, now: Date): Promise<void> {
  await db.batch([
    db.insert(loginAttempts).values({ key, at: now.toISOString() }),
    db.delete(loginAttempts).where(lt(loginAttempts.at, windowStart(now))),
  ]);
}

/** Forget the failures of `key` (after a successful login). */
export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
}
