import { describe, expect, it } from 'vitest';
import { extractEffectiveTime } from '../../src/omh';

const frame = (effective_time_frame: unknown) => ({ effective_time_frame });
const interval = (time_interval: unknown) => frame({ time_interval });
const period = (start: string, end: string) => ({ kind: 'period', start, end });

describe('extractEffectiveTime', () => {
  it('reads date_time as an instant in UTC', () => {
    expect(extractEffectiveTime(frame({ date_time: '2025-01-01T00:02:00-08:00' }))).toEqual({
      kind: 'dateTime',
      start: '2025-01-01T08:02:00.000Z',
      end: null,
    });
  });

  it('treats a date_time without offset as UTC', () => {
    expect(extractEffectiveTime(frame({ date_time: '2025-01-01T08:02:00' }))).toEqual({
      kind: 'dateTime',
      start: '2025-01-01T08:02:00.000Z',
      end: null,
    });
  });

  it('keeps milliseconds and drops finer digits', () => {
    expect(extractEffectiveTime(frame({ date_time: '2025-01-01T08:02:00.1239Z' }))).toEqual({
      kind: 'dateTime',
      start: '2025-01-01T08:02:00.123Z',
      end: null,
    });
  });

  it('reads start and end', () => {
    expect(
      extractEffectiveTime(
        interval({ start_date_time: '2025-01-02T23:10:00Z', end_date_time: '2025-01-03T06:55:00+01:00' }),
      ),
    ).toEqual(period('2025-01-02T23:10:00.000Z', '2025-01-03T05:55:00.000Z'));
  });

  it('computes the end from start and duration', () => {
    expect(
      extractEffectiveTime(
        interval({ start_date_time: '2025-01-02T18:00:00Z', duration: { value: 90, unit: 'min' } }),
      ),
    ).toEqual(period('2025-01-02T18:00:00.000Z', '2025-01-02T19:30:00.000Z'));
  });

  it('computes the start from end and duration', () => {
    expect(
      extractEffectiveTime(
        interval({ end_date_time: '2025-01-03T00:00:00Z', duration: { value: 1.5, unit: 'h' } }),
      ),
    ).toEqual(period('2025-01-02T22:30:00.000Z', '2025-01-03T00:00:00.000Z'));
  });

  it.each([
    ['ps', 1e9, '2025-01-01T00:00:00.001Z'],
    ['ns', 2e6, '2025-01-01T00:00:00.002Z'],
    ['us', 3000, '2025-01-01T00:00:00.003Z'],
    ['ms', 250, '2025-01-01T00:00:00.250Z'],
    ['sec', 45, '2025-01-01T00:00:45.000Z'],
    ['min', 2, '2025-01-01T00:02:00.000Z'],
    ['h', 3, '2025-01-01T03:00:00.000Z'],
    ['d', 2, '2025-01-03T00:00:00.000Z'],
    ['wk', 1, '2025-01-08T00:00:00.000Z'],
    ['Mo', 1, '2025-02-01T00:00:00.000Z'],
    ['yr', 1, '2026-01-01T00:00:00.000Z'],
  ])('adds a duration in %s', (unit, value, end) => {
    expect(
      extractEffectiveTime(interval({ start_date_time: '2025-01-01T00:00:00Z', duration: { value, unit } })),
    ).toEqual(period('2025-01-01T00:00:00.000Z', end));
  });

  it('adds calendar months clamped to the month end', () => {
    expect(
      extractEffectiveTime(
        interval({ start_date_time: '2024-01-31T12:00:00Z', duration: { value: 1, unit: 'Mo' } }),
      ),
    ).toEqual(period('2024-01-31T12:00:00.000Z', '2024-02-29T12:00:00.000Z'));
  });

  it('subtracts calendar years from an end', () => {
    expect(
      extractEffectiveTime(
        interval({ end_date_time: '2024-02-29T00:00:00Z', duration: { value: 1, unit: 'yr' } }),
      ),
    ).toEqual(period('2023-02-28T00:00:00.000Z', '2024-02-29T00:00:00.000Z'));
  });

  it('uses the mean Gregorian month for a fractional month', () => {
    // 0.5 Mo = 365.2425 / 24 days = 15 d 5 h 14 min 33 s 0 ms (rounded to ms)
    expect(
      extractEffectiveTime(
        interval({ start_date_time: '2025-01-01T00:00:00Z', duration: { value: 0.5, unit: 'Mo' } }),
      ),
    ).toEqual(period('2025-01-01T00:00:00.000Z', '2025-01-16T05:14:33.000Z'));
  });

  it.each([
    ['night', '2025-01-03T00:00:00.000Z', '2025-01-03T06:00:00.000Z'],
    ['morning', '2025-01-03T06:00:00.000Z', '2025-01-03T12:00:00.000Z'],
    ['afternoon', '2025-01-03T12:00:00.000Z', '2025-01-03T18:00:00.000Z'],
    ['evening', '2025-01-03T18:00:00.000Z', '2025-01-04T00:00:00.000Z'],
  ])('maps date + part_of_day %s to its UTC window', (part_of_day, start, end) => {
    expect(extractEffectiveTime(interval({ date: '2025-01-03', part_of_day }))).toEqual(period(start, end));
  });

  it('answers null without a time frame', () => {
    expect(extractEffectiveTime({ heart_rate: { value: 64, unit: 'beats/min' } })).toBeNull();
    expect(extractEffectiveTime(null)).toBeNull();
    expect(extractEffectiveTime(frame('2025-01-01T00:00:00Z'))).toBeNull();
  });

  it.each([
    ['a date-only date_time', frame({ date_time: '2025-01-01' })],
    ['an impossible date', frame({ date_time: '2025-02-30T00:00:00Z' })],
    ['an hour out of range', frame({ date_time: '2025-01-01T24:00:00Z' })],
    ['a non-string date_time', frame({ date_time: 1735689600000 })],
    [
      'an unknown duration unit',
      interval({ start_date_time: '2025-01-01T00:00:00Z', duration: { value: 1, unit: 'fortnight' } }),
    ],
    [
      'a negative duration',
      interval({ start_date_time: '2025-01-01T00:00:00Z', duration: { value: -1, unit: 'h' } }),
    ],
    ['a start without duration or end', interval({ start_date_time: '2025-01-01T00:00:00Z' })],
    [
      'an end before the start',
      interval({ start_date_time: '2025-01-02T00:00:00Z', end_date_time: '2025-01-01T00:00:00Z' }),
    ],
    ['an unknown part of day', interval({ date: '2025-01-03', part_of_day: 'noon' })],
    ['a malformed date', interval({ date: '2025-1-3', part_of_day: 'night' })],
  ])('answers null for %s', (_label, body) => {
    expect(extractEffectiveTime(body)).toBeNull();
  });
});
