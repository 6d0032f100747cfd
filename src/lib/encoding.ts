/** Bytes as a "binary string" (one char per byte), the form `btoa` takes. */
function binaryString(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return binary;
}

/** Standard base64 with padding (RFC 4648 4) of bytes. */
export function base64(bytes: Uint8Array): string {
  return btoa(binaryString(bytes));
}

/** Base64url without padding (RFC 4648 5), as PKCE and JOSE use it. */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of base64url text with or without padding; throws on anything else. */
export function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Standard base64 with padding of a UTF-8 string (FHIR `valueAttachment.data`). */
export function base64FromUtf8(text: string): string {
  // Hot path of every read: ASCII text (the usual OMH JSON) is its own UTF-8 byte string.
  if (!NON_ASCII.test(text)) return btoa(text);
  return base64(new TextEncoder().encode(text));
}
