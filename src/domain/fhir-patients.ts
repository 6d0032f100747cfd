/**
 * FHIR Patient reads (API.md D.2, D.5, D.10, E.4): typed criteria -> one query with the visibility
 * predicate and keyset paging, then the page's identifiers in one batch. A patient caller sees only
 * themself and their filters are ignored; a practitioner's study, organization or patient filter
 * they may not access is 403.
 */
import { and, asc, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { patientsVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { inIds } from '../db/expressions';
import type { SortKey } from '../db/keyset';
import { patientIdentifiers, patientOrganizations, patients, studyPatients, users } from '../db/schema';
import { startsWithInsensitive } from '../db/text-match';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import {
  assertFiltersAllowed,
  dateCondition,
  keysetPage,
  type DateBound,
  type Page,
  type PageQuery,
  type TokenCriterion,
} from './fhir-search';

export interface PatientCriteria {
  /** `_id`; an empty list (only malformed ids) matches nothing (D.4). */
  ids?: number[];
  /** `patient`: checked for access (403), then a filter. */
  patientIds?: number[];
  /** `_has:Group:member:_id` / `patient._has:Group:member:_id`. */
  studyId?: number;
  /** OR groups of identifier tokens (repeats AND). */
  identifiers?: TokenCriterion[][];
  organizationId?: number;
  /** Starts-with prefixes: OR groups (repeats AND). */
  family?: string[][];
  given?: string[][];
  name?: string[][];
  birthdate?: DateBound[];
  lastUpdated?: DateBound[];
  sort: { key: '_lastUpdated'; descending: boolean }[];
}

export interface FhirPatientRecord {
  id: number;
  lastUpdated: string;
  nameFamily: string | null;
  nameGiven: string | null;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
  identifiers: { system: string; value: string }[];
}

interface OrderedRow {
  id: number;
  lastUpdated: string;
  nameFamily: string | null;
}

/** Default order: family name, then id (D.2); `_sort=_lastUpdated` replaces the first key. */
function patientOrder(sort: PatientCriteria['sort']): {
  order: SortKey[];
  keyOf: (row: OrderedRow) => (string | number)[];
} {
  const [first] = sort;
  if (first) {
    const direction = first.descending ? 'desc' : 'asc';
    return {
      order: [
        { expr: patients.lastUpdated, direction },
        { expr: patients.id, direction },
      ],
      keyOf: (row) => [row.lastUpdated, row.id],
    };
  }
  return {
    order: [
      { expr: sql`coalesce(${patients.nameFamily}, '')`, direction: 'asc' },
      { expr: patients.id, direction: 'asc' },
    ],
    keyOf: (row) => [row.nameFamily ?? '', row.id],
  };
}

function identifierCondition(token: TokenCriterion): SQL | undefined {
  return and(
    eq(patientIdentifiers.value, token.code),
    token.system ? eq(patientIdentifiers.system, token.system) : undefined,
  );
}

const idsCondition = (ids: number[]) => inIds(patients.id, ids);

/** Every criterion as a condition on `patients` (practitioners only: patients' filters are ignored, D.10). */
function criteriaConditions(db: Db, criteria: PatientCriteria): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [];
  if (criteria.ids) conditions.push(idsCondition(criteria.ids));
  if (criteria.patientIds) conditions.push(idsCondition(criteria.patientIds));
  if (criteria.studyId !== undefined)
    conditions.push(
      inArray(
        patients.id,
        db
          .select({ id: studyPatients.patientId })
          .from(studyPatients)
          .where(eq(studyPatients.studyId, criteria.studyId)),
      ),
    );
  for (const group of criteria.identifiers ?? [])
    conditions.push(
      inArray(
        patients.id,
        db
          .select({ id: patientIdentifiers.patientId })
          .from(patientIdentifiers)
          .where(or(...group.map(identifierCondition))),
      ),
    );
  if (criteria.organizationId !== undefined)
    conditions.push(
      inArray(
        patients.id,
        db
          .select({ id: patientOrganizations.patientId })
          .from(patientOrganizations)
          .where(eq(patientOrganizations.organizationId, criteria.organizationId)),
      ),
    );
  for (const group of criteria.family ?? [])
    conditions.push(or(...group.map((p) => startsWithInsensitive(patients.nameFamily, p))));
  for (const group of criteria.given ?? [])
    conditions.push(or(...group.map((p) => startsWithInsensitive(patients.nameGiven, p))));
  for (const group of criteria.name ?? [])
    conditions.push(
      or(
        ...group.flatMap((p) => [
          startsWithInsensitive(patients.nameFamily, p),
          startsWithInsensitive(patients.nameGiven, p),
        ]),
      ),
    );
  // A birth date is a whole day: compare its first instant with the bounds (instants, D.4).
  for (const bound of criteria.birthdate ?? [])
    conditions.push(
      and(
        isNotNull(patients.birthDate),
        dateCondition(sql`${patients.birthDate} || 'T00:00:00.000Z'`, bound),
      ),
    );
  for (const bound of criteria.lastUpdated ?? []) conditions.push(dateCondition(patients.lastUpdated, bound));
  return conditions;
}

async function loadPage(
  db: Db,
  where: SQL | undefined,
  { order, keyOf }: ReturnType<typeof patientOrder>,
  page: PageQuery,
): Promise<Page<FhirPatientRecord>> {
  const result = await keysetPage(db, {
    select: db
      .select({
        id: patients.id,
        lastUpdated: patients.lastUpdated,
        nameFamily: patients.nameFamily,
        nameGiven: patients.nameGiven,
        birthDate: patients.birthDate,
        phone: patients.telecomPhone,
        email: users.email,
      })
      .from(patients)
      .leftJoin(users, eq(users.id, patients.userId))
      .$dynamic(),
    table: patients,
    where,
    order,
    keyOf,
    page,
  });
  const identifiers = await identifiersOf(
    db,
    result.rows.map((r) => r.id),
  );
  return {
    total: result.total,
    nextAfter: result.nextAfter,
    records: result.rows.map((r) => ({
      id: r.id,
      lastUpdated: r.lastUpdated,
      nameFamily: r.nameFamily,
      nameGiven: r.nameGiven,
      birthDate: r.birthDate,
      phone: r.phone,
      email: r.email,
      identifiers: identifiers.get(r.id) ?? [],
    })),
  };
}

/** One page of the patients the caller may see matching `criteria`. */
export async function searchFhirPatients(
  db: Db,
  principal: Principal,
  criteria: PatientCriteria,
  page: PageQuery,
): Promise<Page<FhirPatientRecord>> {
  await assertFiltersAllowed(db, principal, criteria);
  const visible = patientsVisibleTo(db, principal);
  const where =
    principal.kind === 'practitioner' ? and(visible, ...criteriaConditions(db, criteria)) : visible;
  return loadPage(db, where, patientOrder(principal.kind === 'practitioner' ? criteria.sort : []), page);
}

/** One patient the caller may see (D.5: invisible = not found). */
export async function readFhirPatient(db: Db, principal: Principal, id: number): Promise<FhirPatientRecord> {
  const { records } = await loadPage(
    db,
    and(patientsVisibleTo(db, principal), eq(patients.id, id)),
    patientOrder([]),
    {
      count: 1,
      withTotal: false,
    },
  );
  const [record] = records;
  if (!record) throw new AppError('not_found', `Patient/${id} not found.`);
  return record;
}

/** Identifiers of the page's patients: one query per 100 ids, all in one batch. */
async function identifiersOf(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, { system: string; value: string }[]>> {
  const byId = new Map<number, { system: string; value: string }[]>();
  const [head, ...rest] = chunk(ids, D1_MAX_BOUND_PARAMETERS).map((part) =>
    db
      .select({
        patientId: patientIdentifiers.patientId,
        system: patientIdentifiers.system,
        value: patientIdentifiers.value,
      })
      .from(patientIdentifiers)
      .where(inArray(patientIdentifiers.patientId, part))
      .orderBy(asc(patientIdentifiers.id)),
  );
  if (!head) return byId;
  for (const rows of await db.batch([head, ...rest]))
    for (const { patientId, ...identifier } of rows)
      byId.set(patientId, [...(byId.get(patientId) ?? []), identifier]);
  return byId;
}
