/**
 * Observation reads (API.md D.3-D.5, E.4-E.5): typed search criteria -> one SQL query with the
 * consent predicate, a total order ending in the id, and keyset paging; identifiers of the page
 * are read with one query per 100 ids. No N+1, no OFFSET.
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { can, observationsVisibleTo, rolesInOrganizations } from '../consent';
import type { Db } from '../db/client';
import { keysetAfter, type SortKey } from '../db/keyset';
import {
  codeableConcepts,
  observationIdentifiers,
  observations,
  patientIdentifiers,
  patientOrganizations,
  patients,
  studies,
} from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

export interface DateBound {
  op: 'ge' | 'gt' | 'le' | 'lt';
  instant: string;
}

export interface TokenCriterion {
  system: string | undefined;
  code: string;
}

export type ObservationSortKey = 'date' | '_lastUpdated';

export interface ObservationCriteria {
  /** `_id`; an empty list matches nothing. */
  ids?: number[];
  studyId?: number;
  patientIds?: number[];
  /** OR groups of patient identifiers (repeats AND). */
  patientIdentifiers?: TokenCriterion[][];
  organizationId?: number;
  codes?: TokenCriterion[][];
  dates?: DateBound[];
  lastUpdated?: DateBound[];
  statuses?: string[][];
  sort: { key: ObservationSortKey; descending: boolean }[];
}

export interface PageQuery {
  count: number;
  /** `_page` without a cursor (A.6 compatibility): OFFSET paging, only when asked. */
  offset?: number;
  /** Sort-key values of the last row of the previous page. */
  after?: (string | number)[];
  withTotal: boolean;
  totalOnly?: boolean;
}

export interface ObservationRecord {
  id: number;
  patientId: number;
  patientUserId: number | null;
  status: string;
  omhData: string;
  effectiveStart: string | null;
  effectiveEnd: string | null;
  lastUpdated: string;
  dataSourceId: number | null;
  codingSystem: string;
  codingCode: string;
  codingText: string;
  identifiers: { system: string; value: string }[];
}

export interface ObservationPage {
  total: number | undefined;
  records: ObservationRecord[];
  /** Sort-key values of the last row when another page exists. */
  nextAfter: (string | number)[] | undefined;
}

const OMH = 'https://w3id.org/openmhealth';
const IEEE = 'https://w3id.org/ieee1752';
/** Sentinels keep undated rows last in both directions (D.4) while the key stays non-null. */
const UNDATED_LAST_ASC = '~';
const UNDATED_LAST_DESC = '';

/** The total order of a search: the requested keys, then the id (D.4). */
export function observationOrder(sort: ObservationCriteria['sort']): SortKey[] {
  const keys: SortKey[] = sort.map(({ key, descending }) => {
    const direction = descending ? 'desc' : 'asc';
    if (key === '_lastUpdated') return { expr: observations.lastUpdated, direction };
    const sentinel = descending ? UNDATED_LAST_DESC : UNDATED_LAST_ASC;
    return { expr: sql`coalesce(${observations.effectiveStart}, ${sentinel})`, direction };
  });
  // Default: newest first (D.3).
  if (keys.length === 0) keys.push({ expr: observations.lastUpdated, direction: 'desc' });
  return [...keys, { expr: observations.id, direction: keys[0]?.direction ?? 'desc' }];
}

/** The values of `observationOrder(sort)` for one row (what the next page's keyset starts after). */
function orderValues(
  sort: ObservationCriteria['sort'],
  row: { id: number; lastUpdated: string; effectiveStart: string | null },
): (string | number)[] {
  const values = sort.map(({ key, descending }) =>
    key === '_lastUpdated'
      ? row.lastUpdated
      : (row.effectiveStart ?? (descending ? UNDATED_LAST_DESC : UNDATED_LAST_ASC)),
  );
  if (values.length === 0) values.push(row.lastUpdated);
  return [...values, row.id];
}

function dateCondition(column: SQL, bound: DateBound): SQL {
  switch (bound.op) {
    case 'ge':
      return gte(column, bound.instant);
    case 'gt':
      return gt(column, bound.instant);
    case 'le':
      return lte(column, bound.instant);
    case 'lt':
      return lt(column, bound.instant);
  }
}

/** `code`: exact system|code, or the code alone; an OMH system also matches IEEE codes (D.3 [R]). */
function codeCondition(token: TokenCriterion): SQL | undefined {
  if (token.system === undefined || token.system === '') return eq(codeableConcepts.codingCode, token.code);
  const systems = token.system === OMH && token.code.startsWith('ieee:') ? [OMH, IEEE] : [token.system];
  return and(inArray(codeableConcepts.codingSystem, systems), eq(codeableConcepts.codingCode, token.code));
}

