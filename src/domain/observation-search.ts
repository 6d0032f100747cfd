/**
 * Observation reads (API.md D.3-D.5, E.4-E.5): typed search criteria -> one SQL query with the
 * consent predicate, a total order ending in the id, and keyset paging; identifiers of the page
 * are read with one query per 100 ids. No N+1, no OFFSET.
 */
import { and, asc, count, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { consentedPairs, observationsVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { inIds } from '../db/expressions';
import type { SortKey } from '../db/keyset';
import { readMergedRanges } from '../db/merged-ranges';
import {
  codeableConcepts,
  observationIdentifiers,
  observations,
  patientIdentifiers,
  patientOrganizations,
  patients,
} from '../db/schema';
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

export type ObservationPage = Page<ObservationRecord>;

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
 * The filters that name patients and scopes (patient, identifier, organization, code), on the
 * given patient and scope columns: they narrow observations and, equally, visible pairs.
 */
function relationshipConditions(
  db: Db,
  criteria: ObservationCriteria,
  patientColumn: SQLWrapper,
  scopeColumn: SQLWrapper,
): SQL[] {
  const conditions: SQL[] = [];
  if (criteria.patientIds) conditions.push(inIds(patientColumn, criteria.patientIds));
  for (const group of criteria.patientIdentifiers ?? []) {
    conditions.push(
      inArray(
        patientColumn,
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
        patientColumn,
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
        scopeColumn,
        db
          .select({ id: codeableConcepts.id })
          .from(codeableConcepts)
          .where(or(...group.map(codeCondition))),
      ),
    );
  }
  return conditions;
}

/** The WHERE clause: consent predicate AND every criterion (patients: only their own rows). */
function whereClause(db: Db, principal: Principal, criteria: ObservationCriteria): SQL | undefined {
  const visible = observationsVisibleTo(
    db,
    principal,
    principal.kind === 'practitioner' && criteria.studyId !== undefined ? { studyId: criteria.studyId } : {},
  );
  // `_id` narrows for everyone (it is how a read works); a patient's other filters are ignored (D.10).
  const byId = criteria.ids && inIds(observations.id, criteria.ids);
  if (principal.kind !== 'practitioner') return and(visible, byId);
  const conditions: (SQL | undefined)[] = [visible, byId];
  conditions.push(...relationshipConditions(db, criteria, observations.patientId, observations.scopeCodeId));
  for (const bound of criteria.dates ?? [])
    conditions.push(dateCondition(observations.effectiveStart, bound));
  for (const bound of criteria.lastUpdated ?? [])
    conditions.push(dateCondition(observations.lastUpdated, bound));
  for (const group of criteria.statuses ?? [])
    conditions.push(inArray(observations.status, group as (typeof observations.$inferSelect.status)[]));
  return and(...conditions);
}

/** An observation row with its code and patient user: everything of a record but its identifiers. */
function selectObservationRows(db: Db) {
  return db
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
    .$dynamic();
}

type ObservationRow = Awaited<ReturnType<typeof selectObservationRows>>[number];

/** Rows with their identifiers (read once per page by `identifiersOf`). */
async function withIdentifiers(db: Db, rows: readonly ObservationRow[]): Promise<ObservationRecord[]> {
  const identifiers = await identifiersOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, identifiers: identifiers.get(r.id) ?? [] }));
}

/** One page of visible observations matching `criteria`. */
export async function searchObservations(
  db: Db,
  principal: Principal,
  criteria: ObservationCriteria,
  page: PageQuery,
): Promise<ObservationPage> {
  // The patient filter is a plain filter here (E.4): only study and organization are checked.
  await assertFiltersAllowed(db, principal, {
    studyId: criteria.studyId,
    organizationId: criteria.organizationId,
  });
  const merged = await mergedPairsPage(db, principal, criteria, page);
  if (merged) return merged;
  const { total, rows, nextAfter } = await keysetPage(db, {
    select: selectObservationRows(db),
    table: observations,
    where: whereClause(db, principal, criteria),
    order: observationOrder(criteria.sort),
    keyOf: (row) => orderValues(criteria.sort, row),
    page,
  });
  return { total, records: await withIdentifiers(db, rows), nextAfter };
}

