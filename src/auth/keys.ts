import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { AppError } from '../lib/errors';

/** The signing key of ID and access tokens, imported once per isolate. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK & { kid: string };
  kid: string;
}

let cached: { pem: string; key: Promise<SigningKey> } | undefined;

/**
 * The RS256 key from OIDC_RSA_PRIVATE_KEY (PKCS#8 PEM; `\n` escapes allowed, API.md B.2).
 * `kid` is the RFC 7638 thumbprint. A missing or malformed key is one clear `misconfigured` error.
 */
export function signingKey(pem: string | undefined): Promise<SigningKey> {
  if (!pem || !pem.trim()) {
    return Promise.reject(
      new AppError('misconfigured', 'Server misconfigured: the secret OIDC_RSA_PRIVATE_KEY is not set.'),
    );
  }
  if (cached?.pem !== pem) cached = { pem, key: importSigningKey(pem) };
  return cached.key;
}

async function importSigningKey(pem: string): Promise<SigningKey> {
  const normalised = pem.replace(/\\n/g, '\n').trim();
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(normalised, 'RS256', { extractable: true });
  } catch (cause) {
    cached = undefined;
    throw new AppError(
      'misconfigured',
      'Server misconfigured: OIDC_RSA_PRIVATE_KEY is not a PKCS#8 PEM RSA private key ("-----BEGIN PRIVATE KEY-----").',
      { cause },
    );
  }
  const { kty, n, e } = await exportJWK(privateKey);
  const publicJwk: JWK = { kty, n, e };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const publicKey = await importJWK(publicJwk, 'RS256');
  if (!(publicKey instanceof CryptoKey)) throw new AppError('misconfigured', 'RSA public key import failed.');
  return { privateKey, publicKey, kid, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
}
