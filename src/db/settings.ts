import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { settings } from './schema';

/**
 * The raw text value of the settings row `key` (API.md F.10), or null when no row exists.
 * Callers parse it per the row's type and fall back to the seed-era env var only on null, so an
 * operator's explicit empty value in the DB wins over the environment.
 */
export async function readSetting(db: Db, key: string): Promise<string | null> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
  return row?.value ?? null;
}