/** Above this many visible pairs the merged read would pass D1's bound-parameter limit. */
const MAX_MERGED_PAIRS = 40;

/**
 * The notebook read (newest or oldest first by lastUpdated, filters that only pick patients and
 * scopes) paged per visible (patient, scope) pair: the pairs are read first, then each is an ordered
 * index range and SQLite merges them (db/merged-ranges.ts). A page then costs the same at 10k or 1M
 * observations, where the generic query sorts every visible row on every page. Returns undefined
 * when the search is not of that shape (the generic keyset query serves it).
 */
async function mergedPairsPage(
  db: Db,
  principal: Principal,
  criteria: ObservationCriteria,
  page: PageQuery,
): Promise<ObservationPage | undefined> {
  const [sort, ...moreSorts] = criteria.sort;
  if (
    principal.kind !== 'practitioner' ||
    page.totalOnly ||
    page.offset !== undefined ||
    moreSorts.length > 0 ||
    (sort && sort.key !== '_lastUpdated') ||
    criteria.ids ||
    criteria.dates?.length ||
    criteria.lastUpdated?.length ||
    criteria.statuses?.length
  ) {
    return undefined;
  }
  const visible = consentedPairs(
    db,
    principal.practitionerId,
    criteria.studyId === undefined ? {} : { studyId: criteria.studyId },
  ).as('visible_pairs');
  const pairs = await db
    .selectDistinct({ patientId: visible.patientId, scopeCodeId: visible.scopeCodeId })
    .from(visible)
    .where(and(...relationshipConditions(db, criteria, visible.patientId, visible.scopeCodeId)))
    .limit(MAX_MERGED_PAIRS + 1);
  if (pairs.length > MAX_MERGED_PAIRS) return undefined;
  const after = page.after;
  const [lastUpdated, id] = after ?? [];
  const keyset =
    typeof lastUpdated === 'string' && typeof id === 'number' ? ([lastUpdated, id] as const) : undefined;
  if (after && !keyset)
    throw new AppError('invalid', 'Invalid search parameter _cursor: follow the next link as given.');
  const counting =
    page.withTotal && pairs.length > 0
      ? db
          .select({ n: count() })
          .from(observations)
          .where(whereClause(db, principal, criteria))
          .get()
      : undefined;
  const { rows, identifiers } = await readMergedRanges(db, {
    ranges: pairs,
    direction: sort?.descending === false ? 'asc' : 'desc',
    after: keyset,
    limit: page.count + 1,
  });
  const byObservation = groupIdentifiers(
    identifiers.map((i) => ({ observationId: i.observation_id, system: i.system, value: i.value })),
  );
  const records = rows.slice(0, page.count).map((r): ObservationRecord => ({
    id: r.id,
    patientId: r.patient_id,
    patientUserId: r.patient_user_id,
    status: r.status,
    omhData: r.omh_data,
    effectiveStart: r.effective_start,
    effectiveEnd: r.effective_end,
    lastUpdated: r.last_updated,
    dataSourceId: r.data_source_id,
    codingSystem: r.coding_system,
    codingCode: r.coding_code,
    codingText: r.coding_text,
    identifiers: byObservation.get(r.id) ?? [],
  }));
  const last = records.at(-1);
  return {
    total: page.withTotal ? ((await counting)?.n ?? 0) : undefined,
    records,
    nextAfter: rows.length > page.count && last ? [last.lastUpdated, last.id] : undefined,
  };
}

/** Identifiers of the given observations: one query per 100 ids, in one batch. */
async function identifiersOf(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, { system: string; value: string }[]>> {
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
  if (!head) return new Map();
  return groupIdentifiers((await db.batch([head, ...rest])).flat());
}

/** Identifiers by observation id, keeping their order. */
function groupIdentifiers(
  rows: readonly { observationId: number; system: string; value: string }[],
): Map<number, { system: string; value: string }[]> {
  const byId = new Map<number, { system: string; value: string }[]>();
  for (const { observationId, system, value } of rows) {
    const list = byId.get(observationId);
    if (list) list.push({ system, value });
    else byId.set(observationId, [{ system, value }]);
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
    const rows = await selectObservationRows(db).where(inArray(observations.id, part));
    records.push(...(await withIdentifiers(db, rows)));
  }
  return records;
}
