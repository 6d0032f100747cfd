import { and, eq, gt, lt, or, type SQL, type SQLWrapper } from 'drizzle-orm';

/** One component of a total order: an expression and its direction. */
export interface SortKey {
  expr: SQLWrapper;
  direction: 'asc' | 'desc';
}

/**
 * Keyset ("seek") predicate: rows strictly after `last` in the order `keys` (the last key must be
 * unique, e.g. the id). Lexicographic: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with `<` for
 * descending keys. Page N costs what page 1 costs, and rows inserted meanwhile never shift a page.
 * Keys must be non-null expressions (wrap nullable columns in COALESCE with a sentinel).
 */
export function keysetAfter(keys: readonly SortKey[], last: readonly (string | number)[]): SQL | undefined {
  const branches: SQL[] = [];
  keys.forEach((key, i) => {
    const value = last[i];
    if (value === undefined) return;
    const equalities = keys.slice(0, i).map((prev, j) => eq(prev.expr as SQL, last[j]));
    const step = key.direction === 'asc' ? gt(key.expr as SQL, value) : lt(key.expr as SQL, value);
    const branch = and(...equalities, step);
    if (branch) branches.push(branch);
  });
  return or(...branches);
}
