/**
 * The ingest write path, on the D1 driver directly. Building multi-row inserts through Drizzle's
 * query builder cost about 50 µs per observation (measured in `npm run bench`, BENCHMARKS.md) —
 * more than SQLite spends inserting it — so the statements here are plain text, cached per row
 * count, with bound parameters. Everything runs in one D1 batch, i.e. one transaction.
 */
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import type { Db } from './client';

export interface ObservationInsert {
  patientId: number;
  scopeCodeId: number;
  dataSourceId: number | null;
  status: string;
  omhData: string;
  effectiveStart: string | null;
  effectiveEnd: string | null;
  lastUpdated: string;
}

export interface IdentifierInsert {
  /** Index of the observation (in the `rows` passed alongside) the identifier belongs to. */
  row: number;
  system: string;
  value: string;
}

const OBSERVATION_COLUMNS = 8;
const IDENTIFIER_COLUMNS = 3;
const statementCache = new Map<string, string>();

function valuesStatement(kind: 'observations' | 'identifiers', rows: number): string {
  const key = `${kind}:${rows}`;
  let text = statementCache.get(key);
  if (!text) {
    text =
      kind === 'observations'
        ? `INSERT INTO observations (patient_id, scope_code_id, data_source_id, status, omh_data, effective_start, effective_end, last_updated) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`
        : // New observations take consecutive AUTOINCREMENT ids ending at max(id) inside this
          // transaction, so row k of n has id max(id) - (n - 1 - k).
          `INSERT INTO observation_identifiers (observation_id, system, value) VALUES ${Array(rows).fill('((SELECT max(id) FROM observations) - ?, ?, ?)').join(', ')}`;
    statementCache.set(key, text);
  }
  return text;
}

/**
 * Insert observations and their identifiers atomically; returns the new ids in the order of
 * `rows`. A unique-constraint failure (an identifier taken meanwhile) rolls everything back.
 */
export async function insertObservations(
  db: Db,
  rows: readonly ObservationInsert[],
  identifiers: readonly IdentifierInsert[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const d1 = db.$client;
  const n = rows.length;
  const statements: D1PreparedStatement[] = [];
  for (const part of chunk(rows, Math.floor(D1_MAX_BOUND_PARAMETERS / OBSERVATION_COLUMNS))) {
    statements.push(
      d1
        .prepare(valuesStatement('observations', part.length))
        .bind(
          ...part.flatMap((r) => [
            r.patientId,
            r.scopeCodeId,
            r.dataSourceId,
            r.status,
            r.omhData,
            r.effectiveStart,
            r.effectiveEnd,
            r.lastUpdated,
          ]),
        ),
    );
  }
  for (const part of chunk(identifiers, Math.floor(D1_MAX_BOUND_PARAMETERS / IDENTIFIER_COLUMNS))) {
    statements.push(
      d1
        .prepare(valuesStatement('identifiers', part.length))
        .bind(...part.flatMap((i) => [n - 1 - i.row, i.system, i.value])),
    );
  }
  statements.push(d1.prepare('SELECT max(id) AS id FROM observations'));
  const results = await d1.batch<{ id: number }>(statements);
  const last = results.at(-1)?.results[0]?.id;
  if (typeof last !== 'number') throw new Error('observation insert returned no id');
  return rows.map((_, k) => last - (n - 1 - k));
}
