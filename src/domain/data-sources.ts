/**
 * Data sources (FHIR Device), the scopes they support and the scope catalogue (API.md C.6).
 * Reads are open to any authenticated caller; every write is the superuser's (E.2 "Create/edit
 * data sources, supported scopes").
 */
import { and, asc, count, eq, inArray, type SQLWrapper } from 'drizzle-orm';
import { can } from '../consent';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import {
  codeableConcepts,
  dataSourceSupportedScopes,
  dataSources,
  type observations,
  type DataSourceType,
} from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { hasBundledSchema } from '../omh';

export { DATA_SOURCE_TYPES, type DataSourceType } from '../db/schema';

export type DataSourceRow = typeof dataSources.$inferSelect;
export type CodeableConceptRow = typeof codeableConcepts.$inferSelect;

export interface DataSourceRecord {
  dataSource: DataSourceRow;
  /** Ordered by text, then id (C.6). */
  supportedScopes: CodeableConceptRow[];
}

export interface SupportedScopeRecord {
  id: number;
  dataSource: DataSourceRow;
  scopeCode: CodeableConceptRow;
}

export interface Page {
  offset: number;
  limit: number;
}

const FORBIDDEN = 'You do not have permission to perform this action.';

/** 403 unless the caller is a superuser: data sources, scopes and clients are admin areas (E.2). */
export function assertAdministrator(principal: Principal): void {
  if (!can(principal, 'admin')) throw new AppError('forbidden', FORBIDDEN);
}

const notFound = () => new AppError('not_found', 'No DataSource matches the given query.');

/**
 * A scope's columns for a join, its id taken from the joining row's foreign key: D1 batch results
 * are keyed by column name, so two `id` columns in one select would collide.
 */
export const scopeColumnsVia = (
  scopeCodeId: typeof dataSourceSupportedScopes.scopeCodeId | typeof observations.scopeCodeId,
) => ({
  id: scopeCodeId,
  codingSystem: codeableConcepts.codingSystem,
  codingCode: codeableConcepts.codingCode,
  text: codeableConcepts.text,
});

/** Supported scopes (with their data source id) of the data sources selected by `ids`. */
function supportedScopesOf(db: Db, ids: number[] | SQLWrapper) {
  return db
    .select({
      dataSourceId: dataSourceSupportedScopes.dataSourceId,
      scope: scopeColumnsVia(dataSourceSupportedScopes.scopeCodeId),
    })
    .from(dataSourceSupportedScopes)
    .innerJoin(codeableConcepts, eq(codeableConcepts.id, dataSourceSupportedScopes.scopeCodeId))
    .where(inArray(dataSourceSupportedScopes.dataSourceId, ids))
    .orderBy(asc(codeableConcepts.text), asc(codeableConcepts.id));
}

function withScopes(
  rows: readonly DataSourceRow[],
  scopes: readonly { dataSourceId: number; scope: CodeableConceptRow }[],
): DataSourceRecord[] {
  const byId = new Map(
    rows.map((dataSource) => [dataSource.id, { dataSource, supportedScopes: [] as CodeableConceptRow[] }]),
  );
  for (const { dataSourceId, scope } of scopes) byId.get(dataSourceId)?.supportedScopes.push(scope);
  return [...byId.values()];
}

/**
 * One page of data sources by name (then id), each with its supported scopes. The count, the page
 * and the scopes of exactly that page (the same ordered LIMIT as a subquery) are one batch: three
 * statements whatever the page size.
 */
export async function listDataSources(
  db: Db,
  page: Page,
): Promise<{ count: number; records: DataSourceRecord[] }> {
  const byName = [asc(dataSources.name), asc(dataSources.id)];
  const pageIds = db
    .select({ id: dataSources.id })
    .from(dataSources)
    .orderBy(...byName)
    .limit(page.limit)
    .offset(page.offset);
  const [[total], rows, scopes] = await db.batch([
    db.select({ n: count() }).from(dataSources),
    db
      .select()
      .from(dataSources)
      .orderBy(...byName)
      .limit(page.limit)
      .offset(page.offset),
    supportedScopesOf(db, pageIds),
  ]);
  return { count: total?.n ?? 0, records: withScopes(rows, scopes) };
}

/** One data source with its supported scopes; 404 when it does not exist. */
export async function getDataSource(db: Db, id: number): Promise<DataSourceRecord> {
  const [rows, scopes] = await db.batch([
    db.select().from(dataSources).where(eq(dataSources.id, id)),
    supportedScopesOf(db, [id]),
  ]);
  const [record] = withScopes(rows, scopes);
  if (!record) throw notFound();
  return record;
}

export interface DataSourceInput {
  name?: string;
  type?: DataSourceType;
}

/** C.6 POST: a new data source without supported scopes. */
export async function createDataSource(
  db: Db,
  principal: Principal,
  input: { name: string; type?: DataSourceType },
): Promise<DataSourceRecord> {
  assertAdministrator(principal);
  const [row] = await db
    .insert(dataSources)
    .values({ name: input.name, ...(input.type && { type: input.type }) })
    .returning();
  if (!row) throw new Error('data source insert returned no row');
  return { dataSource: row, supportedScopes: [] };
}

/** C.6 PATCH/PUT: rename or retype; 404 when it does not exist. */
export async function updateDataSource(
  db: Db,
  principal: Principal,
  id: number,
  input: DataSourceInput,
): Promise<DataSourceRecord> {
  assertAdministrator(principal);
  const changes = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.type && { type: input.type }),
  };
  if (Object.keys(changes).length > 0) {
    const updated = await db
      .update(dataSources)
      .set(changes)
      .where(eq(dataSources.id, id))
      .returning({ id: dataSources.id });
    if (updated.length === 0) throw notFound();
  }
  return getDataSource(db, id);
}

