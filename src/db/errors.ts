/**
 * The dialect's constraint errors, recognised here so callers above `db/` never parse SQL error
 * text (STYLE.md: uniqueness is a constraint, mapped in `db/`).
 */

/** SQLite's message, e.g. `UNIQUE constraint failed: users.email` or `...: t.a, t.b`. */
const UNIQUE_FAILED = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/;

/**
 * Whether `err` or any error in its `cause` chain is a unique-constraint failure on exactly the
 * columns `constraint` (`"table.column"`, comma-separated for a composite key). Drizzle and D1
 * each wrap the driver error, so the SQLite message sits a few causes deep.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const wanted = constraint
    .split(',')
    .map((column) => column.trim())
    .join(', ');
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (UNIQUE_FAILED.exec(e.message)?.[1] === wanted) return true;
  }
  return false;
}
