/**
 * FHIR search parameters, parsed purely (no SQL): names canonicalised, values typed, errors as
 * 400 OperationOutcomes naming the parameter. Domain code turns the typed values into conditions.
 */
import { AppError } from '../lib/errors';

/** API.md A.6: default and maximum page size. */
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

/**
 * Upstream folds camelCase query names to snake_case (A.4), so clients may send either; the
 * `patient._has:Group:member:_id` spelling also arrives mangled as `..._has:_group:...`.
 */
const ALIASES: Record<string, string> = {
  _last_updated: '_lastUpdated',
  'patient._has:_group:member:_id': 'patient._has:Group:member:_id',
  '_has:_group:member:_id': '_has:Group:member:_id',
};

/** All values of each parameter (repeats AND together; commas inside one value OR together). */
export type RawParams = Map<string, string[]>;

/** Parameters of a query string or form body, names canonicalised. */
export function rawParams(search: URLSearchParams): RawParams {
  const params: RawParams = new Map();
  for (const [rawName, value] of search) {
    const name = ALIASES[rawName] ?? rawName;
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  return params;
}

export function first(params: RawParams, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = params.get(name)?.[0];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function invalid(param: string, message: string): AppError {
  return new AppError('invalid', `Invalid search parameter ${param}: ${message}`, { expression: param });
}

/** `_count`: 0, negative or non-numeric falls back to the default (A.6); capped at 1000. */
export function parseCount(params: RawParams): number {
  const n = Number(first(params, '_count'));
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_COUNT) : DEFAULT_COUNT;
}

/** A positive integer id, or null when the value is not one (`_id=abc` is an empty result, D.4). */
export function parseId(value: string): number | null {
  return /^\d{1,15}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

/** A reference value such as `40001` or `Patient/40001`; null when not an id of that type. */
export function parseReference(value: string, type: string): number | null {
  const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
  return parseId(id);
}

export interface Token {
  system: string | undefined;
  code: string;
}

/** `system|code`, `|code` (no system) or `code` (any system). */
export function parseToken(value: string): Token {
  const bar = value.indexOf('|');
  if (bar < 0) return { system: undefined, code: value };
  return { system: value.slice(0, bar), code: value.slice(bar + 1) };
}

/** Values of a parameter: repeats AND (outer), comma-separated values OR (inner). */
export function orGroups(params: RawParams, name: string): string[][] {
  return (params.get(name) ?? [])
    .map((v) => v.split(',').filter((part) => part !== ''))
    .filter((group) => group.length > 0);
}

export type Comparator = 'ge' | 'gt' | 'le' | 'lt';

export interface DateBound {
  op: Comparator;
  /** ISO-8601 UTC with milliseconds, comparable as text with stored timestamps. */
  instant: string;
}

const DATE_VALUE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/**
 * A FHIR date search value as bounds on an instant. A partial date is the whole period it names
 * (`2025-01-01` = that UTC day); a value with a time is an instant (no zone = UTC, D.3).
 */
export function parseDateValue(param: string, raw: string): DateBound[] {
  const match = DATE_VALUE.exec(raw.trim());
  if (!match?.[2]) throw invalid(param, `"${raw}" is not a FHIR date (e.g. ge2025-01-01).`);
  const prefix = match[1] ?? 'eq';
  const text = match[2];
  const range = periodOf(text);
  if (!range) throw invalid(param, `"${raw}" is not a valid date.`);
  const [start, end] = range;
  switch (prefix) {
    case 'eq':
      return [
        { op: 'ge', instant: start },
        { op: 'lt', instant: end },
      ];
    case 'ge':
      return [{ op: 'ge', instant: start }];
    case 'gt':
    case 'sa':
      return [{ op: 'ge', instant: end }];
    case 'le':
      return [{ op: 'lt', instant: end }];
    case 'lt':
    case 'eb':
      return [{ op: 'lt', instant: start }];
    default:
      throw invalid(param, `the prefix "${prefix}" is not supported (use eq, ge, gt, le, lt).`);
  }
}

/** [start, end) of a partial date, or of a single instant (end = start + 1 ms). */
function periodOf(text: string): [string, string] | null {
  const [datePart = '', timePart] = text.split('T');
  const [y, m, d] = datePart.split('-').map(Number);
  if (y === undefined) return null;
  if (timePart !== undefined) {
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(timePart) ? text : `${text}Z`;
    const ms = Date.parse(zoned);
    if (Number.isNaN(ms)) return null;
    // Seconds-precision instants match the whole second, so `date=...T08:00:00Z` finds 08:00:00.123.
    const hasFraction = /\.\d+/.test(timePart);
    const hasSeconds = /^\d{2}:\d{2}:\d{2}/.test(timePart);
    const width = hasFraction ? 1 : hasSeconds ? 1000 : 60_000;
    return [new Date(ms).toISOString(), new Date(ms + width).toISOString()];
  }
  const month = m ?? 1;
  const day = d ?? 1;
  const start = Date.UTC(y, month - 1, day);
  const check = new Date(start);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null;
  const end =
    d !== undefined
      ? Date.UTC(y, month - 1, day + 1)
      : m !== undefined
        ? Date.UTC(y, month, 1)
        : Date.UTC(y + 1, 0, 1);
  return [new Date(start).toISOString(), new Date(end).toISOString()];
}

/** All bounds of a repeatable date parameter (AND). */
export function parseDates(params: RawParams, name: string): DateBound[] {
  return (params.get(name) ?? []).filter((v) => v !== '').flatMap((v) => parseDateValue(name, v));
}

export interface SortSpec {
  key: string;
  descending: boolean;
}

/** `_sort=a,-b`: keys the resource knows, others ignored (D.4). */
export function parseSort(
  params: RawParams,
  known: readonly string[],
  aliases: Record<string, string> = {},
): SortSpec[] {
  const value = first(params, '_sort');
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .map((part) => ({ descending: part.startsWith('-'), name: part.replace(/^-/, '') }))
    .map(({ descending, name }) => ({ descending, key: aliases[name] ?? name }))
    .filter((s) => known.includes(s.key));
}