function identifierCondition(token: TokenCriterion): SQL | undefined {
  return and(
    eq(patientIdentifiers.value, token.code),
    token.system ? eq(patientIdentifiers.system, token.system) : undefined,
  );
}

/**
 * Filters a practitioner names must be theirs: a study or organization they are not a member of
 * is 403 (E.4); a patient caller's filters are ignored (D.10).
 */
async function assertFiltersAllowed(
  db: Db,
  principal: Principal,
  criteria: ObservationCriteria,
): Promise<void> {
  if (principal.kind !== 'practitioner') return;
  if (criteria.studyId !== undefined) {
    const study = await db
      .select({ organizationId: studies.organizationId })
      .from(studies)
      .where(eq(studies.id, criteria.studyId))
      .get();
    const roles = study
      ? await rolesInOrganizations(db, principal.practitionerId, [study.organizationId])
      : [];
    if (!can(principal, 'study.read', { roles })) {
      throw new AppError('forbidden', 'Current User does not have authorization to access this Study.');
    }
  }
  if (criteria.organizationId !== undefined) {
    const roles = await rolesInOrganizations(db, principal.practitionerId, [criteria.organizationId]);
    if (roles.length === 0)
      throw new AppError('forbidden', 'Current User is not a member of this Organization.');
  }
}

/** The WHERE clause: consent predicate AND every criterion (patients: only their own rows). */
function whereClause(db: Db, principal: Principal, criteria: ObservationCriteria): SQL | undefined {
  const visible = observationsVisibleTo(
    db,
    principal,
    principal.kind === 'practitioner' && criteria.studyId !== undefined ? { studyId: criteria.studyId } : {},
  );
  // `_id` narrows for everyone (it is how a read works); a patient's other filters are ignored (D.10).
  const byId = criteria.ids && (criteria.ids.length ? inArray(observations.id, criteria.ids) : sql`0`);
  if (principal.kind !== 'practitioner') return and(visible, byId);
  const conditions: (SQL | undefined)[] = [visible, byId];
  if (criteria.patientIds)
    conditions.push(
      criteria.patientIds.length ? inArray(observations.patientId, criteria.patientIds) : sql`0`,
    );
  for (const group of criteria.patientIdentifiers ?? []) {
    conditions.push(
      inArray(
        observations.patientId,
        db
          .select({ id: patientIdentifiers.patientId })
          .from(patientIdentifiers)
          .where(or(...group.map(identifierCondition))),
      ),
    );
  }
  if (criteria.organizationId !== undefined) {
    conditions.push(
      inArray(
        observations.patientId,
        db
          .select({ id: patientOrganizations.patientId })
          .from(patientOrganizations)
          .where(eq(patientOrganizations.organizationId, criteria.organizationId)),
      ),
    );
  }
  for (const group of criteria.codes ?? []) {
    conditions.push(
      inArray(
        observations.scopeCodeId,
        db
          .select({ id: codeableConcepts.id })
          .from(codeableConcepts)
          .where(or(...group.map(codeCondition))),
      ),
    );
  }
  for (const bound of criteria.dates ?? [])
    conditions.push(dateCondition(sql`${observations.effectiveStart}`, bound));
  for (const bound of criteria.lastUpdated ?? [])
    conditions.push(dateCondition(sql`${observations.lastUpdated}`, bound));
  for (const group of criteria.statuses ?? [])
    conditions.push(inArray(observations.status, group as (typeof observations.$inferSelect.status)[]));
  return and(...conditions);
}

