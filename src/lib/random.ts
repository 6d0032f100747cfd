const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` random characters from [A-Za-z0-9] (codes, client ids, invitation tokens), drawn by
 * rejection sampling so every character is equally likely.
 */
export function randomAlphanumeric(length: number): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHANUMERIC.length);
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < limit && out.length < length) out.push(ALPHANUMERIC[b % ALPHANUMERIC.length] ?? '');
    }
  }
  return out.join('');
}
