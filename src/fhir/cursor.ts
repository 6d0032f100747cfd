/**
 * Opaque keyset cursors for FHIR search paging: the sort-key values of the last row, the total
 * computed on the first page, and a signature of the sort so a cursor is not reused with another.
 */
import { base64url, fromBase64url } from '../lib/encoding';
import { AppError } from '../lib/errors';

export interface Cursor {
  after: (string | number)[];
  total: number | undefined;
  sort: string;
}

export function encodeCursor(cursor: Cursor): string {
  return base64url(
    new TextEncoder().encode(JSON.stringify([cursor.sort, cursor.total ?? null, cursor.after])),
  );
}

/** Decode `_cursor`; anything malformed or made for another `_sort` is a 400. */
export function decodeCursor(value: string, sort: string): Cursor {
  const bad = () =>
    new AppError('invalid', 'Invalid search parameter _cursor: follow the next link as given.', {
      expression: '_cursor',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(fromBase64url(value)));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [cursorSort, total, after] = parsed as unknown[];
  if (cursorSort !== sort || !(total === null || typeof total === 'number') || !Array.isArray(after))
    throw bad();
  if (!after.every((v) => typeof v === 'string' || typeof v === 'number')) throw bad();
  return { sort, total: total ?? undefined, after: after as (string | number)[] };
}
