/**
 * Revocation of stateless access tokens (and sessions) with a stated bound.
 *
 * Access tokens are RS256 JWTs checked without a database read. Revocations are rows in
 * `token_revocations`; each isolate keeps them in memory and pulls new rows (by id, so the query
 * is an index range scan of a few rows) at most every REVOCATION_SYNC_SECONDS. A revocation thus
 * takes effect at once in the isolate that recorded it and within that bound everywhere else.
 */
import { gt } from 'drizzle-orm';
import { chunkedInserts, runBatch } from '../db/batch';
import type { Db } from '../db/client';
import { tokenRevocations } from '../db/schema';

/** The bound (seconds) within which a revocation reaches every isolate. */
export const REVOCATION_SYNC_SECONDS = 10;

interface RevocationState {
  lastId: number;
  syncedAt: number;
  jtis: Set<string>;
  /** user id -> epoch seconds before which the user's tokens are dead. */
  userNotBefore: Map<number, number>;
  /** OAuth client_id -> epoch seconds before which the client's tokens are dead. */
  clientNotBefore: Map<string, number>;
}

let state: RevocationState | undefined;

export interface TokenIdentity {
  jti: string;
  userId: number | null;
  clientId: string;
  /** `iat` in epoch seconds. */
  issuedAt: number;
}

/** Whether the token is revoked (by id, or because its user's tokens were revoked after issue). */
export async function isRevoked(db: Db, token: TokenIdentity, now = Date.now()): Promise<boolean> {
  const current = await sync(db, now);
  if (current.jtis.has(token.jti)) return true;
  const userNotBefore = token.userId === null ? undefined : current.userNotBefore.get(token.userId);
  const clientNotBefore = current.clientNotBefore.get(token.clientId);
  return token.issuedAt < Math.max(userNotBefore ?? 0, clientNotBefore ?? 0);
}

/** Revoke access tokens until they would have expired. */
export async function revokeTokens(
  db: Db,
  tokens: readonly { jti: string; expiresAt: Date }[],
): Promise<void> {
  await runBatch(
    db,
    chunkedInserts(
      db,
      tokenRevocations,
      tokens.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt.toISOString() })),
    ),
  );
  for (const t of tokens) state?.jtis.add(t.jti);
}

/**
 * Revoke every token (and session) of a user, or every token of an OAuth client, issued up to now
 * (password change, deactivation, a deleted API key). `maxTokenSeconds` bounds how long the row
 * matters: no token lives longer.
 */
export async function revokeAllTokens(
  db: Db,
  subject: { userId: number } | { clientId: string },
  maxTokenSeconds: number,
  at = new Date(),
): Promise<void> {
  // Tokens issued in the same second as the revocation count as earlier (iat has 1 s resolution).
  const notBefore = Math.floor(at.getTime() / 1000) + 1;
  await db.insert(tokenRevocations).values({
    ...subject,
    notBefore: new Date(notBefore * 1000).toISOString(),
    expiresAt: new Date(at.getTime() + maxTokenSeconds * 1000).toISOString(),
  });
  if (state) apply(state, subject, notBefore);
}

async function sync(db: Db, now: number): Promise<RevocationState> {
  if (state && now - state.syncedAt < REVOCATION_SYNC_SECONDS * 1000) return state;
  const base: RevocationState = state ?? {
    lastId: 0,
    syncedAt: 0,
    jtis: new Set(),
    userNotBefore: new Map(),
    clientNotBefore: new Map(),
  };
  const nowIso = new Date(now).toISOString();
  const rows = await db
    .select()
    .from(tokenRevocations)
    .where(base.lastId === 0 ? gt(tokenRevocations.expiresAt, nowIso) : gt(tokenRevocations.id, base.lastId));
  for (const row of rows) {
    base.lastId = Math.max(base.lastId, row.id);
    if (row.jti) base.jtis.add(row.jti);
    if (row.notBefore) {
      const notBefore = Math.floor(Date.parse(row.notBefore) / 1000);
      if (row.userId !== null) apply(base, { userId: row.userId }, notBefore);
      if (row.clientId !== null) apply(base, { clientId: row.clientId }, notBefore);
    }
  }
  base.syncedAt = now;
  state = base;
  return base;
}

function apply(
  s: RevocationState,
  subject: { userId: number } | { clientId: string },
  notBefore: number,
): void {
  if ('userId' in subject) {
    s.userNotBefore.set(subject.userId, Math.max(s.userNotBefore.get(subject.userId) ?? 0, notBefore));
  } else {
    s.clientNotBefore.set(
      subject.clientId,
      Math.max(s.clientNotBefore.get(subject.clientId) ?? 0, notBefore),
    );
  }
}
