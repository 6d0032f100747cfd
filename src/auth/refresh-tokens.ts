/**
 * Refresh tokens: opaque, stored only as SHA-256, no expiry (B.5) but rotated on every use: the
 * presented token dies and a child in the same family is issued. Presenting a dead token is a
 * replay: the whole family, and the access tokens issued with it, are revoked.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refreshTokens } from '../db/schema';
import { sha256 } from '../lib/crypto';
import { randomAlphanumeric } from '../lib/random';
import { revokeTokens } from './revocation';

export type RefreshToken = typeof refreshTokens.$inferSelect;

export interface NewRefreshToken {
  familyId?: string;
  clientPk: number;
  userId: number;
  scope: string;
  authorizationCodeId?: number | null;
  authTime: string;
  accessTokenJti: string;
  accessTokenExpiresAt: Date;
}

export async function createRefreshToken(db: Db, input: NewRefreshToken, now = new Date()): Promise<string> {
  const token = randomAlphanumeric(40);
  await db.insert(refreshTokens).values({
    tokenHash: await sha256(token),
    familyId: input.familyId ?? crypto.randomUUID(),
    clientId: input.clientPk,
    userId: input.userId,
    scope: input.scope,
    authorizationCodeId: input.authorizationCodeId ?? null,
    authTime: input.authTime,
    accessTokenJti: input.accessTokenJti,
    accessTokenExpiresAt: input.accessTokenExpiresAt.toISOString(),
    created: now.toISOString(),
  });
  return token;
}

export async function findRefreshToken(db: Db, token: string): Promise<RefreshToken | undefined> {
  return db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256(token)))
    .get();
}

/** Revoke one refresh token if still live; `true` when this call revoked it (rotation winner). */
export async function revokeRefreshToken(db: Db, id: number, now = new Date()): Promise<boolean> {
  const updated = await db
    .update(refreshTokens)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return updated.length === 1;
}

/**
 * Revoke a whole family (or every family grown from one authorization code), including the access
 * tokens issued with its members that have not expired yet.
 */
export async function revokeFamily(
  db: Db,
  by: { familyId: string } | { authorizationCodeId: number },
  now = new Date(),
): Promise<void> {
  const where =
    'familyId' in by
      ? eq(refreshTokens.familyId, by.familyId)
      : eq(refreshTokens.authorizationCodeId, by.authorizationCodeId);
  const members = await db
    .select({ jti: refreshTokens.accessTokenJti, expiresAt: refreshTokens.accessTokenExpiresAt })
    .from(refreshTokens)
    .where(where);
  await db
    .update(refreshTokens)
    .set({ revokedAt: now.toISOString() })
    .where(and(where, isNull(refreshTokens.revokedAt)));
  await revokeTokens(
    db,
    members
      .filter((m) => Date.parse(m.expiresAt) > now.getTime())
      .map((m) => ({ jti: m.jti, expiresAt: new Date(m.expiresAt) })),
  );
}
