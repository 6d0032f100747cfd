/**
 * Practitioner administration (API.md C.4): superusers only (E.2 "Practitioners & settings
 * admin"); everyone else 403.
 */
import { and, asc, count, eq, inArray, notExists } from 'drizzle-orm';
import { can } from '../consent';
import type { Db } from '../db/client';
import { organizations, patients, practitionerOrganizations, practitioners, users } from '../db/schema';
import { findUserByEmailInsensitive, practitionerIdOfUser, userIdByEmail } from '../db/users';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { callerRole, type OrganizationView } from './organizations';

export interface PractitionerRecord {
  id: number;
  userId: number;
  nameFamily: string | null;
  nameGiven: string | null;
  email: string;
  organizations: OrganizationView[];
}

export interface NewPractitioner {
  telecomEmail?: unknown;
  nameFamily?: string | null;
  nameGiven?: string | null;
  organizationId?: unknown;
}

/** Django's EmailValidator in spirit: one @, a dotted domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const invalid = (message: string) => new AppError('invalid', message, { body: [message] });
const notFound = () => new AppError('not_found', 'No Practitioner matches the given query.');

/** 403 unless a superuser; routers call this before reading a body (DRF checks permissions first). */
export function assertSuperuser(principal: Principal): void {
  if (!can(principal, 'admin')) {
    throw new AppError('forbidden', 'You do not have permission to perform this action.');
  }
}

const PRACTITIONER_COLUMNS = {
  id: practitioners.id,
  userId: practitioners.userId,
  nameFamily: practitioners.nameFamily,
  nameGiven: practitioners.nameGiven,
  email: users.email,
};

function selectPractitioners(db: Db) {
  return db
    .select(PRACTITIONER_COLUMNS)
    .from(practitioners)
    .innerJoin(users, eq(users.id, practitioners.userId))
    .orderBy(asc(practitioners.id));
}

/** The organizations of a page of practitioners: one read per 99 practitioners, all in one batch. */
async function withOrganizations(
  db: Db,
  principal: Principal,
  rows: readonly Omit<PractitionerRecord, 'organizations'>[],
): Promise<PractitionerRecord[]> {
  const byPractitioner = new Map<number, OrganizationView[]>();
  const queries = chunk(
    rows.map((r) => r.id),
    D1_MAX_BOUND_PARAMETERS - 1,
  ).map((ids) =>
    db
      .select({ practitionerId: practitionerOrganizations.practitionerId, organization: organizations })
      .from(practitionerOrganizations)
      .innerJoin(organizations, eq(organizations.id, practitionerOrganizations.organizationId))
      .where(inArray(practitionerOrganizations.practitionerId, ids))
      .orderBy(asc(organizations.name), asc(organizations.id)),
  );
  const [first, ...rest] = queries;
  const results = first ? await db.batch([first, ...rest]) : [];
  for (const { practitionerId, organization } of results.flat()) {
    const list = byPractitioner.get(practitionerId) ?? [];
    // `currentUserRole` is the caller's (C.2), and only superusers get here: always `super_user`.
    list.push({ organization, currentUserRole: callerRole(principal, null) });
    byPractitioner.set(practitionerId, list);
  }
  return rows.map((r) => ({ ...r, organizations: byPractitioner.get(r.id) ?? [] }));
}

/** `GET /practitioners`: by id. */
export async function listPractitioners(
  db: Db,
  principal: Principal,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: PractitionerRecord[] }> {
  assertSuperuser(principal);
  const [counted, rows] = await db.batch([
    db.select({ count: count() }).from(practitioners),
    selectPractitioners(db).limit(page.limit).offset(page.offset),
  ]);
  return { count: counted[0]?.count ?? 0, rows: await withOrganizations(db, principal, rows) };
}

/** `GET /practitioners/{id}`. */
export async function getPractitioner(db: Db, principal: Principal, id: number): Promise<PractitionerRecord> {
  assertSuperuser(principal);
  const [record] = await withOrganizations(
    db,
    principal,
    await selectPractitioners(db).where(eq(practitioners.id, id)),
  );
  if (!record) throw notFound();
  return record;
}

