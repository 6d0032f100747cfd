/**
 * Runtime settings administration (API.md C.10, F.10): superusers only. Values are stored as text
 * in the form `db/settings.ts` `readSetting` callers parse (ints as decimal, bools `true`/`false`,
 * JSON as JSON text), and nothing caches them, so a write is seen by the next read.
 */
import { asc, count, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../db/errors';
import type { Db } from '../db/client';
import { type SettingValueType, settings } from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { assertSuperuser } from './practitioners';

export { SETTING_VALUE_TYPES, type SettingValueType } from '../db/schema';

export interface SettingRecord {
  id: number;
  key: string;
  valueType: SettingValueType;
  resolvedValue: unknown;
  lastUpdated: string;
}

export interface SettingInput {
  key?: string;
  valueType?: SettingValueType;
  /** Any JSON value, coerced per `valueType` (upstream `JheSetting.set_value`). */
  value?: unknown;
}

const TRUE_WORDS = ['true', '1', 'yes', 'y', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'n', 'off'];

const invalidValue = (message: string) => new AppError('invalid', message, { body: { value: [message] } });
const notFound = () => new AppError('not_found', 'No JheSetting matches the given query.');

/** The stored text of `value` as `type`, or 400 `{"value": [...]}` when it is not one. */
export function encodeSettingValue(type: SettingValueType, value: unknown): string {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw invalidValue('Invalid string');
    case 'int': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)
            ? Number(value)
            : NaN;
      if (!Number.isSafeInteger(n)) throw invalidValue('Invalid int');
      return String(n);
    }
    case 'bool': {
      const word =
        typeof value === 'string'
          ? value.trim().toLowerCase()
          : typeof value === 'number'
            ? String(value)
            : value;
      if (word === true || (typeof word === 'string' && TRUE_WORDS.includes(word))) return 'true';
      if (word === false || (typeof word === 'string' && FALSE_WORDS.includes(word))) return 'false';
      throw invalidValue('Invalid bool');
    }
    case 'float': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n)) throw invalidValue('Invalid float');
      return String(n);
    }
    case 'json':
      return JSON.stringify(value);
  }
}

/** The typed value of stored text; text that does not parse as its type reads as null. */
export function resolveSettingValue(type: SettingValueType, text: string): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'int': {
      const n = Number(text);
      return text.trim() !== '' && Number.isSafeInteger(n) ? n : null;
    }
    case 'float': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : null;
    }
    case 'bool': {
      const word = text.trim().toLowerCase();
      return TRUE_WORDS.includes(word) ? true : FALSE_WORDS.includes(word) ? false : null;
    }
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return null;
      }
  }
}

function toRecord(row: typeof settings.$inferSelect): SettingRecord {
  return {
    id: row.id,
    key: row.key,
    valueType: row.valueType,
    resolvedValue: resolveSettingValue(row.valueType, row.value),
    lastUpdated: row.lastUpdated,
  };
}

/** A taken key is a field error (DRF's unique validator); the constraint decides. */
async function writing<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err, 'settings.key')) {
      throw new AppError('invalid', 'A setting with this key already exists.', {
        body: { key: ['jhe setting with this key already exists.'] },
        cause: err,
      });
    }
    throw err;
  }
}

/** `GET /jhe_settings`: by id. */
export async function listSettings(
  db: Db,
  principal: Principal,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: SettingRecord[] }> {
  assertSuperuser(principal);
  const [counted, rows] = await db.batch([
    db.select({ count: count() }).from(settings),
    db.select().from(settings).orderBy(asc(settings.id)).limit(page.limit).offset(page.offset),
  ]);
  return { count: counted[0]?.count ?? 0, rows: rows.map(toRecord) };
}

/** `GET /jhe_settings/{id}`. */
export async function getSetting(db: Db, principal: Principal, id: number): Promise<SettingRecord> {
  assertSuperuser(principal);
  const row = await db.select().from(settings).where(eq(settings.id, id)).get();
  if (!row) throw notFound();
  return toRecord(row);
}

/** `POST /jhe_settings`: `key`, `valueType` and `value` are all required (the router's schema). */
export async function createSetting(
  db: Db,
  principal: Principal,
  input: { key: string; valueType: SettingValueType; value: unknown },
): Promise<SettingRecord> {
  assertSuperuser(principal);
  const value = encodeSettingValue(input.valueType, input.value);
  const [row] = await writing(
    db
      .insert(settings)
      .values({ key: input.key, valueType: input.valueType, value, lastUpdated: new Date().toISOString() })
      .returning(),
  );
  if (!row) throw new Error('setting insert returned no row');
  return toRecord(row);
}

/**
 * `PATCH/PUT /jhe_settings/{id}`: a new `value` is coerced to the (new or current) type; changing
 * the type without a value is 400, since the stored text may not fit the new type (C.10).
 */
export async function updateSetting(
  db: Db,
  principal: Principal,
  id: number,
  input: SettingInput,
): Promise<SettingRecord> {
  assertSuperuser(principal);
  const current = await db.select().from(settings).where(eq(settings.id, id)).get();
  if (!current) throw notFound();
  const valueType = input.valueType ?? current.valueType;
  if (input.value === undefined && valueType !== current.valueType) {
    throw invalidValue('Required when changing value_type.');
  }
  const [row] = await writing(
    db
      .update(settings)
      .set({
        ...(input.key !== undefined && { key: input.key }),
        valueType,
        ...(input.value !== undefined && { value: encodeSettingValue(valueType, input.value) }),
        lastUpdated: new Date().toISOString(),
      })
      .where(eq(settings.id, id))
      .returning(),
  );
  if (!row) throw notFound();
  return toRecord(row);
}

/** `DELETE /jhe_settings/{id}`. */
export async function deleteSetting(db: Db, principal: Principal, id: number): Promise<void> {
  assertSuperuser(principal);
  const deleted = await db.delete(settings).where(eq(settings.id, id)).returning({ id: settings.id });
  if (deleted.length === 0) throw notFound();
}
