import { sql, type SQL } from 'drizzle-orm';
import { chunk } from '../lib/chunk';
import { observations } from './schema';

export interface PairRange {
  patientId: number;
  scopeCodeId: number;
}

/**
 * One keyset page over several (patient, scope) ranges of the index
 * observations(patient_id, scope_code_id, last_updated, id), merged by SQLite: each range is an
 * ordered index scan with its own LIMIT, and the compound ORDER BY merges them, so a page costs
 * O(ranges × log n + limit) however many rows the ranges hold. Returns `id`, `last_updated`.
 * Range ids are integers read from the database and are inlined (they would otherwise spend two of
 * D1's 100 bound parameters per range); the keyset values are bound.
 */
export function mergedRangesPage(options: {
  ranges: readonly PairRange[];
  direction: 'asc' | 'desc';
  after: readonly [lastUpdated: string, id: number] | undefined;
  limit: number;
}): SQL {
  const { direction, after, limit } = options;
  const dir = sql.raw(direction === 'asc' ? 'ASC' : 'DESC');
  const cmp = sql.raw(direction === 'asc' ? '>' : '<');
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer id: ${n}`);
    return sql.raw(String(n));
  };
  const branches = options.ranges.map(
    (r) =>
      sql`SELECT * FROM (SELECT ${observations.id} AS id, ${observations.lastUpdated} AS last_updated FROM ${observations} WHERE ${observations.patientId} = ${int(r.patientId)} AND ${observations.scopeCodeId} = ${int(r.scopeCodeId)}${
        after
          ? sql` AND (${observations.lastUpdated}, ${observations.id}) ${cmp} (${after[0]}, ${after[1]})`
          : sql``
      } ORDER BY ${observations.lastUpdated} ${dir}, ${observations.id} ${dir} LIMIT ${int(limit)})`,
  );
  // D1 allows at most 5 terms per compound SELECT: merge in a tree of ordered, limited groups.
  const merge = (terms: SQL[]): SQL =>
    sql`${sql.join(terms, sql` UNION ALL `)} ORDER BY last_updated ${dir}, id ${dir} LIMIT ${int(limit)}`;
  let level = branches;
  while (level.length > D1_MAX_COMPOUND_TERMS) {
    level = chunk(level, D1_MAX_COMPOUND_TERMS).map((group) => sql`SELECT * FROM (${merge(group)})`);
  }
  return merge(level);
}

/** D1 compiles SQLite with SQLITE_MAX_COMPOUND_SELECT = 5 ("too many terms in compound SELECT"). */
const D1_MAX_COMPOUND_TERMS = 5;
