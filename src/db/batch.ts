import { getTableColumns } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteInsertValue, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import type { Db } from './client';

/**
 * Multi-row inserts sized to D1's 100 bound parameters: one statement per chunk, returned as
 * batch items so the caller runs them (with anything else) in one atomic `db.batch`.
 * Rows that hit a uniqueness constraint are skipped (`ON CONFLICT DO NOTHING`) when `ignoreConflicts`.
 */
export function chunkedInserts<T extends SQLiteTable>(
  db: Db,
  table: T,
  rows: readonly SQLiteInsertValue<T>[],
  { ignoreConflicts = false }: { ignoreConflicts?: boolean } = {},
): BatchItem<'sqlite'>[] {
  // Drizzle binds a value (or DEFAULT) for every column of the table in a multi-row insert.
  const perRow = Object.keys(getTableColumns(table)).length;
  const rowsPerStatement = Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / perRow));
  return chunk(rows, rowsPerStatement).map((part) => {
    const insert = db.insert(table).values(part);
    return ignoreConflicts ? insert.onConflictDoNothing() : insert;
  });
}

/** Run batch items atomically; an empty list is a no-op (D1 rejects an empty batch). */
export async function runBatch(db: Db, items: BatchItem<'sqlite'>[]): Promise<D1Result[]> {
  const [first, ...rest] = items;
  if (!first) return [];
  return (await db.batch([first, ...rest])) as D1Result[];
}
