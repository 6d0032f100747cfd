/**
 * Patients of the admin API (API.md C.3): list, read, create, edit, remove from an organization,
 * the cross-organization lookup, and the patient's study clients. Authorization is decided by
 * consent/ (`can`, the role loaders, `patientsVisibleTo`); this module only asks.
 */
import { and, asc, eq, inArray, notExists, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import {
  can,
  memberOrganizationIds,
  patientsVisibleTo,
  rolesForPatient,
  rolesInOrganizations,
  sharedOrganizationRoles,
  type Action,
} from '../consent';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { jsonSetIntegers } from '../db/expressions';
import {
  consents,
  invitations,
  oauthClients,
  observations,
  organizations,
  patientIdentifiers,
  patientOrganizations,
  patients,
  practitioners,
  studies,
  studyClients,
  studyPatients,
  users,
} from '../db/schema';
import { findUserByEmailInsensitive, patientIdOfUser, userIdByEmail } from '../db/users';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { nowIso } from '../lib/clock';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { randomAlphanumeric } from '../lib/random';
import {
  loadPatientPage,
  loadPatientRecords,
  type PageWindow,
  type PatientPage,
  type PatientRecord,
} from './patient-records';

export const PATIENT_NOT_FOUND = 'No Patient matches the given query.';
const NO_PERMISSION = 'You do not have permission to perform this action.';
const PATIENT_FORBIDDEN = 'Current User does not have authorization to access this Patient.';

/** C.3 POST/PATCH messages, verbatim (upstream `test_patient_viewset.py`). */
export const PATIENT_MESSAGES = {
  emailRequired: 'Email is required to create a patient.',
  emailInvalid: 'Enter a valid email address.',
  birthDateInvalid: 'Enter a valid birth date (YYYY-MM-DD).',
  dataConflict:
    'Could not save the patient because of a data conflict. Please check the values and try again.',
  alreadyMember: 'This patient is already a member of this organization.',
  organizationNotFound: 'Organization not found.',
  organizationRequired: 'organizationId parameter required',
  emailParameterRequired: 'email parameter required',
} as const;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Rows per multi-row identifier insert: 3 bound values each (system, value, the patient subquery's). */
const IDENTIFIERS_PER_INSERT = 30;

/** An explicit-message 400: a JSON array of strings (A.7). */
const invalid = (messages: readonly string[]) =>
  new AppError('invalid', messages.join(' '), { body: [...messages] });
const forbidden = (message = NO_PERMISSION) => new AppError('forbidden', message);
const notFound = () => new AppError('not_found', PATIENT_NOT_FOUND);

export interface IdentifierInput {
  system: string;
  value: string;
}

export interface PatientFilters {
  organizationId?: number;
  studyId?: number;
  patientId?: number;
  identifierValue?: string;
}

/**
 * The practitioner's sticky UI selection (C.3/C.5/C.7 side effect): one UPDATE merging the given
 * keys into `practitioners.settings` with json_set, returned as a batch item so it rides in the
 * list's own batch (no extra round trip, no read-modify-write race).
 */
export function rememberSelection(
  db: Db,
  principal: Principal,
  selection: { organizationId?: number; studyId?: number },
): BatchItem<'sqlite'>[] {
  if (principal.kind !== 'practitioner') return [];
  const entries: [string, number][] = [];
  if (selection.organizationId !== undefined)
    entries.push(['$.current_organization_id', selection.organizationId]);
  if (selection.studyId !== undefined) entries.push(['$.current_study_id', selection.studyId]);
  if (entries.length === 0) return [];
  return [
    db
      .update(practitioners)
      .set({ settings: jsonSetIntegers(practitioners.settings, entries) })
      .where(eq(practitioners.id, principal.practitionerId)),
  ];
}

/**
 * C.3 `GET /patients`: the patients sharing an organization with the caller (E.4), narrowed by the
 * filters, ordered by id. Patients and bare clients get an empty list.
 */
export async function listPatients(
  db: Db,
  principal: Principal,
  filters: PatientFilters,
  page: PageWindow,
): Promise<PatientPage> {
  if (principal.kind !== 'practitioner') return { count: 0, records: [] };
  const { organizationId, studyId, patientId, identifierValue } = filters;
  const where = and(
    patientsVisibleTo(db, principal),
    // E.4: organization_id narrows the *shared* organization, so it must be one of the caller's.
    organizationId === undefined
      ? undefined
      : inArray(
          patients.id,
          db
            .select({ id: patientOrganizations.patientId })
            .from(patientOrganizations)
            .where(
              and(
                eq(patientOrganizations.organizationId, organizationId),
                inArray(
                  patientOrganizations.organizationId,
                  memberOrganizationIds(db, principal.practitionerId),
                ),
              ),
            ),
        ),
    studyId === undefined
      ? undefined
      : inArray(
          patients.id,
          db
            .select({ id: studyPatients.patientId })
            .from(studyPatients)
            .where(eq(studyPatients.studyId, studyId)),
        ),
    patientId === undefined ? undefined : eq(patients.id, patientId),
    identifierValue === undefined
      ? undefined
      : inArray(
          patients.id,
          db
            .select({ id: patientIdentifiers.patientId })
            .from(patientIdentifiers)
            .where(eq(patientIdentifiers.value, identifierValue)),
        ),
  );
  return loadPatientPage(db, where, page, rememberSelection(db, principal, { organizationId, studyId }));
}

/** 403 unless `can(principal, action)` on the patient, with the caller's roles in the patient's organizations. */
export async function authorizePatient(
  db: Db,
  principal: Principal,
  action: Extract<Action, 'patient.read' | 'patient.manage'>,
  patientId: number,
  message = NO_PERMISSION,
): Promise<void> {
  const roles =
    principal.kind === 'practitioner' ? await rolesForPatient(db, principal.practitionerId, patientId) : [];
  if (!can(principal, action, { roles, patientId })) throw forbidden(message);
}

async function requirePatient(db: Db, patientId: number): Promise<{ id: number; userId: number | null }> {
  const row = await db
    .select({ id: patients.id, userId: patients.userId })
    .from(patients)
    .where(eq(patients.id, patientId))
    .get();
  if (!row) throw notFound();
  return row;
}

/** C.3 `GET /patients/{id}` [R]: practitioners sharing an organization, or the patient themself. */
export async function getPatient(db: Db, principal: Principal, patientId: number): Promise<PatientRecord> {
  const [record] = await loadPatientRecords(db, [patientId]);
  if (!record) throw notFound();
  await authorizePatient(db, principal, 'patient.read', patientId, PATIENT_FORBIDDEN);
  return record;
}

/** C.3 `GET /patients/me`: the calling patient's own record; other callers 403. */
export async function getOwnPatient(db: Db, principal: Principal): Promise<PatientRecord> {
  if (principal.kind !== 'patient') throw forbidden();
  const [record] = await loadPatientRecords(db, [principal.patientId]);
  if (!record) throw notFound();
  return record;
}

export interface PatientFields {
  nameFamily?: string | null;
  nameGiven?: string | null;
  birthDate?: string | null;
  telecomPhone?: string | null;
}

export interface NewPatient extends PatientFields {
  organizationId: number;
  telecomEmail?: string | null;
  identifiers?: readonly IdentifierInput[];
}

/** `YYYY-MM-DD` naming a real calendar day (C.3: "Enter a valid birth date"). */
function isValidDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 0) - 1, d ?? 0));
  return date.getUTCFullYear() === y && date.getUTCMonth() + 1 === m && date.getUTCDate() === d;
}

