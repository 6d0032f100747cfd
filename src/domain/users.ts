import { and, asc, count, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { can, patientsVisibleTo, usersVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import {
  organizations,
  patientIdentifiers,
  patientOrganizations,
  patients,
  practitioners,
  users,
} from '../db/schema';
import { AppError } from '../lib/errors';
import { type Principal, principalUserId } from '../lib/principal';
import { loadPatientRecords, type PatientRecord } from './patient-records';

export type OrganizationRow = typeof organizations.$inferSelect;
export type IdentifierRow = Pick<typeof patientIdentifiers.$inferSelect, 'id' | 'system' | 'value'>;

export interface PractitionerProfile {
  kind: 'practitioner';
  user: typeof users.$inferSelect;
  settings: Record<string, unknown>;
}

export interface PatientProfile {
  kind: 'patient';
  user: typeof users.$inferSelect;
  patientId: number;
  identifiers: IdentifierRow[];
  organizations: OrganizationRow[];
}

export type Profile = PractitionerProfile | PatientProfile;

/** The caller's own profile (API.md C.1 `GET /users/profile`). */
export async function getProfile(db: Db, principal: Principal): Promise<Profile> {
  if (principal.kind === 'client') throw new AppError('forbidden', 'This token does not act for a user.');
  if (principal.kind === 'practitioner') {
    // One round trip: the user and the practitioner's sticky settings.
    const row = await db
      .select({ user: users, settings: practitioners.settings })
      .from(users)
      .leftJoin(practitioners, eq(practitioners.id, principal.practitionerId))
      .where(eq(users.id, principal.userId))
      .get();
    if (!row) throw new AppError('not_found', 'Not found.');
    return { kind: 'practitioner', user: row.user, settings: row.settings ?? {} };
  }
  // One round trip: the user, the patient's identifiers and organizations (batches return rows by
  // column name, so each table is its own statement).
  const [userRows, identifiers, orgs] = await db.batch([
    db.select().from(users).where(eq(users.id, principal.userId)),
    db
      .select({
        id: patientIdentifiers.id,
        system: patientIdentifiers.system,
        value: patientIdentifiers.value,
      })
      .from(patientIdentifiers)
      .where(eq(patientIdentifiers.patientId, principal.patientId))
      .orderBy(asc(patientIdentifiers.id)),
    db
      .select()
      .from(organizations)
      .where(
        inArray(
          organizations.id,
          db
            .select({ id: patientOrganizations.organizationId })
            .from(patientOrganizations)
            .where(eq(patientOrganizations.patientId, principal.patientId)),
        ),
      )
      .orderBy(asc(organizations.name), asc(organizations.id)),
  ]);
  const [user] = userRows;
  if (!user) throw new AppError('not_found', 'Not found.');
  return { kind: 'patient', user, patientId: principal.patientId, identifiers, organizations: orgs };
}
export type UserType = 'practitioner' | 'patient';

/** The account columns of the C.1 `User` shape (never the password hash). */
const USER_COLUMNS = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  userType: users.userType,
  isSuperuser: users.isSuperuser,
};

export interface UserAccount {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  userType: UserType | null;
  isSuperuser: boolean;
}

/** A C.1 `User`: the account and, when the caller may read it (E.4), the user's full Patient. */
export interface UserRecord {
  user: UserAccount;
  patient: PatientRecord | null;
}

export interface NewUser {
  email: string;
  firstName?: string;
  lastName?: string;
  userType?: UserType | null;
}

export type UserChanges = Partial<NewUser>;

const FORBIDDEN = 'You do not have permission to perform this action.';
const forbidden = () => new AppError('forbidden', FORBIDDEN);
const notFound = () => new AppError('not_found', 'Not found.');
const emailTaken = (cause: unknown) =>
  new AppError('invalid', 'A user with this email already exists.', {
    body: { email: ['jhe user with this email already exists.'] },
    cause,
  });

/**
 * Users with their patient id joined only where the caller may read that patient (E.4), or it is
 * the caller's own: a superuser lists every account (C.1 [R]) but, as for every patient read,
 * sees Patient details only in their own organizations (E.2 notes).
 */
function selectUsers(db: Db, principal: Principal, where: SQL | undefined) {
  const ownUserId = principalUserId(principal);
  const readable = or(
    patientsVisibleTo(db, principal),
    ownUserId === null ? undefined : eq(patients.userId, ownUserId),
  );
  return db
    .select({
      user: USER_COLUMNS,
      // Aliased: in a D1 batch rows come back keyed by column name, and a second `id` would
      // overwrite the user's.
      patientId: sql<number | null>`${patients.id}`.as('patient_id'),
    })
    .from(users)
    .leftJoin(patients, and(eq(patients.userId, users.id), readable))
    .where(where)
    .orderBy(asc(users.lastName), asc(users.id));
}

/** Attach the full Patient records of a page: each patient table read once (loadPatientRecords). */
async function withPatients(
  db: Db,
  rows: readonly { user: UserAccount; patientId: number | null }[],
): Promise<UserRecord[]> {
  const records = await loadPatientRecords(
    db,
    rows.flatMap((r) => (r.patientId === null ? [] : [r.patientId])),
  );
  const byId = new Map(records.map((record) => [record.patient.id, record]));
  return rows.map((r) => ({
    user: r.user,
    patient: r.patientId === null ? null : (byId.get(r.patientId) ?? null),
  }));
}

/** `GET /users` (C.1 [R], E.6): visible accounts, `email` an exact filter, by last name then id. */
export async function listUsers(
  db: Db,
  principal: Principal,
  query: { email?: string; limit: number; offset: number },
): Promise<{ count: number; rows: UserRecord[] }> {
  const where = and(
    usersVisibleTo(db, principal),
    query.email === undefined ? undefined : eq(users.email, query.email),
  );
  const [counted, rows] = await db.batch([
    db.select({ count: count() }).from(users).where(where),
    selectUsers(db, principal, where).limit(query.limit).offset(query.offset),
  ]);
  return { count: counted[0]?.count ?? 0, rows: await withPatients(db, rows) };
}

async function loadUser(db: Db, principal: Principal, id: number): Promise<UserRecord> {
  const [record] = await withPatients(db, await selectUsers(db, principal, eq(users.id, id)));
  if (!record) throw notFound();
  return record;
}

/** `GET /users/{id}`: one's own account only, else 403 (C.1). */
export async function getUser(db: Db, principal: Principal, id: number): Promise<UserRecord> {
  if (!can(principal, 'user.read', { userId: id })) throw forbidden();
  return loadUser(db, principal, id);
}

/** `GET /users/search_by_email` (C.1 [R]): practitioners only; no match is 404. */
export async function findUserByEmail(db: Db, principal: Principal, email: string): Promise<UserRecord> {
  if (!can(principal, 'user.search')) throw forbidden();
  const [record] = await withPatients(db, await selectUsers(db, principal, eq(users.email, email)).limit(1));
  if (!record) throw notFound();
  return record;
}

/** `POST /users` (C.1 [R]): superusers only; the account has no password until one is set. */
export async function createUser(db: Db, principal: Principal, input: NewUser): Promise<UserRecord> {
  if (!can(principal, 'admin')) throw forbidden();
  try {
    const [created] = await db
      .insert(users)
      .values({
        email: input.email,
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        userType: input.userType ?? null,
      })
      .returning(USER_COLUMNS);
    if (!created) throw new Error('user insert returned no row');
    return { user: created, patient: null };
  } catch (err) {
    if (isUniqueViolation(err, 'users.email')) throw emailTaken(err);
    throw err;
  }
}

/**
 * `PATCH/PUT /users/{id}` (C.1 [R], E.6): anyone may rename themselves; email and user type are
 * a superuser's to change. `isSuperuser` is not writable here at all: callers never pass it.
 * A field sent with its current value is not a change (clients send back whole objects).
 */
export async function updateUser(
  db: Db,
  principal: Principal,
  id: number,
  input: UserChanges,
): Promise<UserRecord> {
  const admin = can(principal, 'admin');
  if (!admin && !can(principal, 'user.edit_names', { userId: id })) throw forbidden();
  const current = await db.select(USER_COLUMNS).from(users).where(eq(users.id, id)).get();
  if (!current) throw notFound();
  const changes = {
    ...(input.firstName !== undefined && { firstName: input.firstName }),
    ...(input.lastName !== undefined && { lastName: input.lastName }),
    ...(input.email !== undefined && input.email !== current.email && { email: input.email }),
    ...(input.userType !== undefined && input.userType !== current.userType && { userType: input.userType }),
  };
  if (!admin && ('email' in changes || 'userType' in changes)) throw forbidden();
  if (Object.keys(changes).length > 0) {
    try {
      await db.update(users).set(changes).where(eq(users.id, id));
    } catch (err) {
      if (isUniqueViolation(err, 'users.email')) throw emailTaken(err);
      throw err;
    }
  }
  return loadUser(db, principal, id);
}

/** `DELETE /users/{id}` (C.1 [R]): superusers only; profiles go with the account (FK cascade). */
export async function deleteUser(db: Db, principal: Principal, id: number): Promise<void> {
  if (!can(principal, 'admin')) throw forbidden();
  const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  if (deleted.length === 0) throw notFound();
}
