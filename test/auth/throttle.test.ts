import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  checkLoginThrottle,
  clearLoginFailures,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_SECONDS,
  loginThrottleKey,
  recordLoginFailure,
} from '../../src/auth/throttle';
import { createDb } from '../../src/db/client';
import { loginAttempts } from '../../src/db/schema';

const db = createDb(env.DB);
// In the past, so pruning by this clock never touches rows written at real time by other tests.
const T0 = new Date('2001-01-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const uniqueKey = () => loginThrottleKey(`throttle-${crypto.randomUUID()}@example.com`);

async function fail(key: string, ...seconds: number[]): Promise<void> {
  for (const s of seconds) await recordLoginFailure(db, key, at(s));
}

describe('loginThrottleKey', () => {
  it('folds case and surrounding spaces of the email', () => {
    expect(loginThrottleKey('  Mary@Example.COM ')).toBe('email:mary@example.com');
  });
});

describe('checkLoginThrottle', () => {
  it('uses a 5-failure, 15-minute window', () => {
    expect(LOGIN_MAX_FAILURES).toBe(5);
    expect(LOGIN_WINDOW_SECONDS).toBe(900);
  });

  it('allows a key with fewer than 5 failures in the window', async () => {
    const key = uniqueKey();
    await fail(key, 0, 10, 20, 30);
    expect(await checkLoginThrottle(db, key, at(40))).toEqual({ allowed: true });
  });

  it('locks after 5 failures until the oldest leaves the window', async () => {
    const key = uniqueKey();
    await fail(key, 0, 60, 120, 180, 240);
    expect(await checkLoginThrottle(db, key, at(300))).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(await checkLoginThrottle(db, key, at(899.5))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // At 900 s the failure at 0 s is exactly one window old: it no longer counts.
    expect(await checkLoginThrottle(db, key, at(900))).toEqual({ allowed: true });
  });

  it('slides: after one failure leaves, one more failure locks again until the next one leaves', async () => {
    const key = uniqueKey();
    await fail(key, 0, 60, 120, 180, 240);
    await fail(key, 900);
    expect(await checkLoginThrottle(db, key, at(901))).toEqual({ allowed: false, retryAfterSeconds: 59 });
    expect(await checkLoginThrottle(db, key, at(960))).toEqual({ allowed: true });
  });

  it('never locks forever: once the window has passed the user is allowed again', async () => {
    const key = uniqueKey();
    await fail(key, 0, 1, 2, 3, 4, 5, 6);
    expect((await checkLoginThrottle(db, key, at(7))).allowed).toBe(false);
    expect(await checkLoginThrottle(db, key, at(7 + LOGIN_WINDOW_SECONDS))).toEqual({ allowed: true });
  });

  it('counts keys separately', async () => {
    const locked = uniqueKey();
    const other = uniqueKey();
    await fail(locked, 0, 1, 2, 3, 4);
    expect((await checkLoginThrottle(db, locked, at(5))).allowed).toBe(false);
    expect(await checkLoginThrottle(db, other, at(5))).toEqual({ allowed: true });
  });
});

describe('clearLoginFailures', () => {
  it('unlocks the key at once', async () => {
    const key = uniqueKey();
    await fail(key, 0, 1, 2, 3, 4);
    await clearLoginFailures(db, key);
    expect(await checkLoginThrottle(db, key, at(5))).toEqual({ allowed: true });
  });
});

describe('recordLoginFailure', () => {
  it('prunes rows of any key that have left the window', async () => {
    const old = uniqueKey();
    const fresh = uniqueKey();
    await fail(old, 0);
    await fail(fresh, 1000);
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.key, old))).toEqual([]);
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.key, fresh))).toHaveLength(1);
  });
});
