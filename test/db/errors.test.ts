import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/db/errors';

describe('isUniqueViolation', () => {
  const driver = new Error(
    'UNIQUE constraint failed: observation_identifiers.system, observation_identifiers.value: SQLITE_CONSTRAINT',
  );
  const wrapped = new Error('Failed query: insert …', { cause: new Error('D1_ERROR', { cause: driver }) });

  it('finds the constraint a few causes deep, on exactly the named columns', () => {
    expect(isUniqueViolation(wrapped, 'observation_identifiers.system, observation_identifiers.value')).toBe(
      true,
    );
    expect(isUniqueViolation(wrapped, 'observation_identifiers.system,observation_identifiers.value')).toBe(
      true,
    );
    expect(isUniqueViolation(wrapped, 'observation_identifiers.value')).toBe(false);
  });

  it('is false for other errors and non-errors', () => {
    expect(isUniqueViolation(new Error('FOREIGN KEY constraint failed'), 'users.email')).toBe(false);
    expect(isUniqueViolation('UNIQUE constraint failed: users.email', 'users.email')).toBe(false);
  });
});