/** C.6 DELETE: observations keep their row; their device link becomes null (FK `ON DELETE SET NULL`). */
export async function deleteDataSource(db: Db, principal: Principal, id: number): Promise<void> {
  assertAdministrator(principal);
  const deleted = await db
    .delete(dataSources)
    .where(eq(dataSources.id, id))
    .returning({ id: dataSources.id });
  if (deleted.length === 0) throw notFound();
}

/** C.6 `GET /data_sources/all_scopes`: every scope, by text then id. */
export async function listAllScopes(db: Db): Promise<CodeableConceptRow[]> {
  return db.select().from(codeableConcepts).orderBy(asc(codeableConcepts.text), asc(codeableConcepts.id));
}

/** Coding systems whose codes name an Open mHealth / IEEE 1752 schema (G.1). */
const SCHEMA_SYSTEMS: ReadonlySet<string> = new Set([
  'https://w3id.org/openmhealth',
  'https://w3id.org/ieee1752',
]);

/**
 * C.6 [R] `POST /data_sources/all_scopes`: a new scope. A code of the Open mHealth or IEEE system
 * must name a bundled schema, since data for it could never be validated (G.2); other systems (e.g.
 * FHIR resource types) are taken as they are. (system, code) is unique: a duplicate is 409.
 */
export async function createScope(
  db: Db,
  principal: Principal,
  input: { codingSystem: string; codingCode: string; text: string },
): Promise<CodeableConceptRow> {
  assertAdministrator(principal);
  if (SCHEMA_SYSTEMS.has(input.codingSystem) && !hasBundledSchema(input.codingCode)) {
    throw new AppError('invalid', 'Unknown code.', {
      body: { codingCode: [`No bundled Open mHealth schema for code "${input.codingCode}".`] },
    });
  }
  try {
    const [row] = await db.insert(codeableConcepts).values(input).returning();
    if (!row) throw new Error('scope insert returned no row');
    return row;
  } catch (err) {
    if (isUniqueViolation(err, 'codeable_concepts.coding_system, codeable_concepts.coding_code')) {
      throw new AppError('conflict', 'A scope with this coding system and code already exists.');
    }
    throw err;
  }
}

/** C.6 `GET /data_sources/{id}/supported_scopes`: the link rows, by scope text then id; 404 for an unknown data source. */
export async function listSupportedScopes(db: Db, dataSourceId: number): Promise<SupportedScopeRecord[]> {
  const [sources, links] = await db.batch([
    db.select().from(dataSources).where(eq(dataSources.id, dataSourceId)),
    db
      .select({
        id: dataSourceSupportedScopes.id,
        scopeCode: scopeColumnsVia(dataSourceSupportedScopes.scopeCodeId),
      })
      .from(dataSourceSupportedScopes)
      .innerJoin(codeableConcepts, eq(codeableConcepts.id, dataSourceSupportedScopes.scopeCodeId))
      .where(eq(dataSourceSupportedScopes.dataSourceId, dataSourceId))
      .orderBy(asc(codeableConcepts.text), asc(dataSourceSupportedScopes.id)),
  ]);
  const [dataSource] = sources;
  if (!dataSource) throw notFound();
  return links.map((link) => ({ ...link, dataSource }));
}

/** C.6 POST supported scope: 404 unknown data source, 400 unknown scope, 409 already supported. */
export async function addSupportedScope(
  db: Db,
  principal: Principal,
  dataSourceId: number,
  scopeCodeId: number,
): Promise<SupportedScopeRecord> {
  assertAdministrator(principal);
  const [sources, scopes] = await db.batch([
    db.select().from(dataSources).where(eq(dataSources.id, dataSourceId)),
    db.select().from(codeableConcepts).where(eq(codeableConcepts.id, scopeCodeId)),
  ]);
  const [dataSource] = sources;
  const [scopeCode] = scopes;
  if (!dataSource) throw notFound();
  if (!scopeCode) throw invalidPk('scopeCodeId', scopeCodeId);
  try {
    const [link] = await db
      .insert(dataSourceSupportedScopes)
      .values({ dataSourceId, scopeCodeId })
      .returning({ id: dataSourceSupportedScopes.id });
    if (!link) throw new Error('supported scope insert returned no row');
    return { id: link.id, dataSource, scopeCode };
  } catch (err) {
    if (
      isUniqueViolation(
        err,
        'data_source_supported_scopes.data_source_id, data_source_supported_scopes.scope_code_id',
      )
    ) {
      throw new AppError('conflict', 'This data source already supports this scope.');
    }
    throw err;
  }
}

/** C.6 DELETE supported scope: 404 for an unknown data source; removing a link that is not there is a no-op. */
export async function removeSupportedScope(
  db: Db,
  principal: Principal,
  dataSourceId: number,
  scopeCodeId: number,
): Promise<void> {
  assertAdministrator(principal);
  const [sources] = await db.batch([
    db.select({ id: dataSources.id }).from(dataSources).where(eq(dataSources.id, dataSourceId)),
    db
      .delete(dataSourceSupportedScopes)
      .where(
        and(
          eq(dataSourceSupportedScopes.dataSourceId, dataSourceId),
          eq(dataSourceSupportedScopes.scopeCodeId, scopeCodeId),
        ),
      ),
  ]);
  if (sources.length === 0) throw notFound();
}

/** DRF's message for a primary key that names no row, as a field map (A.7). */
export function invalidPk(field: string, value: number): AppError {
  return new AppError('invalid', 'Invalid pk.', {
    body: { [field]: [`Invalid pk "${value}" - object does not exist.`] },
  });
}
