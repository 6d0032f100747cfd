/**
 * The effective time of an Open mHealth / IEEE 1752 body, from its `effective_time_frame`
 * (API.md D.3). OMH and IEEE time frames and time intervals use the same keys, so one reader serves
 * both. Instants come back as ISO-8601 UTC with milliseconds, the database's timestamp format.
 */
import { isJsonObject } from './json';

/**
 * `dateTime` for a `date_time` frame (FHIR `effectiveDateTime`), `period` for a `time_interval`
 * (FHIR `effectivePeriod`); a period always has both ends, computed when the interval gives a
 * duration or a part of day.
 */
export type EffectiveTime =
  { kind: 'dateTime'; start: string; end: null } | { kind: 'period'; start: string; end: string };

/**
 * Read `body.effective_time_frame`: `date_time`, or `time_interval` as start+end, start+duration,
 * end+duration or date+`part_of_day` (morning 06-12, afternoon 12-18, evening 18-24, night 00-06
 * UTC). Times without an offset are UTC. Returns `null` when there is no frame or it cannot be
 * parsed, including a negative duration or an end before the start (FHIR per-1 forbids such
 * periods).
 */
export function extractEffectiveTime(body: unknown): EffectiveTime | null {
  const frame = isJsonObject(body) ? body.effective_time_frame : undefined;
  if (!isJsonObject(frame)) return null;
  if (frame.date_time !== undefined) {
    const instant = parseDateTime(frame.date_time);
    return instant === null ? null : { kind: 'dateTime', start: toIso(instant), end: null };
  }
  const bounds = isJsonObject(frame.time_interval) ? intervalBounds(frame.time_interval) : null;
  if (bounds === null || bounds.end < bounds.start) return null;
  return { kind: 'period', start: toIso(bounds.start), end: toIso(bounds.end) };
}

interface Bounds {
  start: number;
  end: number;
}

function intervalBounds(interval: Record<string, unknown>): Bounds | null {
  const start = interval.start_date_time === undefined ? null : parseDateTime(interval.start_date_time);
  const end = interval.end_date_time === undefined ? null : parseDateTime(interval.end_date_time);
  if (start !== null && end !== null) return { start, end };
  if (start !== null) {
    const computedEnd = shiftByDuration(start, interval.duration, 1);
    return computedEnd === null ? null : { start, end: computedEnd };
  }
  if (end !== null) {
    const computedStart = shiftByDuration(end, interval.duration, -1);
    return computedStart === null ? null : { start: computedStart, end };
  }
  return partOfDayBounds(interval.date, interval.part_of_day);
}

const HOUR_MS = 3_600_000;

/** OMH part-of-day windows as [start hour, end hour) in UTC (D.3). */
const PART_OF_DAY_HOURS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['morning', [6, 12]],
  ['afternoon', [12, 18]],
  ['evening', [18, 24]],
  ['night', [0, 6]],
]);

function partOfDayBounds(date: unknown, partOfDay: unknown): Bounds | null {
  const hours = typeof partOfDay === 'string' ? PART_OF_DAY_HOURS.get(partOfDay) : undefined;
  const midnight = typeof date === 'string' ? parseFullDate(date) : null;
  if (hours === undefined || midnight === null) return null;
  return { start: midnight + hours[0] * HOUR_MS, end: midnight + hours[1] * HOUR_MS };
}

/** Fixed-length units of OMH `duration-unit-value-1.0.json`, in milliseconds. */
const DURATION_UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['ps', 1e-9],
  ['ns', 1e-6],
  ['us', 1e-3],
  ['ms', 1],
  ['sec', 1000],
  ['min', 60_000],
  ['h', HOUR_MS],
  ['d', 24 * HOUR_MS],
  ['wk', 7 * 24 * HOUR_MS],
]);

/** Calendar units, in months. */
const DURATION_UNIT_MONTHS: ReadonlyMap<string, number> = new Map([
  ['Mo', 1],
  ['yr', 12],
]);

// Mean Gregorian month (365.2425 d / 12), used only for the fractional part of a month/year duration.
const MEAN_MONTH_MS = (365.2425 / 12) * 24 * HOUR_MS;

/**
 * `instant` moved by `duration` ({value, unit}) forward (`direction` 1) or back (-1). Whole months
 * and years use calendar arithmetic, clamped to the month's last day (Jan 31 + 1 Mo = Feb 28/29),
 * so they agree with what people mean; a fractional remainder uses the mean Gregorian month. The
 * result is rounded to the millisecond, the precision of the stored timestamps.
 */
function shiftByDuration(instant: number, duration: unknown, direction: 1 | -1): number | null {
  if (!isJsonObject(duration)) return null;
  const { value, unit } = duration;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || typeof unit !== 'string')
    return null;
  const unitMs = DURATION_UNIT_MS.get(unit);
  if (unitMs !== undefined) return checkedInstant(Math.round(instant + direction * value * unitMs));
  const unitMonths = DURATION_UNIT_MONTHS.get(unit);
  if (unitMonths === undefined) return null;
  const months = value * unitMonths;
  const wholeMonths = Math.trunc(months);
  const shifted = addCalendarMonths(instant, direction * wholeMonths);
  return checkedInstant(Math.round(shifted + direction * (months - wholeMonths) * MEAN_MONTH_MS));
}

function addCalendarMonths(instant: number, months: number): number {
  const date = new Date(instant);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

// RFC 3339 date-time; seconds and the offset are optional here (lenient read of stored data: a
// zone-less time is UTC per D.3), the `T` may be a space or lower case as RFC 3339 5.6 allows.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch milliseconds of an RFC 3339 date-time, or `null`. */
function parseDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE_TIME.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, fraction, , sign, offH, offM] = m;
  const midnight = utcMidnight(Number(y), Number(mo), Number(d));
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offsetHours = offH === undefined ? 0 : Number(offH);
  const offsetMinutes = offM === undefined ? 0 : Number(offM);
  if (
    midnight === null ||
    hour > 23 ||
    minute > 59 ||
    second > 60 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return null;
  }
  // Sub-millisecond digits are dropped: stored timestamps carry milliseconds.
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const offsetMs = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return checkedInstant(midnight + hour * HOUR_MS + minute * 60_000 + second * 1000 + millis - offsetMs);
}

/** Epoch milliseconds of midnight UTC on a `YYYY-MM-DD` date, or `null`. */
function parseFullDate(value: string): number | null {
  const m = FULL_DATE.exec(value);
  return m === null ? null : utcMidnight(Number(m[1]), Number(m[2]), Number(m[3]));
}

function utcMidnight(year: number, month: number, day: number): number | null {
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return valid ? date.getTime() : null;
}

// ECMAScript time values are limited to +-8.64e15 ms; beyond that toISOString throws.
const MAX_TIME_MS = 8.64e15;

function checkedInstant(ms: number): number | null {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS ? ms : null;
}

function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
