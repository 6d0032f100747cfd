import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { mergedRangesSql } from '../../src/db/merged-ranges';
import { D1_MAX_BOUND_PARAMETERS } from '../../src/lib/chunk';

const ranges = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ patientId: 40001 + i, scopeCodeId: 50002 }));

describe('mergedRangesSql', () => {
  it("stays within D1's 5 terms per compound SELECT, however many ranges (D1 refuses more)", async () => {
    for (const n of [1, 5, 6, 25, 26, 40]) {
      const { text, params } = mergedRangesSql({
        ranges: ranges(n),
        direction: 'desc',
        after: undefined,
        limit: 1001,
      });
      await expect(
        env.DB.prepare(text)
          .bind(...params)
          .all(),
        `${n} ranges`,
      ).resolves.toMatchObject({ success: true });
    }
  });

  it("binds only the keyset values: two per range, within D1's 100 parameters for 40 ranges", async () => {
    const query = {
      ranges: ranges(40),
      direction: 'asc' as const,
      after: ['2025-01-01T00:00:00.000Z', 60001] as const,
      limit: 11,
    };
    const { text, params } = mergedRangesSql(query);
    expect(params).toHaveLength(80);
    expect(params.length).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMETERS);
    await expect(
      env.DB.prepare(text)
        .bind(...params)
        .all(),
    ).resolves.toMatchObject({ success: true });
  });

  it('refuses a non-integer range id (ids are inlined)', () => {
    expect(() =>
      mergedRangesSql({
        ranges: [{ patientId: 1.5, scopeCodeId: 2 }],
        direction: 'desc',
        after: undefined,
        limit: 3,
      }),
    ).toThrow(RangeError);
  });
});
