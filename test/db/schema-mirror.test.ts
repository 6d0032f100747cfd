import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqlite from '../../src/db/schema';
import * as pg from '../../src/db/schema.pg';

/** Sorted column names (with nullability) and index names of one table. */
function shapeOf(config: {
  columns: { name: string; notNull: boolean }[];
  indexes: { config: { name?: string } }[];
}) {
  return {
    columns: config.columns.map((c) => `${c.name}${c.notNull ? ' not null' : ''}`).sort(),
    indexes: config.indexes.map((i) => i.config.name ?? '').sort(),
  };
}

describe('schema.pg.ts', () => {
  it('mirrors every table, column, nullability and index of schema.ts', () => {
    const sqliteTables = (Object.values(sqlite) as unknown[]).filter(
      (v): v is SQLiteTable => v instanceof SQLiteTable,
    );
    const pgTables = (Object.values(pg) as unknown[]).filter((v): v is PgTable => v instanceof PgTable);
    const sqliteShapes = Object.fromEntries(
      sqliteTables.map((t) => {
        const c = sqliteConfig(t);
        return [c.name, shapeOf(c)];
      }),
    );
    const pgShapes = Object.fromEntries(
      pgTables.map((t) => {
        const c = pgConfig(t);
        return [c.name, shapeOf(c)];
      }),
    );
    expect(Object.keys(pgShapes).sort()).toEqual(Object.keys(sqliteShapes).sort());
    expect(pgShapes).toEqual(sqliteShapes);
    expect(Object.keys(sqliteShapes)).toHaveLength(27);
  });
});
