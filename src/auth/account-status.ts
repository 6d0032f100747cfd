/**
 * Changes to an account that must end its existing tokens and sessions: a new password and
 * (de)activation. Both record a user-wide revocation, effective within REVOCATION_SYNC_SECONDS.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { AppError } from '../lib/errors';
import { hashPassword, verifyPassword } from '../lib/password';
import { ACCESS_TOKEN_SECONDS } from './access-token';
import { revokeAllTokens } from './revocation';
import { SIGNUP_MIN_PASSWORD_LENGTH } from './signup';

/** Sessions and access tokens both live 14 days: no revoked token outlives a row this long. */
const LONGEST_TOKEN_SECONDS = ACCESS_TOKEN_SECONDS;

/** Django's password_change: the old password, then the new one twice. Errors are form messages. */
export async function changePassword(
  db: Db,
  userId: number,
  input: { oldPassword: string; newPassword1: string; newPassword2: string },
  now = new Date(),
): Promise<void> {
  const user = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  const messages: string[] = [];
  if (!user?.passwordHash || !(await verifyPassword(input.oldPassword, user.passwordHash))) {
    messages.push('Your old password was entered incorrectly. Please enter it again.');
  }
  if (input.newPassword1 !== input.newPassword2) messages.push("The two password fields didn't match.");
  if (input.newPassword1.length < SIGNUP_MIN_PASSWORD_LENGTH) {
    messages.push(`Your Password should have at least ${SIGNUP_MIN_PASSWORD_LENGTH} characters.`);
  }
  if (messages.length > 0) throw new AppError('invalid', messages.join(' '), { body: messages });
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword1) })
    .where(eq(users.id, userId));
  await revokeAllTokens(db, { userId }, LONGEST_TOKEN_SECONDS, now);
}

/** Activate or deactivate a user; deactivation ends every token and session of theirs. */
export async function setUserActive(
  db: Db,
  userId: number,
  active: boolean,
  now = new Date(),
): Promise<void> {
  await db.update(users).set({ isActive: active }).where(eq(users.id, userId));
  if (!active) await revokeAllTokens(db, { userId }, LONGEST_TOKEN_SECONDS, now);
}

/** End every token and session of a user that is being deleted. */
export async function revokeUserTokens(db: Db, userId: number, now = new Date()): Promise<void> {
  await revokeAllTokens(db, { userId }, LONGEST_TOKEN_SECONDS, now);
}

/** End every access token issued to an OAuth client that is being deleted (client_id string). */
export async function revokeClientTokens(db: Db, clientId: string, now = new Date()): Promise<void> {
  await revokeAllTokens(db, { clientId }, LONGEST_TOKEN_SECONDS, now);
}
