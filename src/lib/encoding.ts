/** Base64url without padding (RFC 4648 5), as PKCE and JOSE use it. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Standard base64 with padding of a UTF-8 string (FHIR `valueAttachment.data`). */
export function base64FromUtf8(text: string): string {
  // Hot path of every read: ASCII text (the usual OMH JSON) is its own UTF-8 byte string.
  if (!NON_ASCII.test(text)) return btoa(text);
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
