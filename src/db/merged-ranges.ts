/**
 * One keyset page over several (patient, scope) ranges of the index
 * observations(patient_id, scope_code_id, last_updated, id), merged by SQLite: each range is an
 * ordered index scan with its own LIMIT and compound ORDER BYs merge them, so a page costs
 * O(ranges × log n + limit) however many rows the ranges hold (the generic query sorts every
 * visible row on every page). Plain SQL on the D1 driver: the page's rows and their identifiers
 * come back from one batch, i.e. one round trip.
 */
import { chunk } from '../lib/chunk';
import type { Db } from './client';

export interface PairRange {
  patientId: number;
  scopeCodeId: number;
}

export interface MergedRangesQuery {
  ranges: readonly PairRange[];
  direction: 'asc' | 'desc';
  /** (last_updated, id) of the previous page's last row. */
  after: readonly [lastUpdated: string, id: number] | undefined;
  limit: number;
}

export interface MergedRow {
  id: number;
  patient_id: number;
  patient_user_id: number | null;
  status: string;
  omh_data: string;
  effective_start: string | null;
  effective_end: string | null;
  last_updated: string;
  data_source_id: number | null;
  coding_system: string;
  coding_code: string;
  coding_text: string;
}

export interface MergedIdentifier {
  observation_id: number;
  system: string;
  value: string;
}

/** D1 compiles SQLite with SQLITE_MAX_COMPOUND_SELECT = 5 ("too many terms in compound SELECT"). */
const D1_MAX_COMPOUND_TERMS = 5;

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
}

/**
 * The merged `(id, last_updated)` query and its parameters. Range ids are integers read from the
 * database and are inlined (binding them would spend two of D1's 100 parameters per range); the
 * keyset values are bound.
 */
export function mergedRangesSql(q: MergedRangesQuery): { text: string; params: (string | number)[] } {
  const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
  const cmp = q.direction === 'asc' ? '>' : '<';
  const order = `ORDER BY last_updated ${dir}, id ${dir} LIMIT ${integer(q.limit)}`;
  const params: (string | number)[] = [];
  const leaves = q.ranges.map((r) => {
    let where = `patient_id = ${integer(r.patientId)} AND scope_code_id = ${integer(r.scopeCodeId)}`;
    if (q.after) {
      where += ` AND (last_updated, id) ${cmp} (?, ?)`;
      params.push(q.after[0], q.after[1]);
    }
    return `SELECT * FROM (SELECT id, last_updated FROM observations WHERE ${where} ${order})`;
  });
  const merge = (terms: string[]) => `${terms.join(' UNION ALL ')} ${order}`;
  let level = leaves;
  while (level.length > D1_MAX_COMPOUND_TERMS) {
    level = chunk(level, D1_MAX_COMPOUND_TERMS).map((group) => `SELECT * FROM (${merge(group)})`);
  }
  return { text: merge(level), params };
}

/** The page's observation rows (in page order, up to `limit`) and their identifiers. */
export async function readMergedRanges(
  db: Db,
  q: MergedRangesQuery,
): Promise<{ rows: MergedRow[]; identifiers: MergedIdentifier[] }> {
  if (q.ranges.length === 0) return { rows: [], identifiers: [] };
  const merged = mergedRangesSql(q);
  const dir = q.direction === 'asc' ? 'ASC' : 'DESC';
  const d1 = db.$client;
  const [rows, identifiers] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        `SELECT o.id, o.patient_id, p.user_id AS patient_user_id, o.status, o.omh_data, o.effective_start,
           o.effective_end, o.last_updated, o.data_source_id, c.coding_system, c.coding_code, c.text AS coding_text
         FROM (${merged.text}) AS m
         JOIN observations o ON o.id = m.id
         JOIN codeable_concepts c ON c.id = o.scope_code_id
         JOIN patients p ON p.id = o.patient_id
         ORDER BY m.last_updated ${dir}, m.id ${dir}`,
      )
      .bind(...merged.params),
    d1
      .prepare(
        `SELECT observation_id, system, value FROM observation_identifiers
         WHERE observation_id IN (SELECT id FROM (${merged.text})) ORDER BY id`,
      )
      .bind(...merged.params),
  ]);
  return {
    rows: (rows?.results ?? []) as unknown as MergedRow[],
    identifiers: (identifiers?.results ?? []) as unknown as MergedIdentifier[],
  };
}
