import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

/** The Drizzle handle; `$client` is the D1 binding, for the few hot paths written as plain SQL. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/** A Drizzle handle on the D1 binding (cheap: no connection is opened). */
export function createDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}
