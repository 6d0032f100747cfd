import { describe, expect, it } from 'vitest';
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from '../../src/lib/password';

describe('hashPassword / verifyPassword', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('Jhe1234!');
    expect(hash).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('Jhe1234!', hash)).toBe(true);
    expect(await verifyPassword('Jhe1234?', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('verifies a hash made with fewer iterations (Django format)', async () => {
    // An upstream-style hash with another iteration count still verifies: the count is read from the hash.
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode('seasalt'), iterations: 1000 },
      await crypto.subtle.importKey('raw', new TextEncoder().encode('password'), 'PBKDF2', false, [
        'deriveBits',
      ]),
      256,
    );
    const hash = `pbkdf2_sha256$1000$seasalt$${btoa(String.fromCharCode(...new Uint8Array(bits)))}`;
    expect(await verifyPassword('password', hash)).toBe(true);
  });

  it('never matches a malformed or over-limit hash', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'md5$1$salt$abc')).toBe(false);
    expect(await verifyPassword('x', `pbkdf2_sha256$${PBKDF2_ITERATIONS + 1}$salt$abc`)).toBe(false);
  });
});
