/**
 * Authorization codes: 30 random [A-Za-z0-9] characters, stored only as SHA-256, single use.
 * Three kinds share the table: `/o/authorize/` codes (60 s), seed-flow invitation-link codes
 * (B.8.1, static PKCE, 14 days) and current-flow invitation grants (B.8.2, 60 s).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { authorizationCodes } from '../db/schema';
import { sha256 } from '../lib/crypto';
import { randomAlphanumeric } from '../lib/random';

export type AuthorizationCode = typeof authorizationCodes.$inferSelect;
export type CodeKind = AuthorizationCode['kind'];

/** API.md B.5. */
export const AUTHORIZE_CODE_SECONDS = 60;

export interface NewCode {
  kind: CodeKind;
  clientPk: number;
  userId: number;
  redirectUri: string;
  scope: string;
  codeChallenge: string;
  nonce?: string | null;
  authTime: string;
  ttlSeconds: number;
}

/** The row to insert for a fresh code, and the code itself (shown once, never stored). */
export async function newCodeRow(
  input: NewCode,
  now = new Date(),
): Promise<{ code: string; row: typeof authorizationCodes.$inferInsert }> {
  const code = randomAlphanumeric(30);
  return {
    code,
    row: {
      codeHash: await sha256(code),
      kind: input.kind,
      clientId: input.clientPk,
      userId: input.userId,
      redirectUri: input.redirectUri,
      scope: input.scope,
      codeChallenge: input.codeChallenge,
      codeChallengeMethod: 'S256',
      nonce: input.nonce ?? null,
      authTime: input.authTime,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000).toISOString(),
      created: now.toISOString(),
    },
  };
}

/** Insert a code; returns the code string. */
export async function createCode(db: Db, input: NewCode, now = new Date()): Promise<string> {
  const { code, row } = await newCodeRow(input, now);
  await db.insert(authorizationCodes).values(row);
  return code;
}

/** The stored code for a presented value (used or not), by hash. */
export async function findCode(db: Db, code: string): Promise<AuthorizationCode | undefined> {
  return db
    .select()
    .from(authorizationCodes)
    .where(eq(authorizationCodes.codeHash, await sha256(code)))
    .get();
}

/**
 * Mark a code used, atomically: only the first of concurrent redemptions gets `true`
 * (UPDATE ... WHERE used_at IS NULL), so a code can never be exchanged twice.
 */
export async function markCodeUsed(
  db: Db,
  id: number,
  accessTokenJti: string,
  now = new Date(),
): Promise<boolean> {
  const updated = await db
    .update(authorizationCodes)
    .set({ usedAt: now.toISOString(), accessTokenJti })
    .where(and(eq(authorizationCodes.id, id), isNull(authorizationCodes.usedAt)))
    .returning({ id: authorizationCodes.id });
  return updated.length === 1;
}