/** One page of visible observations matching `criteria`. */
export async function searchObservations(
  db: Db,
  principal: Principal,
  criteria: ObservationCriteria,
  page: PageQuery,
): Promise<ObservationPage> {
  await assertFiltersAllowed(db, principal, criteria);
  const where = whereClause(db, principal, criteria);
  const countQuery = db
    .select({ n: sql<number>`count(*)` })
    .from(observations)
    .where(where);
  if (page.totalOnly) return { total: (await countQuery.get())?.n ?? 0, records: [], nextAfter: undefined };

  const order = observationOrder(criteria.sort);
  const rowsQuery = db
    .select({
      id: observations.id,
      patientId: observations.patientId,
      patientUserId: patients.userId,
      status: observations.status,
      omhData: observations.omhData,
      effectiveStart: observations.effectiveStart,
      effectiveEnd: observations.effectiveEnd,
      lastUpdated: observations.lastUpdated,
      dataSourceId: observations.dataSourceId,
      codingSystem: codeableConcepts.codingSystem,
      codingCode: codeableConcepts.codingCode,
      codingText: codeableConcepts.text,
    })
    .from(observations)
    .innerJoin(codeableConcepts, eq(codeableConcepts.id, observations.scopeCodeId))
    .innerJoin(patients, eq(patients.id, observations.patientId))
    .where(and(where, page.after ? keysetAfter(order, page.after) : undefined))
    .orderBy(...order.map((key) => (key.direction === 'asc' ? asc(key.expr as SQL) : desc(key.expr as SQL))))
    .limit(page.count + 1)
    .offset(page.after ? 0 : (page.offset ?? 0));

  const [rows, counted] = page.withTotal
    ? await db.batch([rowsQuery, countQuery])
    : [await rowsQuery, undefined];
  const pageRows = rows.slice(0, page.count);
  const identifiers = await identifiersOf(
    db,
    pageRows.map((r) => r.id),
  );
  const last = pageRows.at(-1);
  return {
    total: counted?.[0]?.n,
    records: pageRows.map((r) => ({
      id: r.id,
      patientId: r.patientId,
      patientUserId: r.patientUserId,
      status: r.status,
      omhData: r.omhData,
      effectiveStart: r.effectiveStart,
      effectiveEnd: r.effectiveEnd,
      lastUpdated: r.lastUpdated,
      dataSourceId: r.dataSourceId,
      codingSystem: r.codingSystem,
      codingCode: r.codingCode,
      codingText: r.codingText,
      identifiers: identifiers.get(r.id) ?? [],
    })),
    nextAfter: rows.length > page.count && last ? orderValues(criteria.sort, last) : undefined,
  };
}

/** Identifiers of the given observations: one query per 100 ids, in one batch. */
async function identifiersOf(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, { system: string; value: string }[]>> {
  const byId = new Map<number, { system: string; value: string }[]>();
  const queries = chunk(ids, D1_MAX_BOUND_PARAMETERS).map((part) =>
    db
      .select({
        observationId: observationIdentifiers.observationId,
        system: observationIdentifiers.system,
        value: observationIdentifiers.value,
      })
      .from(observationIdentifiers)
      .where(inArray(observationIdentifiers.observationId, part))
      .orderBy(asc(observationIdentifiers.id)),
  );
  const [head, ...rest] = queries;
  if (!head) return byId;
  for (const rows of await db.batch([head, ...rest])) {
    for (const { observationId, ...identifier } of rows)
      byId.set(observationId, [...(byId.get(observationId) ?? []), identifier]);
  }
  return byId;
}

/** One observation the caller may see (D.5: invisible = not found). */
export async function readObservation(db: Db, principal: Principal, id: number): Promise<ObservationRecord> {
  const { records } = await searchObservations(
    db,
    principal,
    { ids: [id], sort: [] },
    { count: 1, withTotal: false },
  );
  const [record] = records;
  if (!record) throw new AppError('not_found', `Observation/${id} not found.`);
  return record;
}

/**
 * Records by id without the read predicate: only for rendering what the caller has just created
 * (a practitioner may upload for a patient of their organization without reading it back, E.5).
 */
export async function createdObservationRecords(
  db: Db,
  ids: readonly number[],
): Promise<ObservationRecord[]> {
  const records: ObservationRecord[] = [];
  for (const part of chunk(ids, D1_MAX_BOUND_PARAMETERS)) {
    const rows = await db
      .select({
        id: observations.id,
        patientId: observations.patientId,
        patientUserId: patients.userId,
        status: observations.status,
        omhData: observations.omhData,
        effectiveStart: observations.effectiveStart,
        effectiveEnd: observations.effectiveEnd,
        lastUpdated: observations.lastUpdated,
        dataSourceId: observations.dataSourceId,
        codingSystem: codeableConcepts.codingSystem,
        codingCode: codeableConcepts.codingCode,
        codingText: codeableConcepts.text,
      })
      .from(observations)
      .innerJoin(codeableConcepts, eq(codeableConcepts.id, observations.scopeCodeId))
      .innerJoin(patients, eq(patients.id, observations.patientId))
      .where(inArray(observations.id, part));
    const identifiers = await identifiersOf(db, part);
    records.push(...rows.map((r) => ({ ...r, identifiers: identifiers.get(r.id) ?? [] })));
  }
  return records;
}