async function organizationToLink(db: Db, value: unknown): Promise<number | undefined> {
  // Upstream tests `if organization_id:`, so absent, null, 0 and "" mean "no organization".
  if (value === undefined || value === null || value === 0 || value === '') return undefined;
  const id =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  const found = Number.isSafeInteger(id)
    ? await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).get()
    : undefined;
  if (!found) throw invalid('Organization not found.');
  return found.id;
}

/**
 * `POST /practitioners` (C.4): reuses the user with that email (any case) or creates one without a
 * password; reuses an existing practitioner profile; links the organization as `member`. Every row
 * is written in one batch with `ON CONFLICT DO NOTHING`, later statements finding earlier rows by
 * the unique email, so concurrent creates cannot duplicate anything or leave half an account.
 */
export async function createPractitioner(
  db: Db,
  principal: Principal,
  input: NewPractitioner,
): Promise<PractitionerRecord> {
  assertSuperuser(principal);
  const given = typeof input.telecomEmail === 'string' ? input.telecomEmail.trim() : '';
  if (given === '') throw invalid('Email is required to create a practitioner.');
  if (!EMAIL.test(given)) throw invalid('Enter a valid email address.');
  const organizationId = await organizationToLink(db, input.organizationId);
  const email = (await findUserByEmailInsensitive(db, given))?.email ?? given;
  const userId = userIdByEmail(db, email);
  const practitionerId = practitionerIdOfUser(db, userId);
  const [, , [created]] = await db.batch([
    db
      .insert(users)
      .values({
        email,
        firstName: input.nameGiven ?? '',
        lastName: input.nameFamily ?? '',
        userType: 'practitioner',
      })
      .onConflictDoNothing(),
    db
      .insert(practitioners)
      .values({ userId, nameFamily: input.nameFamily ?? null, nameGiven: input.nameGiven ?? null })
      .onConflictDoNothing(),
    db.select({ id: practitioners.id }).from(practitioners).where(eq(practitioners.userId, userId)),
    ...(organizationId === undefined
      ? []
      : [
          db
            .insert(practitionerOrganizations)
            .values({ practitionerId, organizationId, role: 'member' })
            .onConflictDoNothing(),
        ]),
  ]);
  if (!created) throw new Error('practitioner insert left no row');
  return getPractitioner(db, principal, created.id);
}

/** `PATCH /practitioners/{id}`: the names only. */
export async function updatePractitioner(
  db: Db,
  principal: Principal,
  id: number,
  input: { nameFamily?: string | null; nameGiven?: string | null },
): Promise<PractitionerRecord> {
  assertSuperuser(principal);
  const updated = await db
    .update(practitioners)
    .set({
      ...(input.nameFamily !== undefined && { nameFamily: input.nameFamily }),
      ...(input.nameGiven !== undefined && { nameGiven: input.nameGiven }),
      lastUpdated: new Date().toISOString(),
    })
    .where(eq(practitioners.id, id))
    .returning({ id: practitioners.id });
  if (updated.length === 0) throw notFound();
  return getPractitioner(db, principal, id);
}

/**
 * `DELETE /practitioners/{id}` (C.4): the profile and its memberships go; the user account goes
 * too unless it is a superuser's or still backs a patient (decided in SQL, in the same batch).
 */
/** Returns the practitioner's user id, so the caller can end the tokens that acted as them. */
export async function deletePractitioner(db: Db, principal: Principal, id: number): Promise<number> {
  assertSuperuser(principal);
  const row = await db
    .select({ userId: practitioners.userId })
    .from(practitioners)
    .where(eq(practitioners.id, id))
    .get();
  if (!row) throw notFound();
  await db.batch([
    db.delete(practitioners).where(eq(practitioners.id, id)),
    db
      .delete(users)
      .where(
        and(
          eq(users.id, row.userId),
          eq(users.isSuperuser, false),
          notExists(db.select({ id: patients.id }).from(patients).where(eq(patients.userId, users.id))),
        ),
      ),
  ]);
  return row.userId;
}
