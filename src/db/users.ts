/**
 * User-account queries that need raw SQL: case-insensitive email lookup, the subqueries that let
 * one batch refer to the rows it inserts, and the one-batch practitioner signup.
 */
import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { AppError } from '../lib/errors';
import type { Db } from './client';
import { isUniqueViolation } from './errors';
import { type PractitionerRole, patients, practitionerOrganizations, practitioners, users } from './schema';

/**
 * `(SELECT id FROM users WHERE email = ?)`: how a later statement of one `db.batch` refers to a user
 * an earlier statement inserted (D1 has no interactive transactions; the email is unique).
 */
export function userIdByEmail(db: Db, email: string): SQL {
  return sql`(${db.select({ id: users.id }).from(users).where(eq(users.email, email))})`;
}

/** `(SELECT id FROM practitioners WHERE user_id = ?)`, for the same batches as `userIdByEmail`. */
export function practitionerIdOfUser(db: Db, userId: number | SQLWrapper): SQL {
  return sql`(${db.select({ id: practitioners.id }).from(practitioners).where(eq(practitioners.userId, userId))})`;
}

/** `(SELECT id FROM patients WHERE user_id = ?)`, for the same batches as `userIdByEmail`. */
export function patientIdOfUser(db: Db, userId: number | SQLWrapper): SQL {
  return sql`(${db.select({ id: patients.id }).from(patients).where(eq(patients.userId, userId))})`;
}

/** A `users` row. */
export type User = typeof users.$inferSelect;

/** A user by email, case-insensitively (addresses may predate lower-casing on write). */
export async function findUserByEmailInsensitive(db: Db, email: string): Promise<User | undefined> {
  return db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .get();
}

/** What a self-signed-up practitioner account is made of (API.md B.7). */
export interface NewPractitionerAccount {
  /** Stored as given: the caller normalises it. */
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  /** ISO timestamp of `date_joined` and the practitioner's `last_updated`. */
  joinedAt: string;
  organizations: readonly { organizationId: number; role: PractitionerRole }[];
}

/**
 * Insert a user, its practitioner row and its organization links atomically; returns the user id.
 * A taken email is `AppError('conflict')`: the unique constraint decides, so two concurrent
 * signups of one address cannot both succeed.
 */
export async function insertPractitionerAccount(db: Db, account: NewPractitionerAccount): Promise<number> {
  // D1 has no interactive transactions: later statements of the batch find the new rows by the
  // unique email, so the whole account is written (or not at all) in one round trip.
  const newUserId = userIdByEmail(db, account.email);
  const newPractitionerId = practitionerIdOfUser(db, newUserId);
  try {
    const [inserted] = await db.batch([
      db
        .insert(users)
        .values({
          email: account.email,
          passwordHash: account.passwordHash,
          firstName: account.firstName,
          lastName: account.lastName,
          userType: 'practitioner',
          dateJoined: account.joinedAt,
        })
        .returning({ id: users.id }),
      db.insert(practitioners).values({
        userId: newUserId,
        nameFamily: account.lastName,
        nameGiven: account.firstName,
        lastUpdated: account.joinedAt,
      }),
      ...account.organizations.map((link) =>
        db.insert(practitionerOrganizations).values({
          practitionerId: newPractitionerId,
          organizationId: link.organizationId,
          role: link.role,
        }),
      ),
    ]);
    const id = inserted[0]?.id;
    if (id === undefined) throw new Error('practitioner account insert returned no id');
    return id;
  } catch (err) {
    if (isUniqueViolation(err, 'users.email')) {
      throw new AppError('conflict', 'A user with this email already exists.', { cause: err });
    }
    throw err;
  }
}
