import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/fhir/cursor';

describe('FHIR cursors', () => {
  it('round-trip the keys, total and sort', () => {
    for (const after of [
      ['2026-11-22T06:00:36.119Z', 60012],
      ['~', 7],
      ['', 1],
    ]) {
      const cursor = { after, total: 2500, sort: '-_lastUpdated' };
      expect(decodeCursor(encodeCursor(cursor), '-_lastUpdated')).toEqual(cursor);
    }
  });

  it('refuse another sort, garbage and tampered shapes', () => {
    const text = encodeCursor({ after: ['x', 1], total: undefined, sort: 'date' });
    expect(() => decodeCursor(text, '-date')).toThrow(/_cursor/);
    expect(() => decodeCursor('%%%', 'date')).toThrow(/_cursor/);
    expect(() => decodeCursor(btoa('[1,2]'), 'date')).toThrow(/_cursor/);
  });
});
