/**
 * Access tokens: RS256 JWTs (RFC 9068 `at+jwt`) carrying the principal, so the bearer check needs
 * no database read; revocation is bounded by `revocation.ts`. Clients treat them as opaque (A.9).
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Db } from '../db/client';
import { AppError } from '../lib/errors';
import type { Principal, PrincipalGrant } from '../lib/principal';
import { signingKey } from './keys';
import { isRevoked } from './revocation';

/** API.md B.5: 14 days. */
export const ACCESS_TOKEN_SECONDS = 1_209_600;
/** Access tokens are for this server's APIs only. */
export const ACCESS_TOKEN_AUDIENCE = 'jhe-api';
const TOKEN_TYPE = 'at+jwt';

export interface AccessTokenIssue {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: Date;
}

/** The issuer of access tokens: SITE_URL + `/o`, stable whatever host a request came through. */
export function accessTokenIssuer(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/o`;
}

/** Sign an access token for `principal` (its `jti` is generated here). */
export async function issueAccessToken(
  pem: string | undefined,
  issuer: string,
  principal: PrincipalGrant,
  now = new Date(),
): Promise<AccessTokenIssue> {
  const key = await signingKey(pem);
  const jti = crypto.randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = {
    client_id: principal.clientId,
    scope: principal.scope,
    kind: principal.kind,
  };
  if (principal.kind === 'practitioner') {
    claims.practitioner_id = principal.practitionerId;
    claims.su = principal.isSuperuser;
  } else if (principal.kind === 'patient') {
    claims.patient_id = principal.patientId;
  }
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: TOKEN_TYPE, kid: key.kid })
    .setIssuer(issuer)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_SECONDS)
    .setJti(jti);
  if (principal.kind !== 'client') jwt.setSubject(String(principal.userId));
  return {
    token: await jwt.sign(key.privateKey),
    jti,
    expiresIn: ACCESS_TOKEN_SECONDS,
    expiresAt: new Date((iat + ACCESS_TOKEN_SECONDS) * 1000),
  };
}

export interface VerifiedAccessToken {
  principal: Principal;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Verify signature (RS256 only: `alg: none` and HS256 confusion are refused), type, issuer,
 * audience and expiry, then revocation. Any failure is `invalid_token` with a generic reason.
 */
export async function verifyAccessToken(
  db: Db,
  pem: string | undefined,
  issuer: string,
  token: string,
  now = new Date(),
): Promise<VerifiedAccessToken> {
  const key = await signingKey(pem);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      typ: TOKEN_TYPE,
      currentDate: now,
      requiredClaims: ['jti', 'iat', 'exp'],
    }));
  } catch (cause) {
    const reason =
      cause instanceof errors.JWTExpired ? 'The access token expired.' : 'The access token is invalid.';
    throw new AppError('invalid_token', reason, { cause });
  }
  const principal = principalFromClaims(payload);
  if (!principal) throw new AppError('invalid_token', 'The access token is invalid.');
  const issuedAt = Number(payload.iat);
  const userId = principal.kind === 'client' ? null : principal.userId;
  if (
    await isRevoked(db, { jti: principal.jti, userId, clientId: principal.clientId, issuedAt }, now.getTime())
  ) {
    throw new AppError('invalid_token', 'The access token was revoked.');
  }
  return { principal, issuedAt, expiresAt: Number(payload.exp) };
}

function principalFromClaims(p: Record<string, unknown>): Principal | null {
  const facts = { clientId: p.client_id, scope: p.scope, jti: p.jti };
  if (typeof facts.clientId !== 'string' || typeof facts.scope !== 'string' || typeof facts.jti !== 'string')
    return null;
  const base = { clientId: facts.clientId, scope: facts.scope, jti: facts.jti };
  const userId = Number(p.sub);
  switch (p.kind) {
    case 'practitioner':
      if (!Number.isInteger(userId) || typeof p.practitioner_id !== 'number') return null;
      return {
        kind: 'practitioner',
        ...base,
        userId,
        practitionerId: p.practitioner_id,
        isSuperuser: p.su === true,
      };
    case 'patient':
      if (!Number.isInteger(userId) || typeof p.patient_id !== 'number') return null;
      return { kind: 'patient', ...base, userId, patientId: p.patient_id };
    case 'client':
      return { kind: 'client', ...base };
    default:
      return null;
  }
}