const birthDateMessages = (birthDate: string | null | undefined) =>
  birthDate === undefined || birthDate === null || birthDate === '' || isValidDate(birthDate)
    ? []
    : [PATIENT_MESSAGES.birthDateInvalid];

/** Blank optional text is stored as null, as the upstream serializer does for `allow_null` fields. */
function patientColumns(fields: PatientFields) {
  const norm = (v: string | null | undefined) => (v === undefined ? undefined : v === '' ? null : v);
  return {
    nameFamily: norm(fields.nameFamily),
    nameGiven: norm(fields.nameGiven),
    birthDate: norm(fields.birthDate),
    telecomPhone: norm(fields.telecomPhone),
  };
}

/**
 * The message for a violated identifier uniqueness: the pair already held by another patient, else
 * a pair repeated within the request, else the generic data-conflict message.
 */
async function identifierConflict(
  db: Db,
  identifiers: readonly IdentifierInput[],
  exceptPatientId?: number,
): Promise<AppError> {
  const values = [...new Set(identifiers.map((i) => i.value))];
  const taken = (
    await Promise.all(
      chunk(values, D1_MAX_BOUND_PARAMETERS - 1).map((part) =>
        db
          .select({
            system: patientIdentifiers.system,
            value: patientIdentifiers.value,
            patientId: patientIdentifiers.patientId,
          })
          .from(patientIdentifiers)
          .where(inArray(patientIdentifiers.value, part)),
      ),
    )
  ).flat();
  const held = new Set(
    taken.filter((t) => t.patientId !== exceptPatientId).map((t) => `${t.system}|${t.value}`),
  );
  const seen = new Set<string>();
  const clash =
    identifiers.find((i) => held.has(`${i.system}|${i.value}`)) ??
    identifiers.find((i) => {
      const key = `${i.system}|${i.value}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
  return invalid([
    clash
      ? `The external identifier ${clash.system}|${clash.value} is already in use by another patient.`
      : PATIENT_MESSAGES.dataConflict,
  ]);
}

/** Multi-row identifier inserts for the patient `patientId` (an id or a subquery), chunked under D1's 100 parameters. */
function identifierInserts(db: Db, patientId: number | SQL, identifiers: readonly IdentifierInput[]) {
  return chunk(identifiers, IDENTIFIERS_PER_INSERT).map((part) =>
    db.insert(patientIdentifiers).values(part.map(({ system, value }) => ({ patientId, system, value }))),
  );
}

/**
 * C.3 `POST /patients`: MGR/MEM of `organizationId` or SU. Reuses the user with that email, else
 * creates one (unusable password: the patient signs in through an invitation, B.8). The user, the
 * patient, its identifiers and its organization link are written in ONE batch; the uniqueness
 * constraints decide conflicts.
 */
export async function createPatient(db: Db, principal: Principal, input: NewPatient): Promise<PatientRecord> {
  const roles =
    principal.kind === 'practitioner'
      ? await rolesInOrganizations(db, principal.practitionerId, [input.organizationId])
      : [];
  if (!can(principal, 'patient.manage', { roles })) throw forbidden();

  const email = (input.telecomEmail ?? '').trim().toLowerCase();
  const messages: string[] = [];
  if (email === '') messages.push(PATIENT_MESSAGES.emailRequired);
  else if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email))
    messages.push(PATIENT_MESSAGES.emailInvalid);
  messages.push(...birthDateMessages(input.birthDate));
  if (messages.length) throw invalid(messages);

  const [organization, existing] = await Promise.all([
    db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .get(),
    findUserByEmailInsensitive(db, email),
  ]);
  if (!organization) throw invalid([PATIENT_MESSAGES.organizationNotFound]);

  const columns = patientColumns(input);
  const identifiers = input.identifiers ?? [];
  // D1 has no interactive transactions: later statements find the new rows through the unique
  // email / user id, so everything lands in one atomic batch.
  const userId = existing ? existing.id : userIdByEmail(db, email);
  const patientId = patientIdOfUser(db, userId);
  const createUser = existing
    ? []
    : [
        db.insert(users).values({
          email,
          // Django's unusable-password form: no password ever verifies against it.
          passwordHash: `!${randomAlphanumeric(40)}`,
          firstName: columns.nameGiven ?? '',
          lastName: columns.nameFamily ?? '',
          userType: 'patient',
        }),
      ];
  try {
    const [first, ...rest] = [
      ...createUser,
      db.insert(patients).values({ userId, ...columns, lastUpdated: nowIso() }),
      ...identifierInserts(db, patientId, identifiers),
      db.insert(patientOrganizations).values({ patientId, organizationId: input.organizationId }),
    ];
    if (!first) throw new Error('unreachable: the patient insert is always present');
    await db.batch([first, ...rest]);
  } catch (err) {
    if (isUniqueViolation(err, 'patient_identifiers.system, patient_identifiers.value')) {
      throw await identifierConflict(db, identifiers);
    }
    if (isUniqueViolation(err, 'users.email') || isUniqueViolation(err, 'patients.user_id')) {
      throw invalid([PATIENT_MESSAGES.dataConflict]);
    }
    throw err;
  }
  const created = await db
    .select({ id: patients.id })
    .from(patients)
    .where(eq(patients.userId, userId))
    .get();
  const [record] = created ? await loadPatientRecords(db, [created.id]) : [];
  if (!record) throw new Error('patient insert left no row');
  return record;
}

/**
 * The caller's roles in `organizationId`, counted only when the patient belongs to it: a manager
 * of one organization must not edit another's patient by naming their own (C.3 [R], E.6).
 */
async function rolesForPatientInOrganization(
  db: Db,
  principal: Principal,
  patientId: number,
  organizationId: number | undefined,
) {
  if (principal.kind !== 'practitioner' || organizationId === undefined) return [];
  const shared = await sharedOrganizationRoles(db, principal.practitionerId, patientId);
  return shared.filter((s) => s.organizationId === organizationId).map((s) => s.role);
}

export interface PatientUpdate extends PatientFields {
  /** Replaces the whole list when present (upstream `test_update_replaces_identifiers`). */
  identifiers?: readonly IdentifierInput[];
}

/** C.3 `PATCH/PUT /patients/{id}?organization_id=`: MGR/MEM of that organization, or SU. */
export async function updatePatient(
  db: Db,
  principal: Principal,
  patientId: number,
  organizationId: number | undefined,
  update: PatientUpdate,
): Promise<PatientRecord> {
  await requirePatient(db, patientId);
  const roles = await rolesForPatientInOrganization(db, principal, patientId, organizationId);
  if (!can(principal, 'patient.manage', { roles })) throw forbidden();
  const messages = birthDateMessages(update.birthDate);
  if (messages.length) throw invalid(messages);

  const { identifiers } = update;
  try {
    await db.batch([
      db
        .update(patients)
        .set({ ...patientColumns(update), lastUpdated: nowIso() })
        .where(eq(patients.id, patientId)),
      ...(identifiers === undefined
        ? []
        : [
            db.delete(patientIdentifiers).where(eq(patientIdentifiers.patientId, patientId)),
            ...identifierInserts(db, patientId, identifiers),
          ]),
    ]);
  } catch (err) {
    if (identifiers && isUniqueViolation(err, 'patient_identifiers.system, patient_identifiers.value')) {
      throw await identifierConflict(db, identifiers, patientId);
    }
    throw err;
  }
  const [record] = await loadPatientRecords(db, [patientId]);
  if (!record) throw notFound();
  return record;
}

/**
 * C.3 `DELETE /patients/{id}?organization_id=`: leave that organization (its studies' enrolments and
 * consents go too); with no organization left, the patient, their observations and their user (when
 * no practitioner profile uses it) are deleted. One atomic batch; the "no organization left"
 * condition is evaluated inside it, so a concurrent add cannot be lost.
 */
export async function removePatientFromOrganization(
  db: Db,
  principal: Principal,
  patientId: number,
  organizationId: number | undefined,
): Promise<{ deletedPatientUserId: number | null }> {
  if (organizationId === undefined) {
    // The role lookup needs the organization: non-SU cannot be authorized without it (C.3).
    if (principal.kind === 'practitioner' && principal.isSuperuser) {
      throw new AppError('invalid', 'organizationId required');
    }
    throw forbidden();
  }
  const patient = await requirePatient(db, patientId);
  const roles = await rolesForPatientInOrganization(db, principal, patientId, organizationId);
  if (!can(principal, 'patient.manage', { roles })) throw forbidden();

  const orgStudies = db
    .select({ id: studies.id })
    .from(studies)
    .where(eq(studies.organizationId, organizationId));
  const noOrganizationLeft = notExists(
    db
      .select({ id: patientOrganizations.id })
      .from(patientOrganizations)
      .where(eq(patientOrganizations.patientId, patientId)),
  );
  const userId = patient.userId;
  const [, , , , deletedPatients] = await db.batch([
    db.delete(consents).where(
      inArray(
        consents.studyPatientId,
        db
          .select({ id: studyPatients.id })
          .from(studyPatients)
          .where(and(eq(studyPatients.patientId, patientId), inArray(studyPatients.studyId, orgStudies))),
      ),
    ),
    db
      .delete(studyPatients)
      .where(and(eq(studyPatients.patientId, patientId), inArray(studyPatients.studyId, orgStudies))),
    db
      .delete(patientOrganizations)
      .where(
        and(
          eq(patientOrganizations.patientId, patientId),
          eq(patientOrganizations.organizationId, organizationId),
        ),
      ),
    db.delete(observations).where(and(eq(observations.patientId, patientId), noOrganizationLeft)),
    db
      .delete(patients)
      .where(and(eq(patients.id, patientId), noOrganizationLeft))
      .returning({ id: patients.id }),
    ...(userId === null
      ? []
      : [
          db
            .delete(users)
            .where(
              and(
                eq(users.id, userId),
                eq(users.isSuperuser, false),
                notExists(db.select({ id: patients.id }).from(patients).where(eq(patients.userId, userId))),
                notExists(
                  db
                    .select({ id: practitioners.id })
                    .from(practitioners)
                    .where(eq(practitioners.userId, userId)),
                ),
              ),
            ),
        ]),
  ]);
  // A patient gone for good: the tokens that acted as them must end too.
  return { deletedPatientUserId: deletedPatients.length > 0 ? userId : null };
}

/** C.3 `GET /patients/global_lookup?email=`: practitioners find a patient of any organization by exact email. */
export async function lookupPatientsByEmail(
  db: Db,
  principal: Principal,
  email: string | undefined,
): Promise<PatientRecord[]> {
  if (principal.kind !== 'practitioner') throw forbidden();
  if (email === undefined || email.trim() === '') throw invalid([PATIENT_MESSAGES.emailParameterRequired]);
  const user = await findUserByEmailInsensitive(db, email);
  if (!user) return [];
  const rows = await db.select({ id: patients.id }).from(patients).where(eq(patients.userId, user.id));
  return loadPatientRecords(
    db,
    rows.map((r) => r.id),
  );
}

/**
 * C.3 `PATCH /patients/{id}/global_add_organization?organization_id=` [R]: MGR/MEM of the target
 * organization, or SU (upstream lets anyone, E.6).
 */
export async function addPatientToOrganization(
  db: Db,
  principal: Principal,
  patientId: number,
  organizationId: number | undefined,
): Promise<PatientRecord> {
  if (organizationId === undefined) throw invalid([PATIENT_MESSAGES.organizationRequired]);
  await requirePatient(db, patientId);
  const roles =
    principal.kind === 'practitioner'
      ? await rolesInOrganizations(db, principal.practitionerId, [organizationId])
      : [];
  if (!can(principal, 'patient.manage', { roles })) throw forbidden();
  const organization = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .get();
  if (!organization) throw invalid([PATIENT_MESSAGES.organizationNotFound]);
  try {
    await db.insert(patientOrganizations).values({ patientId, organizationId });
  } catch (err) {
    if (isUniqueViolation(err, 'patient_organizations.patient_id, patient_organizations.organization_id')) {
      throw invalid([PATIENT_MESSAGES.alreadyMember]);
    }
    throw err;
  }
  const [record] = await loadPatientRecords(db, [patientId]);
  if (!record) throw notFound();
  return record;
}

export type ClientRow = Pick<typeof oauthClients.$inferSelect, 'id' | 'name' | 'clientId' | 'invitationUrl'>;
export type InvitationRow = typeof invitations.$inferSelect;

export interface PatientClient {
  client: ClientRow;
  invitations: InvitationRow[];
}

/**
 * C.3 `GET /patients/{id}/consolidated_clients` [R]: practitioners sharing an organization, or the
 * patient. Each client linked to a study the patient is enrolled in, with the patient's invitations
 * to it (C.8); both tables read once, in one batch.
 */
export async function patientClients(
  db: Db,
  principal: Principal,
  patientId: number,
): Promise<PatientClient[]> {
  await requirePatient(db, patientId);
  await authorizePatient(db, principal, 'patient.read', patientId);
  const enrolledStudies = db
    .select({ id: studyPatients.studyId })
    .from(studyPatients)
    .where(eq(studyPatients.patientId, patientId));
  const [clients, sent] = await db.batch([
    db
      .selectDistinct({
        id: oauthClients.id,
        name: oauthClients.name,
        clientId: oauthClients.clientId,
        invitationUrl: oauthClients.invitationUrl,
      })
      .from(oauthClients)
      .innerJoin(studyClients, eq(studyClients.clientId, oauthClients.id))
      .where(inArray(studyClients.studyId, enrolledStudies))
      .orderBy(asc(oauthClients.id)),
    db.select().from(invitations).where(eq(invitations.patientId, patientId)).orderBy(asc(invitations.id)),
  ]);
  return clients.map((client) => ({ client, invitations: sent.filter((i) => i.clientId === client.id) }));
}
