import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Case-insensitive "starts with" (FHIR string search, API.md D.2): `LIKE 'prefix%'` with the
 * prefix's own `%`, `_` and `\` escaped, so user input is never a pattern. SQLite's LIKE folds
 * ASCII case.
 */
export function startsWithInsensitive(column: SQLWrapper, prefix: string): SQL {
  const pattern = `${prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}
