/**
 * What every FHIR search of a JHE-native resource shares (API.md A.6, D.4): one page of rows under
 * a total order ending in the id, fetched by keyset (or OFFSET for the legacy `_page`), the total
 * counted only when asked and in the same D1 round trip as the rows.
 */
import { and, asc, count, desc, gt, gte, inArray, lt, lte, type SQL, type SQLWrapper } from 'drizzle-orm';
import { can, patientsVisibleTo, rolesInOrganizations, rolesInStudyOrganization } from '../consent';
import type { SQLiteSelect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { keysetAfter, type SortKey } from '../db/keyset';
import { patients } from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

/** One bound of a date parameter (`ge2024-01-01` -> `{ op: 'ge', instant }`). */
export interface DateBound {
  op: 'ge' | 'gt' | 'le' | 'lt';
  instant: string;
}

/** One `system|code` token; `system` undefined when the parameter gave the code alone. */
export interface TokenCriterion {
  system: string | undefined;
  code: string;
}

/** Which page of a FHIR search to read (A.6, D.4). */
export interface PageQuery {
  count: number;
  /** `_page` without a cursor (A.6 compatibility): OFFSET paging, only when asked. */
  offset?: number;
  /** Sort-key values of the last row of the previous page. */
  after?: (string | number)[];
  withTotal: boolean;
  totalOnly?: boolean;
}

/** One page of records; `nextAfter` = sort-key values of the last row when another page exists. */
export interface Page<R> {
  total: number | undefined;
  records: R[];
  nextAfter: (string | number)[] | undefined;
}

/** `column <op> instant` for one bound of a date parameter (text order = time order). */
export function dateCondition(column: SQLWrapper, bound: DateBound): SQL {
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

export interface KeysetSpec<Q extends SQLiteSelect> {
  /** `db.select({...}).from(table)...joins.$dynamic()`, without WHERE, ORDER BY or LIMIT. */
  select: Q;
  /** The base table the WHERE clause is written against (counted for the total). */
  table: SQLiteTable;
  where: SQL | undefined;
  order: readonly SortKey[];
  /** The values of `order` for one row, exactly as SQL compares them (the next cursor). */
  keyOf: (row: Q['_']['result'][number]) => (string | number)[];
  page: PageQuery;
}

/**
 * Run one page: rows after the cursor (or at the OFFSET of `_page`), one extra row to know whether
 * a next page exists, and the count in the same batch when `withTotal` (first page only: later
 * pages carry it in the cursor).
 */
export async function keysetPage<Q extends SQLiteSelect>(
  db: Db,
  spec: KeysetSpec<Q>,
): Promise<{
  total: number | undefined;
  rows: Q['_']['result'];
  nextAfter: (string | number)[] | undefined;
}> {
  const { page, order } = spec;
  const countQuery = db.select({ n: count() }).from(spec.table).where(spec.where);
  if (page.totalOnly) return { total: (await countQuery.get())?.n ?? 0, rows: [], nextAfter: undefined };
  const rowsQuery = spec.select
    .where(and(spec.where, page.after ? keysetAfter(order, page.after) : undefined))
    .orderBy(...order.map((key) => (key.direction === 'asc' ? asc(key.expr as SQL) : desc(key.expr as SQL))))
    .limit(page.count + 1)
    .offset(page.after ? 0 : (page.offset ?? 0));
  const [rows, counted]: [Q['_']['result'], { n: number }[] | undefined] = page.withTotal
    ? await db.batch([rowsQuery, countQuery])
    : [await rowsQuery, undefined];
  const pageRows = rows.slice(0, page.count);
  const last = pageRows.at(-1);
  return {
    total: counted?.[0]?.n,
    rows: pageRows,
    nextAfter: rows.length > page.count && last !== undefined ? spec.keyOf(last) : undefined,
  };
}

/**
 * D.2, E.4: a study, organization or patient filter a practitioner may not access is 403 (a patient
 * caller's relationship filters are ignored, D.10, so they are not checked).
 */
export async function assertFiltersAllowed(
  db: Db,
  principal: Principal,
  criteria: { studyId?: number; organizationId?: number; patientIds?: number[] },
): Promise<void> {
  if (principal.kind !== 'practitioner') return;
  if (criteria.studyId !== undefined) {
    const roles =
      (await rolesInStudyOrganization(db, principal.practitionerId, criteria.studyId))?.roles ?? [];
    // A.8: a study the caller cannot see, including one that does not exist, is 403.
    if (!can(principal, 'study.read', { roles }))
      throw new AppError('forbidden', 'Current User does not have authorization to access this Study.');
  }
  if (criteria.organizationId !== undefined) {
    const roles = await rolesInOrganizations(db, principal.practitionerId, [criteria.organizationId]);
    if (!can(principal, 'patient.read', { roles }))
      throw new AppError('forbidden', 'Current User is not a member of this Organization.');
  }
  const wanted = [...new Set(criteria.patientIds ?? [])];
  // One bound parameter goes to the visibility predicate (the practitioner id).
  const [head, ...rest] = chunk(wanted, D1_MAX_BOUND_PARAMETERS - 1).map((part) =>
    db
      .select({ id: patients.id })
      .from(patients)
      .where(and(patientsVisibleTo(db, principal), inArray(patients.id, part))),
  );
  if (!head) return;
  const visible = (await db.batch([head, ...rest])).flat();
  if (visible.length !== wanted.length)
    throw new AppError('forbidden', "Current user doesn't have access to the Patient.");
}
