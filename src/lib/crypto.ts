import { base64url } from './encoding';

const encoder = new TextEncoder();

/** SHA-256 of a UTF-8 string as base64url without padding: how secrets are stored (never in clear). */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return base64url(new Uint8Array(digest));
}

/**
 * Length-independent constant-time comparison of two strings, so a secret check leaks neither
 * where the first difference is nor (beyond the hash) the length. Uses workerd's timingSafeEqual
 * on equal-length SHA-256 digests.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return timingSafeEqualBytes(new Uint8Array(da), new Uint8Array(db)) && a.length === b.length;
}

function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean;
  };
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(a, b);
  // Node (CLI tools) has no subtle.timingSafeEqual: XOR-accumulate over equal-length digests.
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
