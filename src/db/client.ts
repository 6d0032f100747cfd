import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

/** The Drizzle handle; `$client` is the D1 binding, for the few hot paths written as plain SQL. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

const handles = new WeakMap<D1Database, Db>();

/**
 * The Drizzle handle on a D1 binding, built once per binding per isolate: building it maps the
 * whole schema, work a request should not repeat (no connection is involved either way).
 */
export function createDb(d1: D1Database): Db {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
}
