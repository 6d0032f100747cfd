/**
 * Named SQL fragments the domain composes into its queries (STYLE.md: raw `sql` lives in db/).
 */
import { inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** A condition no row satisfies (a caller who sees nothing, an empty id filter). */
export const NO_ROWS: SQL = sql`0`;

/** A condition every row satisfies. */
export const ALL_ROWS: SQL = sql`1`;

/** `column IN (ids)`; an empty list matches no row. */
export function inIds(column: SQLWrapper, ids: readonly number[]): SQL {
  return ids.length ? inArray(column, ids) : NO_ROWS;
}

/**
 * The rowid of the connection's previous INSERT. D1 runs a batch as one transaction on one
 * connection, so inside `db.batch` it is the row the statement before inserted.
 */
export function lastInsertRowId(): SQL<number> {
  return sql<number>`last_insert_rowid()`;
}

/**
 * `json_set(column, path, cast(value as integer), ...)`: merges integer keys into a JSON text
 * column inside the UPDATE itself, so concurrent writers never read-modify-write.
 */
export function jsonSetIntegers(
  column: SQLWrapper,
  entries: readonly (readonly [path: string, value: number])[],
): SQL {
  const pairs = entries.map(([path, value]) => sql`${path}, cast(${value} as integer)`);
  return sql`json_set(${column}, ${sql.join(pairs, sql`, `)})`;
}

/** `CASE WHEN condition THEN 1 ELSE 0 END`: a condition read as a 0/1 column of the select. */
export function flag(condition: SQLWrapper): SQL<number> {
  return sql<number>`CASE WHEN ${condition} THEN 1 ELSE 0 END`;
}

/** `(first, second) IN (VALUES (?, ?), ...)`: a row-value match against a list of pairs. */
export function pairIn(
  first: SQLWrapper,
  second: SQLWrapper,
  pairs: readonly (readonly [unknown, unknown])[],
): SQL {
  return sql`(${first}, ${second}) IN (VALUES ${sql.join(
    pairs.map(([a, b]) => sql`(${a}, ${b})`),
    sql`, `,
  )})`;
}
